"""The arithmetic behind msshim's Tensor methods and operators, on torch tensors (torch in, torch out).

MindSpore semantics kept here: reductions over integers (Int64 sums, truncating integer means, std/var
centred on the integer mean), the two overloads of ``max``/``min``, and the corner cases of binary operators
(integer division by zero, negative integer powers, list operands) that torch refuses or answers differently.
"""
from __future__ import annotations

import numpy as np
import torch

from msshim.common import _convert
from msshim.common import dtype as mstype


def axes(axis):
    """MindSpore reduction axes (None or () = every axis) as a torch ``dim`` argument."""
    if axis is None or axis == () or axis == []:
        return None
    if isinstance(axis, torch.Tensor) or hasattr(axis, "_t"):
        axis = getattr(axis, "_t", axis).tolist()
    if isinstance(axis, (list, tuple)):
        return tuple(int(a) for a in axis)
    return int(axis)


def pick(first, second):
    """The value of whichever overload's keyword was given (``axis``/``dim``, ``keepdims``/``keepdim``...)."""
    return first if second is None else second


_SMALL_INTS = (torch.bool, torch.int8, torch.int16, torch.uint8)


def reduce(fn, t: torch.Tensor, dim, keep) -> torch.Tensor:
    """``fn`` over ``dim`` (None: every axis; keep gives a tensor of ones-shape then)."""
    dim = axes(dim)
    if dim is None:
        out = fn(t)
        return out.reshape([1] * t.dim()) if keep else out
    return fn(t, dim=dim, keepdim=bool(keep))


def moment(fn, t: torch.Tensor, axis, ddof, keep) -> torch.Tensor:
    """std/var; for integer input MindSpore centres on the mean computed in the integer dtype (truncated)."""
    dim = axes(axis)
    if t.is_floating_point() or t.is_complex():
        return fn(t, dim=dim, correction=ddof, keepdim=bool(keep))
    total = reduce(torch.sum, t.to(torch.int64), dim, True)
    count = t.numel() // max(total.numel(), 1)
    centred = (t - torch.div(total, count, rounding_mode="trunc")).to(torch.float32)
    var = reduce(torch.sum, centred * centred, dim, keep) / max(count - ddof, 0)
    return var.sqrt() if fn is torch.std else var


_EXTREMUM_KEYS = frozenset(("axis", "keepdims", "initial", "where", "return_indices"))


def extremum(t: torch.Tensor, with_indices, values_only, name: str, args: tuple, kwargs: dict):
    """MindSpore's ``max``/``min`` overloads: ``(dim: int, keepdim=False)`` -> (values, Int64 indices), chosen for
    an int first argument or a ``dim`` keyword; else ``(axis=None, keepdims=False, *, initial=None, where=True,
    return_indices=False)`` -> values."""
    if (args and type(args[0]) is int or "dim" in kwargs) and len(args) <= 2 and set(kwargs) <= {"dim", "keepdim"}:
        dim = args[0] if args else kwargs["dim"]
        keep = args[1] if len(args) > 1 else kwargs.get("keepdim", False)
        values, indices = with_indices(t, dim=dim, keepdim=bool(keep))
        return values, indices
    unknown = set(kwargs) - _EXTREMUM_KEYS
    if unknown or len(args) > 2 or (args and isinstance(args[0], bool)):
        given = ", ".join([type(a).__name__ for a in args] + [f"{k}={type(v).__name__}" for k, v in kwargs.items()])
        raise TypeError(f'Failed calling {name} with "{name}({given})".')
    axis = args[0] if args else kwargs.get("axis")
    if axis is None:  # MindSpore: without an axis, keepdims and everything after it have no effect
        out = values_only(t)
        if kwargs.get("return_indices"):
            return out, torch.zeros((), dtype=torch.int64, device=t.device)
        return out
    keep = bool(args[1] if len(args) > 1 else kwargs.get("keepdims", False))
    initial, where = kwargs.get("initial"), kwargs.get("where", True)
    if where is not True and where is not None:
        fill = initial if initial is not None else (float("-inf") if name == "max" else float("inf"))
        t = torch.where(getattr(where, "_t", where), t, torch.as_tensor(fill, dtype=t.dtype, device=t.device))
    if kwargs.get("return_indices"):
        values, indices = with_indices(t, dim=int(axis), keepdim=keep)
        return values, indices
    out = values_only(t, dim=axes(axis), keepdim=keep)
    if initial is not None:
        out = torch.clamp(out, min=initial) if name == "max" else torch.clamp(out, max=initial)
    return out


def sum_(t: torch.Tensor, axis, dtype, keepdims, initial) -> torch.Tensor:
    """Integers and booleans sum to Int64, as in MindSpore; an explicit ``dtype`` is kept."""
    if dtype is not None:
        t = t.to(mstype.to_torch_dtype(dtype))
    elif not (t.is_floating_point() or t.is_complex()):
        t = t.to(torch.int64)
    out = reduce(torch.sum, t, axis, keepdims)
    if initial is not None:
        out = out + initial
    return out if out.dtype is t.dtype else out.to(t.dtype)  # torch sums integers as Int64


def mean_(t: torch.Tensor, axis, keep, dtype) -> torch.Tensor:
    """Integer tensors average to their own dtype, truncating toward zero (MindSpore's ReduceMean)."""
    if dtype is not None:
        t = t.to(mstype.to_torch_dtype(dtype))
    dim = axes(axis)
    if t.is_floating_point() or t.is_complex():
        return reduce(torch.mean, t, dim, keep)
    if t.dtype is torch.bool:
        raise RuntimeError("For 'ReduceMean', unsupported reduce operation for bool.")
    total = reduce(torch.sum, t.to(torch.int64), dim, keep)
    count = t.numel() // max(total.numel(), 1)
    return torch.div(total, count, rounding_mode="trunc").to(t.dtype)


def prod_(t: torch.Tensor, dim, keepdim, dtype) -> torch.Tensor:
    """MindSpore 2.10 ``prod(dim=None, keepdim=False, dtype=None)``: one int axis at most."""
    if isinstance(dim, (list, tuple)):
        raise TypeError(f'Failed calling prod with "prod({type(dim).__name__})".')
    if dtype is not None:
        t = t.to(mstype.to_torch_dtype(dtype))
    if dim is None:
        if keepdim:
            raise ValueError("For ProdExt, when axis is None, keep_dims can only set to false, but got "
                             "keep_dims=True.")
        return torch.prod(t)
    return torch.prod(t, dim=int(dim), keepdim=bool(keepdim))


def cumsum_(t: torch.Tensor, axis, dtype) -> torch.Tensor:
    """Cumulative sum (flattened when no axis); small integers and Bool accumulate as Int32, others keep
    their dtype (torch would give Int64)."""
    if axis is None:
        t = t.reshape(-1)
    if dtype is not None:
        t = t.to(mstype.to_torch_dtype(dtype))
    out = torch.cumsum(t, dim=0 if axis is None else axis)
    if dtype is None and not (t.is_floating_point() or t.is_complex()):
        out = out.to(torch.int32 if t.dtype in _SMALL_INTS else t.dtype)
    return out


def slow_binary(fn, t: torch.Tensor, other, reflected: bool, exc: Exception, lists: bool) -> torch.Tensor:
    """What torch refused in a binary operator.

    * numpy arrays become torch tensors (msshim accepts them on either side);
    * lists/tuples become tensors of the Tensor's dtype where MindSpore accepts them (+, -, //, rpow);
    * MindSpore's integer corner cases: ``x // 0`` saturates to the dtype's max/min (0 for 0), ``x % 0`` is
      the dtype's min and a negative integer power truncates ``x ** y`` computed in float (inf -> min);
    * a shape mismatch is a ValueError naming both shapes, an unsupported dtype a TypeError."""
    o = getattr(other, "_t", other)
    if isinstance(exc, TypeError):
        if isinstance(o, np.ndarray):
            o = _convert.numpy_to_torch(o, copy=False).to(t.device)
        elif lists and isinstance(o, (list, tuple)):
            o = _convert.python_to_torch(list(o)).to(dtype=t.dtype, device=t.device)
        else:
            raise TypeError(f"For '{fn.__name__}', unsupported operand type(s): 'Tensor' and "
                            f"'{type(other).__name__}'.") from None
        try:
            return fn(o, t) if reflected else fn(t, o)
        except RuntimeError as e:
            exc = e
    elif not isinstance(exc, RuntimeError):
        raise exc
    a, b = (o, t) if reflected else (t, o)
    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    special = _INTEGER_CORNER_CASES.get(fn)
    if special is not None and ("ZeroDivisionError" in message or "negative integer powers" in message):
        return special(a, b)
    if "not implemented for" in message:
        raise TypeError(f"For '{fn.__name__}', {message}") from None
    shape_a = tuple(a.shape) if isinstance(a, torch.Tensor) else type(a).__name__
    shape_b = tuple(b.shape) if isinstance(b, torch.Tensor) else type(b).__name__
    raise ValueError(f"For '{fn.__name__}', the shapes or types of the inputs do not match: got {shape_a} and "
                     f"{shape_b}. {message}") from None


def _as_tensors(a, b):
    like = a if isinstance(a, torch.Tensor) else b
    a = a if isinstance(a, torch.Tensor) else torch.tensor(a, device=like.device)
    b = b if isinstance(b, torch.Tensor) else torch.tensor(b, device=like.device)
    return a, b, torch.result_type(a, b)


def _int_floor_divide(a, b) -> torch.Tensor:
    a, b, dtype = _as_tensors(a, b)
    zero = b == 0
    info = torch.iinfo(dtype)
    quotient = torch.floor_divide(a, torch.where(zero, torch.ones_like(b), b))
    saturated = torch.where(a > 0, info.max, torch.where(a < 0, info.min, 0)).to(dtype)
    return torch.where(zero, saturated, quotient)


def _int_remainder(a, b) -> torch.Tensor:
    a, b, dtype = _as_tensors(a, b)
    zero = b == 0
    rest = torch.remainder(a, torch.where(zero, torch.ones_like(b), b))
    return torch.where(zero, torch.full_like(rest, torch.iinfo(dtype).min), rest)


def _int_pow(a, b) -> torch.Tensor:
    a, b, dtype = _as_tensors(a, b)
    real = torch.pow(a.double(), b.double())
    return torch.where(torch.isfinite(real), real.trunc(), torch.iinfo(dtype).min).to(dtype)


_INTEGER_CORNER_CASES = {torch.floor_divide: _int_floor_divide, torch.remainder: _int_remainder,
                         torch.pow: _int_pow}
