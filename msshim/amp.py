"""``mindspore.amp``: mixed precision, loss scalers and managers, ``all_finite``."""
from __future__ import annotations

from abc import ABC, abstractmethod

import torch

from msshim.common import dtype as mstype
from msshim.common.parameter import Parameter
from msshim.common.tensor import Tensor, wrap
from msshim.train.amp import (auto_mixed_precision, build_train_network, custom_mixed_precision, get_black_list,
                              get_white_list)
from msshim.train.loss_scale_manager import DynamicLossScaleManager, FixedLossScaleManager, LossScaleManager

__all__ = ["DynamicLossScaleManager", "LossScaleManager", "FixedLossScaleManager", "build_train_network",
           "DynamicLossScaler", "StaticLossScaler", "LossScaler", "auto_mixed_precision", "all_finite",
           "custom_mixed_precision", "get_white_list", "get_black_list"]


def _tensors(inputs) -> list:
    if isinstance(inputs, Tensor):
        return [inputs._t]
    if isinstance(inputs, torch.Tensor):
        return [inputs]
    if isinstance(inputs, (tuple, list)):
        return [t for x in inputs for t in _tensors(x)]
    raise TypeError(f"The inputs must be a Tensor or a tuple/list of Tensors, but got {type(inputs).__name__}.")


def all_finite(inputs) -> Tensor:
    """A bool scalar Tensor: True when no element of ``inputs`` (a tuple/list of Tensors) is inf or NaN."""
    ts = _tensors(inputs)
    if not ts:
        return wrap(torch.tensor(True))
    return wrap(torch.stack([torch.isfinite(t).all() for t in ts]).all())


def _map(inputs, fn):
    if isinstance(inputs, Tensor):
        return fn(inputs)
    if isinstance(inputs, (tuple, list)):
        return tuple(_map(x, fn) for x in inputs)
    raise TypeError(f"The inputs must be a Tensor or a tuple/list of Tensors, but got {type(inputs).__name__}.")


def _check_scale_value(scale_value) -> float:
    if isinstance(scale_value, bool) or not isinstance(scale_value, (float, int)):
        raise TypeError(f"The type of 'scale_value' should be float or int, but got {type(scale_value).__name__}.")
    if scale_value < 1.0:
        raise ValueError("The argument 'scale_value' must be > 1, but got {}".format(scale_value))
    return scale_value


def _positive_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"The type of '{name}' should be int, but got {type(value).__name__}.")
    if value <= 0:
        raise ValueError(f"'{name}' must be a positive int, but got {value}.")
    return value


class LossScaler(ABC):
    """Base of loss scalers: ``scale(inputs)``, ``unscale(inputs)``, ``adjust(grads_finite)``."""

    @abstractmethod
    def scale(self, inputs):
        raise NotImplementedError

    @abstractmethod
    def unscale(self, inputs):
        raise NotImplementedError

    @abstractmethod
    def adjust(self, grads_finite):
        raise NotImplementedError


class StaticLossScaler(LossScaler):
    """Scales and unscales by a fixed ``scale_value`` (a float32 Parameter named ``scale_value``)."""

    def __init__(self, scale_value):
        self.scale_value = Parameter(Tensor(_check_scale_value(scale_value), dtype=mstype.float32),
                                     name="scale_value")

    def scale(self, inputs):
        s = self.scale_value._t
        return _map(inputs, lambda x: wrap(x._t * s.to(x._t.dtype)))

    def unscale(self, inputs):
        inv = torch.reciprocal(self.scale_value._t)
        return _map(inputs, lambda x: wrap(x._t * inv.to(x._t.dtype)))

    def adjust(self, grads_finite):
        return False


class DynamicLossScaler(StaticLossScaler):
    """``DynamicLossScaler(scale_value, scale_factor, scale_window)``: ``adjust(grads_finite)`` multiplies the
    scale by ``scale_factor`` after ``scale_window`` finite steps (if the result is finite) and divides it
    (not below 1) on a non-finite step, resetting the counter (Int32 Parameter ``counter``)."""

    def __init__(self, scale_value, scale_factor, scale_window):
        super().__init__(scale_value)
        self.scale_window = _positive_int(scale_window, "scale_window")
        self.scale_factor = _positive_int(scale_factor, "scale_factor")
        self.counter = Parameter(Tensor(0, dtype=mstype.int32), name="counter")

    def adjust(self, grads_finite):
        finite = bool(grads_finite._t if isinstance(grads_finite, Tensor) else grads_finite)
        scale, counter = self.scale_value._t, self.counter._t
        with torch.no_grad():
            if finite:
                if int(counter) == self.scale_window - 1:
                    grown = scale * self.scale_factor
                    if bool(torch.isfinite(grown)):
                        scale.copy_(grown)
                counter.copy_((counter + 1) % self.scale_window)
            else:
                scale.copy_(torch.clamp(scale / self.scale_factor, min=1.0))
                counter.zero_()
        return True
