"""Plain PyTorch counterparts of msshim/_examples/nets.py (torch's own layer classes), for checking msshim's
results and timing it against PyTorch."""
from __future__ import annotations

import torch


class TorchLeNet5(torch.nn.Module):
    """LeNet5 written the way the MindSpore version is: one module per layer, called in the same order."""

    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 6, 5, bias=False)
        self.conv2 = torch.nn.Conv2d(6, 16, 5, bias=False)
        self.fc1 = torch.nn.Linear(400, 120)
        self.fc2 = torch.nn.Linear(120, 84)
        self.fc3 = torch.nn.Linear(84, 10)
        self.relu = torch.nn.ReLU()
        self.max_pool2d = torch.nn.MaxPool2d(kernel_size=2, stride=2)
        self.flatten = torch.nn.Flatten()

    def forward(self, x):
        x = self.max_pool2d(self.relu(self.conv1(x)))
        x = self.max_pool2d(self.relu(self.conv2(x)))
        x = self.flatten(x)
        x = self.relu(self.fc1(x))
        x = self.relu(self.fc2(x))
        return self.fc3(x)


class TorchNetwork(torch.nn.Module):
    """The tutorial's Network in plain PyTorch with the same attribute names, so a MindSpore checkpoint converted to
    ``.pt`` (``msshim convert model.ckpt model.pt``) loads into it with ``strict=True``."""

    def __init__(self):
        super().__init__()
        self.flatten = torch.nn.Flatten()
        self.dense_relu_sequential = torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(),
                                                         torch.nn.Linear(512, 512), torch.nn.ReLU(),
                                                         torch.nn.Linear(512, 10))

    def forward(self, x):
        return self.dense_relu_sequential(self.flatten(x))


def torch_tutorial() -> torch.nn.Module:
    return torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 512), torch.nn.ReLU(),
                               torch.nn.Linear(512, 512), torch.nn.ReLU(), torch.nn.Linear(512, 10))


def torch_twin(cell) -> torch.nn.Module:
    """The torch counterpart of a ``Network`` or ``LeNet5`` cell, with the cell's weights (same order and
    shapes), in eval mode on the cell's device."""
    net = torch_tutorial() if type(cell).__name__ == "Network" else TorchLeNet5()
    net.load_state_dict(dict(zip(net.state_dict().keys(), cell.state_dict().values())))
    return net.to(next(cell.parameters()).device).eval()
