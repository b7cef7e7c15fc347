"""Activation cells with MindSpore's names and defaults (GELU is the tanh approximation by default,
LeakyReLU's slope is ``alpha=0.2``, PReLU's parameter is ``w`` created with the name ``'a'``)."""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from msshim.common import dtype as mstype
from msshim.common.parameter import Parameter
from msshim.common.tensor import Tensor, wrap
from msshim.nn.cell import Cell

__all__ = ["ReLU", "ReLU6", "Sigmoid", "Tanh", "SiLU", "SeLU", "Softsign", "Tanhshrink", "HSwish", "HSigmoid",
           "LogSigmoid", "Mish", "FastGelu", "GELU", "LeakyReLU", "ELU", "CELU", "Hardtanh", "SoftShrink", "HShrink",
           "Threshold", "RReLU", "Softmax", "Softmin", "Softmax2d", "LogSoftmax", "GLU", "PReLU", "get_activation"]


class _Elementwise(Cell):
    """An activation that applies one torch function to its input."""

    _builtin_layer = True

    def _fn(self, t: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError(f"{type(self).__name__} must define _fn.")  # pragma: no cover

    def construct(self, x):
        return wrap(self._fn(x._t))


class ReLU(_Elementwise):
    def _fn(self, t):
        return torch.relu(t)


class ReLU6(_Elementwise):
    def _fn(self, t):
        return F.relu6(t)


class Sigmoid(_Elementwise):
    def _fn(self, t):
        return torch.sigmoid(t)


class Tanh(_Elementwise):
    def _fn(self, t):
        return torch.tanh(t)


class SiLU(_Elementwise):
    def _fn(self, t):
        return F.silu(t)


class SeLU(_Elementwise):
    def _fn(self, t):
        return F.selu(t)


class Softsign(_Elementwise):
    def _fn(self, t):
        return F.softsign(t)


class Tanhshrink(_Elementwise):
    def _fn(self, t):
        return F.tanhshrink(t)


class HSwish(_Elementwise):
    def _fn(self, t):
        return F.hardswish(t)


class HSigmoid(_Elementwise):
    def _fn(self, t):
        return F.hardsigmoid(t)


class LogSigmoid(_Elementwise):
    def _fn(self, t):
        return F.logsigmoid(t)


class Mish(_Elementwise):
    def _fn(self, t):
        return F.mish(t)


class FastGelu(_Elementwise):
    """MindSpore's FastGelu: x / (1 + exp(-1.702 |x|)) * exp(0.851 (x - |x|))."""

    def _fn(self, t):
        a = torch.abs(t)
        return t / (1 + torch.exp(-1.702 * a)) * torch.exp(0.851 * (t - a))


class GELU(_Elementwise):
    """``GELU(approximate=True)``: True is the tanh approximation (MindSpore's default), False the exact erf."""

    def __init__(self, approximate=True):
        super().__init__()
        if not isinstance(approximate, bool):
            raise TypeError(f"For 'GELU', the 'approximate' must be bool, but got {type(approximate).__name__}.")
        self.approximate = "tanh" if approximate else "none"

    def _fn(self, t):
        return F.gelu(t, approximate=self.approximate)


class LeakyReLU(_Elementwise):
    def __init__(self, alpha=0.2):
        super().__init__()
        self.alpha = alpha

    def _fn(self, t):
        return F.leaky_relu(t, self.alpha)


class ELU(_Elementwise):
    def __init__(self, alpha=1.0):
        super().__init__()
        self.alpha = alpha

    def _fn(self, t):
        return F.elu(t, self.alpha)


class CELU(_Elementwise):
    def __init__(self, alpha=1.0):
        super().__init__()
        self.alpha = alpha

    def _fn(self, t):
        return F.celu(t, self.alpha)


class Hardtanh(_Elementwise):
    def __init__(self, min_val=-1.0, max_val=1.0):
        super().__init__()
        self.min_val, self.max_val = min_val, max_val

    def _fn(self, t):
        return F.hardtanh(t, self.min_val, self.max_val)


class SoftShrink(_Elementwise):
    def __init__(self, lambd=0.5):
        super().__init__()
        self.lambd = lambd

    def _fn(self, t):
        return F.softshrink(t, self.lambd)


class HShrink(_Elementwise):
    def __init__(self, lambd=0.5):
        super().__init__()
        self.lambd = lambd

    def _fn(self, t):
        return F.hardshrink(t, self.lambd)


class Threshold(_Elementwise):
    def __init__(self, threshold, value):
        super().__init__()
        self.threshold, self.value = threshold, value

    def _fn(self, t):
        return F.threshold(t, self.threshold, self.value)


class RReLU(_Elementwise):
    """Random slope in [lower, upper] while training; the mean slope in eval mode."""

    def __init__(self, lower=1 / 8, upper=1 / 3):
        super().__init__()
        self.lower, self.upper = lower, upper

    def _fn(self, t):
        return F.rrelu(t, self.lower, self.upper, training=self.training)


def _softmax_axes(t: torch.Tensor, axis) -> int:
    if isinstance(axis, int):
        return axis
    if len(axis) != 1:
        raise ValueError(f"For 'Softmax', msshim supports a single softmax axis, but got {axis}.")
    return axis[0]


class Softmax(_Elementwise):
    """``Softmax(axis=-1)``."""

    def __init__(self, axis=-1):
        super().__init__()
        self.axis = axis

    def _fn(self, t):
        return torch.softmax(t, _softmax_axes(t, self.axis))


class Softmin(_Elementwise):
    def __init__(self, axis=-1):
        super().__init__()
        self.axis = axis

    def _fn(self, t):
        return torch.softmax(-t, _softmax_axes(t, self.axis))


class Softmax2d(_Elementwise):
    def _fn(self, t):
        return torch.softmax(t, -3)


class LogSoftmax(_Elementwise):
    """``LogSoftmax(axis=-1)``."""

    def __init__(self, axis=-1):
        super().__init__()
        self.axis = axis

    def _fn(self, t):
        return torch.log_softmax(t, self.axis)


class GLU(_Elementwise):
    def __init__(self, axis=-1):
        super().__init__()
        self.axis = axis

    def _fn(self, t):
        return F.glu(t, self.axis)


class PReLU(Cell):
    """``PReLU(channel=1, w=0.25)``: slope parameter ``w`` of shape ``(channel,)`` applied on axis 1."""

    _builtin_layer = True

    def __init__(self, channel=1, w=0.25):
        super().__init__()
        if isinstance(channel, bool) or not isinstance(channel, int) or channel <= 0:
            raise ValueError(f"For 'PReLU', the 'channel' must be a positive int, but got {channel}.")
        if isinstance(w, (float, np.float32)):
            w = Tensor(np.full((channel,), w, dtype=np.float32))
        elif isinstance(w, list):
            if len(w) != channel:
                raise ValueError(f"For 'PReLU', the length of 'w' must be equal to the 'channel' when the 'w' is a "
                                 f"list, but got the length of 'w': {len(w)}, the 'channel': {channel}.")
            w = Tensor(w, dtype=mstype.float32)
        elif isinstance(w, Tensor):
            if w.dtype not in (mstype.float16, mstype.float32):
                raise ValueError(f"For 'PReLU', the dtype of 'w' must be float16 or float32 when the 'w' is a tensor, "
                                 f"but got {w.dtype}.")
            if len(w.shape) != 1 or w.shape[0] != channel:
                raise ValueError(f"For 'PReLU', the dimension of 'w' must be 1, and the elements number should be "
                                 f"equal to the 'channel' when the 'w' is a tensor, but got 'w' shape {w.shape}, the "
                                 f"'channel' {channel}.")
        else:
            raise TypeError(f"For 'PReLU', the 'w' only supported float, list and tensor, but got "
                            f"{type(w).__name__}.")
        self.w = Parameter(w, name="a")

    def construct(self, x):
        t = x._t
        return wrap(F.prelu(t, self._parameters["w"].to(t.dtype)))


_ACTIVATIONS = {
    "softmin": Softmin, "softmax": Softmax, "softmax2d": Softmax2d, "logsoftmax": LogSoftmax, "relu": ReLU,
    "relu6": ReLU6, "rrelu": RReLU, "silu": SiLU, "tanh": Tanh, "tanhshrink": Tanhshrink, "hardtanh": Hardtanh,
    "gelu": GELU, "fast_gelu": FastGelu, "elu": ELU, "sigmoid": Sigmoid, "softsign": Softsign, "prelu": PReLU,
    "leakyrelu": LeakyReLU, "hswish": HSwish, "hsigmoid": HSigmoid, "logsigmoid": LogSigmoid,
    "softshrink": SoftShrink, "hshrink": HShrink, "mish": Mish, "celu": CELU, "selu": SeLU, "glu": GLU,
}


def get_activation(name, prim_name=None):
    """The activation cell for a MindSpore activation name (``'relu'``, ``'gelu'``, ...); None for None."""
    if name is None:
        return None
    if name not in _ACTIVATIONS:
        raise KeyError(f"For '{prim_name or 'get_activation'}', the 'name' must be in {list(_ACTIVATIONS)}, but got "
                       f"{name}.")
    return _ACTIVATIONS[name]()
