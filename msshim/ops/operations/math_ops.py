"""Math primitives: element-wise arithmetic, comparisons, reductions (``ReduceMean(keep_dims)(x, axis)``), matrix
products (``MatMul(transpose_a, transpose_b)``, ``BatchMatMul``), scans (``CumSum(exclusive, reverse)``), ...

Reduction primitives keep the input dtype (``ReduceSum()(int32)`` is Int32, unlike ``ops.sum``), take
``axis=()`` for "every axis" and a ``keep_dims`` constructor flag.
"""
from __future__ import annotations

import torch

from msshim.common.tensor import wrap
from msshim.ops.function import linalg_func as L
from msshim.ops.function import math_func as M
from msshim.ops.function import reduce_func as R
from msshim.ops.function._utils import check_tensor, norm_axis, reduce_axes, tensor_arg
from msshim.ops.operations._base import Op, stateless
from msshim.ops.primitive import prim_attr_register

__all__ = ["Add", "TensorAdd", "Sub", "Mul", "Div", "RealDiv", "FloorDiv", "FloorMod", "Mod", "Pow", "Exp", "Log",
           "Sqrt", "Rsqrt", "Square", "Abs", "Neg", "Maximum", "Minimum", "Equal", "NotEqual", "Greater",
           "GreaterEqual", "Less", "LessEqual", "LogicalAnd", "LogicalOr", "LogicalNot", "LogicalXor", "Erf", "Erfc",
           "Erfinv", "Sin", "Cos", "Tan", "Sinh", "Cosh", "Asin", "ACos", "Atan", "Asinh", "Acosh", "Atanh", "Floor",
           "Ceil", "Round", "Sign", "IsNan", "IsInf", "IsFinite", "Log1p", "Expm1", "Reciprocal", "Trunc", "Atan2",
           "Xlogy", "Xdivy", "DivNoNan", "SquaredDifference", "AddN", "Cdist", "Lerp", "Hypot", "BitwiseAnd",
           "BitwiseOr", "BitwiseXor", "Invert", "MatMul", "BatchMatMul", "Einsum", "CumSum", "CumProd", "Cummax",
           "Cummin", "ApproximateEqual", "IsClose", "ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin",
           "ReduceProd", "ReduceAll", "ReduceAny", "ReduceStd", "LpNorm", "MatrixInverse", "Ger", "Sigmoid", "Tanh"]


def _simple(name: str, fn, doc: str = ""):
    """A no-attribute primitive class whose call runs ``fn``."""

    def __call__(self, *args, **kwargs):
        return fn(*args, **kwargs)

    cls = type(name, (Op,), {"__call__": __call__, "__doc__": doc or f"``{name}()``: see the functional op.",
                             "__module__": __name__, "__qualname__": name})
    return stateless(cls)


Add = _simple("Add", M.add)
TensorAdd = Add
Sub = _simple("Sub", M.sub)
Mul = _simple("Mul", M.mul)
Div = _simple("Div", M.true_divide)
RealDiv = _simple("RealDiv", M.true_divide)
FloorDiv = _simple("FloorDiv", M.floor_divide)
FloorMod = _simple("FloorMod", M.remainder)
Mod = _simple("Mod", M.fmod, "``Mod()``: C-style remainder (sign of the dividend), as ``fmod``.")
Pow = _simple("Pow", M.pow)
Exp = _simple("Exp", M.exp)
Log = _simple("Log", M.log)
Sqrt = _simple("Sqrt", M.sqrt)
Rsqrt = _simple("Rsqrt", M.rsqrt)
Square = _simple("Square", M.square)
Abs = _simple("Abs", M.abs)
Neg = _simple("Neg", M.neg)
Maximum = _simple("Maximum", M.maximum)
Minimum = _simple("Minimum", M.minimum)
Equal = _simple("Equal", M.equal)
NotEqual = _simple("NotEqual", M.ne)
Greater = _simple("Greater", M.greater)
GreaterEqual = _simple("GreaterEqual", M.greater_equal)
Less = _simple("Less", M.less)
LessEqual = _simple("LessEqual", M.less_equal)
LogicalAnd = _simple("LogicalAnd", M.logical_and)
LogicalOr = _simple("LogicalOr", M.logical_or)
LogicalNot = _simple("LogicalNot", M.logical_not)
LogicalXor = _simple("LogicalXor", M.logical_xor)
Erf = _simple("Erf", M.erf)
Erfc = _simple("Erfc", M.erfc)
Erfinv = _simple("Erfinv", M.erfinv)
Sin = _simple("Sin", M.sin)
Cos = _simple("Cos", M.cos)
Tan = _simple("Tan", M.tan)
Sinh = _simple("Sinh", M.sinh)
Cosh = _simple("Cosh", M.cosh)
Asin = _simple("Asin", M.asin)
ACos = _simple("ACos", M.acos)
Atan = _simple("Atan", M.atan)
Asinh = _simple("Asinh", M.asinh)
Acosh = _simple("Acosh", M.acosh)
Atanh = _simple("Atanh", M.atanh)
Floor = _simple("Floor", M.floor)
Ceil = _simple("Ceil", M.ceil)
Sign = _simple("Sign", M.sign)
IsNan = _simple("IsNan", M.isnan)
IsInf = _simple("IsInf", M.isinf)
IsFinite = _simple("IsFinite", M.isfinite)
Log1p = _simple("Log1p", M.log1p)
Expm1 = _simple("Expm1", M.expm1)
Reciprocal = _simple("Reciprocal", M.reciprocal)
Trunc = _simple("Trunc", M.trunc)
Atan2 = _simple("Atan2", M.atan2)
Xlogy = _simple("Xlogy", M.xlogy)
Xdivy = _simple("Xdivy", M.xdivy)
Hypot = _simple("Hypot", M.hypot)
BitwiseAnd = _simple("BitwiseAnd", M.bitwise_and)
BitwiseOr = _simple("BitwiseOr", M.bitwise_or)
BitwiseXor = _simple("BitwiseXor", M.bitwise_xor)
Invert = _simple("Invert", M.invert)
Lerp = _simple("Lerp", M.lerp)
AddN = _simple("AddN", M.addn)
Ger = _simple("Ger", L.outer)
Sigmoid = _simple("Sigmoid", M.sigmoid)
Tanh = _simple("Tanh", M.tanh)


@stateless
class Round(Op):
    def __call__(self, input, decimals=0):
        return M.round(input, decimals=decimals)


@stateless
class DivNoNan(Op):
    """``x / y`` with 0 where ``y == 0``."""

    def __call__(self, x1, x2):
        q = M.true_divide(x1, x2)._t
        d = tensor_arg(x2, "x2", "DivNoNan")
        return wrap(torch.where(d == 0, torch.zeros_like(q), q))


@stateless
class SquaredDifference(Op):
    def __call__(self, x, y):
        return M.square(M.sub(x, y))


class Cdist(Op):
    @prim_attr_register
    def __init__(self, p=2.0):
        pass

    def __call__(self, x1, x2):
        return L.cdist(x1, x2, self.attrs["p"])


class MatMul(Op):
    """``MatMul(transpose_a=False, transpose_b=False)`` on 2-D inputs."""

    @prim_attr_register
    def __init__(self, transpose_a=False, transpose_b=False):
        pass

    def __call__(self, input, mat2):
        a = check_tensor(input, "MatMul")
        b = check_tensor(mat2, "MatMul", "mat2")
        return wrap(L.plain_matmul(a, b, self.attrs["transpose_a"], self.attrs["transpose_b"]))


class BatchMatMul(Op):
    """``BatchMatMul(transpose_a=False, transpose_b=False)``: batch axes broadcast."""

    @prim_attr_register
    def __init__(self, transpose_a=False, transpose_b=False):
        pass

    def __call__(self, x, y):
        a = check_tensor(x, "BatchMatMul", "x")
        b = check_tensor(y, "BatchMatMul", "y")
        return wrap(L.batch_matmul(a, b, self.attrs["transpose_a"], self.attrs["transpose_b"]))


class Einsum(Op):
    @prim_attr_register
    def __init__(self, equation):
        if not isinstance(equation, str):
            raise TypeError(f"For 'Einsum', the 'equation' must be str, but got {type(equation).__name__}.")

    def __call__(self, operands):
        return L.einsum(self.attrs["equation"], *operands)


def _scan(t: torch.Tensor, axis: int, exclusive: bool, reverse: bool, fn, identity) -> torch.Tensor:
    if reverse:
        t = t.flip(axis)
    out = fn(t, axis)
    if exclusive:
        first = torch.full_like(t.narrow(axis, 0, 1), identity)
        out = torch.cat([first, out.narrow(axis, 0, t.shape[axis] - 1)], axis)
    return out.flip(axis) if reverse else out


class CumSum(Op):
    """``CumSum(exclusive=False, reverse=False)(input, axis)``."""

    @prim_attr_register
    def __init__(self, exclusive=False, reverse=False):
        pass

    def __call__(self, input, axis):
        t = check_tensor(input, "CumSum")
        a = norm_axis(int(axis), t.dim(), "CumSum")
        return wrap(_scan(t, a, self.attrs["exclusive"], self.attrs["reverse"],
                          lambda v, d: torch.cumsum(v, d, dtype=v.dtype), 0))


class CumProd(Op):
    @prim_attr_register
    def __init__(self, exclusive=False, reverse=False):
        pass

    def __call__(self, x, axis):
        t = check_tensor(x, "CumProd", "x")
        a = norm_axis(int(axis), t.dim(), "CumProd")
        return wrap(_scan(t, a, self.attrs["exclusive"], self.attrs["reverse"],
                          lambda v, d: torch.cumprod(v, d, dtype=v.dtype), 1))


class Cummax(Op):
    @prim_attr_register
    def __init__(self, axis):
        pass

    def __call__(self, input):
        return R.cummax(input, self.attrs["axis"])


class Cummin(Op):
    @prim_attr_register
    def __init__(self, axis):
        pass

    def __call__(self, input):
        return R.cummin(input, self.attrs["axis"])


class ApproximateEqual(Op):
    """``|x - y| < tolerance`` (Bool)."""

    @prim_attr_register
    def __init__(self, tolerance=1e-05):
        pass

    def __call__(self, x, y):
        return wrap((tensor_arg(x) - tensor_arg(y)).abs() < self.attrs["tolerance"])


class IsClose(Op):
    @prim_attr_register
    def __init__(self, rtol=1e-05, atol=1e-08, equal_nan=True):
        pass

    def __call__(self, input, other):
        a = self.attrs
        return M.isclose(input, other, a["rtol"], a["atol"], a["equal_nan"])


class _Reduce(Op):
    """``ReduceX(keep_dims=False)(x, axis=())``: the input dtype is kept."""

    _fn = staticmethod(torch.sum)
    _op = "ReduceSum"

    @prim_attr_register
    def __init__(self, keep_dims=False):
        pass

    def __call__(self, x, axis=()):
        t = check_tensor(x, self._op, "x")
        keep = self.attrs["keep_dims"]
        if not isinstance(keep, bool):
            raise TypeError(f"Failed calling {self.name} with \"{self.name}(keep_dims={type(keep).__name__})(x=Tensor, "
                            f"axis={type(axis).__name__})\".")
        d = reduce_axes(axis, t.dim(), self._op)
        return wrap(self._reduce(t, d, keep))

    def _reduce(self, t: torch.Tensor, d, keep: bool) -> torch.Tensor:
        return R._reduce(t, self._fn, d, keep)


class ReduceSum(_Reduce):
    _op = "ReduceSum"

    @prim_attr_register
    def __init__(self, keep_dims=False, skip_mode=False):
        pass

    def __call__(self, x, axis=()):
        t = check_tensor(x, "ReduceSum", "x")
        if self.attrs["skip_mode"] and (axis == () or axis is None):
            return wrap(t)
        d = reduce_axes(axis, t.dim(), "ReduceSum")
        return wrap(R._reduce(t, torch.sum, d, self.attrs["keep_dims"]).to(t.dtype))


class ReduceMean(_Reduce):
    _op = "ReduceMean"

    def _reduce(self, t, d, keep):
        if not (t.is_floating_point() or t.is_complex()):
            return R._reduce(t.to(torch.float32), torch.mean, d, keep).to(t.dtype)
        return R._reduce(t, torch.mean, d, keep)


class ReduceMax(_Reduce):
    _fn = staticmethod(torch.amax)
    _op = "ReduceMax"


class ReduceMin(_Reduce):
    _fn = staticmethod(torch.amin)
    _op = "ReduceMin"


class ReduceProd(_Reduce):
    _op = "ReduceProd"

    def _reduce(self, t, d, keep):
        return R._prod_all_axes(t, d, keep).to(t.dtype)


class ReduceAll(_Reduce):
    _fn = staticmethod(torch.all)
    _op = "ReduceAll"

    def _reduce(self, t, d, keep):
        return R._reduce(t.bool(), torch.all, d, keep)


class ReduceAny(_Reduce):
    _op = "ReduceAny"

    def _reduce(self, t, d, keep):
        return R._reduce(t.bool(), torch.any, d, keep)


class ReduceStd(Op):
    """``ReduceStd(axis=(), unbiased=True, keep_dims=False)(x)`` -> ``(std, mean)``."""

    @prim_attr_register
    def __init__(self, axis=(), unbiased=True, keep_dims=False):
        pass

    def __call__(self, input_x):
        a = self.attrs
        return R.std_mean(input_x, a["axis"] if a["axis"] != () else None, int(a["unbiased"]), a["keep_dims"])


class LpNorm(Op):
    @prim_attr_register
    def __init__(self, axis, p=2, keep_dims=False, epsilon=1e-12):
        pass

    def __call__(self, input):
        a = self.attrs
        t = check_tensor(input, "LpNorm")
        dims = (a["axis"],) if isinstance(a["axis"], int) else tuple(a["axis"])
        return wrap(torch.linalg.vector_norm(t, a["p"], dims, a["keep_dims"]))


class MatrixInverse(Op):
    @prim_attr_register
    def __init__(self, adjoint=False):
        pass

    def __call__(self, x):
        t = check_tensor(x, "MatrixInverse", "x")
        inv = torch.linalg.inv(t)
        return wrap(inv.mH if self.attrs["adjoint"] else inv)
