"""MindSpore data types (``mindspore.common.dtype``), each bound to its torch and numpy counterparts.

MindSpore prints a dtype by its C++ name (``str(mstype.float32) == 'Float32'``) and reprs it as
``mindspore.float32``; unsigned types are spelled ``UInt8`` with a capital I.  Checkpoints store
exactly ``str(dtype)`` as ``tensor_type``.
"""
from __future__ import annotations

import builtins

import numpy as np
import torch

try:  # numpy has no bfloat16; ml_dtypes (the JAX project's) gives an exact one
    import ml_dtypes as _ml_dtypes

    np_bfloat16 = np.dtype(_ml_dtypes.bfloat16)
except ImportError:  # pragma: no cover - ml_dtypes is a declared dependency
    _ml_dtypes = None
    np_bfloat16 = None


__all__ = ["Type", "Int", "UInt", "Float", "BFloat", "Bool", "Complex", "String", "TensorType",
           "bool_", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float16", "float32",
           "float64", "bfloat16", "complex64", "complex128", "string", "tensor_type", "half", "single", "double",
           "float_", "int_", "intc", "intp", "long", "short", "byte", "uint", "uintc", "uintp", "ubyte", "ushort",
           "cfloat", "cdouble", "int_type", "uint_type", "float_type", "signed_type", "complex_type", "number_type",
           "all_types", "dtype_to_nptype", "dtype_to_pytype", "pytype_to_dtype", "get_py_obj_dtype",
           "type_size_in_bytes", "np_bfloat16"]


class Type:
    """Base of every MindSpore type object."""

    __slots__ = ("_name", "_attr", "_torch", "_np", "_pytype", "_nbits")

    def __init__(self, name: str, attr: str, torch_dtype=None, np_dtype=None, pytype=None, nbits: int = 0):
        self._name = name
        self._attr = attr
        self._torch = torch_dtype
        self._np = np_dtype
        self._pytype = pytype
        self._nbits = nbits

    @property
    def nbits(self) -> int:
        return self._nbits

    def __str__(self) -> str:
        return self._name

    def __repr__(self) -> str:
        return "mindspore." + self._attr

    def __eq__(self, other) -> bool:
        if isinstance(other, Type):
            return self._name == other._name
        if isinstance(other, torch.dtype):  # lets torch-style checks on msshim tensors keep working
            return self._torch is other
        return NotImplemented

    def __ne__(self, other) -> bool:
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    def __hash__(self) -> int:
        return hash(self._torch) if self._torch is not None else hash(self._name)

    def __reduce__(self):
        return (_by_attr, (self._attr,))

    def to_torch(self) -> torch.dtype:
        """The torch dtype this MindSpore type runs as (msshim extension)."""
        if self._torch is None:
            raise TypeError(f"MindSpore type {self._name} has no tensor representation.")
        return self._torch


class Int(Type):
    __slots__ = ()


class UInt(Type):
    __slots__ = ()


class Float(Type):
    __slots__ = ()


class BFloat(Type):
    __slots__ = ()


class Bool(Type):
    __slots__ = ()


class Complex(Type):
    __slots__ = ()


class String(Type):
    __slots__ = ()


class TensorType(Type):
    __slots__ = ()


bool_ = Bool("Bool", "bool_", torch.bool, np.dtype(np.bool_), builtins.bool, 8)
int8 = Int("Int8", "int8", torch.int8, np.dtype(np.int8), builtins.int, 8)
int16 = Int("Int16", "int16", torch.int16, np.dtype(np.int16), builtins.int, 16)
int32 = Int("Int32", "int32", torch.int32, np.dtype(np.int32), builtins.int, 32)
int64 = Int("Int64", "int64", torch.int64, np.dtype(np.int64), builtins.int, 64)
uint8 = UInt("UInt8", "uint8", torch.uint8, np.dtype(np.uint8), builtins.int, 8)
uint16 = UInt("UInt16", "uint16", torch.uint16, np.dtype(np.uint16), builtins.int, 16)
uint32 = UInt("UInt32", "uint32", torch.uint32, np.dtype(np.uint32), builtins.int, 32)
uint64 = UInt("UInt64", "uint64", torch.uint64, np.dtype(np.uint64), builtins.int, 64)
float16 = Float("Float16", "float16", torch.float16, np.dtype(np.float16), builtins.float, 16)
float32 = Float("Float32", "float32", torch.float32, np.dtype(np.float32), builtins.float, 32)
float64 = Float("Float64", "float64", torch.float64, np.dtype(np.float64), builtins.float, 64)
bfloat16 = BFloat("BFloat16", "bfloat16", torch.bfloat16, np_bfloat16, builtins.float, 16)
complex64 = Complex("Complex64", "complex64", torch.complex64, np.dtype(np.complex64), builtins.complex, 64)
complex128 = Complex("Complex128", "complex128", torch.complex128, np.dtype(np.complex128), builtins.complex, 128)
string = String("String", "string", None, None, builtins.str, 0)
tensor_type = TensorType("TensorType", "tensor_type")

# MindSpore's aliases
bool = bool_  # noqa: A001 - MindSpore exports mindspore.bool
half, single, double = float16, float32, float64
float_ = float32
int_, intc, intp, long, short, byte = int32, int32, int64, int64, int16, int8
uint, uintc, uintp, ubyte, ushort = uint32, uint32, uint64, uint8, uint16
cfloat, cdouble = complex64, complex128

int_type = (int8, int16, int32, int64)
uint_type = (uint8, uint16, uint32, uint64)
float_type = (float16, float32, float64, bfloat16)
signed_type = int_type + float_type + (complex64, complex128)
complex_type = (complex64, complex128)
number_type = int_type + uint_type + float_type + complex_type
all_types = (bool_,) + number_type

_ALL = (bool_, int8, int16, int32, int64, uint8, uint16, uint32, uint64, float16, float32, float64, bfloat16,
        complex64, complex128)
_FROM_TORCH = {t._torch: t for t in _ALL}
_FROM_NAME = {t._name: t for t in _ALL}
_FROM_ATTR = {t._attr: t for t in _ALL}
_FROM_NP = {t._np: t for t in _ALL if t._np is not None}


def _by_attr(attr: str) -> Type:
    return _FROM_ATTR[attr]


def from_torch(dtype: torch.dtype) -> Type:
    """MindSpore type of a torch dtype (msshim extension)."""
    try:
        return _FROM_TORCH[dtype]
    except KeyError:
        raise TypeError(f"torch dtype {dtype} has no MindSpore counterpart.") from None


def from_name(name: str) -> Type:
    """MindSpore type from its printed name (``'Float32'``), as checkpoints store it."""
    return _FROM_NAME[name]


def to_torch_dtype(dtype) -> torch.dtype:
    """Accept a MindSpore type, a torch dtype, a numpy dtype or a Python type; return the torch dtype."""
    if isinstance(dtype, Type):
        return dtype.to_torch()
    if isinstance(dtype, torch.dtype):
        return dtype
    if dtype is builtins.float:
        return torch.float32
    if dtype is builtins.int:
        return torch.int64
    if dtype is builtins.bool:
        return torch.bool
    try:
        return _FROM_NP[np.dtype(dtype)]._torch
    except (TypeError, KeyError):
        raise TypeError(f"Unsupported dtype: {dtype!r}.") from None


def to_ms_dtype(dtype) -> Type:
    """Normalise any dtype spelling to a MindSpore type."""
    if isinstance(dtype, Type):
        return dtype
    return from_torch(to_torch_dtype(dtype))


def dtype_to_nptype(type_: Type):
    """The numpy scalar type of a MindSpore type (bfloat16 maps to ml_dtypes' bfloat16)."""
    if type_ is bfloat16:
        return _ml_dtypes.bfloat16
    try:
        return type_._np.type
    except AttributeError:
        raise TypeError(f"For 'dtype_to_nptype', unsupported type {type_}.") from None


def dtype_to_pytype(type_: Type):
    """The Python builtin type of a MindSpore type."""
    return type_._pytype


def pytype_to_dtype(obj) -> Type:
    """Convert a numpy dtype, Python type or MindSpore type to a MindSpore type."""
    if isinstance(obj, Type):
        return obj
    if isinstance(obj, np.dtype) or (isinstance(obj, type) and issubclass(obj, np.generic)):
        return _FROM_NP[np.dtype(obj)]
    if obj is builtins.bool:
        return bool_
    if obj is builtins.int:
        return int64
    if obj is builtins.float:
        return float64
    raise NotImplementedError(f"The python type {obj} cannot be converted to MindSpore type.")


def get_py_obj_dtype(obj) -> Type:
    """MindSpore type of a Python object (tensor, numpy scalar or builtin type)."""
    dtype = getattr(obj, "dtype", None)
    if dtype is not None:
        return to_ms_dtype(dtype)
    if isinstance(obj, type):
        return pytype_to_dtype(obj)
    return pytype_to_dtype(type(obj))


def type_size_in_bytes(dtype: Type) -> int:
    return dtype.nbits // 8


def is_float(dtype: Type) -> builtins.bool:
    return isinstance(dtype, (Float, BFloat))
