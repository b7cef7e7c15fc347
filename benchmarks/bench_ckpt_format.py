"""Checkpoint format layer speed and memory: read a 1 GiB float32 .ckpt vs a plain ``open().read()``.

    python benchmarks/bench_ckpt_format.py [--gib 1.0] [--tensors 4] [--repeat 3] [--encrypted]

Writes the file to a temporary directory, warms the page cache, then measures each case in a fresh
subprocess (so peak RSS is that case's own): the median wall time of ``--repeat`` runs and the peak RSS
(VmHWM; file pages mapped and touched count too) above the interpreter's baseline, as a multiple of the file
size.  Cases:

* ``raw``: ``open(p, "rb").read()`` (the bytes object holds the whole file);
* ``read``: ``read_checkpoint(p)`` (arrays are lazy views of a copy-on-write mapping);
* ``read+touch``: ``read_checkpoint`` and a reduction over every array (every page actually read);
* ``read+copy``: ``read_checkpoint`` and ``np.array(v)`` of every array (private copies, like a loader that
  fills its own parameter storage);
* ``read+crc``: ``read_checkpoint(p, crc_check=True)`` of a file written with ``crc_check=True``;
* ``read-enc`` (``--encrypted``): AES-GCM file decrypted frame by frame.

The format package is loaded by path with torch blocked, as converters and tools use it.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PKG = os.path.join(os.path.dirname(HERE), "msshim", "train", "ckpt_format")
KEY = b"0123456789abcdef"


def load_ckpt_format():
    sys.modules["torch"] = None  # prove the layer needs no torch
    spec = importlib.util.spec_from_file_location("ckpt_format", os.path.join(PKG, "__init__.py"),
                                                  submodule_search_locations=[PKG])
    mod = importlib.util.module_from_spec(spec)
    sys.modules["ckpt_format"] = mod
    spec.loader.exec_module(mod)
    return mod


def peak_rss_bytes() -> int:
    """This process's peak RSS: VmHWM (ru_maxrss would include the forking parent's peak, kept across exec)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * (1 if sys.platform == "darwin" else 1024)


def child(case: str, path: str) -> None:
    import numpy as np

    ckf = load_ckpt_format()
    base = peak_rss_bytes()
    t0 = time.perf_counter()
    if case == "raw":
        with open(path, "rb") as f:
            data = f.read()
        n = len(data)
    elif case == "read-enc":
        entries = ckf.read_checkpoint(path, dec_key=KEY)
        n = sum(float(v.reshape(-1)[::1024].sum()) for _, v in entries)
    else:
        entries = ckf.read_checkpoint(path, crc_check=case == "read+crc")
        if case == "read+touch":
            n = sum(float(v.sum(dtype=np.float64)) for _, v in entries)
        elif case == "read+copy":
            copies = [np.array(v) for _, v in entries]
            n = len(copies)
        else:
            n = len(entries)
    dt = time.perf_counter() - t0
    print(json.dumps({"s": dt, "rss_delta": peak_rss_bytes() - base, "check": str(n)[:20]}))


def run(case: str, path: str, repeat: int) -> dict:
    runs = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, __file__, "--child", case, path], capture_output=True, text=True,
                             check=True)
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return {"s": statistics.median(r["s"] for r in runs), "rss_delta": max(r["rss_delta"] for r in runs)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gib", type=float, default=1.0)
    ap.add_argument("--tensors", type=int, default=4)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--encrypted", action="store_true")
    ap.add_argument("--child", nargs=2, metavar=("CASE", "PATH"))
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    import numpy as np

    ckf = load_ckpt_format()
    with tempfile.TemporaryDirectory() as d:
        rows = int(args.gib * (1 << 30) / 4 / args.tensors / 4096)
        rs = np.random.RandomState(0)
        arrays = [(f"layer{i}.weight", rs.standard_normal((rows, 4096)).astype(np.float32))
                  for i in range(args.tensors)]
        paths = {"plain": os.path.join(d, "big.ckpt"), "crc": os.path.join(d, "big_crc.ckpt"),
                 "enc": os.path.join(d, "big_enc.ckpt")}
        t0 = time.perf_counter()
        ckf.write_checkpoint(paths["plain"], arrays)
        write_s = time.perf_counter() - t0
        ckf.write_checkpoint(paths["crc"], arrays, crc_check=True)
        if args.encrypted:
            ckf.write_checkpoint(paths["enc"], arrays, enc_key=KEY)
        del arrays
        size = os.path.getsize(paths["plain"])
        for p in paths.values():  # warm the page cache so every case reads from memory
            if os.path.exists(p):
                with open(p, "rb") as f:
                    while f.read(64 << 20):
                        pass
        print(f"file: {size / (1 << 30):.3f} GiB, {args.tensors} float32 tensors; "
              f"write {size / write_s / 1e9:.2f} GB/s")
        results = {}
        cases = ["raw", "read", "read+touch", "read+copy", "read+crc"] + (["read-enc"] if args.encrypted else [])
        for case in cases:
            path = paths["crc"] if case == "read+crc" else paths["enc"] if case == "read-enc" else paths["plain"]
            results[case] = r = run(case, path, args.repeat)
            speed = size / r["s"] / 1e9
            rel = results["raw"]["s"] / r["s"]
            print(f"{case:11s} {r['s'] * 1000:9.1f} ms  {speed:7.2f} GB/s  {rel:6.2f}x raw  "
                  f"peak RSS +{r['rss_delta'] / size:5.2f}x file")


if __name__ == "__main__":
    main()
