"""GraphCell latency: msshim's ``nn.GraphCell(mindspore.load(f))`` (onnxruntime) against real MindSpore 2.10's
GraphCell on the same MindIR files, in one run.

    python benchmarks/bench_graph_cell.py --mindspore-python /path/to/venv-ms/bin/python [--calls 200]

The MindSpore interpreter exports LeNet5 (batch 1 and 32) and the tutorial MLP (batch 1 and 64) with
``mindspore.export``, times its own GraphCell on them and saves inputs/outputs; msshim then loads the same files,
checks its outputs against MindSpore's and times ``graph(x).asnumpy()`` the same way (median per call, after
20 warm-up calls); MindSpore and msshim alternate for ``--rounds`` rounds and the medians are reported.  Without --mindspore-python, msshim exports the files itself and only msshim is timed.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import msshim  # noqa: E402

msshim.install_as_mindspore()
import mindspore as ms  # noqa: E402
from mindspore import Tensor, nn  # noqa: E402

NETS_FILE = os.path.join(os.path.dirname(HERE), "msshim", "_examples", "nets.py")
CASES = ["LeNet5 b1", "LeNet5 b32", "tutorial MLP b1", "tutorial MLP b64"]


def _msshim_exports(out: str) -> None:
    """The same cases exported by msshim (when no MindSpore interpreter is given)."""
    from msshim._examples.nets import LeNet5, Network

    shapes = [(LeNet5, (1, 1, 32, 32)), (LeNet5, (32, 1, 32, 32)), (Network, (1, 1, 28, 28)),
              (Network, (64, 1, 28, 28))]
    for i, (make, shape) in enumerate(shapes):
        net = make()
        net.set_train(False)
        x = Tensor(np.random.RandomState(i).uniform(-1, 1, shape).astype(np.float32))
        ms.export(net, x, file_name=os.path.join(out, f"case{i}"), file_format="MINDIR")
        np.savez(os.path.join(out, f"case{i}.npz"), x=x.asnumpy(), y=net(x).asnumpy())


def _time(graph, x: Tensor, calls: int) -> float:
    return _time_fn(lambda: graph(x).asnumpy(), calls)


def _time_fn(fn, calls: int) -> float:
    for _ in range(20):
        fn()
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def _bare_session(path: str, x: np.ndarray):
    """The same graph as a bare onnxruntime session (msshim's translation, no GraphCell around it): the floor."""
    import onnxruntime as ort

    from msshim.train._mindir.reader import read_model
    from msshim.train._mindir.to_onnx import to_onnx

    session = ort.InferenceSession(to_onnx(read_model(path)).SerializeToString(), providers=["CPUExecutionProvider"])
    feed = {session.get_inputs()[0].name: x}
    return lambda: session.run(None, feed)[0]


def _msshim_round(out: str, calls: int) -> dict:
    """One GraphCell (then one bare session) alive at a time: idle onnxruntime thread pools spin for a while after
    each run and would slow the next session down on a 2-core machine."""
    result = {}
    for i, name in enumerate(CASES):
        data = np.load(os.path.join(out, f"case{i}.npz"))
        graph = nn.GraphCell(ms.load(os.path.join(out, f"case{i}.mindir")))
        x = Tensor(data["x"])
        diff = float(np.max(np.abs(graph(x).asnumpy() - data["y"])))
        ours = _time(graph, x, calls)
        del graph
        bare = _time_fn(_bare_session(os.path.join(out, f"case{i}.mindir"), data["x"]), calls)
        result[name] = (ours, bare, diff)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mindspore-python", help="interpreter with mindspore==2.10.0 installed")
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3, help="alternating MindSpore / msshim rounds (medians)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as out:
        ms_rounds, ours_rounds = [], []
        if not args.mindspore_python:
            _msshim_exports(out)
        for _ in range(args.rounds):
            if args.mindspore_python:
                run = subprocess.run([args.mindspore_python, os.path.join(HERE, "_mindspore_graph_cell.py"),
                                      NETS_FILE, out, str(args.calls)], capture_output=True, text=True, cwd=out)
                if run.returncode != 0:
                    sys.exit(f"MindSpore side failed:\n{run.stderr[-3000:]}")
                ms_rounds.append(json.loads(run.stdout.strip().splitlines()[-1]))
            ours_rounds.append(_msshim_round(out, args.calls))
        print(f"onnxruntime {__import__('onnxruntime').__version__}; MindIR written by "
              f"{'MindSpore 2.10' if ms_rounds else 'msshim'}; median of {args.calls} calls, median of "
              f"{args.rounds} alternating rounds")
        print("| graph | msshim GraphCell (ms) | bare onnxruntime (ms) | MindSpore GraphCell (ms) | MindSpore/msshim "
              "| max abs diff |")
        print("|---|---|---|---|---|---|")
        for name in CASES:
            ours = float(np.median([r[name][0] for r in ours_rounds]))
            bare = float(np.median([r[name][1] for r in ours_rounds]))
            diff = max(r[name][2] for r in ours_rounds)
            ref = float(np.median([r[name] for r in ms_rounds])) if ms_rounds else None
            ms_cols = f"{ref * 1e3:.3f} | {ref / ours:.1f}x" if ref else "- | -"
            print(f"| {name} | {ours * 1e3:.4f} | {bare * 1e3:.4f} | {ms_cols} | {diff:.1e} |")


if __name__ == "__main__":
    main()
