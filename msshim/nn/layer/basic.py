"""Basic layers: Dense, Flatten, Dropout, Identity, Pad (MindSpore 2.10 names, defaults and errors)."""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from msshim.common import dtype as mstype
from msshim.common.initializer import HeUniform, Uniform, initializer
from msshim.common.parameter import Parameter
from msshim.common.tensor import Tensor, wrap
from msshim.nn.cell import Cell
from msshim.nn.layer.activation import get_activation


def check_positive_int(value, arg: str, cls_name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"For '{cls_name}', the '{arg}' must be a positive int, but got {value!r}.")
    return value


def check_bool(value, arg: str, cls_name: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"For '{cls_name}', the '{arg}' must be bool, but got {type(value).__name__}.")
    return value


def compute_dtype(t: torch.Tensor, param: torch.Tensor) -> torch.Tensor:
    """A parameter in the input's floating dtype (what MindSpore's mixed precision casts insert)."""
    if param.dtype is not t.dtype and t.is_floating_point():
        return param.to(t.dtype)
    return param


class Dense(Cell):
    """``Dense(in_channels, out_channels, weight_init=None, bias_init=None, has_bias=True, activation=None,
    dtype=mstype.float32)``: ``weight (out, in)`` defaults to HeUniform(sqrt(5)), ``bias`` to
    Uniform(1/sqrt(in)); inputs of rank > 2 are flattened to 2-D and restored."""

    _builtin_layer = True

    def __init__(self, in_channels, out_channels, weight_init=None, bias_init=None, has_bias=True,
                 activation=None, dtype=mstype.float32):
        super().__init__()
        self.in_channels = check_positive_int(in_channels, "in_channels", "Dense")
        self.out_channels = check_positive_int(out_channels, "out_channels", "Dense")
        self.has_bias = check_bool(has_bias, "has_bias", "Dense")
        if isinstance(weight_init, Tensor) and weight_init.shape != (out_channels, in_channels):
            raise ValueError(f"For 'Dense', weight init shape error. The ndim of 'weight_init' must be equal to 2, "
                             f"and the first dim must be equal to 'out_channels', and the second dim must be equal "
                             f"to 'in_channels'. But got 'weight_init': {weight_init}, 'out_channels': "
                             f"{out_channels}, 'in_channels': {in_channels}.")
        if weight_init is None:
            weight_init = HeUniform(math.sqrt(5))
        self.weight = Parameter(initializer(weight_init, [out_channels, in_channels], dtype=dtype), name="weight")
        self.bias = None
        if self.has_bias:
            if isinstance(bias_init, Tensor) and bias_init.shape != (out_channels,):
                raise ValueError(f"For 'Dense', bias init shape error. The ndim of 'bias_init' must be equal to 1, "
                                 f"and the first dim must be equal to 'out_channels'. But got 'bias_init': "
                                 f"{bias_init}, 'out_channels': {out_channels}.")
            if bias_init is None:
                bias_init = Uniform(scale=1 / math.sqrt(in_channels))
            self.bias = Parameter(initializer(bias_init, [out_channels], dtype=dtype), name="bias")
        self.activation = get_activation(activation) if isinstance(activation, str) else activation
        if activation is not None and not callable(self.activation):
            raise TypeError(f"For 'Dense', the 'activation' must be str or Cell or Primitive, but got "
                            f"{type(activation).__name__}.")
        self.activation_flag = self.activation is not None

    def construct(self, x):
        t = x._t
        params = self._parameters
        w = params["weight"]
        if t.dim() == 0 or t.shape[-1] != self.in_channels:
            got = t.shape[-1] if t.dim() else "a scalar"
            raise ValueError(f"For 'MatMul' the input dimensions must be equal, but got 'x1_col': {got} and "
                             f"'x2_row': {self.in_channels}.")
        if t.dtype is not w.dtype and not t.is_floating_point():
            raise TypeError(f"For 'MatMul', the type of 'x2' should be same as 'x1', but got 'x1' with type "
                            f"Tensor[{mstype.from_torch(t.dtype)}] and 'x2' with type "
                            f"Tensor[{mstype.from_torch(w.dtype)}].")
        b = params.get("bias")
        out = F.linear(t, compute_dtype(t, w), None if b is None else compute_dtype(t, b))
        if self.activation_flag:
            return self.activation(wrap(out))
        return wrap(out)

    def extend_repr(self) -> str:
        s = f"input_channels={self.in_channels}, output_channels={self.out_channels}"
        if self.has_bias:
            s += f", has_bias={self.has_bias}"
        if self.activation_flag:
            s += f", activation={self.activation}"
        return s


class Flatten(Cell):
    """``Flatten(start_dim=1, end_dim=-1)``."""

    _builtin_layer = True

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def construct(self, x):
        t = x._t
        ndim = t.dim() or 1
        for axis in (self.start_dim, self.end_dim):
            if axis < -ndim or axis >= ndim:
                raise ValueError("'start_dim' or 'end_dim' out of range.")
        if t.dim() == 0:
            return wrap(t.reshape(1))
        return wrap(torch.flatten(t, self.start_dim, self.end_dim))


class Identity(Cell):
    _builtin_layer = True

    def __init__(self, *args, **kwargs):
        super().__init__()

    def construct(self, input):  # noqa: A002 - MindSpore's argument name
        return input


class Dropout(Cell):
    """``Dropout(keep_prob=0.5, p=None, dtype=mstype.float32)``: ``p`` (2.x) is the drop probability,
    ``keep_prob`` (1.x) the keep probability; identity in eval mode."""

    _builtin_layer = True

    def __init__(self, keep_prob=0.5, p=None, dtype=mstype.float32):
        super().__init__()
        if p is None:
            if not isinstance(keep_prob, float):
                raise TypeError(f"For 'Dropout', the 'keep_prob' must be float, but got {type(keep_prob).__name__}.")
            if keep_prob <= 0 or keep_prob > 1:
                raise ValueError(f"For 'Dropout', the 'keep_prob' must be a number in range (0, 1], but got "
                                 f"{keep_prob}.")
            self._drop = 1.0 - keep_prob
        else:
            if isinstance(p, bool) or not isinstance(p, (float, int)):
                raise TypeError(f"For 'Dropout', the 'p' must be float or int, but got {type(p).__name__}.")
            if p < 0 or p >= 1:
                raise ValueError(f"For 'Dropout', the 'p' must be a number in range [0, 1), but got {p}.")
            self._drop = float(p)
        self.p = p
        self.keep_prob = keep_prob

    def construct(self, x):
        if not self.training or self._drop == 0:
            return x
        return wrap(F.dropout(x._t, self._drop, True))

    def extend_repr(self) -> str:
        return f"keep_prob={self.keep_prob}" if self.p is None else f"p={self.p}"


_PAD_MODES = {"CONSTANT": "constant", "REFLECT": "reflect", "SYMMETRIC": "symmetric"}


def pad_nd(t: torch.Tensor, paddings, mode: str, value=0.0) -> torch.Tensor:
    """Pad with MindSpore's ``((before, after), ...)`` per-dimension layout, first dimension first.

    SYMMETRIC (edge repeated) has no torch mode: it is built by mirroring slices.
    """
    paddings = [tuple(p) for p in paddings]
    if mode == "constant":
        flat = [v for pair in reversed(paddings) for v in pair]
        return F.pad(t, flat, mode="constant", value=value)
    for dim, (before, after) in enumerate(paddings):
        if before == 0 and after == 0:
            continue
        size = t.shape[dim]
        if mode == "reflect":
            left = t.narrow(dim, 1, before).flip(dim) if before else None
            right = t.narrow(dim, size - 1 - after, after).flip(dim) if after else None
        else:
            left = t.narrow(dim, 0, before).flip(dim) if before else None
            right = t.narrow(dim, size - after, after).flip(dim) if after else None
        t = torch.cat([p for p in (left, t, right) if p is not None], dim=dim)
    return t


class Pad(Cell):
    """``Pad(paddings, mode="CONSTANT")``: ``paddings`` is a tuple of ``(before, after)`` pairs, one per
    dimension starting from the first; modes CONSTANT, REFLECT (edge excluded), SYMMETRIC (edge included)."""

    _builtin_layer = True

    def __init__(self, paddings, mode="CONSTANT"):
        super().__init__()
        if mode not in _PAD_MODES:
            raise ValueError(f"For 'Pad', the 'mode' must be in ['CONSTANT', 'REFLECT', 'SYMMETRIC'], but got "
                             f"{mode}.")
        if not isinstance(paddings, tuple) or not all(isinstance(p, tuple) and len(p) == 2 for p in paddings):
            raise TypeError(f"For 'Pad', the 'paddings' must be a tuple of (before, after) tuples, but got "
                            f"{paddings}.")
        self.paddings = paddings
        self.mode = mode

    def construct(self, x):
        t = x._t
        if len(self.paddings) != t.dim():
            raise ValueError(f"For 'Pad', the length of 'paddings' must be equal to the rank of the input "
                             f"{t.dim()}, but got {len(self.paddings)}.")
        return wrap(pad_nd(t, self.paddings, _PAD_MODES[self.mode]))
