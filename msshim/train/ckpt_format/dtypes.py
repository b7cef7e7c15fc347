"""``TensorProto.tensor_type`` strings <-> numpy dtypes.

MindSpore writes ``str(dtype)`` ("Float32", "UInt8", "BFloat16", ...).  Element bytes are little-endian,
so every numpy dtype here is explicitly little-endian.  bfloat16 is ``ml_dtypes.bfloat16`` (raw bf16 bits).
``"Int4"`` (MindSpore's ``qint4x2``: two int4 values packed in one byte, one byte per *element* of dims) is
represented as int8 carrying ``metadata={"ms_dtype": "Int4"}`` so the writer can give it back its name.
"""
from __future__ import annotations

import ml_dtypes
import numpy as np

__all__ = ["QINT4X2", "STR_TYPE", "TENSOR_TYPES", "MS_LOADABLE_TYPES", "V1_TYPE_ALIASES", "MAP_TENSOR_TYPES",
           "numpy_dtype", "tensor_type_of"]

STR_TYPE = "str"  # Python str entries (append_dict), content = UTF-32LE code points
QINT4X2 = np.dtype(np.int8, metadata={"ms_dtype": "Int4"})

# Every type MindSpore 2.10's loader knows (serialization.py tensor_to_ms_type, minus "str").
TENSOR_TYPES: dict[str, np.dtype] = {
    "Bool": np.dtype(np.bool_),
    "Int8": np.dtype("<i1"), "Int16": np.dtype("<i2"), "Int32": np.dtype("<i4"), "Int64": np.dtype("<i8"),
    "UInt8": np.dtype("<u1"), "UInt16": np.dtype("<u2"), "UInt32": np.dtype("<u4"), "UInt64": np.dtype("<u8"),
    "Float16": np.dtype("<f2"), "Float32": np.dtype("<f4"), "Float64": np.dtype("<f8"),
    "BFloat16": np.dtype(ml_dtypes.bfloat16),
    "Int4": QINT4X2,
}
MS_LOADABLE_TYPES = frozenset(TENSOR_TYPES) | {STR_TYPE}

# Read-only extras: MindSpore 1.x's loader table spelled the unsigned types "Uint8" ...; MindSpore can *save*
# complex tensors ("Complex64") but 2.10 cannot load them.  Accepted unless the reader is asked to be strict.
V1_TYPE_ALIASES: dict[str, str] = {"Uint8": "UInt8", "Uint16": "UInt16", "Uint32": "UInt32", "Uint64": "UInt64"}
_EXTRA_TYPES: dict[str, np.dtype] = {"Complex64": np.dtype("<c8"), "Complex128": np.dtype("<c16")}

# MapParameter components use numpy dtype names; MindSpore's loader (np_type_convert) knows only these.
MAP_TENSOR_TYPES: dict[str, np.dtype] = {"int32": np.dtype("<i4"), "float32": np.dtype("<f4"),
                                         "float16": np.dtype("<f2"), "float64": np.dtype("<f8")}


def numpy_dtype(tensor_type: str, *, strict: bool = False) -> np.dtype | None:
    """numpy dtype for a ``tensor_type`` string, or ``None`` when unknown.

    ``strict=True`` accepts exactly what MindSpore 2.10 loads; otherwise 1.x spellings and complex types too.
    """
    dt = TENSOR_TYPES.get(tensor_type)
    if dt is not None or strict:
        return dt
    alias = V1_TYPE_ALIASES.get(tensor_type)
    if alias is not None:
        return TENSOR_TYPES[alias]
    return _EXTRA_TYPES.get(tensor_type)


_BY_KIND_SIZE = {("b", 1): "Bool", ("i", 1): "Int8", ("i", 2): "Int16", ("i", 4): "Int32", ("i", 8): "Int64",
                 ("u", 1): "UInt8", ("u", 2): "UInt16", ("u", 4): "UInt32", ("u", 8): "UInt64",
                 ("f", 2): "Float16", ("f", 4): "Float32", ("f", 8): "Float64",
                 ("c", 8): "Complex64", ("c", 16): "Complex128"}
_BF16 = np.dtype(ml_dtypes.bfloat16)


def tensor_type_of(dtype: np.dtype) -> str:
    """MindSpore's ``tensor_type`` string for a numpy dtype (``TypeError`` if MindSpore has no such type)."""
    dtype = np.dtype(dtype)
    if dtype.metadata and dtype.metadata.get("ms_dtype") == "Int4":
        return "Int4"
    if dtype == _BF16:
        return "BFloat16"
    name = _BY_KIND_SIZE.get((dtype.kind, dtype.itemsize)) if dtype.fields is None else None
    if name is None or (dtype.kind == "f" and dtype.char not in "efd"):  # e.g. ml_dtypes float8 kinds
        raise TypeError(f"numpy dtype {dtype} has no MindSpore checkpoint tensor_type")
    return name
