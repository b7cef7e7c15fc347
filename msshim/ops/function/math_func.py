"""Element-wise math operators: arithmetic, powers, trigonometry, rounding, comparisons, logical ops, clamps.

MindSpore semantics kept here (checked against MindSpore 2.10):
* type promotion as torch's: ``int32 + 1.5 -> Float32``, ``float16 + 1.0 -> Float16``, ``int32 + int64 -> Int64``,
  ``float32 + float64 -> Float64``; ``div`` of integers is Float32; ``clamp(int, -1.5, 2.5)`` is Float32.
* floating-point math (``exp``, ``log``, ``sin``, ``sigmoid``, ...) on integer/bool input computes in Float32.
* ``add``/``sub`` of two Bool tensors raise TypeError (``mul`` is allowed and stays Bool).
* ``round`` rounds half to even; ``sign``/``floor``/``abs``/``square`` keep the input dtype.
* shapes that do not broadcast raise ValueError ``For 'Add', input1.shape and input2.shape need to broadcast...``.
"""
from __future__ import annotations

import numbers

import numpy as np
import torch

from msshim.common.tensor import Tensor, wrap
from msshim.ops.function._utils import (broadcast_error, float_input, ms_dtype_name, operand, scalar_tensor,
                                        shapes_broadcast, tensor_arg)

__all__ = ["add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide", "floor_divide", "floor_div",
           "floor_mod", "remainder", "fmod", "pow", "float_power", "maximum", "minimum", "fmax", "fmin", "atan2",
           "arctan2", "hypot", "logaddexp", "logaddexp2", "xlogy", "xdivy", "copysign", "ldexp", "addcdiv",
           "addcmul", "lerp", "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_left_shift",
           "bitwise_right_shift", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "logit", "sqrt", "rsqrt",
           "reciprocal", "sin", "cos", "tan", "asin", "acos", "atan", "arcsin", "arccos", "arctan", "sinh", "cosh",
           "tanh", "asinh", "acosh", "atanh", "arcsinh", "arccosh", "arctanh", "sigmoid", "erf", "erfc", "erfinv",
           "lgamma", "digamma", "sinc", "i0", "deg2rad", "rad2deg", "abs", "absolute", "neg", "negative",
           "positive", "square", "sign", "signbit", "floor", "ceil", "round", "trunc", "frac", "equal",
           "eq", "ne", "not_equal", "greater", "gt", "greater_equal", "ge", "less", "lt", "less_equal", "le",
           "isclose", "logical_and", "logical_or", "logical_not", "logical_xor", "isnan", "isinf", "isfinite",
           "isneginf", "isposinf", "isreal", "clamp", "clip", "clip_by_value", "addn", "nan_to_num", "real",
           "imag", "conj", "angle", "polar", "heaviside", "gcd", "lcm", "invert", "clip_by_norm",
           "clip_by_global_norm"]

_TorchTensor = torch.Tensor


def _pair(input, other, op: str):
    """Both operands of a binary op as torch values; a Number paired with a tensor stays a Number (torch then
    promotes it as MindSpore promotes scalars); two Numbers become tensors."""
    a = operand(input, op)
    b = operand(other, op)
    if not isinstance(a, _TorchTensor):
        a = scalar_tensor(a) if not isinstance(b, _TorchTensor) else _lift(a, b)
    return a, b


def _lift(number, like: torch.Tensor) -> torch.Tensor:
    # a 0-d tensor takes part in promotion exactly like a Python scalar does
    return torch.tensor(number, device=like.device, dtype=None if not isinstance(number, float) else torch.float32)


def _binary_error(op: str, a, b, exc: Exception) -> Exception:
    if isinstance(a, _TorchTensor) and isinstance(b, _TorchTensor) and not shapes_broadcast(a, b):
        return broadcast_error(op, a, b)
    dt = [ms_dtype_name(v) if isinstance(v, _TorchTensor) else type(v).__name__ for v in (a, b)]
    return TypeError(f"For '{op}', the inputs of type {dt[0]} and {dt[1]} are not supported ({exc}).")


def _make_binary(fn, op: str, doc: str = "", no_bool: bool = False):
    def binary(input, other):
        a, b = _pair(input, other, op)
        if no_bool and a.dtype is torch.bool and (b.dtype is torch.bool if isinstance(b, _TorchTensor)
                                                  else isinstance(b, bool)):
            raise TypeError(f"For primitive[{op}], the input argument[x] must be a type of {{Tensor[BFloat16], "
                            f"Tensor[Float16], Tensor[Float32], Tensor[Float64], Tensor[Int16], Tensor[Int32], "
                            f"Tensor[Int64], Tensor[Int8], Tensor[UInt16], Tensor[UInt32], Tensor[UInt64], "
                            f"Tensor[UInt8], Tensor[Complex64], Tensor[Complex128]}}, but got Tensor[Bool].")
        try:
            return wrap(fn(a, b))
        except RuntimeError as exc:
            raise _binary_error(op, a, b, exc) from None

    binary.__doc__ = doc or f"``ops`` binary operator ``{op}`` with broadcasting."
    return binary


def _float_binary(fn):
    def call(a, b):
        if isinstance(a, _TorchTensor) and not (a.is_floating_point() or a.is_complex()) and \
                not (isinstance(b, _TorchTensor) and (b.is_floating_point() or b.is_complex())) and \
                not isinstance(b, float):
            a = a.to(torch.float32)
        return fn(a, b)

    return call


add = _make_binary(torch.add, "Add", no_bool=True)
sub = _make_binary(torch.sub, "Sub", no_bool=True)
subtract = sub
mul = _make_binary(torch.mul, "Mul")
multiply = mul
maximum = _make_binary(lambda a, b: torch.maximum(a, _as_tensor(b, a)), "Maximum")
minimum = _make_binary(lambda a, b: torch.minimum(a, _as_tensor(b, a)), "Minimum")
fmax = _make_binary(lambda a, b: torch.fmax(a, _as_tensor(b, a)), "FMax")
fmin = _make_binary(lambda a, b: torch.fmin(a, _as_tensor(b, a)), "FMin")
floor_divide = _make_binary(torch.floor_divide, "FloorDiv")
floor_div = floor_divide
remainder = _make_binary(torch.remainder, "FloorMod")
floor_mod = remainder
fmod = _make_binary(torch.fmod, "Mod")
atan2 = _make_binary(_float_binary(lambda a, b: torch.atan2(a, _as_tensor(b, a))), "Atan2")
arctan2 = atan2
hypot = _make_binary(_float_binary(lambda a, b: torch.hypot(a, _as_tensor(b, a))), "Hypot")
logaddexp = _make_binary(_float_binary(lambda a, b: torch.logaddexp(a, _as_tensor(b, a))), "logaddexp")
logaddexp2 = _make_binary(_float_binary(lambda a, b: torch.logaddexp2(a, _as_tensor(b, a))), "logaddexp2")
xlogy = _make_binary(_float_binary(torch.xlogy), "Xlogy")
copysign = _make_binary(_float_binary(torch.copysign), "CopySign")
heaviside = _make_binary(lambda a, b: torch.heaviside(a, _as_tensor(b, a)), "Heaviside")
gcd = _make_binary(lambda a, b: torch.gcd(a, _as_tensor(b, a)), "Gcd")
lcm = _make_binary(lambda a, b: torch.lcm(a, _as_tensor(b, a)), "Lcm")
bitwise_and = _make_binary(torch.bitwise_and, "BitwiseAnd")
bitwise_or = _make_binary(torch.bitwise_or, "BitwiseOr")
bitwise_xor = _make_binary(torch.bitwise_xor, "BitwiseXor")
bitwise_left_shift = _make_binary(torch.bitwise_left_shift, "LeftShift")
bitwise_right_shift = _make_binary(torch.bitwise_right_shift, "RightShift")


def _as_tensor(b, like: torch.Tensor):
    if isinstance(b, _TorchTensor):
        return b
    dtype = like.dtype if (like.is_floating_point() or not isinstance(b, float)) else torch.float32
    return torch.tensor(b, dtype=dtype, device=like.device)


def xdivy(x, y) -> Tensor:
    a, b = _pair(x, y, "Xdivy")
    q = torch.true_divide(a, b)
    return wrap(torch.where(torch.as_tensor(a) == 0, torch.zeros_like(q), q))


def _true_div(a, b):
    return torch.true_divide(a, b)


_div = _make_binary(_true_div, "Div")


def div(input, other, *, rounding_mode=None) -> Tensor:
    """``ops.div(input, other, *, rounding_mode=None)``: true division (integers give Float32), or rounded
    with ``'floor'``/``'trunc'`` (keeping the promoted input dtype)."""
    if rounding_mode is None:
        return _div(input, other)
    if rounding_mode not in ("floor", "trunc"):
        raise ValueError("For ops.div, rounding_mode value should be None, 'floor' or 'trunc'.")
    a, b = _pair(input, other, "DivMod")
    try:
        return wrap(torch.div(a, b, rounding_mode=rounding_mode))
    except RuntimeError as exc:
        raise _binary_error("DivMod", a, b, exc) from None


divide = div


def true_divide(dividend, divisor) -> Tensor:
    return _div(dividend, divisor)


def _pow(a, b):
    try:
        return torch.pow(a, b)
    except RuntimeError:
        if a.is_floating_point() or (isinstance(b, _TorchTensor) and b.is_floating_point()) or isinstance(b, float):
            raise
        # integers to negative powers: MindSpore truncates the real result (3 ** -1 == 0, (-1) ** -1 == -1)
        out_dtype = torch.result_type(a, b)
        bf = b.double() if isinstance(b, _TorchTensor) else float(b)
        return torch.trunc(torch.pow(a.double(), bf)).to(out_dtype)


_pow_op = _make_binary(_pow, "Pow")


def pow(input, exponent) -> Tensor:
    """``ops.pow(input, exponent)``: ``input`` may be a Python number (``ops.pow(2, x)``)."""
    if isinstance(input, numbers.Number) and isinstance(exponent, Tensor):
        e = exponent._t
        base = torch.tensor(input, dtype=e.dtype if e.is_floating_point() else None, device=e.device)
        return wrap(torch.pow(base, e))
    return _pow_op(input, exponent)


def float_power(input, exponent) -> Tensor:
    a, b = _pair(input, exponent, "float_power")
    return wrap(torch.float_power(a, b))


def addcdiv(input, tensor1, tensor2, value=1) -> Tensor:
    v = value._t if isinstance(value, Tensor) else value
    return wrap(tensor_arg(input) + v * tensor_arg(tensor1) / tensor_arg(tensor2))


def addcmul(input, tensor1, tensor2, value=1) -> Tensor:
    v = value._t if isinstance(value, Tensor) else value
    return wrap(tensor_arg(input) + v * tensor_arg(tensor1) * tensor_arg(tensor2))


def lerp(input, end, weight) -> Tensor:
    """``ops.lerp(input, end, weight)``: ``input + weight * (end - input)``."""
    s = tensor_arg(input, "input", "Lerp")
    e = tensor_arg(end, "end", "Lerp")
    w = weight._t if isinstance(weight, Tensor) else weight
    try:
        return wrap(torch.lerp(s, e.to(s.dtype), w.to(s.dtype) if isinstance(w, _TorchTensor) else float(w)))
    except RuntimeError as exc:
        raise _binary_error("Lerp", s, e, exc) from None


def ldexp(x, other) -> Tensor:
    a, b = _pair(x, other, "ldexp")
    return wrap(torch.ldexp(a, b))


# ---------------------------------------------------------------------------------------------- unary
def _make_unary(fn, op: str, to_float: bool, doc: str = ""):
    if to_float:
        def unary(input):
            t = tensor_arg(input, "input", op)
            if not (t.is_floating_point() or t.is_complex()):
                t = t.to(torch.float32)
            return wrap(fn(t))
    else:
        def unary(input):
            return wrap(fn(tensor_arg(input, "input", op)))
    unary.__doc__ = doc or f"Element-wise ``{op}``" + (" (integer input computes in Float32)." if to_float else ".")
    unary.__name__ = op.lower()
    return unary


exp = _make_unary(torch.exp, "Exp", True)
exp2 = _make_unary(torch.exp2, "Exp2", True)
expm1 = _make_unary(torch.expm1, "Expm1", True)
log = _make_unary(torch.log, "Log", True)
log2 = _make_unary(torch.log2, "Log2", True)
log10 = _make_unary(torch.log10, "Log10", True)
log1p = _make_unary(torch.log1p, "Log1p", True)
sqrt = _make_unary(torch.sqrt, "Sqrt", True)
rsqrt = _make_unary(torch.rsqrt, "Rsqrt", True)
reciprocal = _make_unary(torch.reciprocal, "Reciprocal", True)
sin = _make_unary(torch.sin, "Sin", True)
cos = _make_unary(torch.cos, "Cos", True)
tan = _make_unary(torch.tan, "Tan", True)
asin = arcsin = _make_unary(torch.asin, "Asin", True)
acos = arccos = _make_unary(torch.acos, "ACos", True)
atan = arctan = _make_unary(torch.atan, "Atan", True)
sinh = _make_unary(torch.sinh, "Sinh", True)
cosh = _make_unary(torch.cosh, "Cosh", True)
tanh = _make_unary(torch.tanh, "Tanh", True)
asinh = arcsinh = _make_unary(torch.asinh, "Asinh", True)
acosh = arccosh = _make_unary(torch.acosh, "Acosh", True)
atanh = arctanh = _make_unary(torch.atanh, "Atanh", True)
sigmoid = _make_unary(torch.sigmoid, "Sigmoid", True)
erf = _make_unary(torch.erf, "Erf", True)
erfc = _make_unary(torch.erfc, "Erfc", True)
erfinv = _make_unary(torch.erfinv, "Erfinv", True)
lgamma = _make_unary(torch.lgamma, "Lgamma", True)
digamma = _make_unary(torch.digamma, "Digamma", True)
sinc = _make_unary(torch.sinc, "Sinc", True)
i0 = _make_unary(torch.i0, "BesselI0", True)
deg2rad = _make_unary(torch.deg2rad, "deg2rad", True)
rad2deg = _make_unary(torch.rad2deg, "rad2deg", True)
abs = absolute = _make_unary(lambda t: t if t.dtype is torch.bool else torch.abs(t), "Abs", False)
neg = negative = _make_unary(torch.neg, "Neg", False)
square = _make_unary(torch.square, "Square", False)
sign = _make_unary(torch.sign, "Sign", False)
signbit = _make_unary(torch.signbit, "signbit", False)
floor = _make_unary(torch.floor, "Floor", False)
ceil = _make_unary(torch.ceil, "Ceil", False)
trunc = _make_unary(torch.trunc, "Trunc", False)
frac = _make_unary(lambda t: torch.fmod(t, 1), "frac", False)
isnan = _make_unary(torch.isnan, "IsNan", False)
isinf = _make_unary(torch.isinf, "IsInf", False)
isfinite = _make_unary(torch.isfinite, "IsFinite", False)
isneginf = _make_unary(torch.isneginf, "IsNegInf", False)
isposinf = _make_unary(torch.isposinf, "IsPosInf", False)
isreal = _make_unary(torch.isreal, "IsReal", False)
logical_not = _make_unary(torch.logical_not, "LogicalNot", False)
invert = _make_unary(torch.bitwise_not, "Invert", False)
real = _make_unary(torch.real, "Real", False)
imag = _make_unary(torch.imag, "Imag", False)
conj = _make_unary(torch.conj_physical, "Conj", False)
angle = _make_unary(torch.angle, "Angle", False)


def positive(input) -> Tensor:
    return input


def logit(input, eps=None) -> Tensor:
    return wrap(torch.logit(float_input(tensor_arg(input, "input", "Logit")), eps))


def round(input, *, decimals=0) -> Tensor:
    """``ops.round(input, *, decimals=0)``: half to even; integer input is returned unchanged."""
    t = tensor_arg(input, "input", "Round")
    if not t.is_floating_point():
        return wrap(t)
    return wrap(torch.round(t, decimals=int(decimals)) if decimals else torch.round(t))


def nan_to_num(input, nan=0.0, posinf=None, neginf=None) -> Tensor:
    return wrap(torch.nan_to_num(tensor_arg(input, "input", "NanToNum"), nan, posinf, neginf))


def polar(abs, angle) -> Tensor:
    return wrap(torch.polar(tensor_arg(abs), tensor_arg(angle)))


# ---------------------------------------------------------------------------------------------- comparisons
equal = eq = _make_binary(torch.eq, "Equal")
ne = not_equal = _make_binary(torch.ne, "NotEqual")
greater = gt = _make_binary(torch.gt, "Greater")
greater_equal = ge = _make_binary(torch.ge, "GreaterEqual")
less = lt = _make_binary(torch.lt, "Less")
less_equal = le = _make_binary(torch.le, "LessEqual")
logical_and = _make_binary(torch.logical_and, "LogicalAnd")
logical_or = _make_binary(torch.logical_or, "LogicalOr")
logical_xor = _make_binary(torch.logical_xor, "LogicalXor")


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> Tensor:
    """``|input - other| <= atol + rtol * |other|`` element-wise (Bool)."""
    a, b = _pair(input, other, "IsClose")
    b = _as_tensor(b, a)
    try:
        return wrap(torch.isclose(a, b.to(a.dtype) if b.dtype is not a.dtype else b, rtol, atol, equal_nan))
    except RuntimeError as exc:
        raise _binary_error("IsClose", a, b, exc) from None


# ---------------------------------------------------------------------------------------------- clamps
def _bound(v):
    if v is None or isinstance(v, numbers.Number):
        return v
    if isinstance(v, Tensor):
        return v._t
    if isinstance(v, np.generic):
        return v.item()
    raise TypeError(f"For 'clamp', 'min' and 'max' must be Tensor, number or None, but got {type(v).__name__}.")


def clamp(input, min=None, max=None) -> Tensor:
    """``ops.clamp(input, min=None, max=None)``: both bounds Tensors or both numbers (a float bound on an integer
    input promotes the result to Float32)."""
    t = tensor_arg(input, "input", "clamp")
    lo, hi = _bound(min), _bound(max)
    if lo is None and hi is None:
        raise ValueError("For 'clamp', at least one of 'min' or 'max' must not be None.")
    tensors = [isinstance(v, _TorchTensor) for v in (lo, hi) if v is not None]
    if any(tensors) and not all(tensors):
        kinds = ", ".join(f"{n}={'Tensor' if isinstance(v, _TorchTensor) else type(v).__name__}"
                          for n, v in (("min", lo), ("max", hi)))
        raise TypeError(f"Failed calling ClampTensor with \"ClampTensor()(input=Tensor, {kinds})\".")
    if not t.is_floating_point() and any(isinstance(v, float) for v in (lo, hi)):
        t = t.to(torch.float32)
    try:
        return wrap(torch.clamp(t, lo, hi))
    except RuntimeError as exc:
        raise _binary_error("ClampTensor", t, lo if lo is not None else hi, exc) from None


clip = clamp


def clip_by_value(x, clip_value_min=None, clip_value_max=None):
    """``ops.clip_by_value(x, clip_value_min=None, clip_value_max=None)``: the bounds are cast to ``x``'s dtype;
    ``x`` may be a tuple/list of tensors."""
    if clip_value_min is None and clip_value_max is None:
        raise ValueError("For 'clip_by_value', at least one of 'clip_value_min' or 'clip_value_max' must not be None")
    if isinstance(x, (tuple, list)):
        return tuple(clip_by_value(v, clip_value_min, clip_value_max) for v in x)
    if not isinstance(x, Tensor):
        raise TypeError("For 'clip_by_value', the type of argument 'x' must be Tensor or tuple[Tensor] or "
                        "list[Tensor]")
    t = x._t
    out = t
    if clip_value_min is not None:
        lo = _bound(clip_value_min)
        out = torch.maximum(out, lo.to(t.dtype) if isinstance(lo, _TorchTensor) else
                            torch.tensor(lo, device=t.device).to(t.dtype))
    if clip_value_max is not None:
        hi = _bound(clip_value_max)
        out = torch.minimum(out, hi.to(t.dtype) if isinstance(hi, _TorchTensor) else
                            torch.tensor(hi, device=t.device).to(t.dtype))
    return wrap(out)


def addn(x) -> Tensor:
    """``ops.addn(x)``: the sum of a tuple/list of same-shaped tensors."""
    if not isinstance(x, (tuple, list)) or not x:
        raise TypeError(f"For 'AddN', the input must be a non-empty tuple or list of Tensors, but got {x!r}.")
    ts = [tensor_arg(v, "x", "AddN") for v in x]
    out = ts[0]
    for t in ts[1:]:
        if t.shape != ts[0].shape:
            raise ValueError(f"For 'AddN', all input shapes must be the same, but got {tuple(ts[0].shape)} and "
                             f"{tuple(t.shape)}.")
        out = out + t
    return wrap(out)


def clip_by_norm(x, max_norm, norm_type=2.0, error_if_nonfinite=False):
    """Scale ``x`` (a Tensor or a sequence of them) by ``max_norm / (total_norm + 1e-6)`` when that is below 1.
    ``total_norm`` is MindSpore's ``sum(v ** p) ** (1 / p)`` of the per-tensor norms computed the same way; note it
    takes no absolute value (so odd ``norm_type`` differs from a true norm), except for ``inf`` (max abs)."""
    single = isinstance(x, Tensor)
    ts = [x._t] if single else [tensor_arg(v, "x", "clip_by_norm") for v in x]
    if norm_type == float("inf"):
        total = torch.stack([t.abs().max().float() for t in ts]).max()
    else:
        norms = torch.stack([t.float().pow(norm_type).sum().pow(1.0 / norm_type) for t in ts])
        total = norms.pow(norm_type).sum().pow(1.0 / norm_type)
    if error_if_nonfinite and not bool(torch.isfinite(total)):
        raise RuntimeError(f"For clip_by_norm, the total norm of order {norm_type} from input is non-finite.")
    coef = max_norm / (total + 1e-6)
    out = [t * coef.to(t.dtype) if bool(coef < 1) else t for t in ts]
    return wrap(out[0]) if single else tuple(wrap(t) for t in out)


def clip_by_global_norm(x, clip_norm=1.0, use_norm=None) -> tuple:
    """``x_i * clip_norm / max(global_norm, clip_norm)`` with ``global_norm = sqrt(sum ||x_i||^2)``; MindSpore 2.10
    accepts only ``use_norm=None``."""
    if not isinstance(clip_norm, (int, float)) or clip_norm <= 0:
        raise ValueError(f"For 'clip_by_global_norm', the 'clip_norm' must be a positive number, but got {clip_norm}.")
    if use_norm is not None:
        raise ValueError(f"For '_ClipByGlobalNorm', input 'use_norm' only supports None currently, but got "
                         f"'use_norm': {use_norm}")
    ts = [tensor_arg(v, "x", "clip_by_global_norm") for v in x]
    total = torch.sqrt(sum(t.float().square().sum() for t in ts))
    scale = clip_norm / torch.maximum(total, torch.tensor(float(clip_norm), device=total.device))
    return tuple(wrap(t * scale.to(t.dtype)) for t in ts)
