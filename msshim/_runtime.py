"""Process-wide runtime state shared by tensors, cells and the context module.

Kept in one tiny module with no msshim imports so that hot paths (Cell.__call__, Tensor creation)
read plain attributes instead of calling into ``context``.
"""
from __future__ import annotations

import threading

import torch


class _Runtime(threading.local):
    def __init__(self) -> None:
        # >0 while a MindSpore gradient function (value_and_grad, grad, GradOperation) runs its forward, or a
        # cell was called with torch tensors: only then does a forward pass record an autograd graph, as in
        # MindSpore (torch callers keep torch's rules).
        self.grad_depth = 0


RUNTIME = _Runtime()

# The device new tensors and cells live on: CPU, or CUDA after set_context(device_target="GPU").
DEVICE = {"device": torch.device("cpu")}


def current_device() -> torch.device:
    return DEVICE["device"]


def set_current_device(device: torch.device) -> None:
    DEVICE["device"] = device
