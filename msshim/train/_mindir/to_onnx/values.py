"""Decoding MindIR attribute and tensor protos into Python values.

MindSpore writes scalars in ``i``/``f``/``d``/``s`` of a top-level attribute but, inside TUPLE/LIST values,
in the repeated ``ints``/``floats``/``doubles``/``strings`` fields (one element each); both are read here.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from msshim._proto import mind_ir_pb2 as pb
from msshim.train._mindir.dtypes import numpy_dtype

_A = pb.AttributeProto
_T = pb.TensorProto

__all__ = ["MONAD", "TypeSpec", "attribute_value", "tensor_array", "tensor_spec", "parameter_name"]


class _Monad:
    """UMonad / IOMonad: side-effect tokens, carry no data."""

    def __repr__(self) -> str:
        return "MONAD"


MONAD = _Monad()


class TypeSpec:
    """Shape-and-dtype of a tensor (a TENSORS attribute without data, e.g. a node's ``shape``)."""

    __slots__ = ("shape", "dtype")

    def __init__(self, shape: tuple[int, ...], dtype: np.dtype | None):
        self.shape = shape
        self.dtype = dtype

    def __repr__(self) -> str:
        return f"TypeSpec({self.shape}, {self.dtype})"


_INT_TYPES = {_A.INT8, _A.INT16, _A.INT32, _A.INT64, _A.UINT8, _A.UINT16, _A.UINT32, _A.UINT64}


def _scalar(attr: pb.AttributeProto, field: str, repeated: str):
    if attr.HasField(field):
        return getattr(attr, field)
    values = getattr(attr, repeated)
    return values[0] if len(values) else getattr(attr, field)


def attribute_value(attr: pb.AttributeProto) -> Any:
    """The Python value of an attribute: bool/int/float/str/None/tuple/list/numpy array/TypeSpec/MONAD."""
    kind = attr.type
    if kind == _A.BOOL:
        return bool(_scalar(attr, "i", "ints"))
    if kind in _INT_TYPES:
        return int(_scalar(attr, "i", "ints"))
    if kind in (_A.FLOAT, _A.FLOAT16, _A.BFLOAT16):
        return float(_scalar(attr, "f", "floats"))
    if kind == _A.DOUBLE:
        return float(_scalar(attr, "d", "doubles"))
    if kind == _A.STRING:
        raw = _scalar(attr, "s", "strings")
        return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    if kind == _A.TUPLE:
        return tuple(attribute_value(v) for v in attr.values)
    if kind == _A.LIST:
        return [attribute_value(v) for v in attr.values]
    if kind == _A.NONE:
        return None
    if kind in (_A.UMONAD, _A.IOMONAD):
        return MONAD
    if kind == _A.TENSOR:
        return tensor_array(attr.t)
    if kind == _A.TENSORS:
        items = [tensor_array(t) if _has_data(t) else tensor_spec(t) for t in attr.tensors]
        return items[0] if len(items) == 1 else tuple(items)
    if kind == _A.UNDEFINED:  # seen for empty values: fall back on whatever field is set
        if attr.HasField("i"):
            return int(attr.i)
        if attr.HasField("f"):
            return float(attr.f)
        if attr.HasField("s"):
            return attr.s.decode("utf-8", "replace")
    raise ValueError(f"MindIR attribute '{attr.name}' of type {_A.AttributeType.Name(kind)} is not supported")


def _has_data(t: pb.TensorProto) -> bool:
    return bool(t.raw_data or t.float_data or t.int32_data or t.int64_data or t.double_data or t.uint64_data)


def tensor_spec(t: pb.TensorProto) -> TypeSpec:
    dtype = numpy_dtype(t.data_type) if t.data_type else None
    return TypeSpec(tuple(int(d) for d in t.dims), dtype)


def tensor_array(t: pb.TensorProto) -> np.ndarray:
    """numpy array of a TensorProto (raw_data, or the typed repeated fields); a read-only view when raw."""
    dtype = numpy_dtype(t.data_type)
    shape = tuple(int(d) for d in t.dims)
    if t.raw_data:
        flat = np.frombuffer(t.raw_data, dtype=dtype)
    elif t.float_data:
        flat = np.asarray(t.float_data, dtype=np.float32).astype(dtype)
    elif t.double_data:
        flat = np.asarray(t.double_data, dtype=np.float64).astype(dtype)
    elif t.int64_data:
        flat = np.asarray(t.int64_data, dtype=np.int64).astype(dtype)
    elif t.int32_data:
        flat = np.asarray(t.int32_data, dtype=np.int64).astype(dtype)
    elif t.uint64_data:
        flat = np.asarray(t.uint64_data, dtype=np.uint64).astype(dtype)
    else:
        flat = np.zeros(0, dtype=dtype)
    count = int(np.prod(shape)) if shape else 1
    if flat.size != count:
        raise ValueError(f"MindIR tensor '{t.name}' has {flat.size} elements, its dims {list(shape)} need {count}")
    return flat.reshape(shape)


def short_name(name: str, graph_name: str) -> str:
    """A graph input / node name without MindSpore's "<graph name>:" prefix."""
    prefix = graph_name + ":"
    return name[len(prefix):] if name.startswith(prefix) else name


def parameter_name(t: pb.TensorProto) -> str:
    """MindSpore's name of a graph parameter: ``ref_key``, else the part of ``name`` after "<graph>:"."""
    if t.ref_key:
        return t.ref_key
    return t.name.split(":", 1)[1] if ":" in t.name else t.name
