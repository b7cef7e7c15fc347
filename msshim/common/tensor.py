"""``mindspore.Tensor`` on a torch tensor.

An msshim :class:`Tensor` is a thin handle on a ``torch.Tensor`` (``_t``): MindSpore's API and semantics
on the outside (``shape`` is a tuple, ``dtype`` a MindSpore type, ``size`` an int, ``transpose(*perm)``,
``sum(axis, keepdims)``), torch underneath.  Interop is zero-copy both ways: ``Tensor(torch_tensor)``
and ``Tensor.from_torch`` share memory, ``t.to_torch()`` returns the torch tensor, and any torch function
given an msshim Tensor receives its torch tensor (``__torch_function__``) and returns torch results.
"""
from __future__ import annotations

import functools
import numbers
from typing import Any

import numpy as np
import torch

from msshim import _runtime
from msshim.common import _convert
from msshim.common import _tensor_format
from msshim.common import _tensor_index
from msshim.common import dtype as mstype
from msshim.common._convert import to_torch, to_torch_tree

_new = object.__new__
_TORCH_TO_MS = mstype._FROM_TORCH
_COMPARABLE = (int, float, np.ndarray, torch.Tensor)  # plus Tensor, added below the class


def _axes(axis):
    """MindSpore reduction axes (None or () = every axis) as a torch ``dim`` argument."""
    if axis is None or axis == () or axis == []:
        return None
    if isinstance(axis, torch.Tensor) or hasattr(axis, "_t"):
        axis = to_torch(axis).tolist()
    if isinstance(axis, (list, tuple)):
        return tuple(int(a) for a in axis)
    return int(axis)


def _shape_args(shape) -> tuple:
    if len(shape) == 1 and isinstance(shape[0], (list, tuple)):
        shape = shape[0]
    return tuple(int(s) for s in shape)


def _pick(first, second):
    """The value of whichever overload's keyword was given (``axis``/``dim``, ``keepdims``/``keepdim``...)."""
    return first if second is None else second


_SMALL_INTS = (torch.bool, torch.int8, torch.int16, torch.uint8)


def _reduce(fn, t: torch.Tensor, dim, keep) -> torch.Tensor:
    dim = _axes(dim)
    if dim is None:
        out = fn(t)
        return out.reshape([1] * t.dim()) if keep else out
    return fn(t, dim=dim, keepdim=bool(keep))


def _moment(fn, t: torch.Tensor, axis, ddof, keep) -> torch.Tensor:
    """std/var; for integer input MindSpore centres on the mean computed in the integer dtype (truncated)."""
    dim = _axes(axis)
    if t.is_floating_point() or t.is_complex():
        return fn(t, dim=dim, correction=ddof, keepdim=bool(keep))
    total = _reduce(torch.sum, t.to(torch.int64), dim, True)
    count = t.numel() // max(total.numel(), 1)
    centred = (t - torch.div(total, count, rounding_mode="trunc")).to(torch.float32)
    var = _reduce(torch.sum, centred * centred, dim, keep) / max(count - ddof, 0)
    return var.sqrt() if fn is torch.std else var


_EXTREMUM_KEYS = frozenset(("axis", "keepdims", "initial", "where", "return_indices"))


def _extremum(t: torch.Tensor, with_indices, values_only, name: str, args: tuple, kwargs: dict):
    if (args and type(args[0]) is int or "dim" in kwargs) and len(args) <= 2 and set(kwargs) <= {"dim", "keepdim"}:
        dim = args[0] if args else kwargs["dim"]
        keep = args[1] if len(args) > 1 else kwargs.get("keepdim", False)
        values, indices = with_indices(t, dim=dim, keepdim=bool(keep))
        return wrap(values), wrap(indices)
    unknown = set(kwargs) - _EXTREMUM_KEYS
    if unknown or len(args) > 2 or (args and isinstance(args[0], bool)):
        given = ", ".join([type(a).__name__ for a in args] + [f"{k}={type(v).__name__}" for k, v in kwargs.items()])
        raise TypeError(f'Failed calling {name} with "{name}({given})".')
    axis = args[0] if args else kwargs.get("axis")
    if axis is None:  # MindSpore: without an axis, keepdims and everything after it have no effect
        out = values_only(t)
        if kwargs.get("return_indices"):
            return wrap(out), wrap(torch.zeros((), dtype=torch.int64, device=t.device))
        return wrap(out)
    keep = bool(args[1] if len(args) > 1 else kwargs.get("keepdims", False))
    initial, where = kwargs.get("initial"), kwargs.get("where", True)
    if where is not True and where is not None:
        fill = initial if initial is not None else (float("-inf") if name == "max" else float("inf"))
        t = torch.where(to_torch(where), t, torch.as_tensor(fill, dtype=t.dtype, device=t.device))
    if kwargs.get("return_indices"):
        values, indices = with_indices(t, dim=int(axis), keepdim=keep)
        return wrap(values), wrap(indices)
    out = values_only(t, dim=_axes(axis), keepdim=keep)
    if initial is not None:
        out = torch.clamp(out, min=initial) if name == "max" else torch.clamp(out, max=initial)
    return wrap(out)


class Tensor:
    """MindSpore ``Tensor(input_data=None, dtype=None, shape=None, init=None, const_arg=False, device=None)``.

    ``input_data`` may be a Tensor, a torch tensor (shared, not copied), a numpy array (copied, dtype kept:
    float64 stays Float64), a Python scalar or a (nested) list (Python floats become Float32, ints Int64).
    ``Tensor(shape=..., dtype=..., init=...)`` fills the tensor from an initializer.
    """

    # _src (often unset): "numpy" when the memory is a numpy array (from_numpy, init_data), which MindSpore
    # prints with numpy; an Initializer while Tensor(shape=..., init=...) is not yet materialised.
    __slots__ = ("_t", "_src", "__weakref__")
    __array_priority__ = 1000
    __array_ufunc__ = None  # numpy defers `array <op> Tensor` to our reflected operators

    def __init__(self, input_data=None, dtype=None, shape=None, init=None, const_arg=False, device=None):
        torch_dtype = mstype.to_torch_dtype(dtype) if dtype is not None else None
        src = None
        if input_data is None:
            if shape is None:
                raise TypeError(_convert._INPUT_TYPES_TEXT.format("NoneType"))
            if init is not None and dtype is None:
                raise ValueError("init, dtype and shape must have values at the same time.")
            if init is not None and not callable(init):  # MindSpore fails when it first needs the data
                raise TypeError(f"'{type(init).__name__}' object is not callable")
            shape = (shape,) if isinstance(shape, int) else tuple(shape)
            t = _from_initializer(init, shape, torch_dtype or torch.float32)
            src = init
        elif init is not None:
            raise ValueError("init, dtype and shape must have values at the same time.")
        elif isinstance(input_data, Tensor):
            t = input_data._t.detach()
            src = getattr(input_data, "_src", None)  # shares the memory, so prints the same way
        elif isinstance(input_data, torch.Tensor):
            t = input_data
        elif isinstance(input_data, np.ndarray):
            t = _convert.numpy_to_torch(input_data, copy=True)
        else:
            t = _convert.python_to_torch(input_data, torch_dtype)
        if torch_dtype is not None and t.dtype is not torch_dtype:
            t = t.to(torch_dtype)
            src = None
        target = torch.device(device) if isinstance(device, str) and device not in ("CPU", "GPU", "Ascend") \
            else _runtime.current_device()
        if t.device != target and not isinstance(input_data, torch.Tensor):
            t = t.to(target)
        self._t = t
        if src is not None:
            self._src = src

    # ------------------------------------------------------------------ construction helpers
    @staticmethod
    def from_numpy(array: np.ndarray) -> "Tensor":
        """A Tensor sharing memory with ``array`` (on CPU)."""
        if not isinstance(array, np.ndarray):
            raise TypeError(f"For 'Tensor.from_numpy', the input must be numpy.ndarray, but got {type(array)}.")
        out = wrap(_convert.numpy_to_torch(array, copy=False))
        out._src = "numpy"
        return out

    @staticmethod
    def from_torch(t: torch.Tensor) -> "Tensor":
        """A Tensor sharing memory (and autograd history) with a torch tensor (msshim extension)."""
        return wrap(t)

    def to_torch(self) -> torch.Tensor:
        """The underlying torch tensor, shared (msshim extension)."""
        return self._t

    # ------------------------------------------------------------------ properties
    @property
    def shape(self) -> tuple:
        return tuple(self._t.shape)

    @property
    def dtype(self) -> mstype.Type:
        return _TORCH_TO_MS[self._t.dtype]

    @property
    def size(self) -> int:
        return self._t.numel()

    @property
    def ndim(self) -> int:
        return self._t.dim()

    @property
    def itemsize(self) -> int:
        return self._t.element_size()

    @property
    def nbytes(self) -> int:
        return self._t.numel() * self._t.element_size()

    @property
    def strides(self) -> tuple:
        """Byte strides, as numpy and MindSpore report them."""
        size = self._t.element_size()
        return tuple(s * size for s in self._t.stride())

    @property
    def T(self) -> "Tensor":
        return wrap(self._t.permute(*reversed(range(self._t.dim()))))

    @property
    def data(self) -> "Tensor":
        return self

    @property
    def init(self):
        """The initializer of a ``Tensor(shape=..., dtype=..., init=...)`` not yet materialised, else None."""
        src = getattr(self, "_src", None)
        return None if src is None or isinstance(src, str) else src

    @property
    def has_init(self) -> bool:
        return self.init is not None

    def init_data(self, slice_index=None, shape=None, opt_shard_group=None) -> "Tensor":
        """Materialise a lazily initialised tensor (msshim fills it eagerly; from now on it prints as numpy)."""
        if self.init is not None:
            self._src = "numpy"
        return self

    def is_contiguous(self) -> bool:
        return self._t.is_contiguous()

    def contiguous(self) -> "Tensor":
        return wrap(self._t.contiguous())

    # ------------------------------------------------------------------ conversion
    def asnumpy(self) -> np.ndarray:
        """A numpy array of the data; shares memory on CPU. BFloat16 comes back as ml_dtypes.bfloat16."""
        if getattr(self, "_src", None) is not None:
            self.init_data()
        return _convert.torch_to_numpy(self._t)

    numpy = asnumpy

    def __array__(self, dtype=None, copy=None):
        arr = _convert.torch_to_numpy(self._t)
        if dtype is not None:
            arr = arr.astype(dtype, copy=False)
        return arr.copy() if copy else arr

    def __dlpack__(self, *args, **kwargs):
        return self._t.detach().__dlpack__(*args, **kwargs)

    def __dlpack_device__(self):
        return self._t.__dlpack_device__()

    def item(self):
        """The value of a one-element tensor as a Python number (MindSpore 2.10 takes no index)."""
        if self._t.numel() != 1:
            raise ValueError(f"The tensor should have only one element, but got {self._t.numel()}, more than one "
                             f"element is ambiguous.")
        return self._t.item()

    def tolist(self):
        t = self._t.detach()
        if t.dtype is torch.bfloat16:
            t = t.float()
        return t.tolist()

    def astype(self, dtype, copy=True) -> "Tensor":
        torch_dtype = mstype.to_torch_dtype(dtype)
        if not copy and self._t.dtype is torch_dtype:
            return self
        return wrap(self._t.to(torch_dtype))

    def to(self, *args, **kwargs) -> "Tensor":
        """``to(dtype)`` casts (MindSpore); ``to(device)`` moves (torch style)."""
        if args and isinstance(args[0], (mstype.Type, type)) and not isinstance(args[0], str):
            return self.astype(args[0])
        args = tuple(mstype.to_torch_dtype(a) if isinstance(a, mstype.Type) else a for a in args)
        if "dtype" in kwargs:
            kwargs["dtype"] = mstype.to_torch_dtype(kwargs["dtype"])
        return wrap(self._t.to(*args, **kwargs))

    def float(self) -> "Tensor":
        return wrap(self._t.float())

    def half(self) -> "Tensor":
        return wrap(self._t.half())

    def double(self) -> "Tensor":
        return wrap(self._t.double())

    def int(self) -> "Tensor":
        return wrap(self._t.int())

    def long(self) -> "Tensor":
        return wrap(self._t.long())

    def bool(self) -> "Tensor":
        return wrap(self._t.bool())

    def bfloat16(self) -> "Tensor":
        return wrap(self._t.bfloat16())

    def copy(self) -> "Tensor":
        return wrap(self._t.detach().clone())

    clone = copy

    # ------------------------------------------------------------------ shape manipulation
    def reshape(self, *shape) -> "Tensor":
        try:
            return wrap(torch.reshape(self._t, _shape_args(shape)))
        except RuntimeError as e:  # MindSpore reports impossible shapes as ValueError
            raise ValueError(str(e).splitlines()[0]) from None

    def view(self, *shape) -> "Tensor":
        if len(shape) == 1 and isinstance(shape[0], (mstype.Type, torch.dtype)):
            return wrap(self._t.view(mstype.to_torch_dtype(shape[0])))
        return wrap(self._t.view(_shape_args(shape)))

    def view_as(self, other) -> "Tensor":
        return wrap(self._t.view_as(to_torch(other)))

    def reshape_as(self, other) -> "Tensor":
        return wrap(self._t.reshape_as(to_torch(other)))

    def transpose(self, *axes) -> "Tensor":
        """MindSpore ``transpose(*axes)``: a full permutation (reversed axes when none are given)."""
        if not axes or axes == (None,):
            return self.T
        perm = _shape_args(axes)
        if len(perm) != self._t.dim():
            raise ValueError(f"For 'Tensor.transpose', the length of 'axes' must equal the rank of the tensor "
                             f"{self._t.dim()}, but got axes {perm}.")
        return wrap(self._t.permute(perm))

    def permute(self, *axes) -> "Tensor":
        return wrap(self._t.permute(_shape_args(axes)))

    def swapaxes(self, axis0: int, axis1: int) -> "Tensor":
        return wrap(torch.transpose(self._t, axis0, axis1))

    def expand_dims(self, axis: int) -> "Tensor":
        return wrap(torch.unsqueeze(self._t, axis))

    def unsqueeze(self, dim: int) -> "Tensor":
        return wrap(torch.unsqueeze(self._t, dim))

    def squeeze(self, axis=None) -> "Tensor":
        """Remove size-1 axes; MindSpore leaves requested axes whose size is not 1 as they are."""
        if axis is None:
            return wrap(torch.squeeze(self._t))
        return wrap(torch.squeeze(self._t, (axis,) if isinstance(axis, int) else tuple(axis)))

    def flatten(self, order="C", *, start_dim=0, end_dim=-1) -> "Tensor":
        if isinstance(order, int):  # torch-style flatten(start_dim, end_dim)
            start_dim, order = order, "C"
        t = self._t if order == "C" else self._t.permute(*reversed(range(self._t.dim())))
        return wrap(torch.flatten(t, start_dim, end_dim))

    def ravel(self) -> "Tensor":
        return wrap(torch.ravel(self._t))

    def broadcast_to(self, shape) -> "Tensor":
        return wrap(self._t.broadcast_to(tuple(shape)))

    def expand_as(self, other) -> "Tensor":
        return wrap(self._t.expand_as(to_torch(other)))

    def tile(self, reps) -> "Tensor":
        return wrap(torch.tile(self._t, tuple(reps)))

    def repeat(self, *repeats) -> "Tensor":
        """MindSpore 2.10 ``repeat(*repeats)``: copies the whole tensor along each dimension (torch's ``repeat``);
        element-wise repetition is ``repeat_interleave``."""
        return wrap(self._t.repeat(_shape_args(repeats)))

    def flip(self, dims) -> "Tensor":
        if not isinstance(dims, (list, tuple)):
            raise TypeError(f'Failed calling ReverseV2 with "ReverseV2(axis={type(dims).__name__})(input=Tensor)".')
        return wrap(torch.flip(self._t, tuple(dims)))

    # ------------------------------------------------------------------ reductions
    # MindSpore 2.10 overloads these methods (e.g. ``mean(axis, keep_dims)`` and ``mean(dim, keepdim, *, dtype)``);
    # the keyword names below are exactly the ones some overload accepts, anything else is a TypeError.
    def sum(self, axis=None, dtype=None, keepdims=False, initial=None, *, dim=None, keepdim=None) -> "Tensor":
        """Integers and booleans sum to Int64, as in MindSpore."""
        if isinstance(dtype, bool):  # sum(dim, keepdim) overload
            keepdims, dtype = dtype, None
        t = self._t
        if dtype is not None:
            t = t.to(mstype.to_torch_dtype(dtype))
        elif not (t.is_floating_point() or t.is_complex()):
            t = t.to(torch.int64)
        out = _reduce(torch.sum, t, _pick(axis, dim), _pick(keepdims, keepdim))
        if initial is not None:
            out = out + initial
        return wrap(out if out.dtype is t.dtype else out.to(t.dtype))  # torch sums integers as Int64

    def mean(self, axis=None, keep_dims=False, *, dim=None, keepdim=None, dtype=None) -> "Tensor":
        """Integer tensors average to their own dtype, truncating toward zero (MindSpore's ReduceMean)."""
        t = self._t if dtype is None else self._t.to(mstype.to_torch_dtype(dtype))
        axes, keep = _axes(_pick(axis, dim)), _pick(keep_dims, keepdim)
        if t.is_floating_point() or t.is_complex():
            return wrap(_reduce(torch.mean, t, axes, keep))
        if t.dtype is torch.bool:
            raise RuntimeError("For 'ReduceMean', unsupported reduce operation for bool.")
        total = _reduce(torch.sum, t.to(torch.int64), axes, keep)
        count = t.numel() // max(total.numel(), 1)
        return wrap(torch.div(total, count, rounding_mode="trunc").to(t.dtype))

    def prod(self, dim=None, keepdim=False, dtype=None) -> "Tensor":
        if isinstance(dim, (list, tuple)):
            raise TypeError(f'Failed calling prod with "prod({type(dim).__name__})".')
        t = self._t if dtype is None else self._t.to(mstype.to_torch_dtype(dtype))
        if dim is None:
            if keepdim:
                raise ValueError("For ProdExt, when axis is None, keep_dims can only set to false, but got "
                                 "keep_dims=True.")
            return wrap(torch.prod(t))
        return wrap(torch.prod(t, dim=int(dim), keepdim=bool(keepdim)))

    def max(self, *args, **kwargs):
        """``max(dim, keepdim=False)`` -> (values, Int64 indices); ``max(axis=None, keepdims=False, *, initial=None,
        where=True, return_indices=False)`` -> values (MindSpore picks the first overload for an int ``dim``)."""
        return _extremum(self._t, torch.max, torch.amax, "max", args, kwargs)

    def min(self, *args, **kwargs):
        """``min(dim, keepdim=False)`` -> (values, Int64 indices); ``min(axis=None, keepdims=False, *, initial=None,
        where=True, return_indices=False)`` -> values."""
        return _extremum(self._t, torch.min, torch.amin, "min", args, kwargs)

    def argmax(self, axis=None, keepdims=False, *, dim=None, keepdim=None) -> "Tensor":
        return wrap(torch.argmax(self._t, dim=_pick(axis, dim), keepdim=_pick(keepdims, keepdim)))

    def argmin(self, axis=None, keepdims=False, *, dim=None, keepdim=None) -> "Tensor":
        """Indices of the minima as Int32 (MindSpore's Argmin; argmax gives Int64)."""
        out = torch.argmin(self._t, dim=_pick(axis, dim), keepdim=_pick(keepdims, keepdim))
        return wrap(out.to(torch.int32))

    def all(self, axis=None, keep_dims=False, *, dim=None, keepdim=None) -> "Tensor":
        return wrap(_reduce(torch.all, self._t, _axes(_pick(axis, dim)), _pick(keep_dims, keepdim)))

    def any(self, axis=None, keep_dims=False, *, dim=None, keepdim=None) -> "Tensor":
        return wrap(_reduce(torch.any, self._t, _axes(_pick(axis, dim)), _pick(keep_dims, keepdim)))

    def std(self, axis=None, ddof=0, keepdims=False, *, dim=None, correction=None, keepdim=None) -> "Tensor":
        """Population standard deviation unless ``ddof`` / ``correction`` says otherwise (MindSpore CPU)."""
        return wrap(_moment(torch.std, self._t, _pick(axis, dim), _pick(ddof, correction),
                            _pick(keepdims, keepdim)))

    def var(self, axis=None, ddof=0, keepdims=False, *, dim=None, correction=None, keepdim=None) -> "Tensor":
        return wrap(_moment(torch.var, self._t, _pick(axis, dim), _pick(ddof, correction),
                            _pick(keepdims, keepdim)))

    def cumsum(self, axis=None, dtype=None, *, dim=None) -> "Tensor":
        """Cumulative sum (flattened when no axis); small integers and Bool accumulate as Int32."""
        axis = _pick(axis, dim)
        t = self._t.reshape(-1) if axis is None else self._t
        if dtype is not None:
            t = t.to(mstype.to_torch_dtype(dtype))
        out = torch.cumsum(t, dim=0 if axis is None else axis)
        if dtype is None and not (t.is_floating_point() or t.is_complex()):
            out = out.to(torch.int32 if t.dtype in _SMALL_INTS else t.dtype)
        return wrap(out)

    # ------------------------------------------------------------------ elementwise helpers
    def abs(self) -> "Tensor":
        return wrap(torch.abs(self._t))

    def clip(self, min=None, max=None) -> "Tensor":  # noqa: A002 - MindSpore's keyword names
        return wrap(torch.clamp(self._t, to_torch(min), to_torch(max)))

    clamp = clip

    def fill(self, value) -> "Tensor":
        return wrap(torch.full_like(self._t, to_torch(value)))

    def fill_(self, value) -> "Tensor":
        with torch.no_grad():
            self._t.fill_(to_torch(value))
        return self

    def assign_value(self, value) -> "Tensor":
        """Replace this tensor's data (MindSpore ``Tensor.assign_value``)."""
        self._t = to_torch(value) if not isinstance(value, (list, tuple, numbers.Number)) else \
            _convert.python_to_torch(value, self._t.dtype)
        self._src = getattr(value, "_src", None) if isinstance(value, Tensor) else None
        return self

    def matmul(self, other) -> "Tensor":
        return wrap(torch.matmul(self._t, to_torch(other)))

    # ------------------------------------------------------------------ python protocol
    def __repr__(self) -> str:
        return _tensor_format.tensor_repr(self._t, str(self.dtype), getattr(self, "_src", None) == "numpy")

    def __str__(self) -> str:
        if self.init is not None:
            return _tensor_format.uninitialized_str(self._t, str(self.dtype))
        return _tensor_format.tensor_str(self._t)

    def __format__(self, spec: str) -> str:
        if self._t.dim() == 0 and spec:
            return format(self._t.item(), spec)
        return str(self)

    def __len__(self) -> int:
        if self._t.dim() == 0:
            raise TypeError("Not support len of a 0-D tensor")
        return self._t.shape[0]

    def __iter__(self):
        if self._t.dim() == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (wrap(t) for t in self._t.unbind(0))

    def __bool__(self) -> bool:
        if self._t.numel() != 1:
            raise ValueError("The truth value of an array with more than one element is ambiguous.")
        return bool(self._t)

    def __int__(self) -> int:
        return int(self._t)

    def __float__(self) -> float:
        return float(self._t)

    def __complex__(self) -> complex:
        return complex(self._t)

    def __index__(self) -> int:
        if self._t.dtype.is_floating_point or self._t.numel() != 1:
            raise TypeError("Only integer tensors of a single element can be converted to an index.")
        return int(self._t)

    def __hash__(self) -> int:
        return id(self)

    def __copy__(self) -> "Tensor":
        return wrap(self._t)

    def __deepcopy__(self, memo) -> "Tensor":
        return wrap(self._t.detach().clone())

    def __reduce__(self):
        return (_rebuild, (self._t.detach().cpu(),))

    def __getitem__(self, index) -> "Tensor":
        if type(index) is int:
            return wrap(self._t[index])
        t, index = _tensor_index.prepare(self._t, index)
        return wrap(t[index])

    def __setitem__(self, index, value) -> None:
        t = self._t
        if isinstance(value, Tensor):
            value = value._t
        elif isinstance(value, np.ndarray):
            raise TypeError(f"only support numbers, Tensor, tuple, list as value, but got {value} with type "
                            f"{type(value)}")
        elif isinstance(value, (list, tuple)):
            value = _convert.python_to_torch(value).to(dtype=t.dtype, device=t.device)
        _, index = _tensor_index.prepare(t, index, for_write=True)
        try:
            if t.requires_grad and t.is_leaf:
                with torch.no_grad():
                    t[index] = value
            else:
                t[index] = value
        except RuntimeError as e:
            raise ValueError(f"For 'Tensor.__setitem__', the value cannot be broadcast to the indexed shape: "
                             f"{str(e).splitlines()[0]}") from None

    def __contains__(self, value) -> bool:
        return bool((self._t == to_torch(value)).any())

    # Arithmetic: torch's type promotion is MindSpore's for these operators.  The fast path hands the operand
    # to torch as it is; lists, numpy arrays, MindSpore's integer corner cases and errors go to _slow_binary.
    def __add__(self, other):
        try:
            return wrap(torch.add(self._t, other._t if isinstance(other, Tensor) else other))
        except Exception as e:  # noqa: BLE001 - sorted out off the hot path
            return _slow_binary(torch.add, self._t, other, False, e, True)

    def __radd__(self, other):
        try:
            return wrap(torch.add(other, self._t))
        except Exception as e:  # noqa: BLE001
            return _slow_binary(torch.add, self._t, other, True, e, True)

    def __sub__(self, other):
        try:
            return wrap(torch.sub(self._t, other._t if isinstance(other, Tensor) else other))
        except Exception as e:  # noqa: BLE001 - sorted out off the hot path
            return _slow_binary(torch.sub, self._t, other, False, e, True)

    def __rsub__(self, other):
        try:
            return wrap(torch.sub(other, self._t))
        except Exception as e:  # noqa: BLE001
            return _slow_binary(torch.sub, self._t, other, True, e, True)

    def __mul__(self, other):
        try:
            return wrap(torch.mul(self._t, other._t if isinstance(other, Tensor) else other))
        except Exception as e:  # noqa: BLE001 - sorted out off the hot path
            return _slow_binary(torch.mul, self._t, other, False, e, False)

    def __rmul__(self, other):
        try:
            return wrap(torch.mul(other, self._t))
        except Exception as e:  # noqa: BLE001
            return _slow_binary(torch.mul, self._t, other, True, e, False)

    def __truediv__(self, other):
        try:
            return wrap(torch.true_divide(self._t, other._t if isinstance(other, Tensor) else other))
        except Exception as e:  # noqa: BLE001 - sorted out off the hot path
            return _slow_binary(torch.true_divide, self._t, other, False, e, False)

    def __rtruediv__(self, other):
        try:
            return wrap(torch.true_divide(other, self._t))
        except Exception as e:  # noqa: BLE001
            return _slow_binary(torch.true_divide, self._t, other, True, e, False)

    def __floordiv__(self, other):
        try:
            return wrap(torch.floor_divide(self._t, other._t if isinstance(other, Tensor) else other))
        except Exception as e:  # noqa: BLE001 - sorted out off the hot path
            return _slow_binary(torch.floor_divide, self._t, other, False, e, True)

    def __rfloordiv__(self, other):
        try:
            return wrap(torch.floor_divide(other, self._t))
        except Exception as e:  # noqa: BLE001
            return _slow_binary(torch.floor_divide, self._t, other, True, e, True)

    def __pow__(self, other):
        try:
            return wrap(torch.pow(self._t, other._t if isinstance(other, Tensor) else other))
        except Exception as e:  # noqa: BLE001 - sorted out off the hot path
            return _slow_binary(torch.pow, self._t, other, False, e, False)

    def __rpow__(self, other):
        try:
            return wrap(torch.pow(other, self._t))
        except Exception as e:  # noqa: BLE001
            return _slow_binary(torch.pow, self._t, other, True, e, True)

    def __matmul__(self, other):
        try:
            return wrap(torch.matmul(self._t, other._t if isinstance(other, Tensor) else other))
        except Exception as e:  # noqa: BLE001 - sorted out off the hot path
            return _slow_binary(torch.matmul, self._t, other, False, e, False)

    def __rmatmul__(self, other):
        try:
            return wrap(torch.matmul(other, self._t))
        except Exception as e:  # noqa: BLE001
            return _slow_binary(torch.matmul, self._t, other, True, e, False)

    def __mod__(self, other):
        try:
            out = torch.remainder(self._t, other._t if isinstance(other, Tensor) else other)
        except Exception as e:  # noqa: BLE001
            return _slow_binary(torch.remainder, self._t, other, False, e, False)
        return wrap(out.add_(0.0) if out.is_floating_point() else out)  # MindSpore's FloorMod never gives -0.0

    def __rmod__(self, other):
        try:
            out = torch.remainder(other, self._t)
        except Exception as e:  # noqa: BLE001
            return _slow_binary(torch.remainder, self._t, other, True, e, False)
        return wrap(out.add_(0.0) if out.is_floating_point() else out)

    def __neg__(self):
        if self._t.dtype is torch.bool:
            raise TypeError("Select CPU operator[Neg] fail! Unsupported data type!")
        return wrap(torch.neg(self._t))

    def __pos__(self):
        return self

    def __abs__(self):
        return wrap(torch.abs(self._t))

    def __invert__(self):
        """MindSpore's ``~`` is logical_not for every dtype: the result is Bool."""
        return wrap(torch.logical_not(self._t))

    # bitwise operators exist only with the Tensor on the left (MindSpore defines no reflected forms or shifts)
    def __and__(self, other):
        return _checked(torch.bitwise_and, self._t, other)

    def __or__(self, other):
        return _checked(torch.bitwise_or, self._t, other)

    def __xor__(self, other):
        return _checked(torch.bitwise_xor, self._t, other)

    def __eq__(self, other):
        # MindSpore compares element-wise with numbers and tensors only; anything else is simply unequal
        if not isinstance(other, _COMPARABLE):
            return False
        return _checked(torch.eq, self._t, other)

    def __ne__(self, other):
        if not isinstance(other, _COMPARABLE):
            return True
        return _checked(torch.ne, self._t, other)

    def __lt__(self, other):
        return _checked(torch.lt, self._t, other)

    def __le__(self, other):
        return _checked(torch.le, self._t, other)

    def __gt__(self, other):
        return _checked(torch.gt, self._t, other)

    def __ge__(self, other):
        return _checked(torch.ge, self._t, other)

    # ------------------------------------------------------------------ torch interop
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        return func(*to_torch_tree(args), **to_torch_tree(kwargs or {}))

    def __getattr__(self, name: str) -> Any:
        # Tensor methods MindSpore defines as thin aliases of ops.<name> (exp, sqrt, softmax, ...) come from
        # the functional ops; anything else is looked up on the torch tensor (device, grad, is_cuda, ...).
        if name.startswith("__") or name == "_t":
            raise AttributeError(name)
        op = _tensor_method_from_ops(name)
        if op is not None:
            return functools.partial(op, self)
        try:
            attr = getattr(object.__getattribute__(self, "_t"), name)
        except AttributeError:
            raise AttributeError(f"'Tensor' object has no attribute '{name}'") from None
        if callable(attr) and not isinstance(attr, torch.Tensor):
            return _wrapping(attr)
        return attr


def _checked(fn, t: torch.Tensor, other) -> Tensor:
    """A binary op with the Tensor on the left, through the same fallbacks as the arithmetic operators."""
    try:
        return wrap(fn(t, other._t if isinstance(other, Tensor) else other))
    except Exception as e:  # noqa: BLE001
        return _slow_binary(fn, t, other, False, e, False)


def _slow_binary(fn, t: torch.Tensor, other, reflected: bool, exc: Exception, lists: bool) -> Tensor:
    """What torch refused in a binary operator.

    * numpy arrays become torch tensors (msshim accepts them on either side);
    * lists/tuples become tensors of the Tensor's dtype where MindSpore accepts them (+, -, //, rpow);
    * MindSpore's integer corner cases: ``x // 0`` saturates to the dtype's max/min (0 for 0), ``x % 0`` is
      the dtype's min and a negative integer power truncates ``x ** y`` computed in float (inf -> min);
    * a shape mismatch is a ValueError naming both shapes, an unsupported dtype a TypeError."""
    o = other._t if isinstance(other, Tensor) else other
    if isinstance(exc, TypeError):
        if isinstance(o, np.ndarray):
            o = _convert.numpy_to_torch(o, copy=False).to(t.device)
        elif lists and isinstance(o, (list, tuple)):
            o = _convert.python_to_torch(list(o)).to(dtype=t.dtype, device=t.device)
        else:
            raise TypeError(f"For '{fn.__name__}', unsupported operand type(s): 'Tensor' and "
                            f"'{type(other).__name__}'.") from None
        try:
            return wrap(fn(o, t) if reflected else fn(t, o))
        except RuntimeError as e:
            exc = e
    elif not isinstance(exc, RuntimeError):
        raise exc
    a, b = (o, t) if reflected else (t, o)
    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    special = _INTEGER_CORNER_CASES.get(fn)
    if special is not None and ("ZeroDivisionError" in message or "negative integer powers" in message):
        return wrap(special(a, b))
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


def _wrapping(method):
    @functools.wraps(method)
    def call(*args, **kwargs):
        return wrap_tree(method(*to_torch_tree(args), **to_torch_tree(kwargs)))

    return call


@functools.lru_cache(maxsize=None)
def _tensor_method_from_ops(name: str):
    from msshim import ops  # ops depends on Tensor: resolved lazily

    fn = getattr(ops.function, name, None) if hasattr(ops, "function") else None
    return fn if callable(fn) else None


def _rebuild(t: torch.Tensor) -> Tensor:
    return wrap(t.to(_runtime.current_device()))


def _from_initializer(init, shape: tuple, torch_dtype: torch.dtype) -> torch.Tensor:
    from msshim.common.initializer import make_tensor  # initializer imports Tensor

    return make_tensor(init, shape, torch_dtype)


def wrap(t: torch.Tensor) -> Tensor:
    """An msshim Tensor around a torch tensor, without copying (the hot path of every op)."""
    out = _new(Tensor)
    out._t = t
    return out


def wrap_tree(x: Any) -> Any:
    """Wrap torch tensors inside (nested) tuples, lists and dicts; other values pass unchanged."""
    if isinstance(x, torch.Tensor):
        return wrap(x)
    if isinstance(x, tuple):
        return tuple(wrap_tree(v) for v in x)
    if isinstance(x, list):
        return [wrap_tree(v) for v in x]
    if isinstance(x, dict):
        return {k: wrap_tree(v) for k, v in x.items()}
    return x


_convert._TENSOR_TYPES = (torch.Tensor, Tensor)
_COMPARABLE = _COMPARABLE + (Tensor,)
