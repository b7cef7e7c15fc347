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


def numpy_to_torch(arr: np.ndarray, copy: bool = True) -> torch.Tensor:
    """A torch tensor with the contents of ``arr`` (bfloat16 arrays from ml_dtypes included)."""
    if mstype.np_bfloat16 is not None and arr.dtype == mstype.np_bfloat16:
        out = torch.from_numpy(np.ascontiguousarray(arr).view(np.int16)).view(torch.bfloat16)
        return out.clone() if copy else out
    if not arr.flags.writeable or not arr.flags.c_contiguous or arr.dtype.byteorder == ">":
        # torch.from_numpy needs native byte order and warns on read-only memory: copy once instead
        return torch.from_numpy(np.array(arr, dtype=arr.dtype.newbyteorder("="), order="C"))
    out = torch.from_numpy(arr)
    return out.clone() if copy else out


def torch_to_numpy(t: torch.Tensor) -> np.ndarray:
    """A numpy array of ``t``; shares memory for CPU tensors (as MindSpore's ``asnumpy`` does on CPU)."""
    t = t.detach()
    if t.device.type != "cpu":
        t = t.cpu()
    if t.dtype is torch.bfloat16:
        return t.view(torch.int16).numpy().view(mstype.np_bfloat16)
    return t.numpy()


def python_to_torch(data: Any, dtype: torch.dtype | None = None) -> torch.Tensor:
    """Build a tensor from Python data with MindSpore's default types.

    MindSpore infers Python ``float`` (and lists of them) as Float32, ``int`` as Int64 and ``bool`` as
    Bool, while numpy arrays keep their own dtype (float64 stays Float64).
    """
    if isinstance(data, bool):
        return torch.tensor(data, dtype=dtype or torch.bool)
    if isinstance(data, int):
        return torch.tensor(data, dtype=dtype or torch.int64)
    if isinstance(data, float):
        return torch.tensor(data, dtype=dtype or torch.float32)
    if isinstance(data, complex):
        return torch.tensor(data, dtype=dtype or torch.complex64)
    if isinstance(data, (list, tuple)):
        if any(isinstance(v, _TENSOR_TYPES) for v in data):
            return torch.stack([to_torch(v) for v in data])
        arr = np.array(data)
        if arr.dtype == np.float64:
            arr = arr.astype(np.float32)
        elif arr.dtype == np.complex128:
            arr = arr.astype(np.complex64)
        elif arr.dtype.kind in "US" or arr.dtype == object:
            raise TypeError(f"For 'Tensor', the input data {data!r} cannot be converted to a tensor.")
        t = numpy_to_torch(arr, copy=False)
        return t.to(dtype) if dtype is not None else t
    if isinstance(data, np.generic):
        return numpy_to_torch(np.asarray(data))
    raise TypeError(f"For 'Tensor', the type of input_data must be one of Tensor, numpy.ndarray, list, tuple, "
                    f"int, float, bool or complex, but got {type(data).__name__}.")


_TENSOR_TYPES: tuple = (_TORCH_TENSOR,)  # extended with msshim.Tensor once it is defined


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
