"""ckpt -> .pt conversion: ``converters.convert`` vs the usual script (MindSpore ``load_checkpoint`` then
save every array), on a 1 GiB float32 checkpoint (four 256 MiB tensors + biases).

    /work/venv/bin/python benchmarks/bench_convert.py [--size-gib 1.0] [--repeat 3] \
        [--mindspore-python /work/venv-ms/bin/python]
    /work/venv/bin/python benchmarks/bench_convert.py --size-gib 4 --memory-only [--tmpdir DIR]

``--memory-only``: no timing comparison; the checkpoint (on disk, in ``--tmpdir``: not /dev/shm, whose pages
would count as memory) is converted once each way, ckpt -> pt, ckpt -> safetensors, pt -> ckpt, each in a
fresh subprocess, and the peak RSS (VmHWM, also as growth over the RSS before the conversion) is reported
against the source file's size.  The files are deleted afterwards.

Each run is a fresh subprocess; imports happen first, then the peak RSS is reset (``/proc/self/clear_refs``)
and only the conversion is timed.  Peak = VmHWM minus RSS before the conversion (file pages touched count).
The MindSpore venv has no torch, so its script is ``load_checkpoint`` + ``asnumpy()`` + ``pickle.dump`` of the
dict of arrays (what ``torch.save`` costs: every byte serialised once; it cannot be cheaper than that).
The file's pages are in the page cache before any case runs.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

PRELUDE = """
import sys, time, json
def status(key):
    return int([l for l in open('/proc/self/status') if l.startswith(key)][0].split()[1]) * 1024
"""
SHIM = PRELUDE + """
import torch, converters, converters.io.torch_pt
open('/proc/self/clear_refs', 'w').write('5'); base = status('VmRSS'); t = time.perf_counter()
converters.convert(sys.argv[1], sys.argv[2], keep_names=True, progress=False)
print(json.dumps({"s": time.perf_counter() - t, "peak": status('VmHWM') - base, "hwm": status('VmHWM')}))
"""
MS = PRELUDE + """
import pickle, mindspore as ms
open('/proc/self/clear_refs', 'w').write('5'); base = status('VmRSS'); t = time.perf_counter()
params = ms.load_checkpoint(sys.argv[1])
state = {k: v.asnumpy() for k, v in params.items()}
with open(sys.argv[2], 'wb') as f:
    pickle.dump(state, f, protocol=4)
print(json.dumps({"s": time.perf_counter() - t, "peak": status('VmHWM') - base}))
"""


def _once(python: str, script: str, src: str, dst: str, keep: bool = False) -> dict:
    env = dict(os.environ, PYTHONPATH=REPO, GLOG_v="3")
    out = subprocess.run([python, "-c", script, src, dst], capture_output=True, text=True, env=env, check=True)
    if os.path.exists(dst) and not keep:
        os.chmod(dst, 0o600)
        os.remove(dst)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _memory(src: str, tmp: str) -> None:
    """Peak RSS of each direction against the size of its source file."""
    pt = os.path.join(tmp, "net.pt")
    print(f"{'direction':22s} {'source':>9s} {'VmHWM':>9s} {'growth':>9s}  VmHWM/source  growth/source")
    for label, a, b in (("ckpt -> pt", src, pt), ("ckpt -> safetensors", src, os.path.join(tmp, "net.safetensors")),
                        ("pt -> ckpt", pt, os.path.join(tmp, "back.ckpt"))):
        size = os.path.getsize(a)
        r = _once(sys.executable, SHIM, a, b, keep=b == pt)
        gib = 1 << 30
        print(f"{label:22s} {size / gib:7.2f} G {r['hwm'] / gib:7.2f} G {r['peak'] / gib:7.2f} G  "
              f"{r['hwm'] / size:12.2f}  {r['peak'] / size:13.2f}", flush=True)
    os.remove(pt)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size-gib", "--gib", dest="gib", type=float, default=1.0)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--mindspore-python", default="/work/venv-ms/bin/python")
    ap.add_argument("--memory-only", action="store_true", help="peak RSS of ckpt->pt, ckpt->safetensors, pt->ckpt")
    ap.add_argument("--tmpdir", default=None, help="where the files go (on disk; default: the system temp dir)")
    args = ap.parse_args()
    import numpy as np

    from msshim.train.ckpt_format import write_checkpoint
    n = int((args.gib * (1 << 30) / 16) ** 0.5)
    with tempfile.TemporaryDirectory(dir=args.tmpdir) as tmp:
        src = os.path.join(tmp, "net.ckpt")
        write_checkpoint(src, ((f"layers.{i}.{k}", np.full(shape, i + 0.5, np.float32))
                               for i in range(4) for k, shape in (("weight", (n, n)), ("bias", (n,)))))
        size = os.path.getsize(src)
        if args.memory_only:
            _memory(src, tmp)
            return
        with open(src, "rb") as f:  # into the page cache
            while f.read(64 << 20):
                pass
        rows = {}
        for name, python, script, dst in (("converters", sys.executable, SHIM, "out.pt"),
                                          ("mindspore+save", args.mindspore_python, MS, "out.pkl")):
            runs = [_once(python, script, src, os.path.join(tmp, dst)) for _ in range(args.repeat)]
            times = [r["s"] for r in runs]
            rows[name] = (statistics.median(times), min(times), max(times), max(r["peak"] for r in runs))
        print(f"checkpoint {size / (1 << 30):.2f} GiB, median (min-max) of {args.repeat}")
        for name, (s, lo, hi, peak) in rows.items():
            print(f"{name:16s} {s:7.2f} s ({lo:.2f}-{hi:.2f})  peak RSS growth {peak / (1 << 20):7.0f} MiB "
                  f"({peak / size:.2f}x file)")
        ms, ours = rows["mindspore+save"], rows["converters"]
        print(f"speed-up {ms[0] / ours[0]:.1f}x (worst case {ms[1] / ours[2]:.1f}x)")


if __name__ == "__main__":
    main()
