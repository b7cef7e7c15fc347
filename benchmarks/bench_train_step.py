"""One training step of the beginner tutorial's MLP (784-512-512-10, batch 64): msshim against plain PyTorch
and, when an interpreter with real MindSpore 2.10 is given, against MindSpore's PyNative mode.

    python benchmarks/bench_train_step.py [--mindspore-python /path/to/venv-ms/bin/python] [--device cpu|cuda]

Rows, for SGD (the tutorial's ``nn.SGD(params, 1e-2)``) and Momentum (0.9):

* torch: ``loss.backward()`` + ``torch.optim.SGD`` (with ``momentum=0.9`` for the Momentum rows);
* msshim / MindSpore ``value_and_grad``: the quickstart tutorial's ``grad_fn = value_and_grad(forward_fn,
  None, optimizer.parameters)`` then ``optimizer(grads)``;
* msshim / MindSpore ``TrainOneStepCell(WithLossCell(net, loss), optimizer)``.

The loss is ``CrossEntropyLoss`` when msshim has it, else ``MSELoss`` on one-hot targets (the same in every
framework).  msshim and torch runs are interleaved round by round; the figure is the median per-step time.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
BATCH = 64
STEPS_PER_ROUND = 10


def _data():
    rs = np.random.RandomState(0)
    x = rs.uniform(-1, 1, (BATCH, 1, 28, 28)).astype(np.float32)
    labels = rs.randint(0, 10, (BATCH,)).astype(np.int32)
    return x, labels, np.eye(10, dtype=np.float32)[labels]


def _timed(step, rounds: int, sync=lambda: None) -> float:
    for _ in range(10):
        step()
    times = []
    for _ in range(rounds):
        sync()
        start = time.perf_counter()
        for _ in range(STEPS_PER_ROUND):
            step()
        sync()
        times.append((time.perf_counter() - start) / STEPS_PER_ROUND)
    return float(np.median(times))


def _mindspore_steps(ms, nn, net, opt_name: str, loss_kind: str, kind: str):
    """A MindSpore-API training step (used for msshim and, in the worker, for real MindSpore)."""
    x, labels, onehot = _data()
    loss_fn = nn.CrossEntropyLoss() if loss_kind == "ce" else nn.MSELoss()
    data = ms.Tensor(x)
    target = ms.Tensor(labels) if loss_kind == "ce" else ms.Tensor(onehot)
    params = net.trainable_params()
    opt = nn.SGD(params, 1e-2) if opt_name == "SGD" else nn.Momentum(params, 1e-2, 0.9)
    if kind == "TrainOneStepCell":
        train = nn.TrainOneStepCell(nn.WithLossCell(net, loss_fn), opt)
        train.set_train()
        return lambda: train(data, target)

    def forward_fn(inputs, label):
        return loss_fn(net(inputs), label)

    grad_fn = ms.value_and_grad(forward_fn, None, opt.parameters)
    net.set_train()

    def step():
        loss, grads = grad_fn(data, target)
        opt(grads)
        return loss

    return step


def mindspore_worker(nets_file: str, loss_kind: str, rounds: int) -> None:
    """Runs under real MindSpore: prints {"<opt>/<kind>": seconds per step}."""
    import importlib.util

    import mindspore as ms
    from mindspore import nn

    spec = importlib.util.spec_from_file_location("msshim_example_nets", nets_file)
    nets = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(nets)
    ms.set_context(mode=ms.PYNATIVE_MODE)
    result = {}
    for opt_name in ("SGD", "Momentum"):
        for kind in ("value_and_grad", "TrainOneStepCell"):
            step = _mindspore_steps(ms, nn, nets.Network(), opt_name, loss_kind, kind)
            result[f"{opt_name}/{kind}"] = _timed(lambda: step().asnumpy(), rounds)
    print(json.dumps(result))


def main() -> None:
    import torch

    sys.path.insert(0, os.path.dirname(HERE))
    import msshim

    msshim.install_as_mindspore()
    import mindspore as ms
    from mindspore import nn

    from msshim._examples.nets import Network
    from msshim._examples.torch_nets import torch_twin

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mindspore-python", help="interpreter with mindspore==2.10.0 installed")
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    if args.device == "cuda":
        ms.set_context(device_target="GPU")
    sync = torch.cuda.synchronize if args.device == "cuda" else (lambda: None)
    loss_kind = "ce" if hasattr(nn, "CrossEntropyLoss") else "mse"
    x, labels, onehot = _data()
    dev = torch.device(args.device)
    xt = torch.from_numpy(x).to(dev)
    yt = torch.from_numpy(labels).long().to(dev) if loss_kind == "ce" else torch.from_numpy(onehot).to(dev)
    torch_loss = torch.nn.CrossEntropyLoss() if loss_kind == "ce" else torch.nn.MSELoss()

    rows = {}
    for opt_name in ("SGD", "Momentum"):
        twin = torch_twin(Network()).train()
        topt = torch.optim.SGD(twin.parameters(), lr=1e-2, momentum=0.0 if opt_name == "SGD" else 0.9)

        def torch_step():
            topt.zero_grad(set_to_none=True)
            loss = torch_loss(twin(xt), yt)
            loss.backward()
            topt.step()
            return loss

        steps = {"torch": torch_step}
        for kind in ("value_and_grad", "TrainOneStepCell"):
            steps[kind] = _mindspore_steps(ms, nn, Network(), opt_name, loss_kind, kind)
        for fn in steps.values():
            for _ in range(10):
                fn()
        times = {k: [] for k in steps}
        for _ in range(args.rounds):  # interleaved so machine noise hits every variant alike
            for name, fn in steps.items():
                times[name].append(_timed(fn, 1, sync))
        rows[opt_name] = {k: float(np.median(v)) for k, v in times.items()}

    ms_times = {}
    if args.mindspore_python:
        nets_file = os.path.join(os.path.dirname(HERE), "msshim", "_examples", "nets.py")
        out = subprocess.run([args.mindspore_python, os.path.abspath(__file__), "--mindspore-worker", nets_file,
                              loss_kind, str(args.rounds)], capture_output=True, text=True, check=True)
        ms_times = json.loads(out.stdout.strip().splitlines()[-1])

    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, device {args.device}, batch {BATCH}, "
          f"loss {'CrossEntropyLoss' if loss_kind == 'ce' else 'MSELoss'}")
    print("| optimizer | step | msshim (ms) | torch (ms) | msshim/torch | MindSpore PyNative (ms) | "
          "MindSpore/msshim |")
    print("|---|---|---|---|---|---|---|")
    for opt_name, row in rows.items():
        for kind in ("value_and_grad", "TrainOneStepCell"):
            ours, theirs = row[kind], row["torch"]
            ref = ms_times.get(f"{opt_name}/{kind}")
            ms_cols = f"{ref * 1e3:.3f} | {ref / ours:.2f}x" if ref else "- | -"
            print(f"| {opt_name} | {kind} | {ours * 1e3:.3f} | {theirs * 1e3:.3f} | {ours / theirs:.3f} | {ms_cols} |")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--mindspore-worker":
        mindspore_worker(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        main()
