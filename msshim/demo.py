"""``msshim demo``: MindSpore code running on PyTorch, end to end, offline, on CPU or CUDA.

It runs unchanged MindSpore-API code (the beginner tutorial's network and LeNet5), shows that the
parameters carry MindSpore's checkpoint names, checks the results against the same computation in
plain PyTorch modules loaded from the cell's ``state_dict()``, and times both.  Each step prints one
row of a summary table.
"""
from __future__ import annotations

import time

import numpy as np
import torch

_TUTORIAL_CODE = '''
import mindspore
from mindspore import nn

class Network(nn.Cell):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.dense_relu_sequential = nn.SequentialCell(
            nn.Dense(28 * 28, 512), nn.ReLU(), nn.Dense(512, 512), nn.ReLU(), nn.Dense(512, 10))

    def construct(self, x):
        x = self.flatten(x)
        return self.dense_relu_sequential(x)

class LeNet5(nn.Cell):
    def __init__(self, num_class=10, num_channel=1):
        super().__init__()
        self.conv1 = nn.Conv2d(num_channel, 6, 5, pad_mode='valid')
        self.conv2 = nn.Conv2d(6, 16, 5, pad_mode='valid')
        self.fc1 = nn.Dense(16 * 5 * 5, 120)
        self.fc2 = nn.Dense(120, 84)
        self.fc3 = nn.Dense(84, num_class)
        self.relu = nn.ReLU()
        self.max_pool2d = nn.MaxPool2d(kernel_size=2, stride=2)
        self.flatten = nn.Flatten()

    def construct(self, x):
        x = self.max_pool2d(self.relu(self.conv1(x)))
        x = self.max_pool2d(self.relu(self.conv2(x)))
        x = self.flatten(x)
        x = self.relu(self.fc1(x))
        x = self.relu(self.fc2(x))
        return self.fc3(x)
'''


def _torch_tutorial() -> torch.nn.Module:
    return torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 512), torch.nn.ReLU(),
                               torch.nn.Linear(512, 512), torch.nn.ReLU(), torch.nn.Linear(512, 10))


class _TorchLeNet5(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 6, 5, bias=False)
        self.conv2 = torch.nn.Conv2d(6, 16, 5, bias=False)
        self.fc1 = torch.nn.Linear(400, 120)
        self.fc2 = torch.nn.Linear(120, 84)
        self.fc3 = torch.nn.Linear(84, 10)

    def forward(self, x):
        x = torch.max_pool2d(torch.relu(self.conv1(x)), 2, 2)
        x = torch.max_pool2d(torch.relu(self.conv2(x)), 2, 2)
        x = torch.flatten(x, 1)
        return self.fc3(torch.relu(self.fc2(torch.relu(self.fc1(x)))))


def _time(fn, repeat: int = 30) -> float:
    for _ in range(3):
        fn()
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        best = min(best, time.perf_counter() - start)
    return best * 1e3


def _row(step: str, result: str, ms: float | None = None) -> None:
    timing = f"{ms:9.3f} ms" if ms is not None else " " * 12
    print(f"| {step:<44} | {result:<38} | {timing} |")


def main(device: str = "auto") -> int:
    import msshim

    msshim.install_as_mindspore()
    import mindspore
    from mindspore import Tensor

    target = "GPU" if device == "GPU" or (device == "auto" and torch.cuda.is_available()) else "CPU"
    mindspore.set_context(device_target=target)
    print(f"msshim {msshim.MSSHIM_VERSION} (MindSpore {mindspore.__version__} API) on torch {torch.__version__}, "
          f"device {target}")
    print("| step" + " " * 41 + "| result" + " " * 33 + "| time         |")
    print("|" + "-" * 46 + "|" + "-" * 40 + "|" + "-" * 14 + "|")

    namespace: dict = {}
    start = time.perf_counter()
    exec(compile(_TUTORIAL_CODE, "<mindspore tutorial code>", "exec"), namespace)
    net, lenet = namespace["Network"](), namespace["LeNet5"]()
    _row("build tutorial Network + LeNet5 (MindSpore API)", "ok", (time.perf_counter() - start) * 1e3)
    names = [name for name, _ in net.parameters_and_names()]
    _row("checkpoint names of Network", f"{names[0]} ... ({len(names)} params)")

    rng = np.random.RandomState(0)
    failures = 0
    for label, cell, reference, shape in (("tutorial Network", net, _torch_tutorial(), (64, 1, 28, 28)),
                                          ("LeNet5", lenet, _TorchLeNet5(), (32, 1, 32, 32))):
        state = cell.state_dict()
        reference.load_state_dict(dict(zip(reference.state_dict().keys(), state.values())))
        reference = reference.to(next(cell.parameters()).device).eval()
        cell.set_train(False)
        x = Tensor(rng.uniform(-1, 1, shape).astype(np.float32))
        ours = cell(x).asnumpy()
        with torch.no_grad():
            theirs = reference(x.to_torch()).cpu().numpy()
            t_torch = _time(lambda: reference(x.to_torch()))
        err = float(np.abs(ours - theirs).max())
        failures += err > 1e-5
        t_ms = _time(lambda: cell(x))
        _row(f"{label} forward, batch {shape[0]} (msshim)", f"output {ours.shape}, max |diff| {err:.1e}", t_ms)
        _row(f"{label} forward, batch {shape[0]} (plain torch)", f"msshim/torch = {t_ms / t_torch:.2f}x", t_torch)
    print("demo " + ("passed" if not failures else "FAILED"))
    return 1 if failures else 0
