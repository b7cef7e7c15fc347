"""Eager forward latency: msshim against plain PyTorch (same weights, torch.no_grad) and, when an interpreter
with real MindSpore 2.10 is given, against MindSpore's PyNative mode.

    python benchmarks/bench_forward.py [--mindspore-python /path/to/venv-ms/bin/python] [--device cpu|cuda]

msshim and torch calls are interleaved round by round so machine noise hits both alike; the figure is the
median per-call time.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

import msshim  # noqa: E402

msshim.install_as_mindspore()
import mindspore as ms  # noqa: E402
from mindspore import Tensor  # noqa: E402

from msshim._examples.nets import CASES  # noqa: E402
from msshim._examples.torch_nets import torch_twin  # noqa: E402


def interleaved(fns: dict, rounds: int, per_round: int) -> dict:
    times = {k: [] for k in fns}
    sync = torch.cuda.synchronize if torch.cuda.is_available() else (lambda: None)
    for fn in fns.values():
        for _ in range(20):
            fn()
    for _ in range(rounds):
        for name, fn in fns.items():
            sync()
            start = time.perf_counter()
            for _ in range(per_round):
                fn()
            sync()
            times[name].append((time.perf_counter() - start) / per_round)
    return {k: float(np.median(v)) for k, v in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mindspore-python", help="interpreter with mindspore==2.10.0 installed")
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    if args.device == "cuda":
        ms.set_context(device_target="GPU")
    rows = []
    for name, (make, shape) in CASES.items():
        cell = make()
        cell.set_train(False)
        twin = torch_twin(cell)
        x = Tensor(np.random.RandomState(0).uniform(-1, 1, shape).astype(np.float32))
        xt = x.to_torch()
        assert np.allclose(cell(x).asnumpy(), twin(xt).detach().cpu().numpy(), atol=1e-5)

        def run_torch():
            with torch.no_grad():
                return twin(xt)

        result = interleaved({"msshim": lambda: cell(x), "torch": run_torch}, args.rounds, 20)
        rows.append([name, shape[0], result["msshim"], result["torch"]])
    ms_times = {}
    if args.mindspore_python:
        nets_file = os.path.join(os.path.dirname(HERE), "msshim", "_examples", "nets.py")
        out = subprocess.run([args.mindspore_python, os.path.join(HERE, "_mindspore_forward.py"), nets_file, "200"],
                             capture_output=True, text=True, check=True)
        ms_times = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, device {args.device}")
    print("| net | batch | msshim (ms) | torch (ms) | msshim/torch | MindSpore PyNative (ms) | MindSpore/msshim |")
    print("|---|---|---|---|---|---|---|")
    for name, batch, ours, theirs in rows:
        ref = ms_times.get(name)
        ms_cols = f"{ref * 1e3:.3f} | {ref / ours:.2f}x" if ref else "- | -"
        print(f"| {name} | {batch} | {ours * 1e3:.3f} | {theirs * 1e3:.3f} | {ours / theirs:.3f} | {ms_cols} |")


if __name__ == "__main__":
    main()
