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
from msshim.common import dtype as mstype
from msshim.common._convert import to_torch, to_torch_tree

_new = object.__new__
_TORCH_TO_MS = mstype._FROM_TORCH


def _axes(axis):
    """MindSpore reduction axes (None or () = every axis) as a torch ``dim`` argument."""
    if axis is None or axis == () or axis == []:
        return None
    if isinstance(axis, (list, tuple)):
        return tuple(int(a) for a in axis)
    return int(axis)


def _shape_args(shape) -> tuple:
    if len(shape) == 1 and isinstance(shape[0], (list, tuple)):
        shape = shape[0]
    return tuple(int(s) for s in shape)


def _keep(keepdims, keep_dims) -> bool:
    return bool(keepdims or keep_dims)


class Tensor:
    """MindSpore ``Tensor(input_data=None, dtype=None, shape=None, init=None, const_arg=False, device=None)``.

    ``input_data`` may be a Tensor, a torch tensor (shared, not copied), a numpy array (copied, dtype kept:
    float64 stays Float64), a Python scalar or a (nested) list (Python floats become Float32, ints Int64).
    ``Tensor(shape=..., dtype=..., init=...)`` fills the tensor from an initializer.
    """

    __slots__ = ("_t", "__weakref__")
    __array_priority__ = 1000
    __array_ufunc__ = None  # numpy defers `array <op> Tensor` to our reflected operators

    def __init__(self, input_data=None, dtype=None, shape=None, init=None, const_arg=False, device=None):
        torch_dtype = mstype.to_torch_dtype(dtype) if dtype is not None else None
        if input_data is None:
            if shape is None:
                raise ValueError("For 'Tensor', 'input_data' and 'shape' cannot both be None.")
            shape = (shape,) if isinstance(shape, int) else tuple(shape)
            t = _from_initializer(init, shape, torch_dtype or torch.float32)
        elif init is not None:
            raise ValueError("For 'Tensor', 'init' must be None when 'input_data' is given.")
        elif isinstance(input_data, Tensor):
            t = input_data._t.detach()
        elif isinstance(input_data, torch.Tensor):
            t = input_data
        elif isinstance(input_data, np.ndarray):
            t = _convert.numpy_to_torch(input_data, copy=True)
        else:
            t = _convert.python_to_torch(input_data, torch_dtype)
        if torch_dtype is not None and t.dtype is not torch_dtype:
            t = t.to(torch_dtype)
        target = torch.device(device) if isinstance(device, str) and device not in ("CPU", "GPU", "Ascend") \
            else _runtime.current_device()
        if t.device != target and not isinstance(input_data, torch.Tensor):
            t = t.to(target)
        self._t = t

    # ------------------------------------------------------------------ construction helpers
    @staticmethod
    def from_numpy(array: np.ndarray) -> "Tensor":
        """A Tensor sharing memory with ``array`` (on CPU)."""
        if not isinstance(array, np.ndarray):
            raise TypeError(f"For 'Tensor.from_numpy', the input must be numpy.ndarray, but got {type(array)}.")
        return wrap(_convert.numpy_to_torch(array, copy=False))

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
        return None

    @property
    def has_init(self) -> bool:
        return False

    def init_data(self, slice_index=None, shape=None, opt_shard_group=None) -> "Tensor":
        return self

    def is_contiguous(self) -> bool:
        return self._t.is_contiguous()

    def contiguous(self) -> "Tensor":
        return wrap(self._t.contiguous())

    # ------------------------------------------------------------------ conversion
    def asnumpy(self) -> np.ndarray:
        """A numpy array of the data; shares memory on CPU. BFloat16 comes back as ml_dtypes.bfloat16."""
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

    def item(self, index=None):
        if index is None:
            if self._t.numel() != 1:
                raise ValueError(f"For 'Tensor.item', the tensor should have only one element, but got shape "
                                 f"{self.shape}.")
            return self._t.item()
        return self._t.reshape(-1)[index].item() if isinstance(index, int) else self._t[index].item()

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
        return wrap(torch.reshape(self._t, _shape_args(shape)))

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
        if axis is None:
            return wrap(torch.squeeze(self._t))
        axes = (axis,) if isinstance(axis, int) else tuple(axis)
        for a in axes:
            if self._t.shape[a] != 1:
                raise ValueError(f"For 'Tensor.squeeze', the dimension {a} of the input must be 1, but got "
                                 f"shape {self.shape}.")
        return wrap(torch.squeeze(self._t, axes))

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

    def repeat(self, repeats, axis=None) -> "Tensor":
        """numpy-style repeat of elements (MindSpore), not torch's tiling ``repeat``."""
        t = self._t
        if axis is None:
            t, axis = t.reshape(-1), 0
        reps = torch.as_tensor(repeats, device=t.device) if isinstance(repeats, (list, tuple)) else repeats
        return wrap(torch.repeat_interleave(t, reps, dim=axis))

    # ------------------------------------------------------------------ reductions
    def sum(self, axis=None, dtype=None, keepdims=False, initial=None, *, keep_dims=False) -> "Tensor":
        t = self._t
        if dtype is not None:
            t = t.to(mstype.to_torch_dtype(dtype))
        elif t.dtype is torch.bool:
            t = t.to(torch.int64)
        dim = _axes(axis)
        out = torch.sum(t) if dim is None and not _keep(keepdims, keep_dims) else \
            torch.sum(t, dim=dim, keepdim=_keep(keepdims, keep_dims))
        if initial is not None:
            out = out + initial
        return wrap(out)

    def mean(self, axis=None, keep_dims=False, *, keepdims=False) -> "Tensor":
        dim = _axes(axis)
        keep = _keep(keepdims, keep_dims)
        return wrap(torch.mean(self._t) if dim is None and not keep else torch.mean(self._t, dim=dim, keepdim=keep))

    def prod(self, axis=None, keep_dims=False, dtype=None, *, keepdims=False) -> "Tensor":
        t = self._t if dtype is None else self._t.to(mstype.to_torch_dtype(dtype))
        dim = _axes(axis)
        keep = _keep(keepdims, keep_dims)
        if dim is None:
            out = torch.prod(t)
            return wrap(out.reshape([1] * t.dim()) if keep else out)
        for d in sorted((dim,) if isinstance(dim, int) else dim, reverse=True):
            t = torch.prod(t, dim=d, keepdim=keep)
        return wrap(t)

    def _extremum(self, fn, axis, keepdims, initial):
        dim = _axes(axis)
        if dim is None:
            out = fn(self._t)
            out = out.reshape([1] * self._t.dim()) if keepdims else out
        else:
            out = fn(self._t, dim=dim, keepdim=keepdims)
        return out

    def max(self, axis=None, keepdims=False, *, initial=None, where=True, return_indices=False,
            keep_dims=False) -> "Tensor":
        keep = _keep(keepdims, keep_dims)
        if return_indices and axis is not None:
            values, indices = torch.max(self._t, dim=int(axis), keepdim=keep)
            return wrap(values), wrap(indices)
        out = self._extremum(torch.amax, axis, keep, initial)
        if initial is not None:
            out = torch.clamp(out, min=initial)
        return wrap(out)

    def min(self, axis=None, keepdims=False, *, initial=None, where=True, return_indices=False,
            keep_dims=False) -> "Tensor":
        keep = _keep(keepdims, keep_dims)
        if return_indices and axis is not None:
            values, indices = torch.min(self._t, dim=int(axis), keepdim=keep)
            return wrap(values), wrap(indices)
        out = self._extremum(torch.amin, axis, keep, initial)
        if initial is not None:
            out = torch.clamp(out, max=initial)
        return wrap(out)

    def argmax(self, axis=None, keepdims=False) -> "Tensor":
        return wrap(torch.argmax(self._t, dim=axis, keepdim=keepdims))

    def argmin(self, axis=None, keepdims=False) -> "Tensor":
        return wrap(torch.argmin(self._t, dim=axis, keepdim=keepdims))

    def all(self, axis=None, keep_dims=False, *, keepdims=False) -> "Tensor":
        dim = _axes(axis)
        keep = _keep(keepdims, keep_dims)
        return wrap(torch.all(self._t) if dim is None and not keep else torch.all(self._t, dim=dim, keepdim=keep))

    def any(self, axis=None, keep_dims=False, *, keepdims=False) -> "Tensor":
        dim = _axes(axis)
        keep = _keep(keepdims, keep_dims)
        return wrap(torch.any(self._t) if dim is None and not keep else torch.any(self._t, dim=dim, keepdim=keep))

    def std(self, axis=None, ddof=0, keepdims=False) -> "Tensor":
        return wrap(torch.std(self._t, dim=_axes(axis), correction=ddof, keepdim=keepdims))

    def var(self, axis=None, ddof=0, keepdims=False) -> "Tensor":
        return wrap(torch.var(self._t, dim=_axes(axis), correction=ddof, keepdim=keepdims))

    def cumsum(self, axis=None, dtype=None) -> "Tensor":
        t = self._t.reshape(-1) if axis is None else self._t
        out = torch.cumsum(t, dim=0 if axis is None else axis)
        return wrap(out if dtype is None else out.to(mstype.to_torch_dtype(dtype)))

    # ------------------------------------------------------------------ elementwise helpers
    def abs(self) -> "Tensor":
        return wrap(torch.abs(self._t))

    def clip(self, xmin=None, xmax=None) -> "Tensor":
        return wrap(torch.clamp(self._t, to_torch(xmin), to_torch(xmax)))

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
        return self

    def matmul(self, other) -> "Tensor":
        return wrap(torch.matmul(self._t, to_torch(other)))

    # ------------------------------------------------------------------ python protocol
    def __repr__(self) -> str:
        return _tensor_format.tensor_repr(self._t, str(self.dtype))

    def __str__(self) -> str:
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
        return wrap(self._t[_index(index)])

    def __setitem__(self, index, value) -> None:
        value = to_torch(value)
        t = self._t
        if t.requires_grad and t.is_leaf:
            with torch.no_grad():
                t[_index(index)] = value
        else:
            t[_index(index)] = value

    def __contains__(self, value) -> bool:
        return bool((self._t == to_torch(value)).any())

    # arithmetic: MindSpore's implicit type promotion matches torch's for these cases
    def __add__(self, other):
        return _binary(torch.add, self._t, to_torch(other))

    def __radd__(self, other):
        return _binary(torch.add, to_torch(other), self._t)

    def __sub__(self, other):
        return _binary(torch.sub, self._t, to_torch(other))

    def __rsub__(self, other):
        return _binary(torch.sub, to_torch(other), self._t)

    def __mul__(self, other):
        return _binary(torch.mul, self._t, to_torch(other))

    def __rmul__(self, other):
        return _binary(torch.mul, to_torch(other), self._t)

    def __truediv__(self, other):
        return _binary(torch.true_divide, self._t, to_torch(other))

    def __rtruediv__(self, other):
        return _binary(torch.true_divide, to_torch(other), self._t)

    def __floordiv__(self, other):
        return _binary(torch.floor_divide, self._t, to_torch(other))

    def __rfloordiv__(self, other):
        return _binary(torch.floor_divide, to_torch(other), self._t)

    def __mod__(self, other):
        return _binary(torch.remainder, self._t, to_torch(other))

    def __rmod__(self, other):
        return _binary(torch.remainder, to_torch(other), self._t)

    def __pow__(self, other):
        return _binary(torch.pow, self._t, to_torch(other))

    def __rpow__(self, other):
        return _binary(torch.pow, to_torch(other), self._t)

    def __matmul__(self, other):
        return _binary(torch.matmul, self._t, to_torch(other))

    def __rmatmul__(self, other):
        return _binary(torch.matmul, to_torch(other), self._t)

    def __neg__(self):
        return wrap(torch.neg(self._t))

    def __pos__(self):
        return self

    def __abs__(self):
        return wrap(torch.abs(self._t))

    def __invert__(self):
        return wrap(torch.bitwise_not(self._t))

    def __and__(self, other):
        return wrap(self._t & to_torch(other))

    def __rand__(self, other):
        return wrap(to_torch(other) & self._t)

    def __or__(self, other):
        return wrap(self._t | to_torch(other))

    def __ror__(self, other):
        return wrap(to_torch(other) | self._t)

    def __xor__(self, other):
        return wrap(self._t ^ to_torch(other))

    def __rxor__(self, other):
        return wrap(to_torch(other) ^ self._t)

    def __lshift__(self, other):
        return wrap(self._t << to_torch(other))

    def __rshift__(self, other):
        return wrap(self._t >> to_torch(other))

    def __eq__(self, other):
        if not isinstance(other, (numbers.Number, Tensor, np.ndarray, torch.Tensor)):
            return False
        return wrap(torch.eq(self._t, to_torch(other)))

    def __ne__(self, other):
        if not isinstance(other, (numbers.Number, Tensor, np.ndarray, torch.Tensor)):
            return True
        return wrap(torch.ne(self._t, to_torch(other)))

    def __lt__(self, other):
        return _binary(torch.lt, self._t, to_torch(other))

    def __le__(self, other):
        return _binary(torch.le, self._t, to_torch(other))

    def __gt__(self, other):
        return _binary(torch.gt, self._t, to_torch(other))

    def __ge__(self, other):
        return _binary(torch.ge, self._t, to_torch(other))

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


def _binary(fn, a, b) -> Tensor:
    """Run a binary torch op; a shape mismatch is a ValueError naming both shapes, as in MindSpore."""
    try:
        return wrap(fn(a, b))
    except RuntimeError as e:
        shape_a = tuple(a.shape) if isinstance(a, torch.Tensor) else type(a).__name__
        shape_b = tuple(b.shape) if isinstance(b, torch.Tensor) else type(b).__name__
        raise ValueError(f"For '{fn.__name__}', the shapes or types of the inputs do not match: got {shape_a} and "
                         f"{shape_b}. {str(e).splitlines()[0]}") from None


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


def _index(index):
    if isinstance(index, tuple):
        return tuple(to_torch(i) if isinstance(i, (Tensor, np.ndarray)) else i for i in index)
    if isinstance(index, (Tensor, np.ndarray)):
        return to_torch(index)
    return index


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
