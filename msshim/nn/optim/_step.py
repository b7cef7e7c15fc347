"""The optimizers' per-step machinery on the host side: float32 rounding of hyper-parameters, cached host
copies of scalar Parameters, the buckets of parameters sharing a learning rate, and the learning-rate sources
a bucket reads each step (a fixed Parameter, a per-step list, a schedule Cell)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import torch

from msshim.common.parameter import Parameter
from msshim.common.tensor import Tensor
from msshim.nn.cell import Cell
from msshim.nn.optim._lr_cells import _ConvertToCell, _IteratorLearningRate

if TYPE_CHECKING:
    from msshim.nn.optim.optimizer import Optimizer

_F32 = np.float32


def f32(x) -> float:
    """``x`` rounded to float32, as a Python float (what MindSpore's float32 hyper-parameters hold)."""
    return float(_F32(x))


class _HostScalar:
    """Host copy of a one-element tensor, re-read only when the tensor was written since (its version counter
    or storage changed): reading hyper-parameters costs no device sync per step."""

    __slots__ = ("t", "key", "value")

    def __init__(self, t: torch.Tensor):
        self.t = t
        self.key = None
        self.value = 0

    def get(self):
        t = self.t
        key = (t._version, t.data_ptr())
        if key != self.key:
            self.value = t.reshape(-1)[0].item()
            self.key = key
        return self.value

    def wrote(self, value) -> None:
        """Record ``value`` as what the optimizer itself just wrote into the tensor."""
        t = self.t
        self.key = (t._version, t.data_ptr())
        self.value = value

    def scale(self, factor: float) -> float:
        """``t *= factor`` in float32 (a beta power's update), returning the new host value."""
        value = float(_F32(self.get()) * _F32(factor))
        self.t.fill_(value)
        self.wrote(value)
        return value


class _Bucket:
    """Parameters sharing a learning rate: ``idx`` (None = all) and the torch lists of the parameters and of
    each optimizer state, sliced once; ``decay`` = ``[(weight_decay_source, local indices)]``."""

    __slots__ = ("lr", "idx", "lists", "decay")

    def __init__(self, lr, idx, lists, decay):
        self.lr, self.idx, self.lists, self.decay = lr, idx, lists, decay

    def take(self, values: list) -> list:
        idx = self.idx
        return values if idx is None else [values[i] for i in idx]


def _group_by(sources: list, indices) -> list:
    """``[(source, [indices])]`` of the non-None sources, equal float values / the same Cell together."""
    groups: dict = {}
    for i, source in zip(indices, sources):
        if source is None:
            continue
        key = ("v", source) if isinstance(source, float) else ("c", id(source))
        groups.setdefault(key, (source, []))[1].append(i)
    return list(groups.values())


class _StaticLR:
    __slots__ = ("host",)

    def __init__(self, param: Parameter):
        self.host = _HostScalar(param._t)

    def __call__(self, opt: Optimizer, step: int) -> float:
        return self.host.get()


class _ListLR:
    """A per-step list (``_IteratorLearningRate``): a host copy of the list, indexed with the host step."""

    __slots__ = ("cell", "key", "values")

    def __init__(self, cell: "_IteratorLearningRate"):
        self.cell = cell
        self.key = None
        self.values: list = []

    def __call__(self, opt: Optimizer, step: int) -> float:
        t = self.cell.learning_rate._t
        key = (t._version, t.data_ptr())
        if key != self.key:
            self.values = t.detach().cpu().tolist()
            self.key = key
        if not 0 <= step < len(self.values):
            raise RuntimeError(f"For 'Gather', the 'input_indices' should be in the range [0, {len(self.values)}), "
                               f"but got {step}: the dynamic learning rate list has {len(self.values)} values and "
                               f"global_step is {step}.")
        return self.values[step]


class _ScheduleLR:
    __slots__ = ("cell",)

    def __init__(self, cell: Cell):
        self.cell = cell

    def __call__(self, opt: Optimizer, step: int) -> float:
        out = self.cell(opt.global_step)
        return (out._t if isinstance(out, Tensor) else torch.as_tensor(out)).reshape(-1)[0].item()


def _lr_source(lr):
    if isinstance(lr, Parameter):
        return _StaticLR(lr)
    if isinstance(lr, _ConvertToCell):
        return _StaticLR(lr.learning_rate)
    if isinstance(lr, _IteratorLearningRate):
        return _ListLR(lr)
    return _ScheduleLR(lr)

