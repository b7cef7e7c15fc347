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
from msshim.common import _tensor_math as _math
from msshim.common._tensor_math import pick
from msshim.common import dtype as mstype
from msshim.common._convert import to_torch, to_torch_tree

_new = object.__new__
_TORCH_TO_MS = mstype._FROM_TORCH
_COMPARABLE = (int, float, np.ndarray, torch.Tensor)  # plus Tensor, added below the class


def _set_source(tensor, src) -> None:
    """Record how MindSpore would print ``tensor`` when it is not a plain op result: "numpy" when its memory is
    a numpy array (from_numpy, init_data: printed by numpy), or the Initializer of a
    ``Tensor(shape=..., init=...)`` not yet materialised (``str()`` is "<uninitialized>").  Plain results
    hold None (set by ``wrap()``: reading a set slot is several times cheaper than missing an empty one)."""
    tensor._src = src


def _source(tensor):
    return getattr(tensor, "_src", None)


def _shape_args(shape) -> tuple:
    if len(shape) == 1 and isinstance(shape[0], (list, tuple)):
        shape = shape[0]
    return tuple(int(s) for s in shape)


def _arithmetic(fn, lists: bool = False, reflected_lists: bool = False, positive_zero: bool = False):
    """``(op, reflected op)`` for a binary operator: the operand goes to torch as it is (the hot path); what
    torch refuses or MindSpore answers differently is sorted out by _tensor_math.slow_binary.
    ``positive_zero``: MindSpore's FloorMod never returns -0.0 (torch's remainder does)."""

    def op(self, other):
        try:
            return wrap(fn(self._t, other._t if isinstance(other, Tensor) else other))
        except Exception as e:  # noqa: BLE001
            return _slow(fn, self._t, other, False, e, lists)

    def reflected(self, other):
        try:
            return wrap(fn(other, self._t))
        except Exception as e:  # noqa: BLE001
            return _slow(fn, self._t, other, True, e, reflected_lists)

    def mod(self, other):
        try:
            out = fn(self._t, other._t if isinstance(other, Tensor) else other)
        except Exception as e:  # noqa: BLE001
            return _slow(fn, self._t, other, False, e, lists)
        return wrap(out.add_(0.0) if out.is_floating_point() else out)

    def reflected_mod(self, other):
        try:
            out = fn(other, self._t)
        except Exception as e:  # noqa: BLE001
            return _slow(fn, self._t, other, True, e, reflected_lists)
        return wrap(out.add_(0.0) if out.is_floating_point() else out)

    return (mod, reflected_mod) if positive_zero else (op, reflected)


def _cast(torch_dtype):
    def cast(self) -> "Tensor":
        return wrap(self._t.to(torch_dtype))

    return cast


class Tensor:
    """MindSpore ``Tensor(input_data=None, dtype=None, shape=None, init=None, const_arg=False, device=None)``.

    ``input_data`` may be a Tensor, a torch tensor (shared, not copied), a numpy array (copied, dtype kept:
    float64 stays Float64), a Python scalar or a (nested) list (Python floats become Float32, ints Int64).
    ``Tensor(shape=..., dtype=..., init=...)`` fills the tensor from an initializer.
    """

    __slots__ = ("_t", "_src", "__weakref__")
    __array_priority__ = 1000
    __array_ufunc__ = None  # numpy defers `array <op> Tensor` to our reflected operators

    def __init__(self, input_data=None, dtype=None, shape=None, init=None, const_arg=False, device=None):
        t, src = _convert.construct(input_data, dtype, shape, init, device)
        self._t = t
        self._src = src

    # ------------------------------------------------------------------ construction helpers
    @staticmethod
    def from_numpy(array: np.ndarray) -> "Tensor":
        """A Tensor sharing memory with ``array`` (on CPU)."""
        if not isinstance(array, np.ndarray):
            raise TypeError(f"For 'Tensor.from_numpy', the input must be numpy.ndarray, but got {type(array)}.")
        out = wrap(_convert.numpy_to_torch(array, copy=False))
        _set_source(out, "numpy")
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
        src = _source(self)
        return None if src is None or isinstance(src, str) else src

    @property
    def has_init(self) -> bool:
        return self.init is not None

    def init_data(self, slice_index=None, shape=None, opt_shard_group=None) -> "Tensor":
        """Materialise a lazily initialised tensor (msshim fills it eagerly; from now on it prints as numpy)."""
        if self.init is not None:
            _set_source(self, "numpy")
        return self

    def is_contiguous(self) -> bool:
        return self._t.is_contiguous()

    def contiguous(self) -> "Tensor":
        return wrap(self._t.contiguous())

    # ------------------------------------------------------------------ conversion
    def asnumpy(self) -> np.ndarray:
        """A numpy array of the data; shares memory on CPU. BFloat16 comes back as ml_dtypes.bfloat16."""
        if _source(self) is not None:
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

    float, half, double = _cast(torch.float32), _cast(torch.float16), _cast(torch.float64)
    int, long, bool, bfloat16 = _cast(torch.int32), _cast(torch.int64), _cast(torch.bool), _cast(torch.bfloat16)

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
        if isinstance(dtype, bool):  # the sum(dim, keepdim) overload called positionally
            keepdims, dtype = dtype, None
        return wrap(_math.sum_(self._t, pick(axis, dim), dtype, pick(keepdims, keepdim), initial))

    def mean(self, axis=None, keep_dims=False, *, dim=None, keepdim=None, dtype=None) -> "Tensor":
        """Integer tensors average to their own dtype, truncating toward zero (MindSpore's ReduceMean)."""
        return wrap(_math.mean_(self._t, pick(axis, dim), pick(keep_dims, keepdim), dtype))

    def prod(self, dim=None, keepdim=False, dtype=None) -> "Tensor":
        return wrap(_math.prod_(self._t, dim, keepdim, dtype))

    def max(self, *args, **kwargs):
        """``max(dim, keepdim=False)`` -> (values, Int64 indices); ``max(axis=None, keepdims=False, *, initial=None,
        where=True, return_indices=False)`` -> values (MindSpore picks the first overload for an int ``dim``)."""
        return wrap_tree(_math.extremum(self._t, torch.max, torch.amax, "max", args, kwargs))

    def min(self, *args, **kwargs):
        """``min(dim, keepdim=False)`` -> (values, Int64 indices); ``min(axis=None, keepdims=False, *, initial=None,
        where=True, return_indices=False)`` -> values."""
        return wrap_tree(_math.extremum(self._t, torch.min, torch.amin, "min", args, kwargs))

    def argmax(self, axis=None, keepdims=False, *, dim=None, keepdim=None) -> "Tensor":
        return wrap(torch.argmax(self._t, dim=pick(axis, dim), keepdim=pick(keepdims, keepdim)))

    def argmin(self, axis=None, keepdims=False, *, dim=None, keepdim=None) -> "Tensor":
        """Indices of the minima as Int32 (MindSpore's Argmin; argmax gives Int64)."""
        return wrap(torch.argmin(self._t, dim=pick(axis, dim), keepdim=pick(keepdims, keepdim)).to(torch.int32))

    def all(self, axis=None, keep_dims=False, *, dim=None, keepdim=None) -> "Tensor":
        return wrap(_math.reduce(torch.all, self._t, pick(axis, dim), pick(keep_dims, keepdim)))

    def any(self, axis=None, keep_dims=False, *, dim=None, keepdim=None) -> "Tensor":
        return wrap(_math.reduce(torch.any, self._t, pick(axis, dim), pick(keep_dims, keepdim)))

    def std(self, axis=None, ddof=0, keepdims=False, *, dim=None, correction=None, keepdim=None) -> "Tensor":
        """Population standard deviation unless ``ddof`` / ``correction`` says otherwise (MindSpore CPU)."""
        return wrap(_math.moment(torch.std, self._t, pick(axis, dim), pick(ddof, correction), pick(keepdims, keepdim)))

    def var(self, axis=None, ddof=0, keepdims=False, *, dim=None, correction=None, keepdim=None) -> "Tensor":
        return wrap(_math.moment(torch.var, self._t, pick(axis, dim), pick(ddof, correction), pick(keepdims, keepdim)))

    def cumsum(self, axis=None, dtype=None, *, dim=None) -> "Tensor":
        return wrap(_math.cumsum_(self._t, pick(axis, dim), dtype))

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
        _set_source(self, _source(value) if isinstance(value, Tensor) else None)
        return self

    def matmul(self, other) -> "Tensor":
        return wrap(torch.matmul(self._t, to_torch(other)))

    # ------------------------------------------------------------------ python protocol
    def __repr__(self) -> str:
        return _tensor_format.tensor_repr(self._t, str(self.dtype), _source(self) == "numpy")

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
            raise ValueError(f"The tensor should have only one element, but got {self._t.numel()}, more than one "
                             f"element is ambiguous.")
        return bool(self._t)

    def __int__(self) -> int:
        if self._t.numel() != 1:
            raise ValueError("Only one element tensors can be converted to Python scalars")
        return int(self._t)

    def __float__(self) -> float:
        if self._t.numel() != 1:
            raise ValueError("Only one element tensors can be converted to Python scalars")
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
        kind = type(index)
        if kind is int or (kind is slice and (index.step is None or index.step > 0)):
            return wrap(self._t[index])
        t, index = _tensor_index.prepare(self._t, index)
        return wrap(t[index])

    def __setitem__(self, index, value) -> None:
        _tensor_index.assign(self._t, index, value)

    def __contains__(self, value) -> bool:
        return bool((self._t == to_torch(value)).any())

    # Arithmetic: torch's type promotion is MindSpore's for these operators.  The fast path hands the operand
    # to torch as it is; lists, numpy arrays, MindSpore's integer corner cases and errors go to _slow_binary.
    __add__, __radd__ = _arithmetic(torch.add, lists=True, reflected_lists=True)
    __sub__, __rsub__ = _arithmetic(torch.sub, lists=True, reflected_lists=True)
    __mul__, __rmul__ = _arithmetic(torch.mul)
    __truediv__, __rtruediv__ = _arithmetic(torch.true_divide)
    __floordiv__, __rfloordiv__ = _arithmetic(torch.floor_divide, lists=True, reflected_lists=True)
    __pow__, __rpow__ = _arithmetic(torch.pow, reflected_lists=True)
    __matmul__, __rmatmul__ = _arithmetic(torch.matmul)

    __mod__, __rmod__ = _arithmetic(torch.remainder, positive_zero=True)

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

    # comparisons and bitwise operators: MindSpore defines no reflected bitwise forms and no shifts
    __lt__ = _arithmetic(torch.lt)[0]
    __le__ = _arithmetic(torch.le)[0]
    __gt__ = _arithmetic(torch.gt)[0]
    __ge__ = _arithmetic(torch.ge)[0]
    __and__ = _arithmetic(torch.bitwise_and)[0]
    __or__ = _arithmetic(torch.bitwise_or)[0]
    __xor__ = _arithmetic(torch.bitwise_xor)[0]

    def __eq__(self, other):
        # MindSpore compares element-wise with numbers and tensors only; anything else is simply unequal
        if not isinstance(other, _COMPARABLE):
            return False
        return _checked(torch.eq, self._t, other)

    def __ne__(self, other):
        if not isinstance(other, _COMPARABLE):
            return True
        return _checked(torch.ne, self._t, other)

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


def _slow(fn, t: torch.Tensor, other, reflected: bool, exc: Exception, lists: bool) -> Tensor:
    return wrap(_math.slow_binary(fn, t, other, reflected, exc, lists))


def _checked(fn, t: torch.Tensor, other) -> Tensor:
    """A binary op with the Tensor on the left, through the same fallbacks as the arithmetic operators."""
    try:
        return wrap(fn(t, other._t if isinstance(other, Tensor) else other))
    except Exception as e:  # noqa: BLE001
        return _slow(fn, t, other, False, e, False)


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


def wrap(t: torch.Tensor) -> Tensor:
    """An msshim Tensor around a torch tensor, without copying (the hot path of every op)."""
    out = _new(Tensor)
    out._t = t
    out._src = None
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
_convert._source_of = _source
_COMPARABLE = _COMPARABLE + (Tensor,)
