"""Conversions between MindSpore-facing objects (msshim Tensor, numpy, Python scalars) and torch tensors.

Every op in msshim unwraps its arguments with :func:`to_torch` and wraps results with :func:`wrap`;
these are the only places that know how an msshim Tensor holds its data.
"""
from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import torch

from msshim import _runtime
from msshim.common import dtype as mstype

_TORCH_TENSOR = torch.Tensor


# ml_dtypes numpy types torch cannot import directly: numpy dtype -> (same-width integer dtype, torch dtype)
_BITCAST_FROM_NP = {t._np: (np.int16 if t._nbits == 16 else np.uint8, t._torch)
                    for t in (mstype.bfloat16, mstype.float8_e4m3fn, mstype.float8_e5m2) if t._np is not None}
_BITCAST_TO_NP = {t._torch: (torch.int16 if t._nbits == 16 else torch.uint8, t._np)
                  for t in (mstype.bfloat16, mstype.float8_e4m3fn, mstype.float8_e5m2) if t._np is not None}


def numpy_to_torch(arr: np.ndarray, copy: bool = True) -> torch.Tensor:
    """A torch tensor with the contents of ``arr`` (bfloat16 / float8 arrays from ml_dtypes included)."""
    bitcast = _BITCAST_FROM_NP.get(arr.dtype) if arr.dtype.kind == "V" else None
    if bitcast is not None:
        # (ascontiguousarray turns 0-d arrays into 1-d ones: restore the shape)
        raw = np.ascontiguousarray(arr).view(bitcast[0]).reshape(arr.shape)
        if not raw.flags.writeable:  # torch.from_numpy warns on read-only memory: copy once instead
            return torch.from_numpy(raw.copy()).view(bitcast[1])
        out = torch.from_numpy(raw).view(bitcast[1])
        return out.clone() if copy else out
    if not arr.flags.writeable or not arr.flags.c_contiguous or arr.dtype.byteorder == ">":
        # torch.from_numpy needs native byte order and warns on read-only memory: copy once instead
        return torch.from_numpy(np.array(arr, dtype=arr.dtype.newbyteorder("="), order="C"))
    out = torch.from_numpy(arr)
    return out.clone() if copy else out


def torch_to_numpy(t: torch.Tensor) -> np.ndarray:
    """A numpy array of ``t``; shares memory for CPU tensors (as MindSpore's ``asnumpy`` does on CPU)."""
    if t.requires_grad:  # detach() costs a new tensor object per call; skip it when there is no graph
        t = t.detach()
    if not t.is_cpu:
        t = t.cpu()
    bitcast = _BITCAST_TO_NP.get(t.dtype)
    if bitcast is not None:
        return t.view(bitcast[0]).numpy().view(bitcast[1])
    return t.numpy()


_SCALAR_DTYPES = {bool: torch.bool, int: torch.int64, float: torch.float32, complex: torch.complex128}
_INPUT_TYPES_TEXT = ("For 'Tensor', the type of 'input_data' should be one of '['TensorPy', 'Tensor', 'ndarray', "
                     "'str_', 'list', 'tuple', 'float', 'int', 'bool', 'complex', 'bytes']', but got type '{}'.")


def python_to_torch(data: Any, dtype: torch.dtype | None = None) -> torch.Tensor:
    """Build a tensor from Python data with MindSpore's default types.

    MindSpore infers Python ``float`` (and lists of them) as Float32, ``int`` as Int64, ``bool`` as Bool and
    ``complex`` as Complex128, while numpy arrays and numpy scalars keep their own dtype (``np.float64(2.5)``
    stays Float64).  Ragged lists are a TypeError.
    """
    if isinstance(data, np.generic):  # before float: np.float64 is a float subclass
        t = numpy_to_torch(np.asarray(data))
        return t.to(dtype) if dtype is not None else t
    scalar_dtype = _SCALAR_DTYPES.get(type(data))
    if scalar_dtype is None and isinstance(data, (int, float, complex)):  # subclasses (IntEnum, ...)
        scalar_dtype = next(d for k, d in _SCALAR_DTYPES.items() if isinstance(data, k))
    if scalar_dtype is not None:
        try:
            return torch.tensor(data, dtype=dtype or scalar_dtype)
        except RuntimeError:  # out of range for dtype: cast like C (Tensor(-2.7, mstype.uint8) is 254)
            return torch.tensor(data, dtype=scalar_dtype).to(dtype)
    if isinstance(data, (list, tuple)):
        if any(isinstance(v, _TENSOR_TYPES) for v in data):
            parts = [to_torch(v) if isinstance(v, _TENSOR_TYPES) else python_to_torch(v) for v in data]
            t = torch.stack(parts)
            return t.to(dtype) if dtype is not None else t
        try:
            arr = np.array(data)
        except ValueError:  # ragged nesting
            arr = None
        if arr is None or arr.dtype == object or arr.dtype.kind in "US":
            raise TypeError(f"For Tensor, the input_data is {data!r} that contain unsupported element.")
        if arr.dtype == np.float64 and dtype is None:
            arr = arr.astype(np.float32)
        t = numpy_to_torch(arr, copy=False)
        return t.to(dtype) if dtype is not None else t
    raise TypeError(_INPUT_TYPES_TEXT.format(type(data).__name__))


_TENSOR_TYPES: tuple = (_TORCH_TENSOR,)  # extended with msshim.Tensor once it is defined
_source_of = None  # set by msshim.common.tensor: the print source of an msshim Tensor (or None)


def construct(input_data, dtype, shape, init, device) -> tuple:
    """``Tensor(input_data, dtype, shape, init, const_arg, device)``: the torch tensor and the print source
    (None; ``"numpy"`` when sharing a numpy-backed tensor; the initializer of a lazily initialised tensor)."""
    torch_dtype = mstype.to_torch_dtype(dtype) if dtype is not None else None
    src = None
    if input_data is None:
        if shape is None:
            raise TypeError(_INPUT_TYPES_TEXT.format("NoneType"))
        if init is not None and dtype is None:
            raise ValueError("init, dtype and shape must have values at the same time.")
        if init is not None and not callable(init):  # MindSpore fails when it first needs the data
            raise TypeError(f"'{type(init).__name__}' object is not callable")
        from msshim.common.initializer import make_tensor  # initializer imports Tensor

        t = make_tensor(init, (shape,) if isinstance(shape, int) else tuple(shape), torch_dtype or torch.float32)
        src = init
    elif init is not None:
        raise ValueError("init, dtype and shape must have values at the same time.")
    elif isinstance(input_data, _TORCH_TENSOR):
        t = input_data
    elif isinstance(input_data, _TENSOR_TYPES):  # an msshim Tensor: shares its memory, so prints the same way
        t = input_data._t.detach()
        src = _source_of(input_data)
    elif isinstance(input_data, np.ndarray):
        t = numpy_to_torch(input_data, copy=True)
    else:
        t = python_to_torch(input_data, torch_dtype)
    if torch_dtype is not None and t.dtype is not torch_dtype:
        t = t.to(torch_dtype)
        src = None
    target = torch.device(device) if isinstance(device, str) and device not in ("CPU", "GPU", "Ascend") \
        else _runtime.current_device()
    if t.device != target and not isinstance(input_data, _TORCH_TENSOR):
        t = t.to(target)
    return t, src


def to_torch(x: Any) -> Any:
    """Unwrap ``x`` to a torch tensor when it is tensor-like; other values pass through unchanged."""
    t = getattr(x, "_t", None)
    if t is not None and isinstance(t, _TORCH_TENSOR):
        return t
    if isinstance(x, np.ndarray):
        return numpy_to_torch(x, copy=False).to(_runtime.current_device())
    return x


def to_torch_tree(x: Any) -> Any:
    """Unwrap tensors inside (nested) tuples, lists and dicts."""
    if isinstance(x, (tuple, list)):
        return type(x)(to_torch_tree(v) for v in x)
    if isinstance(x, dict):
        return {k: to_torch_tree(v) for k, v in x.items()}
    return to_torch(x)


def is_number(x: Any) -> bool:
    return isinstance(x, numbers.Number) and not isinstance(x, np.ndarray)
