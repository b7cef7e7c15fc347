"""Shared helpers of the functional operators: argument unwrapping, MindSpore's error messages.

Every op follows one pattern: unwrap msshim Tensors with :func:`to_torch`, compute with torch, return
``wrap(result)``.  Checks that MindSpore performs (broadcastable shapes, axis ranges) are done only on the
error path where possible: the torch call runs first and its ``RuntimeError``/``IndexError`` is translated
into MindSpore's exception type and message, so correct calls pay nothing for validation.
"""
from __future__ import annotations

import numbers

import numpy as np
import torch

from msshim import _runtime
from msshim.common import dtype as mstype
from msshim.common._convert import to_torch
from msshim.common.tensor import Tensor, wrap

__all__: list = []

_TorchTensor = torch.Tensor


def tensor_arg(x, name: str = "input", op: str = "") -> torch.Tensor:
    """The torch tensor of a tensor argument; Python scalars and numpy arrays become tensors with MindSpore's
    default types (float -> Float32, int -> Int64, bool -> Bool)."""
    t = getattr(x, "_t", None)
    if t is not None:
        return t
    if isinstance(x, _TorchTensor):
        return x
    if isinstance(x, np.ndarray):
        return to_torch(x)
    if isinstance(x, (bool, int, float, np.generic)) and not isinstance(x, np.ndarray):
        return scalar_tensor(x)
    if isinstance(x, (list, tuple)):
        try:
            return Tensor(x)._t
        except (TypeError, ValueError):
            pass
    raise TypeError(f"For '{op or name}', the input argument '{name}' must be Tensor, but got "
                    f"{type(x).__name__}.")


def scalar_tensor(value, dtype: torch.dtype | None = None) -> torch.Tensor:
    """A 0-d tensor of a Python/numpy scalar with MindSpore's default type, on the current device."""
    if dtype is None:
        if isinstance(value, (bool, np.bool_)):
            dtype = torch.bool
        elif isinstance(value, (int, np.integer)):
            dtype = torch.int64
        elif isinstance(value, (float, np.floating)):
            dtype = torch.float32
        elif isinstance(value, complex):
            dtype = torch.complex64
    return torch.tensor(value, dtype=dtype, device=_runtime.current_device())


def operand(x, op: str, name: str = "input"):
    """A binary-op operand for torch: tensors unwrap, Python numbers pass through (torch promotes them as
    MindSpore promotes scalars: ``int32 + 1.5 -> Float32``, ``float16 + 1.0 -> Float16``)."""
    t = getattr(x, "_t", None)
    if t is not None:
        return t
    if isinstance(x, (_TorchTensor, numbers.Number)):
        return x
    if isinstance(x, np.ndarray):
        return to_torch(x)
    if isinstance(x, np.generic):
        return x.item()
    raise TypeError(f"Failed calling {op} with \"{op}()(input={_type_name(x)})\".")


def _type_name(x) -> str:
    if isinstance(x, str):
        return "string"
    if isinstance(x, Tensor):
        return "Tensor"
    if isinstance(x, (list, tuple)):
        return type(x).__name__.capitalize()
    return type(x).__name__


def ms_dtype_name(t: torch.Tensor) -> str:
    return str(mstype.from_torch(t.dtype))


def ms_shape(t) -> str:
    """A shape as MindSpore prints it in broadcast errors: ``[2, 3]``."""
    return "[" + ", ".join(str(int(s)) for s in t.shape) + "]"


def broadcast_error(op: str, a, b, names=("input1", "input2")) -> ValueError:
    """MindSpore's message when two shapes do not broadcast (1-based dimension indices, as it prints them)."""
    sa = list(getattr(a, "shape", ()))
    sb = list(getattr(b, "shape", ()))
    ia, ib = len(sa), len(sb)
    for k in range(1, min(ia, ib) + 1):
        da, db = sa[-k], sb[-k]
        if da != db and da != 1 and db != 1:
            ia, ib = len(sa) - k + 1, len(sb) - k + 1
            break
    n1, n2 = names
    return ValueError(f"For '{op}', {n1}.shape and {n2}.shape need to broadcast. The value of {n1}.shape[{ia}] "
                      f"or {n2}.shape[{ib}] must be 1 or -1 when they are not the same, but got {n1}.shape = "
                      f"{ms_shape(a)} and {n2}.shape = {ms_shape(b)}")


def shapes_broadcast(a, b) -> bool:
    try:
        torch.broadcast_shapes(tuple(getattr(a, "shape", ())), tuple(getattr(b, "shape", ())))
        return True
    except RuntimeError:
        return False


def norm_axis(axis: int, ndim: int, op: str, closed: bool = False, word: str = "axis") -> int:
    """``axis`` in ``[-ndim, ndim)`` (``[-ndim, ndim]`` when ``closed``) as a non-negative int, or
    MindSpore's ValueError ``For primitive[Op], the axis must be in [-n,n), but got a.``"""
    rank = max(ndim, 1)
    hi = rank if closed else rank - 1
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"For '{op}', the '{word}' must be int, but got {type(axis).__name__}.")
    if axis < -rank or axis > hi:
        bracket = "]" if closed else ")"
        raise ValueError(f"For primitive[{op}], the {word} must be in [{-rank},{rank}{bracket}, but got {axis}.")
    return int(axis) % rank if ndim else 0


def reduce_axes(axis, ndim: int, op: str):
    """MindSpore reduction axes (``None``/``()``/``[]`` = all) as torch ``dim`` (None = all), validated with
    ``For primitive[Op], the axis value must be in [-n,n), but got a.``"""
    if axis is None:
        return None
    if isinstance(axis, Tensor):
        axis = axis._t.tolist()
    if isinstance(axis, (list, tuple)):
        if len(axis) == 0:
            return None
        axes = tuple(int(a) for a in axis)
    else:
        axes = (int(axis),)
    rank = max(ndim, 1)
    for a in axes:
        if a < -rank or a >= rank:
            raise ValueError(f"For primitive[{op}], the axis value must be in [{-rank},{rank}), but got {a}.")
    if ndim == 0:
        return None
    return tuple(a % ndim for a in axes)


def to_dtype(dtype, op: str = "Cast") -> torch.dtype:
    """A MindSpore dtype argument as a torch dtype (TypeError for strings and other non-types)."""
    if isinstance(dtype, mstype.Type):
        return dtype.to_torch()
    if isinstance(dtype, torch.dtype):
        return dtype
    if isinstance(dtype, str) or dtype is None:
        raise TypeError(f"For '{op}', the input 'dtype' should be mindspore dtype, but got {dtype}.")
    return mstype.to_torch_dtype(dtype)


def shape_arg(shape, op: str, name: str = "shape") -> tuple:
    """A shape given as int, tuple/list of ints or a 1-D integer Tensor."""
    if isinstance(shape, Tensor):
        shape = shape._t.tolist()
        shape = shape if isinstance(shape, list) else [shape]
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        shape = (shape,)
    if not isinstance(shape, (tuple, list)):
        raise TypeError(f"For '{op}', the '{name}' must be a tuple/list of int or int, but got "
                        f"{type(shape).__name__}.")
    out = []
    for i, s in enumerate(shape):
        if isinstance(s, Tensor):
            s = int(s._t)
        if isinstance(s, bool) or not isinstance(s, (int, np.integer)):
            raise TypeError(f"For '{op}', the '{name}' must be a tuple/list of int, but got {shape}.")
        out.append(int(s))
    return tuple(out)


def new_shape_checked(shape: tuple, op: str) -> tuple:
    for i, s in enumerate(shape):
        if s < 0:
            raise ValueError(f"For primitive[{op}], the the {i}th dimension of input shape must be greater than or "
                             f"equal to 0, but got {s}.")
    return shape


def device() -> torch.device:
    return _runtime.current_device()


def wrap_all(ts) -> tuple:
    return tuple(wrap(t) for t in ts)


def float_input(t: torch.Tensor) -> torch.Tensor:
    """Integer/bool inputs of floating-point math ops compute in Float32 (MindSpore's implicit cast)."""
    if t.is_floating_point() or t.is_complex():
        return t
    return t.to(torch.float32)


def check_tensor(x, op: str, name: str = "input") -> torch.Tensor:
    """The torch tensor of a required Tensor argument, TypeError otherwise."""
    t = getattr(x, "_t", None)
    if t is None:
        if isinstance(x, _TorchTensor):
            return x
        raise TypeError(f"For '{op}', the '{name}' must be a Tensor, but got {type(x).__name__}.")
    return t


def int_list(value, op: str, name: str) -> list:
    """An int or a sequence of ints as a list (Tensors accepted)."""
    if isinstance(value, Tensor):
        v = value._t.tolist()
        return v if isinstance(v, list) else [v]
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return [int(value)]
    if isinstance(value, (tuple, list)):
        out = []
        for v in value:
            if isinstance(v, Tensor):
                v = int(v._t)
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
                raise TypeError(f"For '{op}', the '{name}' must be int or tuple/list of int, but got {value}.")
            out.append(int(v))
        return out
    raise TypeError(f"For '{op}', the '{name}' must be int or tuple/list of int, but got {type(value).__name__}.")
