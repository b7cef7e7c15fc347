"""save_checkpoint / load_checkpoint: msshim vs real MindSpore 2.10 on a 1 GiB float32 checkpoint.

    /work/venv/bin/python benchmarks/bench_checkpoint.py [--gib 1.0] [--repeat 5] \
        [--mindspore-python /work/venv-ms/bin/python] [--cases read,ms-load,...]

The network is ``SequentialCell(Dense(n, n) x 4)`` (n = 8192 for 1 GiB: four 256 MiB weights + biases),
built the same way under both frameworks.  The checkpoint is written once (msshim and MindSpore write the
same bytes) and its pages are in the page cache before any case runs.  Every measurement runs in a fresh
subprocess (msshim's under this interpreter, MindSpore's under ``--mindspore-python``); the child builds what
it needs and loads a tiny checkpoint first (warm-up), then resets its peak RSS (``/proc/self/clear_refs``) and
times only the operation.  Reported: the median wall time of ``--repeat`` runs and the largest peak-RSS
growth (VmHWM minus the RSS before the operation; file pages mapped and touched count) as a multiple of the
file size.  Cases (``X`` = ``ms`` for MindSpore, ``shim`` for msshim):

* ``read``: ``open(path, "rb").read()``, the speed of reading the file's bytes;
* ``X-load``: ``load_checkpoint(path)`` returns (msshim: lazy views of a copy-on-write mapping);
* ``X-load+touch``: ... and one element of every 4 KiB page of every Parameter read (all data resident);
* ``X-load+net``: ``load_checkpoint`` + ``load_param_into_net`` into the prebuilt net, then every page of
  every net parameter touched (the net is usable);
* ``X-save``: ``save_checkpoint(net, path)`` of the prebuilt net (file in the same directory).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
LAYERS = 4
ALL_CASES = ["read", "shim-load", "ms-load", "shim-load+touch", "ms-load+touch", "shim-load+net", "ms-load+net",
             "shim-save", "ms-save"]


# ------------------------------------------------------------------------------------------------ child side
def _status(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def _reset_peak() -> None:
    with open("/proc/self/clear_refs", "w") as f:  # "5": reset VmHWM to the current RSS (Linux >= 4.0)
        f.write("5")


def _touch(value) -> float:
    arr = value.asnumpy().reshape(-1)
    return float(arr[::1024].sum())  # one float32 per 4 KiB page


def child(case: str, path: str, n: int) -> None:
    if not case.startswith("ms-"):
        sys.path.insert(0, REPO)
        import msshim

        msshim.install_as_mindspore()
    import mindspore as ms
    from mindspore import nn

    net = None
    if case.endswith(("+net", "save")):
        net = nn.SequentialCell([nn.Dense(n, n) for _ in range(LAYERS)])
    tiny = os.path.join(os.path.dirname(path), f"tiny_{os.getpid()}.ckpt")
    ms.save_checkpoint(nn.Dense(2, 2), tiny)  # warm-up: first-call costs are not the measurement
    ms.load_checkpoint(tiny)
    os.chmod(tiny, 0o600)
    os.remove(tiny)
    out = path.replace(".ckpt", f"_out_{os.getpid()}.ckpt")
    before = _status("VmRSS")
    _reset_peak()
    t0 = time.perf_counter()
    check = 0.0
    kind = case.split("-", 1)[1] if "-" in case else case
    if kind == "read":
        with open(path, "rb") as f:
            check = len(f.read())
    elif kind in ("load", "load+touch"):
        params = ms.load_checkpoint(path)
        if kind == "load+touch":
            check = sum(_touch(v) for v in params.values())
    elif kind == "load+net":
        params = ms.load_checkpoint(path)
        not_loaded, _ = ms.load_param_into_net(net, params)
        assert not not_loaded, not_loaded
        check = sum(_touch(p) for _, p in net.parameters_and_names())
    elif kind == "save":
        ms.save_checkpoint(net, out)
    seconds = time.perf_counter() - t0
    peak = _status("VmHWM") - before
    if os.path.exists(out):
        os.chmod(out, 0o600)
        os.remove(out)
    print(json.dumps({"s": seconds, "peak": peak, "check": check}))


# ------------------------------------------------------------------------------------------------ parent side
def write_checkpoint(path: str, n: int) -> None:
    """The 1 GiB file, written with msshim's format layer (what both frameworks' save_checkpoint write for a
    net with these values): layer i weight = a cheap deterministic pattern, biases zero."""
    sys.path.insert(0, REPO)
    import numpy as np
    from msshim.train.ckpt_format import write_checkpoint as write

    entries = []
    for i in range(LAYERS):
        w = (np.arange(n * n, dtype=np.float32).reshape(n, n) % 251.0 - 125.0) / (1000.0 + i)
        entries += [(f"{i}.weight", w), (f"{i}.bias", np.zeros(n, np.float32))]
    write(path, entries)


def measure(python: str, case: str, path: str, n: int, repeat: int) -> dict:
    runs = []
    for _ in range(repeat):
        proc = subprocess.run([python, os.path.abspath(__file__), "--child", case, path, str(n)],
                              capture_output=True, text=True, check=False)
        if proc.returncode:
            raise RuntimeError(f"{case} failed:\n{proc.stderr[-3000:]}")
        runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    times = [r["s"] for r in runs]
    return {"s": statistics.median(times), "min": min(times), "max": max(times), "peak": max(r["peak"] for r in runs),
            "check": runs[0]["check"]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gib", type=float, default=1.0)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--mindspore-python", default="/work/venv-ms/bin/python")
    ap.add_argument("--cases", default=",".join(ALL_CASES))
    ap.add_argument("--dir", help="directory for the files (default: a temporary one)")
    ap.add_argument("--child", nargs=3, metavar=("CASE", "PATH", "N"))
    args = ap.parse_args()
    if args.child:
        child(args.child[0], args.child[1], int(args.child[2]))
        return
    n = int(round((args.gib * (1 << 30) / 4 / LAYERS) ** 0.5))
    work = tempfile.mkdtemp(prefix="bench_ckpt_", dir=args.dir)
    try:
        path = os.path.join(work, "big.ckpt")
        write_checkpoint(path, n)
        size = os.path.getsize(path)
        with open(path, "rb") as f:  # page cache
            while f.read(64 << 20):
                pass
        print(f"file: {size / (1 << 30):.3f} GiB ({LAYERS} x Dense({n}, {n}), float32); median of {args.repeat} runs")
        results = {}
        for case in args.cases.split(","):
            python = args.mindspore_python if case.startswith("ms-") else sys.executable
            results[case] = r = measure(python, case, path, n, args.repeat)
            print(f"{case:16s} {r['s'] * 1000:9.1f} ms (min {r['min'] * 1000:7.1f}, max {r['max'] * 1000:7.1f})"
                  f"  {size / r['s'] / 1e9:6.2f} GB/s  peak RSS +{r['peak'] / size:5.2f}x file", flush=True)
        print()
        for kind in ("load", "load+touch", "load+net", "save"):
            shim, ms_ = results.get("shim-" + kind), results.get("ms-" + kind)
            if shim and ms_:
                line = f"{kind:11s} msshim {ms_['s'] / shim['s']:6.1f}x faster than MindSpore"
                if "read" in results and kind != "save":
                    line += f", {results['read']['s'] / shim['s']:5.2f}x the speed of reading the bytes"
                print(line)
    finally:
        for root, dirs, files in os.walk(work):
            for entry in files:
                os.chmod(os.path.join(root, entry), 0o600)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
