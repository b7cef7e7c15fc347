"""Plain PyTorch counterparts of msshim/_examples/nets.py (torch's own layer classes), for checking msshim's
results and timing it against PyTorch."""
from __future__ import annotations

import torch


class TorchLeNet5(torch.nn.Module):
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


def torch_tutorial() -> torch.nn.Module:
    return torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 512), torch.nn.ReLU(),
                               torch.nn.Linear(512, 512), torch.nn.ReLU(), torch.nn.Linear(512, 10))


def torch_twin(cell) -> torch.nn.Module:
    """The torch counterpart of a ``Network`` or ``LeNet5`` cell, with the cell's weights (same order and
    shapes), in eval mode on the cell's device."""
    net = torch_tutorial() if type(cell).__name__ == "Network" else TorchLeNet5()
    net.load_state_dict(dict(zip(net.state_dict().keys(), cell.state_dict().values())))
    return net.to(next(cell.parameters()).device).eval()
