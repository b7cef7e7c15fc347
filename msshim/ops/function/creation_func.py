"""Tensor-creating operators: ``ones``, ``zeros``, ``full``, ``fill``, ``arange``, ``linspace``, ``eye``, ...

MindSpore defaults kept here: ``ones``/``zeros``/``eye`` default to Float32; ``full`` without ``dtype`` is
**Int64** (``ops.full((2, 2), 1.5)`` gives ``[[1, 1], [1, 1]]``); ``arange`` takes the widest of its
arguments' types (int -> Int64, float -> Float32); ``linspace`` is Float32.
"""
from __future__ import annotations

import numpy as np
import torch

from msshim.common import dtype as mstype
from msshim.common.tensor import Tensor, wrap
from msshim.ops.function._utils import device, new_shape_checked, shape_arg, tensor_arg, to_dtype

__all__ = ["ones", "zeros", "ones_like", "zeros_like", "full", "full_like", "fill", "fills", "arange", "range",
           "linspace", "logspace", "eye", "tril_indices", "triu_indices", "scalar_to_tensor",
           "tuple_to_array"]

_builtin_range = range


def _value(v):
    """A fill value as a Python scalar (0-d Tensors accepted)."""
    if isinstance(v, Tensor):
        return v._t.item()
    if isinstance(v, np.generic):
        return v.item()
    return v


def _filled(shape: tuple, value, dtype: torch.dtype) -> torch.Tensor:
    if dtype.is_floating_point or dtype is torch.bool or dtype.is_complex:
        return torch.full(shape, value, dtype=dtype, device=device())
    # MindSpore casts the value to the integer type first (truncation toward zero)
    return torch.full(shape, int(value), dtype=dtype, device=device())


def ones(shape, dtype=None) -> Tensor:
    """``ops.ones(shape, dtype=None)``: Float32 unless ``dtype`` is given."""
    shape = new_shape_checked(shape_arg(shape, "Ones"), "Ones")
    return wrap(torch.ones(shape, dtype=torch.float32 if dtype is None else to_dtype(dtype, "Ones"),
                           device=device()))


def zeros(size, dtype=None) -> Tensor:
    """``ops.zeros(size, dtype=None)``: Float32 unless ``dtype`` is given."""
    size = new_shape_checked(shape_arg(size, "Zeros"), "Zeros")
    return wrap(torch.zeros(size, dtype=torch.float32 if dtype is None else to_dtype(dtype, "Zeros"),
                            device=device()))


def ones_like(input, *, dtype=None) -> Tensor:
    t = tensor_arg(input, "input", "ones_like")
    return wrap(torch.ones_like(t, dtype=None if dtype is None else to_dtype(dtype)))


def zeros_like(input, *, dtype=None) -> Tensor:
    t = tensor_arg(input, "input", "zeros_like")
    return wrap(torch.zeros_like(t, dtype=None if dtype is None else to_dtype(dtype)))






def full(size, fill_value, *, dtype=None) -> Tensor:
    """``ops.full(size, fill_value, *, dtype=None)``: the dtype defaults to **Int64** whatever the value."""
    if not isinstance(size, (list, tuple)):
        raise TypeError(f"For 'ops.full', 'size' must be a tuple or list of ints, but got {type(size)}.")
    torch_dtype = torch.int64 if dtype is None else to_dtype(dtype, "ops.full")
    shape = new_shape_checked(shape_arg(size, "FillV2"), "FillV2")
    return wrap(_filled(shape, _value(fill_value), torch_dtype))


def full_like(input, fill_value, *, dtype=None) -> Tensor:
    if not isinstance(input, Tensor):
        raise TypeError(f"For ops.full_like, the argument 'x' must be tensor, but got {type(input)}")
    torch_dtype = input._t.dtype if dtype is None else to_dtype(dtype)
    return wrap(_filled(tuple(input._t.shape), _value(fill_value), torch_dtype))


def fill(type, shape, value) -> Tensor:
    """``ops.fill(type, shape, value)``: note the argument order (dtype first)."""
    shape = new_shape_checked(shape_arg(shape, "FillV2"), "FillV2")
    return wrap(_filled(shape, _value(value), to_dtype(type, "Fill")))


def fills(x, value) -> Tensor:
    """``ops.fills(x, value)``: a tensor like ``x`` filled with ``value``."""
    t = tensor_arg(x, "x", "fills")
    return wrap(_filled(tuple(t.shape), _value(value), t.dtype))


_ARANGE_LEVEL = {torch.int32: 0, torch.int64: 1, torch.float32: 2, torch.float64: 3}
_LEVEL_DTYPE = {0: torch.int32, 1: torch.int64, 2: torch.float32, 3: torch.float64}


def _arange_level(v) -> int:
    if isinstance(v, Tensor):
        level = _ARANGE_LEVEL.get(v._t.dtype)
        if level is None or v._t.dim() != 0:
            if level is None:
                raise TypeError(f"For arange, the input type must be int or float or a TensorScalar in [Int32, "
                                f"Float32, Int64, Float64], but got {v.dtype}")
            raise ValueError(f"For arange, the input args must be a TensorScalar, but got shape {v.shape}")
        return level
    if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
        raise TypeError(f"For arange, the input type must be int or float or a TensorScalar in [Int32, Float32, "
                        f"Int64, Float64], but got {type(v)}")
    return 2 if isinstance(v, (float, np.floating)) else 1


def _range_values(start, end, step, torch_dtype: torch.dtype, op: str) -> torch.Tensor:
    if step == 0:
        raise ValueError(f"For '{op}', the 'delta' can not be equal to zero.")
    if (step > 0 and start > end) or (step < 0 and start < end):
        raise ValueError(f"For '{op}', the 'delta' must have the same sign as 'limit - start', but got "
                         f"start: {start}, limit: {end}, delta: {step}.")
    return torch.arange(start, end, step, dtype=torch_dtype, device=device())


def arange(start=0, end=None, step=1, *, dtype=None) -> Tensor:
    """``ops.arange(start=0, end=None, step=1, *, dtype=None)``: the values are computed in the widest
    argument type (Int32 < Int64 < Float32 < Float64) and then cast to ``dtype``."""
    if end is None:
        start, end = 0, start
    level = max(_arange_level(start), _arange_level(end), _arange_level(step))
    computed = _LEVEL_DTYPE[level]
    vals = [_value(v) for v in (start, end, step)]
    out = _range_values(*vals, computed, "Range")
    if dtype is not None:
        out = out.to(to_dtype(dtype))
    return wrap(out)


def range(start, end, step, maxlen=1000000) -> Tensor:
    """``ops.range(start, end, step, maxlen)``: Int64 for integer inputs, Float32 for floating ones."""
    ts = [tensor_arg(v, n, "Range") for v, n in ((start, "start"), (end, "limit"), (step, "delta"))]
    dtype = torch.float32 if any(t.is_floating_point() for t in ts) else torch.int64
    out = _range_values(*(t.item() for t in ts), dtype, "Range")
    if out.numel() > maxlen:
        raise ValueError(f"For 'Range', the number of elements of output must be less than 'maxlen', but got "
                         f"{out.numel()} and maxlen {maxlen}.")
    return wrap(out)


def linspace(start, end, steps) -> Tensor:
    """``ops.linspace(start, end, steps)``: Float32 (the type of tensor ``start``/``end`` when given)."""
    dtype = start._t.dtype if isinstance(start, Tensor) else torch.float32
    steps = int(_value(steps))
    if steps <= 0:
        raise ValueError(f"For 'LinSpace', the 'steps' must be greater than 0, but got {steps}.")
    return wrap(torch.linspace(float(_value(start)), float(_value(end)), steps, dtype=dtype, device=device()))


def logspace(start, end, steps, base=10, *, dtype=mstype.float32) -> Tensor:
    """``base ** linspace(start, end, steps)``; ``start``/``end`` must be floats or Tensors (ints are refused)."""
    for v in (start, end):
        if not isinstance(v, (float, Tensor)):
            raise TypeError("The primitive[LogSpace]'s input arguments[end, start] must be all tensor and those type "
                            "must be same")
    return wrap(torch.logspace(float(_value(start)), float(_value(end)), int(steps), base=base,
                               dtype=to_dtype(dtype), device=device()))


def eye(n, m=None, dtype=None) -> Tensor:
    """``ops.eye(n, m=None, dtype=None)``: Float32 by default."""
    n = int(_value(n))
    m = n if m is None else int(_value(m))
    if n < 0 or m < 0:
        raise ValueError(f"Eye error: {'n' if n < 0 else 'm'} value can not be negative.")
    return wrap(torch.eye(n, m, dtype=torch.float32 if dtype is None else to_dtype(dtype, "Eye"), device=device()))


def tril_indices(row, col, offset=0, *, dtype=mstype.int64) -> Tensor:
    return wrap(torch.tril_indices(row, col, offset, dtype=to_dtype(dtype), device=device()))


def triu_indices(row, col, offset=0, *, dtype=mstype.int64) -> Tensor:
    return wrap(torch.triu_indices(row, col, offset, dtype=to_dtype(dtype), device=device()))


def scalar_to_tensor(input_x, dtype=mstype.float32) -> Tensor:
    """A 0-d tensor of a Python scalar, Float32 by default."""
    return wrap(torch.tensor(_value(input_x), dtype=to_dtype(dtype), device=device()))


def tuple_to_array(input_x) -> Tensor:
    """A 1-D tensor of a tuple of numbers: Int32 for ints, Float32 for floats."""
    if not isinstance(input_x, (tuple, list)) or not input_x:
        raise TypeError(f"For 'TupleToArray', the input must be a non-empty tuple, but got {input_x!r}.")
    is_float = any(isinstance(v, float) for v in input_x)
    return wrap(torch.tensor(list(input_x), dtype=torch.float32 if is_float else torch.int32, device=device()))
