"""MindSpore data types (``mindspore.common.dtype``), each bound to its torch and numpy counterparts.

MindSpore prints a dtype by its C++ name (``str(mstype.float32) == 'Float32'``) and reprs it as
``mindspore.float32``; unsigned types are spelled ``UInt8`` with a capital I.  Checkpoints store
exactly ``str(dtype)`` as ``tensor_type``.  A few reprs are not the attribute name: ``mindspore.bool``
(``bool_``), ``mindspore.string_`` (``string``), ``mindspore.tensor`` (``tensor_type``) and
``mindspore.int4`` (``qint4x2``).  ``int_``, ``uint`` and ``float_`` are MindSpore's *generic* Int, UInt
and Float types (``str`` 'Int', equal to no sized type, unusable as a tensor dtype), while the module
attributes ``int`` / ``float`` / ``bool`` are Int32 / Float32 / Bool, as in MindSpore.
"""
from __future__ import annotations

import builtins
import enum

import numpy as np
import torch

try:  # numpy has no bfloat16; ml_dtypes (the JAX project's) gives an exact one
    import ml_dtypes as _ml_dtypes

    np_bfloat16 = np.dtype(_ml_dtypes.bfloat16)
    _np_f8e4m3fn = np.dtype(_ml_dtypes.float8_e4m3fn)
    _np_f8e5m2 = np.dtype(_ml_dtypes.float8_e5m2)
except ImportError:  # pragma: no cover - ml_dtypes is a declared dependency
    _ml_dtypes = None
    np_bfloat16 = _np_f8e4m3fn = _np_f8e5m2 = None


__all__ = ["Type", "QuantDtype", "Int", "UInt", "Float", "BFloat", "Bool", "Complex", "String", "TensorType",
           "bool_", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float16", "float32",
           "float64", "bfloat16", "complex64", "complex128", "qint4x2", "float8_e4m3fn", "float8_e5m2", "hifloat8",
           "string", "tensor_type", "list_", "tuple_", "number", "type_none", "half", "single", "double",
           "float_", "int_", "intc", "intp", "long", "short", "byte", "uint", "uintc", "uintp", "ubyte", "ushort",
           "cfloat", "cdouble", "int_type", "uint_type", "float_type", "signed_type", "complex_type", "number_type",
           "all_types", "dtype_to_nptype", "dtype_to_pytype", "pytype_to_dtype", "get_py_obj_dtype",
           "type_size_in_bytes", "np_bfloat16"]


class Type:
    """Base of every MindSpore type object."""

    __slots__ = ("_name", "_repr", "_torch", "_np", "_pytype", "_nbits")

    def __init__(self, name: str, repr_name: str, torch_dtype=None, np_dtype=None, pytype=None, nbits: int = 0):
        self._name = name
        self._repr = repr_name
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
        return "mindspore." + self._repr

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
        return (_by_name, (self._name,))

    def to_torch(self) -> torch.dtype:
        """The torch dtype this MindSpore type runs as (msshim extension)."""
        if self._torch is None:
            raise TypeError(f"For 'Tensor', the 'dtype' should be a tensor element type such as mindspore.float32, "
                            f"but got '{self!r}'.")
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


class Number(Type):
    __slots__ = ()


class List(Type):
    __slots__ = ()


class Tuple(Type):
    __slots__ = ()


class TypeNone(Type):
    __slots__ = ()


bool_ = Bool("Bool", "bool", torch.bool, np.dtype(np.bool_), builtins.bool, 8)
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
# low-precision types: torch has float8 tensors; int4 (packed two per byte) and HiFloat8 exist only on Ascend
qint4x2 = Int("Int4", "int4", None, None, None, 4)
float8_e4m3fn = Float("Float8E4M3FN", "float8_e4m3fn", torch.float8_e4m3fn, _np_f8e4m3fn, None, 8)
float8_e5m2 = Float("Float8E5M2", "float8_e5m2", torch.float8_e5m2, _np_f8e5m2, None, 8)
hifloat8 = Float("HiFloat8", "hifloat8", None, None, None, 8)

# generic (unsized) and non-numeric types
int_ = Int("Int", "int", None, None, builtins.int)
uint = UInt("UInt", "uint", None, None, None)
float_ = Float("Float", "float", None, None, builtins.float)
string = String("String", "string_", None, None, builtins.str)
tensor_type = TensorType("Tensor", "tensor")
list_ = List("List", "list_", None, None, builtins.list)
tuple_ = Tuple("Tuple", "tuple_", None, None, builtins.tuple)
number = Number("Number", "number")
type_none = TypeNone("None", "type_none", None, None, type(None))

# MindSpore's aliases
bool = bool_  # noqa: A001 - MindSpore's dtype module defines bool, int and float (not exported by *)
int = int32  # noqa: A001
float = float32  # noqa: A001
half, single, double = float16, float32, float64
intc, intp, long, short, byte = int32, int64, int64, int16, int8
uintc, uintp, ubyte, ushort = uint32, uint64, uint8, uint16
cfloat, cdouble = complex64, complex128

int_type = (int8, int16, int32, int64)
uint_type = (uint8, uint16, uint32, uint64)
float_type = (float16, float32, float64, bfloat16, float8_e4m3fn, float8_e5m2, hifloat8)
signed_type = (int8, int16, int32, int64, float16, float32, float64, bfloat16, complex64, complex128, qint4x2,
               float8_e4m3fn, float8_e5m2, hifloat8)
complex_type = (complex64, complex128)
number_type = (int8, int16, int32, int64, uint8, uint16, uint32, uint64, float16, float32, float64, bfloat16,
               complex64, complex128, qint4x2, float8_e4m3fn, float8_e5m2, hifloat8)
all_types = (bool_,) + number_type


@enum.unique
class QuantDtype(enum.Enum):
    """Quantization data types ``INT1`` ... ``INT16`` and ``UINT1`` ... ``UINT16`` (MindSpore's values)."""

    INT1, INT2, INT3, INT4, INT5, INT6, INT7, INT8 = range(8)
    INT9, INT10, INT11, INT12, INT13, INT14, INT15, INT16 = range(8, 16)
    UINT1, UINT2, UINT3, UINT4, UINT5, UINT6, UINT7, UINT8 = range(100, 108)
    UINT9, UINT10, UINT11, UINT12, UINT13, UINT14, UINT15, UINT16 = range(108, 116)

    def __str__(self) -> str:
        return f"{self.name}"

    def value(self) -> builtins.int:
        return self._value_


_TENSOR_TYPES = (bool_, int8, int16, int32, int64, uint8, uint16, uint32, uint64, float16, float32, float64, bfloat16,
                 complex64, complex128, float8_e4m3fn, float8_e5m2)
_EVERY = _TENSOR_TYPES + (qint4x2, hifloat8, int_, uint, float_, string, tensor_type, list_, tuple_, number, type_none)
_FROM_TORCH = {t._torch: t for t in _TENSOR_TYPES}
_FROM_NAME = {t._name: t for t in _EVERY}
_FROM_NP = {t._np: t for t in _TENSOR_TYPES if t._np is not None}
_SIMPLE_PYTYPES = {builtins.list: list_, builtins.tuple: tuple_, type(None): type_none, builtins.bool: bool_,
                   builtins.int: int64, builtins.float: float64, builtins.complex: complex128, builtins.str: string,
                   np.str_: string}


def _by_name(name: str) -> Type:
    return _FROM_NAME[name]


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
    """The numpy scalar type of a MindSpore type (bfloat16 maps to ml_dtypes' bfloat16).

    MindSpore raises KeyError for types without a numpy counterpart (the generic and low-precision ones)."""
    np_dtype = type_._np if isinstance(type_, Type) and type_ not in (float8_e4m3fn, float8_e5m2) else None
    if np_dtype is None:
        raise KeyError(type_)
    return np_dtype.type


def dtype_to_pytype(type_: Type):
    """The Python builtin type of a MindSpore type (KeyError where MindSpore has none)."""
    pytype = type_._pytype if isinstance(type_, Type) else None
    if pytype is None:
        raise KeyError(type_)
    return pytype


def pytype_to_dtype(obj) -> Type:
    """Convert a numpy dtype, Python type or MindSpore type to a MindSpore type."""
    if isinstance(obj, np.dtype):
        obj = obj.type
    if isinstance(obj, Type):
        return obj
    if not isinstance(obj, type):
        raise TypeError("For 'pytype_to_dtype', the argument 'obj' must be a python type object,"
                        "such as int, float, str, etc. But got type {}.".format(type(obj)))
    if obj in _SIMPLE_PYTYPES:
        return _SIMPLE_PYTYPES[obj]
    if issubclass(obj, np.generic):
        found = _FROM_NP.get(np.dtype(obj))
        if found is not None:
            return found
    raise NotImplementedError(f"The python type {obj} cannot be converted to MindSpore type.")


def get_py_obj_dtype(obj) -> Type:
    """MindSpore type of a Python object (tensor, numpy scalar or builtin type)."""
    dtype = getattr(obj, "dtype", None)
    if dtype is not None:
        return to_ms_dtype(dtype)
    if isinstance(obj, type):
        return pytype_to_dtype(obj)
    return pytype_to_dtype(type(obj))


def type_size_in_bytes(dtype: Type) -> builtins.int:
    if not isinstance(dtype, Type):
        raise TypeError("The argument `dtype` should be instance of ", Type)
    return dtype.nbits // 8


def is_float(dtype: Type) -> builtins.bool:
    return isinstance(dtype, (Float, BFloat))
