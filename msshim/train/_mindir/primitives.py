"""Emitters for MindSpore 2.10 primitives, in the exact form MindSpore's own exporter writes them.

Every function takes a ``MindIRBuilder`` and value names (graph inputs, parameters, node outputs) and returns
the name of the value it produced.  Python arguments become what MindSpore writes for them:

* PRIMITIVE_FUNCTION primitives (2.x "op_def" ops) take *all* their arguments as node inputs, in the op
  definition's order, with non-tensor arguments as Constant nodes: ``MatMul(x, w, transpose_a, transpose_b)``,
  ``BiasAdd(x, b, data_format)``, ``Softmax(x, axis_tuple)``, ``ReduceMean(x, axis_tuple, keep_dims)`` ...
  (order = the ``pyboost_*``/``super().__call__`` argument list in mindspore/ops/auto_generate/gen_ops_prim.py).
* Old-style PRIMITIVE primitives (Conv2D, Conv2DTranspose, MaxPool, AvgPool) carry their arguments as primitive
  attributes; the attribute sets below are copied from tests/fixtures/mindir/ms/*.mindir.
* Primitives with several outputs (BatchNorm, LayerNorm, GroupNorm) are followed by ``TupleGetItem(., 0)``.

String enums (``data_format``) are written as MindSpore's enum integers (Format NCHW = 0), as 2.10 does.
A note on GeLU: MindSpore's ``GeLU`` primitive is the tanh approximation on CPU (nn.GELU(approximate=True), the
default, and ``Dense(activation='gelu')``); the exact erf form is ``gelu_erf`` below, built from Erf/Mul/Add.
"""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from msshim.train._mindir.builder import PRIMITIVE, MindIRBuilder
from msshim.train._mindir.dtypes import TYPE_ID_OF_NUMPY

FORMAT_NCHW = 0  # mindspore Format enum value of "NCHW" (BiasAdd data_format, BatchNorm data_format)

Ints = Sequence[int]


def _pair(value) -> tuple[int, int]:
    if isinstance(value, int):
        return (value, value)
    return (int(value[0]), int(value[1]))


def _fn(b: MindIRBuilder, op: str, tensors: Sequence[str], args: Sequence = (), instance_name: str = "",
        scope: str = "") -> str:
    """A PRIMITIVE_FUNCTION node: tensor inputs followed by constant arguments."""
    inputs = list(tensors) + [b.constant(a) for a in args]
    return b.node(op, inputs, instance_name=instance_name, scope=scope)


# ------------------------------------------------------------------------------------------- linear algebra
def matmul(b: MindIRBuilder, x: str, w: str, transpose_a: bool = False, transpose_b: bool = False,
           scope: str = "") -> str:
    """``MatMul(x, w, transpose_a, transpose_b)`` (Dense writes transpose_b=True, weight (out, in)); 2-D only."""
    return _fn(b, "MatMul", [x, w], [bool(transpose_a), bool(transpose_b)], "matmul", scope)


def batch_matmul(b: MindIRBuilder, x: str, y: str, transpose_a: bool = False, transpose_b: bool = False,
                 scope: str = "") -> str:
    return _fn(b, "BatchMatMul", [x, y], [bool(transpose_a), bool(transpose_b)], "batch_matmul", scope)


def bias_add(b: MindIRBuilder, x: str, bias: str, scope: str = "") -> str:
    """``BiasAdd(x, b, data_format=NCHW)``: bias along axis 1 (the last axis for 2-D x)."""
    return _fn(b, "BiasAdd", [x, bias], [FORMAT_NCHW], "bias_add", scope)


# -------------------------------------------------------------------------------------------- convolutions
def _conv_pads(pad_mode: str, pad: Ints) -> tuple[str, tuple[int, int, int, int]]:
    if len(pad) == 2:
        pad = (pad[0], pad[0], pad[1], pad[1])
    return pad_mode, tuple(int(p) for p in pad)


def same_pad_list(in_hw: Ints, kernel: Ints, stride: Ints, dilation: Ints) -> tuple[int, int, int, int]:
    """(top, bottom, left, right) of MindSpore's "same" padding (extra pixel at the bottom/right)."""
    out = []
    for size, k, s, d in zip(in_hw, kernel, stride, dilation):
        total = max((math.ceil(size / s) - 1) * s + (k - 1) * d + 1 - size, 0)
        out += [total // 2, total - total // 2]
    return tuple(out)


def conv2d(b: MindIRBuilder, x: str, w: str, *, out_channel: int, kernel_size: Ints, pad_mode: str = "valid",
           pad: Ints = (0, 0, 0, 0), stride: Ints = (1, 1), dilation: Ints = (1, 1), group: int = 1,
           pad_list: Ints | None = None, scope: str = "") -> str:
    """Old-style ``Conv2D`` (NCHW, weight (out, in/group, kh, kw)); bias is a separate ``bias_add``.

    pad_mode is "valid", "same" or "pad" (lower case, as nn.Conv2d writes it); ``pad`` = (top, bottom, left,
    right) and only meaningful with "pad"; ``pad_list`` is the padding actually applied (MindSpore's infer
    fills it; with "same" pass ``same_pad_list(...)``).
    """
    pad_mode, pad = _conv_pads(pad_mode.lower(), pad)
    if pad_mode != "pad":
        pad = (0, 0, 0, 0)
    attrs = {
        "kernel_size": _pair(kernel_size), "mode": 1, "out_channel": int(out_channel),
        "input_names": ["x", "w"], "pad": pad, "pad_mode": pad_mode, "format": "NCHW",
        "pad_list": tuple(pad_list) if pad_list is not None else pad, "groups": int(group),
        "stride": (1, 1) + _pair(stride), "group": int(group), "dilation": (1, 1) + _pair(dilation),
        "output_names": ["output"],
    }
    return b.node("Conv2D", [x, w], attrs, prim_type=PRIMITIVE, instance_name="conv2d", scope=scope)


def conv2d_transpose(b: MindIRBuilder, x: str, w: str, output_shape: Ints, *, in_channel: int,
                     kernel_size: Ints, pad_mode: str = "valid", pad: Ints = (0, 0, 0, 0), stride: Ints = (1, 1),
                     dilation: Ints = (1, 1), group: int = 1, scope: str = "") -> str:
    """Old-style ``Conv2DTranspose(dout, filter, input_sizes)`` = Conv2DBackpropInput, as nn.Conv2dTranspose
    writes it: weight (in, out/group, kh, kw), ``out_channel`` attribute = the transposed conv's *input*
    channels, pad_mode upper case ("VALID"/"SAME"/"PAD"), ``input_sizes`` = the output shape (a constant)."""
    pad_mode, pad = _conv_pads(pad_mode.upper(), pad)
    if pad_mode != "PAD":
        pad = (0, 0, 0, 0)
    attrs = {
        "kernel_size": _pair(kernel_size), "mode": 1, "out_channel": int(in_channel),
        "input_names": ["out_backprop", "filter", "input_sizes"], "pad": pad, "pad_mode": pad_mode,
        "format": "NCHW", "pad_list": pad, "groups": int(group), "stride": (1, 1) + _pair(stride),
        "group": int(group), "dilation": (1, 1) + _pair(dilation), "output_names": ["output"],
    }
    sizes = b.constant(tuple(int(d) for d in output_shape))
    return b.node("Conv2DTranspose", [x, w, sizes], attrs, prim_type=PRIMITIVE,
                  instance_name="conv2d_transpose", scope=scope)


# ----------------------------------------------------------------------------------------------- pooling
def max_pool(b: MindIRBuilder, x: str, kernel_size: Ints, strides: Ints, pad_mode: str = "VALID",
             scope: str = "") -> str:
    """Old-style ``MaxPool`` (nn.MaxPool2d): pad_mode "VALID" or "SAME" (MindSpore's same: -inf padding,
    extra at bottom/right)."""
    attrs = {"pad_mode": pad_mode.upper(), "output_names": ["output"], "kernel_size": (1, 1) + _pair(kernel_size),
             "format": "NCHW", "strides": (1, 1) + _pair(strides), "input_names": ["x"]}
    return b.node("MaxPool", [x], attrs, prim_type=PRIMITIVE, instance_name="max_pool", scope=scope)


PAD_MODE = {"PAD": 0, "SAME": 1, "VALID": 2}  # mindspore PadMode enum values (AvgPool's pad_mode input)


def avg_pool(b: MindIRBuilder, x: str, kernel_size: Ints, strides: Ints, pad_mode: str = "VALID",
             scope: str = "") -> str:
    """``AvgPool(x, kernel_size, strides, pad_mode, data_format)`` (nn.AvgPool2d): PRIMITIVE_FUNCTION in 2.10,
    unlike MaxPool, with pad_mode/data_format as enum integers (VALID=2, SAME=1; NCHW=0)."""
    return _fn(b, "AvgPool", [x], [_pair(kernel_size), _pair(strides), PAD_MODE[pad_mode.upper()], FORMAT_NCHW],
               "avg_pool", scope)


# ------------------------------------------------------------------------------------------ normalisation
def batch_norm(b: MindIRBuilder, x: str, gamma: str, beta: str, mean: str, variance: str, eps: float = 1e-5,
               momentum: float = 0.1, scope: str = "") -> str:
    """Inference ``BatchNorm(x, gamma, beta, mean, var, is_training=False, eps, momentum, data_format)`` and
    ``TupleGetItem(., 0)`` (nn.BatchNorm*d in eval mode writes momentum = 1 - its momentum)."""
    out = _fn(b, "BatchNorm", [x, gamma, beta, mean, variance],
              [False, float(np.float32(eps)), float(np.float32(momentum)), FORMAT_NCHW], "bn_infer", scope)
    return b.tuple_get_item(out, 0)


def layer_norm(b: MindIRBuilder, x: str, gamma: str, beta: str, begin_norm_axis: int = -1,
               begin_params_axis: int = -1, eps: float = 1e-7, scope: str = "") -> str:
    """``LayerNorm(x, gamma, beta, begin_norm_axis, begin_params_axis, epsilon)`` + ``TupleGetItem(., 0)``."""
    out = _fn(b, "LayerNorm", [x, gamma, beta], [int(begin_norm_axis), int(begin_params_axis), float(eps)],
              "layer_norm", scope)
    return b.tuple_get_item(out, 0)


def group_norm(b: MindIRBuilder, x: str, num_groups: int, gamma: str, beta: str, eps: float = 1e-5,
               scope: str = "") -> str:
    """``GroupNorm(x, num_groups, weight, bias, eps)`` + ``TupleGetItem(., 0)``."""
    out = b.node("GroupNorm", [x, b.constant(int(num_groups)), gamma, beta, b.constant(float(eps))], scope=scope)
    return b.tuple_get_item(out, 0)


# ------------------------------------------------------------------------------------------- activations
def _unary(op: str, instance_name: str = ""):
    def emit(b: MindIRBuilder, x: str, scope: str = "") -> str:
        return _fn(b, op, [x], (), instance_name, scope)
    emit.__name__ = op.lower()
    emit.__doc__ = f"``{op}(x)``"
    return emit


relu = _unary("ReLU", "relu")
relu6 = _unary("ReLU6", "relu6")
sigmoid = _unary("Sigmoid", "sigmoid")
tanh = _unary("Tanh", "tanh")
gelu = _unary("GeLU")  # tanh approximation (see module docstring)
silu = _unary("SiLU")
hswish = _unary("HSwish")
hsigmoid = _unary("HSigmoid")
exp = _unary("Exp")
log = _unary("Log")
erf = _unary("Erf")
sqrt = _unary("Sqrt")
rsqrt = _unary("Rsqrt")
neg = _unary("Neg")
abs_ = _unary("Abs")
square = _unary("Square")
reciprocal = _unary("Reciprocal")
floor = _unary("Floor")
sin = _unary("Sin")
cos = _unary("Cos")
flatten = _unary("Flatten")  # (N, ...) -> (N, prod(...))
identity = _unary("Identity")


def prelu(b: MindIRBuilder, x: str, weight: str, scope: str = "") -> str:
    """``PReLU(x, weight)``: weight of shape (C,) or (1,), channel axis 1."""
    return _fn(b, "PReLU", [x, weight], (), "prelu", scope)


def gelu_erf(b: MindIRBuilder, x: str, dtype=np.float32, scope: str = "") -> str:
    """Exact GELU 0.5 * x * (1 + erf(x / sqrt(2))) from elementwise primitives (GeLU is tanh-approximate)."""
    scaled = mul(b, x, b.constant(np.array(1.0 / math.sqrt(2.0), dtype=dtype)), scope)
    one_plus = add(b, erf(b, scaled, scope), b.constant(np.array(1.0, dtype=dtype)), scope)
    return mul(b, mul(b, x, one_plus, scope), b.constant(np.array(0.5, dtype=dtype)), scope)


def leaky_relu(b: MindIRBuilder, x: str, negative_slope: float = 0.01, dtype=np.float32, scope: str = "") -> str:
    """nn.LeakyReLU as MindSpore writes it: ``Maximum(Mul(alpha, x), x)`` (``Minimum`` when alpha > 1)."""
    scaled = mul(b, b.constant(np.array(negative_slope, dtype=dtype)), x, scope)
    return (maximum if negative_slope <= 1 else minimum)(b, scaled, x, scope)


def elu(b: MindIRBuilder, x: str, alpha: float = 1.0, scope: str = "") -> str:
    return _fn(b, "Elu", [x], [float(alpha)], "", scope)


def softmax(b: MindIRBuilder, x: str, axis: int | Ints = -1, scope: str = "") -> str:
    """``Softmax(x, axis_tuple)``."""
    axis = (int(axis),) if isinstance(axis, (int, np.integer)) else tuple(int(a) for a in axis)
    return _fn(b, "Softmax", [x], [axis], "softmax", scope)


def log_softmax(b: MindIRBuilder, x: str, axis: int = -1, scope: str = "") -> str:
    return _fn(b, "LogSoftmax", [x], [int(axis)], "", scope)


# ------------------------------------------------------------------------------------------- elementwise
def _binary(op: str):
    def emit(b: MindIRBuilder, x: str, y: str, scope: str = "") -> str:
        return _fn(b, op, [x, y], (), "", scope)
    emit.__name__ = op.lower()
    emit.__doc__ = f"``{op}(x, y)`` with numpy broadcasting."
    return emit


add = _binary("Add")
sub = _binary("Sub")
mul = _binary("Mul")
div = _binary("Div")
real_div = _binary("RealDiv")
maximum = _binary("Maximum")
minimum = _binary("Minimum")
pow_ = _binary("Pow")
equal = _binary("Equal")
less = _binary("Less")
greater = _binary("Greater")


def select(b: MindIRBuilder, condition: str, x: str, y: str, scope: str = "") -> str:
    return _fn(b, "Select", [condition, x, y], (), "", scope)


def clamp_scalar(b: MindIRBuilder, x: str, min_value: float | None, max_value: float | None,
                 scope: str = "") -> str:
    """``ClampScalar(x, min, max)`` (None = unbounded)."""
    return _fn(b, "ClampScalar", [x], [min_value, max_value], "", scope)


# ------------------------------------------------------------------------------------------- reductions
def _reduce(op: str, instance_name: str):
    def emit(b: MindIRBuilder, x: str, axis: Ints = (), keep_dims: bool = False, scope: str = "") -> str:
        axis = (int(axis),) if isinstance(axis, (int, np.integer)) else tuple(int(a) for a in axis)
        return _fn(b, op, [x], [axis, bool(keep_dims)], instance_name, scope)
    emit.__name__ = op.lower()
    emit.__doc__ = f"``{op}(x, axis_tuple, keep_dims)`` (empty axis = all)."
    return emit


reduce_mean = _reduce("ReduceMean", "mean")
reduce_max = _reduce("ReduceMax", "")
reduce_min = _reduce("ReduceMin", "")


def reduce_sum(b: MindIRBuilder, x: str, axis: Ints = (), keep_dims: bool = False, scope: str = "") -> str:
    """``ReduceSum(x, axis_tuple, keep_dims, skip_mode=False)``."""
    axis = (int(axis),) if isinstance(axis, (int, np.integer)) else tuple(int(a) for a in axis)
    return _fn(b, "ReduceSum", [x], [axis, bool(keep_dims), False], "", scope)


# ----------------------------------------------------------------------------------------------- shapes
def reshape(b: MindIRBuilder, x: str, shape: Ints, scope: str = "") -> str:
    """``Reshape(x, shape_tuple)`` (-1 allowed once)."""
    return _fn(b, "Reshape", [x], [tuple(int(d) for d in shape)], "reshape", scope)


def transpose(b: MindIRBuilder, x: str, perm: Ints, scope: str = "") -> str:
    return _fn(b, "Transpose", [x], [tuple(int(d) for d in perm)], "", scope)


def expand_dims(b: MindIRBuilder, x: str, axis: int, scope: str = "") -> str:
    return _fn(b, "ExpandDims", [x], [int(axis)], "", scope)


def squeeze(b: MindIRBuilder, x: str, axis: Ints = (), scope: str = "") -> str:
    return _fn(b, "Squeeze", [x], [tuple(int(a) for a in axis)], "", scope)


def concat(b: MindIRBuilder, xs: Sequence[str], axis: int = 0, scope: str = "") -> str:
    """``Concat(MakeTuple(xs...), axis)``."""
    return b.node("Concat", [b.make_tuple(xs), b.constant(int(axis))], scope=scope)


def broadcast_to(b: MindIRBuilder, x: str, shape: Ints, scope: str = "") -> str:
    return _fn(b, "BroadcastTo", [x], [tuple(int(d) for d in shape)], "", scope)


def strided_slice(b: MindIRBuilder, x: str, begin: Ints, end: Ints, strides: Ints, scope: str = "") -> str:
    """``StridedSlice(x, begin, end, strides, begin_mask=0, end_mask=0, ellipsis_mask=0, new_axis_mask=0,
    shrink_axis_mask=0)``."""
    return _fn(b, "StridedSlice", [x], [tuple(int(v) for v in begin), tuple(int(v) for v in end),
                                       tuple(int(v) for v in strides), 0, 0, 0, 0, 0], "", scope)


def gather(b: MindIRBuilder, params: str, indices: str, axis: int = 0, scope: str = "") -> str:
    """``Gather(params, indices, axis, batch_dims=0)`` (nn.Embedding)."""
    return _fn(b, "Gather", [params, indices], [int(axis), 0], "gather", scope)


def constant_pad_nd(b: MindIRBuilder, x: str, padding: Ints, value: float = 0.0, scope: str = "") -> str:
    """``ConstantPadND(x, padding, value)``: padding as torch's F.pad, last axis first
    (left, right, top, bottom, ...); used for explicitly padded max pooling (value -inf) and ONNX Pad."""
    return _fn(b, "ConstantPadND", [x], [tuple(int(p) for p in padding), float(value)], "", scope)


PAD_MODE_SAME, PAD_MODE_VALID = 1, 2  # mindspore PadMode enum values (str_to_enum('AvgPool', 'pad_mode', ...))


def avg_pool_fn(b: MindIRBuilder, x: str, kernel_size: Ints, strides: Ints, pad_mode: str = "VALID",
                scope: str = "") -> str:
    """``AvgPool(x, kernel_size, strides, pad_mode, data_format)`` in 2.10's PRIMITIVE_FUNCTION form (the
    attribute form above makes MindSpore 2.10's loader crash); SAME pooling excludes the padding."""
    mode = PAD_MODE_SAME if pad_mode.upper() == "SAME" else PAD_MODE_VALID
    return _fn(b, "AvgPool", [x], [_pair(kernel_size), _pair(strides), mode, FORMAT_NCHW], "", scope)


# mindspore TypeId values (mindapi/base/type_id.h) of the numpy dtypes ``Cast`` targets
TYPE_ID = TYPE_ID_OF_NUMPY


def cast(b: MindIRBuilder, x: str, dtype, scope: str = "") -> str:
    """``Cast(x, dst_type)`` with the type as its TypeId integer constant (as MindSpore 2.10 writes it)."""
    return _fn(b, "Cast", [x], [TYPE_ID[np.dtype(dtype)]], "", scope)

