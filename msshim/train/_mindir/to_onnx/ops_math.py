"""Elementwise math, matrix products and reductions.

Python-scalar operands (Constant nodes) take the dtype of the tensor operand, as MindSpore's implicit
conversion does.  MindSpore's ``GeLU`` primitive is the tanh approximation
``0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))`` (its CPU kernel; nn.GELU(approximate=True), the default);
the erf form reaches MindIR as Erf/Mul/Add primitives.
"""
from __future__ import annotations

import math

import numpy as np
import onnx

from .registry import Call, Const, TranslateError, as_int_tuple, translator

# ----------------------------------------------------------------------------------------------- unary
_UNARY = {
    "ReLU": "Relu", "Sigmoid": "Sigmoid", "Tanh": "Tanh", "Exp": "Exp", "Erf": "Erf",
    "Sqrt": "Sqrt", "Neg": "Neg", "Abs": "Abs", "Reciprocal": "Reciprocal", "Floor": "Floor", "Ceil": "Ceil",
    "Sin": "Sin", "Cos": "Cos", "Sign": "Sign", "Softplus": "Softplus",
    "LogicalNot": "Not", "HSwish": "HardSwish", "IsNan": "IsNaN", "Asin": "Asin", "Acos": "Acos",
    "Atan": "Atan", "Sinh": "Sinh", "Cosh": "Cosh", "Tan": "Tan", "Softsign": "Softsign",
}


def _unary(onnx_op: str):
    def translate(em, call: Call):
        return em.op(onnx_op, [em.tensor(call.args[0])])
    return translate


for _ms, _onnx in _UNARY.items():
    translator(_ms)(_unary(_onnx))


@translator("Rsqrt")
def rsqrt(em, call: Call):
    return em.op("Reciprocal", [em.op("Sqrt", [em.tensor(call.args[0])])])


@translator("Square")
def square(em, call: Call):
    x = em.tensor(call.args[0])
    return em.op("Mul", [x, x])


@translator("ReLU6")
def relu6(em, call: Call):
    x = em.tensor(call.args[0])
    return em.op("Clip", [x, em.const(0, em.dtype(x)), em.const(6, em.dtype(x))])


@translator("SiLU")
def silu(em, call: Call):
    x = em.tensor(call.args[0])
    return em.op("Mul", [x, em.op("Sigmoid", [x])])


@translator("HSigmoid")
def hsigmoid(em, call: Call):
    return em.op("HardSigmoid", [em.tensor(call.args[0])], alpha=1.0 / 6.0, beta=0.5)


@translator("GeLU")
def gelu(em, call: Call):
    """tanh approximation (see the module docstring)."""
    x = em.tensor(call.args[0])
    dt = em.dtype(x)
    cube = em.op("Mul", [em.op("Mul", [x, x]), x])
    inner = em.op("Mul", [em.op("Add", [x, em.op("Mul", [cube, em.const(0.044715, dt)])]),
                          em.const(math.sqrt(2.0 / math.pi), dt)])
    half_x = em.op("Mul", [x, em.const(0.5, dt)])
    return em.op("Mul", [half_x, em.op("Add", [em.op("Tanh", [inner]), em.const(1.0, dt)])])


@translator("FastGeLU")
def fast_gelu(em, call: Call):
    """MindSpore FastGeLU: x / (1 + exp(-1.702 |x|)) * exp(0.851 (x - |x|))."""
    x = em.tensor(call.args[0])
    dt = em.dtype(x)
    ax = em.op("Abs", [x])
    den = em.op("Add", [em.const(1.0, dt), em.op("Exp", [em.op("Mul", [ax, em.const(-1.702, dt)])])])
    num = em.op("Mul", [x, em.op("Exp", [em.op("Mul", [em.op("Sub", [x, ax]), em.const(0.851, dt)])])])
    return em.op("Div", [num, den])


@translator("LeakyReLU")
def leaky_relu(em, call: Call):
    return em.op("LeakyRelu", [em.tensor(call.args[0])], alpha=float(call.arg(1, "alpha", 0.01)))


@translator("Elu")
def elu(em, call: Call):
    return em.op("Elu", [em.tensor(call.args[0])], alpha=float(call.arg(1, "alpha", 1.0)))


def _axis(value) -> int:
    axes = as_int_tuple(value)
    if len(axes) != 1:
        raise TranslateError(f"softmax over several axes {axes} is not supported")
    return axes[0]


@translator("Softmax")
def softmax(em, call: Call):
    return em.op("Softmax", [em.tensor(call.args[0])], axis=_axis(call.arg(1, "axis", -1)))


@translator("LogSoftmax")
def log_softmax(em, call: Call):
    return em.op("LogSoftmax", [em.tensor(call.args[0])], axis=_axis(call.arg(1, "axis", -1)))


@translator("ClampScalar")
def clamp_scalar(em, call: Call):
    x = em.tensor(call.args[0])
    lo, hi = call.arg(1, "min", None), call.arg(2, "max", None)
    dt = em.dtype(x)
    return em.op("Clip", [x, "" if lo is None else em.const(lo, dt), "" if hi is None else em.const(hi, dt)])


@translator("ClampTensor")
def clamp_tensor(em, call: Call):
    x = em.tensor(call.args[0])
    bounds = []
    for i in (1, 2):
        v = call.args[i] if call.has(i) else None
        bounds.append("" if v is None or (isinstance(v, Const) and v.value is None)
                      else em.op("Cast", [em.tensor(v, like=x)], to=_onnx_code(em, x)))
    return em.op("Max", [x, bounds[0]]) if not bounds[1] else (
        em.op("Min", [x, bounds[1]]) if not bounds[0] else em.op("Min", [em.op("Max", [x, bounds[0]]), bounds[1]]))


def _onnx_code(em, name: str) -> int:
    from .emitter import onnx_dtype

    return onnx_dtype(em.dtype(name))


# ---------------------------------------------------------------------------------------------- binary
_BINARY = {
    "Add": "Add", "Sub": "Sub", "Mul": "Mul", "Div": "Div", "RealDiv": "Div", "Maximum": "Max",
    "Minimum": "Min", "Pow": "Pow", "Equal": "Equal", "Less": "Less", "Greater": "Greater",
    "LessEqual": "LessOrEqual", "GreaterEqual": "GreaterOrEqual", "LogicalAnd": "And", "LogicalOr": "Or",
    "Mod": "Mod", "BitwiseAnd": "BitwiseAnd", "BitwiseOr": "BitwiseOr",
}


def _operands(em, call: Call) -> tuple[str, str]:
    a, b = call.args[0], call.args[1]
    if isinstance(a, Const) and isinstance(b, Const):
        return em.tensor(a), em.tensor(b)
    if isinstance(a, Const):
        b = em.tensor(b)
        return em.tensor(a, like=b), b
    a = em.tensor(a)
    return a, em.tensor(b, like=a)


def _binary(onnx_op: str):
    def translate(em, call: Call):
        a, b = _operands(em, call)
        if onnx_op == "Mod":
            return em.op("Mod", [a, b], fmod=1 if em.dtype(a).kind == "f" else 0)
        return em.op(onnx_op, [a, b])
    return translate


for _ms, _onnx in _BINARY.items():
    translator(_ms)(_binary(_onnx))


@translator("NotEqual")
def not_equal(em, call: Call):
    return em.op("Not", [em.op("Equal", list(_operands(em, call)))])


@translator("FloorDiv")
def floor_div(em, call: Call):
    a, b = _operands(em, call)
    if em.dtype(a).kind == "f":
        return em.op("Floor", [em.op("Div", [a, b])])
    q = em.op("Div", [em.op("Cast", [a], to=1), em.op("Cast", [b], to=1)])
    return em.op("Cast", [em.op("Floor", [q])], to=_onnx_code(em, a))


@translator("SquaredDifference")
def squared_difference(em, call: Call):
    d = em.op("Sub", list(_operands(em, call)))
    return em.op("Mul", [d, d])


@translator("Select")
def select(em, call: Call):
    cond = em.tensor(call.args[0])
    x = call.args[1]
    y = call.args[2]
    if isinstance(x, Const):
        y = em.tensor(y)
        x = em.tensor(x, like=y)
    else:
        x = em.tensor(x)
        y = em.tensor(y, like=x)
    return em.op("Where", [cond, x, y])


# --------------------------------------------------------------------------------------- matrix products
def _swap_last(em, x: str) -> str:
    rank = em.rank(x)
    perm = list(range(rank))
    perm[-2], perm[-1] = perm[-1], perm[-2]
    return em.op("Transpose", [x], perm=perm)


@translator("MatMul")
def matmul(em, call: Call):
    """``MatMul(x, w, transpose_a, transpose_b)``; 2-D products become Gemm (transposes for free)."""
    x, w = em.tensor(call.args[0]), em.tensor(call.args[1])
    ta = bool(call.arg(2, "transpose_a", False))
    tb = bool(call.arg(3, "transpose_b", False))
    if em.rank(x) == 2 and em.rank(w) == 2 and em.dtype(x).kind == "f":
        return em.op("Gemm", [x, w], transA=int(ta), transB=int(tb))
    return _batch_matmul(em, x, w, ta, tb)


def _batch_matmul(em, x: str, y: str, ta: bool, tb: bool) -> str:
    if ta:
        x = _swap_last(em, x)
    if tb:
        y = _swap_last(em, y)
    return em.op("MatMul", [x, y])


@translator("MatMulExt")
def matmul_ext(em, call: Call):
    """``MatMulExt(x, y)`` = numpy matmul (ops.matmul in 2.x)."""
    return em.op("MatMul", [em.tensor(call.args[0]), em.tensor(call.args[1])])


@translator("BatchMatMul")
def batch_matmul(em, call: Call):
    x, y = em.tensor(call.args[0]), em.tensor(call.args[1])
    return _batch_matmul(em, x, y, bool(call.arg(2, "transpose_a", False)), bool(call.arg(3, "transpose_b", False)))


def channel_axis_shape(rank: int) -> list[int]:
    """Shape (-1, 1, ..., 1) that broadcasts a per-channel vector over axis 1 of a rank-``rank`` tensor."""
    return [-1] + [1] * (rank - 2)


def _fused_bias(em, x: str, b: str, rank: int, fmt) -> str | None:
    """Gemm(x, w) + bias -> Gemm(x, w, bias); Conv(x, w) + bias -> Conv(x, w, bias) (NCHW): one kernel instead of
    two.  The producer is re-emitted with the bias, so a pre-bias value used elsewhere stays correct (the
    original node is pruned when nothing else reads it)."""
    node = em.producer(x)
    if node is None or len(node.input) != 2 or len(node.output) != 1 or em.shape(b) is None or len(em.shape(b)) != 1:
        return None
    if node.op_type == "Gemm" and rank == 2:
        pass
    elif node.op_type in ("Conv", "ConvTranspose") and fmt in (0, "NCHW") and rank >= 3:
        pass
    else:
        return None
    if em.dtype(b) != em.dtype(x):
        return None
    attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
    attrs = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in attrs.items()}
    return em.op(node.op_type, [node.input[0], node.input[1], b], **attrs)


@translator("BiasAdd")
def bias_add(em, call: Call):
    """``BiasAdd(x, b, data_format)``: bias on the channel axis (1 for NCHW/NCDHW, last for NHWC)."""
    x, b = em.tensor(call.args[0]), em.tensor(call.args[1])
    fmt = call.arg(2, ("data_format", "format"), 0)
    rank = em.rank(x)
    fused = _fused_bias(em, x, b, rank, fmt)
    if fused is not None:
        return fused
    if fmt in (1, "NHWC") or rank <= 2:
        return em.op("Add", [x, b])
    return em.op("Add", [x, em.op("Reshape", [b, em.const(channel_axis_shape(rank), np.int64)])])


# ----------------------------------------------------------------------------------------------- reductions
_REDUCE = {"ReduceMean": "ReduceMean", "ReduceSum": "ReduceSum", "ReduceMax": "ReduceMax",
           "ReduceMin": "ReduceMin", "ReduceProd": "ReduceProd", "ReduceAll": "ReduceMin", "ReduceAny": "ReduceMax"}


def _reduce(onnx_op: str, boolean: bool):
    def translate(em, call: Call):
        x = em.tensor(call.args[0])
        axes = as_int_tuple(call.arg(1, "axis", ()))
        keep = bool(call.arg(2, "keep_dims", False))
        skip = bool(call.arg(3, "skip_mode", False)) if call.op == "ReduceSum" else False
        if not axes and skip:
            return em.op("Identity", [x])
        src = em.op("Cast", [x], to=6) if boolean else x  # And/Or over bools as Min/Max over int32
        inputs = [src] + ([em.const(list(axes), np.int64)] if axes else [])
        out = em.op(onnx_op, inputs, keepdims=int(keep))
        return em.op("Cast", [out], to=9) if boolean else out
    return translate


for _ms, _onnx in _REDUCE.items():
    translator(_ms)(_reduce(_onnx, _ms in ("ReduceAll", "ReduceAny")))


@translator("Muls")
def muls(em, call: Call):
    """``Muls(x, scalar)`` (tensor * Python number in 2.x graphs)."""
    a, b = _operands(em, call)
    return em.op("Mul", [a, b])


def _ext_reduce(onnx_op: str):
    def translate(em, call: Call):
        """``SumExt/MeanExt/ProdExt(x, dim, keepdim, dtype)`` (dim None = all axes)."""
        x = em.tensor(call.args[0])
        dim = call.arg(1, "dim", None)
        keep = bool(call.arg(2, "keepdim", False))
        dtype = call.arg(3, "dtype", None)
        if dtype is not None:
            from .ops_array import numpy_of_type_id
            from .emitter import onnx_dtype

            x = em.op("Cast", [x], to=onnx_dtype(numpy_of_type_id(dtype)))
        axes = () if dim is None else as_int_tuple(dim)
        inputs = [x] + ([em.const(list(axes), np.int64)] if axes else [])
        return em.op(onnx_op, inputs, keepdims=int(keep))
    return translate


translator("SumExt")(_ext_reduce("ReduceSum"))
translator("MeanExt")(_ext_reduce("ReduceMean"))
translator("ProdExt")(_ext_reduce("ReduceProd"))


@translator("Log")
def log(em, call: Call):
    """``Log(x)``; the attributes base/scale/shift (base -1 = e) that MindSpore writes on it are honoured."""
    x = em.tensor(call.args[0])
    scale, shift = float(call.attrs.get("scale", 1.0)), float(call.attrs.get("shift", 0.0))
    base = float(call.attrs.get("base", -1.0))
    dt = em.dtype(x)
    if scale != 1.0:
        x = em.op("Mul", [x, em.const(scale, dt)])
    if shift != 0.0:
        x = em.op("Add", [x, em.const(shift, dt)])
    out = em.op("Log", [x])
    if base > 0 and base != math.e:
        out = em.op("Div", [out, em.const(math.log(base), dt)])
    return out


def _trunc(em, q: str) -> str:
    """Round toward zero (ONNX has no Trunc): sign(q) * floor(|q|)."""
    return em.op("Mul", [em.op("Sign", [q]), em.op("Floor", [em.op("Abs", [q])])])


@translator("DivMod")
def div_mod(em, call: Call):
    """``DivMod(x, y, rounding_mode)``: None = true division, 1 = "trunc", 2 = "floor" (2.10's enum)."""
    a, b = _operands(em, call)
    mode = call.arg(2, "rounding_mode", None)
    if mode in ("trunc",):
        mode = 1
    elif mode in ("floor",):
        mode = 2
    if em.dtype(a).kind != "f":
        if mode == 1:
            return em.op("Div", [a, b])  # ONNX integer Div truncates
        q = em.op("Div", [em.op("Cast", [a], to=1), em.op("Cast", [b], to=1)])
        q = em.op("Floor", [q]) if mode == 2 else q
        return em.op("Cast", [q], to=_onnx_code(em, a)) if mode == 2 else q
    q = em.op("Div", [a, b])
    if mode == 1:
        return _trunc(em, q)
    if mode == 2:
        return em.op("Floor", [q])
    return q


@translator("Round")
def round_(em, call: Call):
    """``Round(x, decimals=0)``: half to even, as MindSpore and ONNX round."""
    x = em.tensor(call.args[0])
    decimals = int(call.arg(1, "decimals", 0) or 0)
    if decimals == 0:
        return em.op("Round", [x])
    scale = em.const(10.0 ** decimals, em.dtype(x))
    return em.op("Div", [em.op("Round", [em.op("Mul", [x, scale])]), scale])
