"""MindIR ``TensorProto.DataType`` codes <-> numpy dtypes.

MindSpore 2.10 writes float64 parameters as DOUBLE (11), never FLOAT64 (17); both are read as float64.
bfloat16 is ``ml_dtypes.bfloat16`` (raw bf16 bits, as in the checkpoint code).
"""
from __future__ import annotations

import ml_dtypes
import numpy as np

from msshim._proto import mind_ir_pb2

_DT = mind_ir_pb2.TensorProto

NUMPY_OF_CODE: dict[int, np.dtype] = {
    _DT.BOOL: np.dtype(np.bool_),
    _DT.INT8: np.dtype("<i1"), _DT.INT16: np.dtype("<i2"), _DT.INT32: np.dtype("<i4"), _DT.INT64: np.dtype("<i8"),
    _DT.UINT8: np.dtype("<u1"), _DT.UINT16: np.dtype("<u2"), _DT.UINT32: np.dtype("<u4"),
    _DT.UINT64: np.dtype("<u8"),
    _DT.FLOAT16: np.dtype("<f2"), _DT.FLOAT: np.dtype("<f4"), _DT.DOUBLE: np.dtype("<f8"),
    _DT.FLOAT64: np.dtype("<f8"),
    _DT.BFLOAT16: np.dtype(ml_dtypes.bfloat16),
    _DT.COMPLEX64: np.dtype("<c8"), _DT.COMPLEX128: np.dtype("<c16"),
}

# What MindSpore writes for each numpy dtype (float64 -> DOUBLE, as its exporter does).
CODE_OF_NUMPY: dict[np.dtype, int] = {
    dt: code for code, dt in NUMPY_OF_CODE.items() if code != _DT.FLOAT64
}


# MindSpore's TypeId integers, as Cast's destination type is written in a MindIR graph (kNumberTypeBool = 30 ...).
NUMPY_OF_TYPE_ID: dict[int, np.dtype] = {
    30: np.dtype(np.bool_), 32: np.dtype(np.int8), 33: np.dtype(np.int16), 34: np.dtype(np.int32),
    35: np.dtype(np.int64), 37: np.dtype(np.uint8), 38: np.dtype(np.uint16), 39: np.dtype(np.uint32),
    40: np.dtype(np.uint64), 42: np.dtype(np.float16), 43: np.dtype(np.float32), 44: np.dtype(np.float64),
    45: np.dtype(ml_dtypes.bfloat16), 51: np.dtype(np.complex64), 52: np.dtype(np.complex128),
}
# The exporters write Cast only to the types checked with MindSpore 2.10's CPU Cast (no bfloat16 / complex).
TYPE_ID_OF_NUMPY: dict[np.dtype, int] = {
    dt: code for code, dt in NUMPY_OF_TYPE_ID.items() if dt.kind in "biuf" and dt != np.dtype(ml_dtypes.bfloat16)
}


def numpy_dtype(code: int) -> np.dtype:
    """numpy dtype of a MindIR data_type code; ValueError for codes MindIR tensors never carry."""
    try:
        return NUMPY_OF_CODE[code]
    except KeyError:
        raise ValueError(f"MindIR tensor data_type {code} is not supported") from None


def code_of(dtype) -> int:
    """MindIR data_type code for a numpy dtype (or anything ``np.dtype`` accepts)."""
    dt = np.dtype(dtype)
    try:
        return CODE_OF_NUMPY[dt.newbyteorder("<") if dt.byteorder == ">" else dt]
    except KeyError:
        raise ValueError(f"dtype {dt} cannot be stored in MindIR") from None
