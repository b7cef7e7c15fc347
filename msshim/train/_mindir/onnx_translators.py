"""One translator per ONNX operator: ONNX node -> MindSpore 2.10 primitives (through ``primitives.py``).

A translator takes the ``OnnxContext`` and the node and returns the MindIR value name(s) of its outputs, or
raises ``Unsupported`` with what it cannot express.  Shape-like arguments (Reshape's shape, axes, pads, Clip
bounds) must be constants after folding; the graph's static shapes (ONNX shape inference) fill in what MindSpore
primitives need explicitly (same-padding lists, transposed-convolution output sizes).
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np
import onnx

from msshim.train._mindir import primitives as P
from msshim.train._mindir.from_onnx import OnnxContext, Unsupported

Translator = Callable[[OnnxContext, onnx.NodeProto], "str | list[str]"]
TRANSLATORS: dict[str, Translator] = {}


def translates(*op_types: str):
    def register(fn: Translator) -> Translator:
        for op in op_types:
            TRANSLATORS[op] = fn
        return fn
    return register


def _attrs(node: onnx.NodeProto) -> dict:
    out = {}
    for a in node.attribute:
        value = onnx.helper.get_attribute_value(a)
        out[a.name] = value.decode() if isinstance(value, bytes) else value
    return out


def _input(node: onnx.NodeProto, i: int) -> str:
    return node.input[i] if len(node.input) > i else ""


def _const_ints(ctx: OnnxContext, name: str, what: str) -> list[int]:
    value = ctx.const(name)
    if value is None:
        raise Unsupported(f"{what} is not a constant")
    return [int(v) for v in np.asarray(value).reshape(-1)]


def _axes(ctx: OnnxContext, node: onnx.NodeProto, attrs: dict, index: int = 1) -> list[int] | None:
    """``axes`` from the attribute (older opsets) or the input (newer)."""
    if "axes" in attrs:
        return [int(a) for a in attrs["axes"]]
    if _input(node, index):
        return _const_ints(ctx, node.input[index], "axes")
    return None


def _out_shape(ctx: OnnxContext, node: onnx.NodeProto, i: int = 0) -> tuple:
    return ctx.shape(node.output[i])


# ------------------------------------------------------------------------------------------- elementwise
def _unary(emit):
    return lambda ctx, node: emit(ctx.b, ctx.tensor(node.input[0]))


for _op, _emit in {"Relu": P.relu, "Sigmoid": P.sigmoid, "Tanh": P.tanh, "Erf": P.erf, "Sqrt": P.sqrt,
                   "Exp": P.exp, "Log": P.log, "Neg": P.neg, "Abs": P.abs_, "Reciprocal": P.reciprocal,
                   "Floor": P.floor, "Sin": P.sin, "Cos": P.cos, "HardSwish": P.hswish}.items():
    TRANSLATORS[_op] = _unary(_emit)


def _binary(emit):
    def translate(ctx: OnnxContext, node: onnx.NodeProto) -> str:
        a, b = node.input[0], node.input[1]
        return emit(ctx.b, _operand(ctx, a, b), _operand(ctx, b, a))
    return translate


def _operand(ctx: OnnxContext, name: str, other: str) -> str:
    """A constant operand becomes a tensor constant of the other operand's dtype (as ONNX requires)."""
    value = ctx.const(name)
    if value is not None:
        return ctx.b.constant(np.ascontiguousarray(np.asarray(value).astype(ctx.dtype(other), copy=False)))
    return ctx.tensor(name)


for _op, _emit in {"Add": P.add, "Sub": P.sub, "Mul": P.mul, "Div": P.div, "Pow": P.pow_, "Max": P.maximum,
                   "Min": P.minimum, "Equal": P.equal, "Less": P.less, "Greater": P.greater}.items():
    TRANSLATORS[_op] = _binary(_emit)


@translates("Identity", "Dropout")
def _identity(ctx, node):
    return ctx.tensor(node.input[0])


@translates("Cast")
def _cast(ctx, node):
    to = np.dtype(onnx.helper.tensor_dtype_to_np_dtype(_attrs(node)["to"]))
    if to == ctx.dtype(node.input[0]):
        return ctx.tensor(node.input[0])
    if to not in P.TYPE_ID:
        raise Unsupported(f"Cast to {to}")
    return P.cast(ctx.b, ctx.tensor(node.input[0]), to)


@translates("LeakyRelu")
def _leaky_relu(ctx, node):
    """max(x, alpha * x) (min for alpha > 1): MindSpore 2.10 has no CPU kernel for LeakyReLUExt."""
    x = ctx.tensor(node.input[0])
    alpha = float(_attrs(node).get("alpha", 0.01))
    scaled = P.mul(ctx.b, x, ctx.b.constant(np.array(alpha, dtype=ctx.dtype(node.input[0]))))
    return (P.maximum if alpha <= 1.0 else P.minimum)(ctx.b, x, scaled)


@translates("Clip")
def _clip(ctx, node):
    attrs = _attrs(node)
    low, high = attrs.get("min"), attrs.get("max")
    for i, which in ((1, "min"), (2, "max")):
        if _input(node, i):
            value = ctx.const(node.input[i])
            if value is None:
                raise Unsupported(f"Clip {which} is not a constant")
            low, high = (float(value), high) if i == 1 else (low, float(value))
    if low == 0.0 and high == 6.0:
        return P.relu6(ctx.b, ctx.tensor(node.input[0]))
    if low == 0.0 and high is None:
        return P.relu(ctx.b, ctx.tensor(node.input[0]))
    return P.clamp_scalar(ctx.b, ctx.tensor(node.input[0]), low, high)


@translates("HardSigmoid")
def _hard_sigmoid(ctx, node):
    """clip(alpha * x + beta, 0, 1) (MindSpore's HSigmoid is only the alpha=1/6, beta=0.5 case)."""
    attrs = _attrs(node)
    dtype = ctx.dtype(node.input[0])
    y = P.mul(ctx.b, ctx.tensor(node.input[0]), ctx.b.constant(np.array(attrs.get("alpha", 0.2), dtype=dtype)))
    y = P.add(ctx.b, y, ctx.b.constant(np.array(attrs.get("beta", 0.5), dtype=dtype)))
    return P.clamp_scalar(ctx.b, y, 0.0, 1.0)


@translates("Where")
def _where(ctx, node):
    """Select(condition, x, y) on operands broadcast to the output shape."""
    out = _out_shape(ctx, node)
    args = []
    for name in node.input:
        value = ctx.const(name)
        if value is not None:
            args.append(ctx.b.constant(np.ascontiguousarray(np.broadcast_to(value, out))))
        elif tuple(ctx.shape(name)) != tuple(out):
            args.append(P.broadcast_to(ctx.b, ctx.tensor(name), out))
        else:
            args.append(ctx.tensor(name))
    return P.select(ctx.b, *args)


@translates("PRelu")
def _prelu(ctx, node):
    """MindSpore's PReLU takes a (C,) or (1,) weight; torch exports it unsqueezed to (C, 1, 1)."""
    slope = node.input[1]
    shape = ctx.shape(slope)
    size = int(np.prod(shape)) if shape else 1
    channels = ctx.shape(node.input[0])[1] if len(ctx.shape(node.input[0])) > 1 else 1
    if size not in (1, channels) or (size > 1 and [d for d in shape if d != 1] != [size]):
        raise Unsupported(f"slope of shape {shape}")
    if ctx.is_const(slope):
        weight = ctx.b.constant(np.ascontiguousarray(ctx.const(slope).reshape(size)))
    elif tuple(shape) == (size,):
        weight = ctx.tensor(slope)
    else:
        weight = P.reshape(ctx.b, ctx.tensor(slope), (size,))
    return P.prelu(ctx.b, ctx.tensor(node.input[0]), weight)


# ------------------------------------------------------------------------------------------- linear
@translates("Gemm")
def _gemm(ctx, node):
    attrs = _attrs(node)
    y = P.matmul(ctx.b, ctx.tensor(node.input[0]), ctx.tensor(node.input[1]), bool(attrs.get("transA", 0)),
                 bool(attrs.get("transB", 0)))
    alpha, beta = float(attrs.get("alpha", 1.0)), float(attrs.get("beta", 1.0))
    dtype = ctx.dtype(node.output[0])
    if alpha != 1.0:
        y = P.mul(ctx.b, y, ctx.b.constant(np.array(alpha, dtype=dtype)))
    c = _input(node, 2)
    if not c:
        return y
    bias = ctx.tensor(c)
    if beta != 1.0:
        bias = P.mul(ctx.b, bias, ctx.b.constant(np.array(beta, dtype=dtype)))
    if len(ctx.shape(c)) == 1 and ctx.shape(c)[0] == _out_shape(ctx, node)[1] and beta == 1.0:
        return P.bias_add(ctx.b, y, bias)
    return P.add(ctx.b, y, bias)


@translates("MatMul")
def _matmul(ctx, node):
    a, w = node.input
    ra, rw = len(ctx.shape(a)), len(ctx.shape(w))
    if ra == 2 and rw == 2:
        return P.matmul(ctx.b, ctx.tensor(a), ctx.tensor(w))
    if rw == 2 and ra > 2:  # (..., K) @ (K, N): fold the leading axes into rows
        rows = P.reshape(ctx.b, ctx.tensor(a), (-1, ctx.shape(a)[-1]))
        return P.reshape(ctx.b, P.matmul(ctx.b, rows, ctx.tensor(w)), _out_shape(ctx, node))
    if ra >= 3 and rw >= 3:
        return P.batch_matmul(ctx.b, ctx.tensor(a), ctx.tensor(w))
    raise Unsupported(f"MatMul of ranks {ra} and {rw}")


# ------------------------------------------------------------------------------------------- convolution
def _spatial_pads(attrs: dict, in_hw, kernel, strides, dilations) -> list[tuple[int, int]]:
    """(begin, end) per spatial axis of ONNX's pads / auto_pad."""
    auto_pad = attrs.get("auto_pad", "NOTSET")
    if auto_pad in ("SAME_UPPER", "SAME_LOWER"):
        same = P.same_pad_list(in_hw, kernel, strides, dilations)
        pairs = [(same[2 * i], same[2 * i + 1]) for i in range(len(in_hw))]
        return pairs if auto_pad == "SAME_UPPER" else [(e, b) for b, e in pairs]
    if auto_pad == "VALID":
        return [(0, 0)] * len(in_hw)
    pads = list(attrs.get("pads", [0] * (2 * len(in_hw))))
    n = len(in_hw)
    return [(int(pads[i]), int(pads[i + n])) for i in range(n)]


def _flat(pairs) -> tuple:
    return tuple(p for pair in pairs for p in pair)


def _conv1d(ctx, node, attrs: dict) -> str:
    """1-D convolution as Conv2D over (N, C, 1, L) (weight (O, I, 1, K)), reshaped back."""
    x, w = node.input[0], node.input[1]
    n, c, length = ctx.shape(x)
    wshape = ctx.shape(w)
    weight = ctx.const(w)
    if weight is not None:
        w4 = ctx.b.constant(np.ascontiguousarray(weight.reshape(wshape[0], wshape[1], 1, wshape[2])))
    else:
        w4 = P.reshape(ctx.b, ctx.tensor(w), (wshape[0], wshape[1], 1, wshape[2]))
    kernel = [1, int(attrs.get("kernel_shape", wshape[2:])[0])]
    strides = [1, int(attrs.get("strides", [1])[0])]
    dilations = [1, int(attrs.get("dilations", [1])[0])]
    (begin, end), = _spatial_pads(attrs, (length,), kernel[1:], strides[1:], dilations[1:])
    pad = (0, 0, begin, end)
    y = P.conv2d(ctx.b, P.reshape(ctx.b, ctx.tensor(x), (n, c, 1, length)), w4, out_channel=wshape[0],
                 kernel_size=kernel, pad_mode="pad" if any(pad) else "valid", pad=pad, stride=strides,
                 dilation=dilations, group=int(attrs.get("group", 1)), pad_list=pad)
    if _input(node, 2):
        y = P.bias_add(ctx.b, y, ctx.tensor(node.input[2]))
    return P.reshape(ctx.b, y, _out_shape(ctx, node))


@translates("Conv")
def _conv(ctx, node):
    attrs = _attrs(node)
    x, w = node.input[0], node.input[1]
    wshape = ctx.shape(w)
    if len(wshape) == 3:
        return _conv1d(ctx, node, attrs)
    if len(wshape) != 4:
        raise Unsupported(f"{len(wshape) - 2}-D convolution")
    kernel = list(attrs.get("kernel_shape", wshape[2:]))
    strides = list(attrs.get("strides", [1, 1]))
    dilations = list(attrs.get("dilations", [1, 1]))
    pairs = _spatial_pads(attrs, ctx.shape(x)[2:], kernel, strides, dilations)
    pad = _flat(pairs)
    mode = "pad" if any(pad) else "valid"
    y = P.conv2d(ctx.b, ctx.tensor(x), ctx.tensor(w), out_channel=wshape[0], kernel_size=kernel, pad_mode=mode,
                 pad=pad, stride=strides, dilation=dilations, group=int(attrs.get("group", 1)), pad_list=pad)
    if _input(node, 2):
        y = P.bias_add(ctx.b, y, ctx.tensor(node.input[2]))
    return y


@translates("ConvTranspose")
def _conv_transpose(ctx, node):
    """Conv2DTranspose with the output size from shape inference (covers output_padding / output_shape)."""
    attrs = _attrs(node)
    x, w = node.input[0], node.input[1]
    wshape = ctx.shape(w)
    if len(wshape) != 4:
        raise Unsupported(f"{len(wshape) - 2}-D transposed convolution")
    kernel = list(attrs.get("kernel_shape", wshape[2:]))
    strides = list(attrs.get("strides", [1, 1]))
    dilations = list(attrs.get("dilations", [1, 1]))
    out_shape = _out_shape(ctx, node)
    if attrs.get("auto_pad", "NOTSET") in ("SAME_UPPER", "SAME_LOWER"):
        raise Unsupported("auto_pad SAME")
    pairs = _spatial_pads(attrs, out_shape[2:], kernel, strides, dilations)
    pad = _flat(pairs)
    group = int(attrs.get("group", 1))
    y = P.conv2d_transpose(ctx.b, ctx.tensor(x), ctx.tensor(w), out_shape, in_channel=wshape[0],
                           kernel_size=kernel, pad_mode="pad" if any(pad) else "valid", pad=pad, stride=strides,
                           dilation=dilations, group=group)
    if _input(node, 2):
        y = P.bias_add(ctx.b, y, ctx.tensor(node.input[2]))
    return y


# ------------------------------------------------------------------------------------------- pooling
def _pool(ctx, node, emit, pad_value: float | None):
    attrs = _attrs(node)
    x = node.input[0]
    shape = ctx.shape(x)
    if len(shape) != 4:
        raise Unsupported(f"{len(shape) - 2}-D pooling")
    kernel = list(attrs["kernel_shape"])
    strides = list(attrs.get("strides", [1, 1]))
    if any(d != 1 for d in attrs.get("dilations", [1, 1])):
        raise Unsupported("dilated pooling")
    in_hw = shape[2:]
    pairs = _spatial_pads(attrs, in_hw, kernel, strides, [1, 1])
    out_hw = _out_shape(ctx, node)[2:]
    # ceil_mode: the windows past the end read padding (-inf for max): make it explicit end padding.
    explicit = pairs
    pairs = [(b, max((o - 1) * s + k - h - b, e)) for (b, e), o, s, k, h in zip(pairs, out_hw, strides, kernel,
                                                                                  in_hw)]
    if not any(_flat(pairs)):
        return emit(ctx.b, ctx.tensor(x), kernel, strides, "VALID")
    same = P.same_pad_list(in_hw, kernel, strides, [1, 1])
    if _flat(pairs) == tuple(same) and list(out_hw) == [math.ceil(h / s) for h, s in zip(in_hw, strides)]:
        if pad_value is not None or not attrs.get("count_include_pad", 0):
            return emit(ctx.b, ctx.tensor(x), kernel, strides, "SAME")
    if pad_value is None:  # average: zero padding is exact when the padding counts and ceil_mode adds none
        if not attrs.get("count_include_pad", 0) or pairs != explicit:
            raise Unsupported("average pooling with padding excluded from the count")
        pad_value = 0.0
    padded = P.constant_pad_nd(ctx.b, ctx.tensor(x), _flat(reversed(pairs)), pad_value)
    return emit(ctx.b, padded, kernel, strides, "VALID")


@translates("MaxPool")
def _max_pool(ctx, node):
    if len(node.output) > 1 and node.output[1]:
        raise Unsupported("MaxPool indices output")
    return _pool(ctx, node, P.max_pool, float("-inf"))


@translates("AveragePool")
def _avg_pool(ctx, node):
    return _pool(ctx, node, P.avg_pool_fn, None)


@translates("GlobalAveragePool")
def _global_avg_pool(ctx, node):
    rank = len(ctx.shape(node.input[0]))
    return P.reduce_mean(ctx.b, ctx.tensor(node.input[0]), tuple(range(2, rank)), True)


@translates("GlobalMaxPool")
def _global_max_pool(ctx, node):
    rank = len(ctx.shape(node.input[0]))
    return P.reduce_max(ctx.b, ctx.tensor(node.input[0]), tuple(range(2, rank)), True)


# ------------------------------------------------------------------------------------------- normalisation
@translates("BatchNormalization")
def _batch_norm(ctx, node):
    attrs = _attrs(node)
    if attrs.get("training_mode", 0) or (len(node.output) > 1 and any(node.output[1:])):
        raise Unsupported("training-mode BatchNormalization")
    x, scale, bias, mean, var = node.input[:5]
    return P.batch_norm(ctx.b, ctx.tensor(x), ctx.tensor(scale), ctx.tensor(bias), ctx.tensor(mean),
                        ctx.tensor(var), eps=float(attrs.get("epsilon", 1e-5)),
                        momentum=1.0 - float(attrs.get("momentum", 0.9)))


@translates("LayerNormalization")
def _layer_norm(ctx, node):
    attrs = _attrs(node)
    if len(node.output) > 1 and any(node.output[1:]):
        raise Unsupported("LayerNormalization mean/inv_std outputs")
    x = node.input[0]
    rank = len(ctx.shape(x))
    axis = int(attrs.get("axis", -1)) % rank
    gamma = ctx.tensor(node.input[1])
    if _input(node, 2):
        beta = ctx.tensor(node.input[2])
    else:
        beta = ctx.b.constant(np.zeros(ctx.shape(x)[axis:], dtype=ctx.dtype(x)))
    return P.layer_norm(ctx.b, ctx.tensor(x), gamma, beta, axis, axis, float(attrs.get("epsilon", 1e-5)))


@translates("InstanceNormalization")
def _instance_norm(ctx, node):
    """(x - mean) / sqrt(var + eps) * scale + bias over the spatial axes (torch exports GroupNorm this way)."""
    attrs = _attrs(node)
    x, scale, bias = node.input[:3]
    shape = ctx.shape(x)
    axes = tuple(range(2, len(shape)))
    dtype = ctx.dtype(x)
    b = ctx.b
    xv = ctx.tensor(x)
    centred = P.sub(b, xv, P.reduce_mean(b, xv, axes, True))
    var = P.reduce_mean(b, P.mul(b, centred, centred), axes, True)
    eps = b.constant(np.array(float(attrs.get("epsilon", 1e-5)), dtype=dtype))
    y = P.mul(b, centred, P.rsqrt(b, P.add(b, var, eps)))
    per_channel = (shape[1],) + (1,) * len(axes)
    for name, emit, neutral in ((scale, P.mul, 1.0), (bias, P.add, 0.0)):
        value = ctx.const(name)
        if value is not None and np.all(value == neutral):
            continue
        if value is not None:
            operand = b.constant(np.ascontiguousarray(value.reshape(per_channel).astype(dtype)))
        else:
            operand = P.reshape(b, ctx.tensor(name), per_channel)
        y = emit(b, y, operand)
    return y


@translates("Softmax", "LogSoftmax")
def _softmax(ctx, node):
    x = node.input[0]
    rank = len(ctx.shape(x))
    axis = int(_attrs(node).get("axis", -1 if ctx.opset >= 13 else 1)) % rank
    emit = P.softmax if node.op_type == "Softmax" else P.log_softmax
    if ctx.opset >= 13 or axis == rank - 1:
        return emit(ctx.b, ctx.tensor(x), axis)
    # opset < 13: softmax over the axes from ``axis`` on, flattened
    shape = ctx.shape(x)
    flat = P.reshape(ctx.b, ctx.tensor(x), (int(np.prod(shape[:axis])), -1))
    return P.reshape(ctx.b, emit(ctx.b, flat, -1), shape)


# ------------------------------------------------------------------------------------------- reductions
def _reduction(emit):
    def translate(ctx, node):
        attrs = _attrs(node)
        axes = _axes(ctx, node, attrs)
        if not axes and attrs.get("noop_with_empty_axes", 0):
            return ctx.tensor(node.input[0])
        return emit(ctx.b, ctx.tensor(node.input[0]), tuple(axes or ()), bool(attrs.get("keepdims", 1)))
    return translate


for _op, _emit in {"ReduceMean": P.reduce_mean, "ReduceSum": P.reduce_sum, "ReduceMax": P.reduce_max,
                   "ReduceMin": P.reduce_min}.items():
    TRANSLATORS[_op] = _reduction(_emit)


# ------------------------------------------------------------------------------------------- shapes
@translates("Reshape", "Flatten", "Unsqueeze", "Squeeze")
def _reshape(ctx, node):
    """Every shape-only op is a Reshape to the statically inferred output shape."""
    x = node.input[0]
    out = _out_shape(ctx, node)
    if tuple(ctx.shape(x)) == tuple(out):
        return ctx.tensor(x)
    if node.op_type == "Flatten" and int(_attrs(node).get("axis", 1)) == 1 and len(ctx.shape(x)) > 2:
        return P.flatten(ctx.b, ctx.tensor(x))
    return P.reshape(ctx.b, ctx.tensor(x), out)


@translates("Transpose")
def _transpose(ctx, node):
    perm = _attrs(node).get("perm") or list(reversed(range(len(ctx.shape(node.input[0])))))
    return P.transpose(ctx.b, ctx.tensor(node.input[0]), perm)


@translates("Concat")
def _concat(ctx, node):
    first = next(n for n in node.input if not ctx.is_const(n))
    return P.concat(ctx.b, [_operand(ctx, n, first) for n in node.input], int(_attrs(node)["axis"]))


@translates("Gather")
def _gather(ctx, node):
    data, indices = node.input
    axis = int(_attrs(node).get("axis", 0)) % len(ctx.shape(data))
    value = ctx.const(indices)
    if value is not None:
        value = np.where(value < 0, value + ctx.shape(data)[axis], value)
        idx = ctx.b.constant(np.ascontiguousarray(value))
    else:
        idx = ctx.tensor(indices)
    return P.gather(ctx.b, ctx.tensor(data), idx, axis)


@translates("Expand")
def _expand(ctx, node):
    return P.broadcast_to(ctx.b, ctx.tensor(node.input[0]), _out_shape(ctx, node))


@translates("Slice")
def _slice(ctx, node):
    x = node.input[0]
    shape = ctx.shape(x)
    starts = _const_ints(ctx, node.input[1], "Slice starts")
    ends = _const_ints(ctx, node.input[2], "Slice ends")
    axes = _const_ints(ctx, node.input[3], "Slice axes") if _input(node, 3) else list(range(len(starts)))
    steps = _const_ints(ctx, node.input[4], "Slice steps") if _input(node, 4) else [1] * len(starts)
    begin, end, stride = [0] * len(shape), list(shape), [1] * len(shape)
    for s, e, a, st in zip(starts, ends, axes, steps):
        if st < 0:
            raise Unsupported("negative Slice step")
        a %= len(shape)
        size = shape[a]
        s = min(max(s + size if s < 0 else s, 0), size)
        e = min(max(e + size if e < 0 else e, 0), size)
        begin[a], end[a], stride[a] = s, e, st
    return P.strided_slice(ctx.b, ctx.tensor(x), begin, end, stride)


@translates("Split")
def _split(ctx, node):
    """One StridedSlice per output."""
    x = node.input[0]
    shape = ctx.shape(x)
    attrs = _attrs(node)
    axis = int(attrs.get("axis", 0)) % len(shape)
    if "split" in attrs:
        sizes = [int(v) for v in attrs["split"]]
    elif _input(node, 1):
        sizes = _const_ints(ctx, node.input[1], "Split sizes")
    else:
        count = int(attrs.get("num_outputs", len(node.output)))
        step = -(-shape[axis] // count)
        sizes = [min(step, shape[axis] - i * step) for i in range(count)]
    outputs, start = [], 0
    for size in sizes:
        begin, end = [0] * len(shape), list(shape)
        begin[axis], end[axis] = start, start + size
        outputs.append(P.strided_slice(ctx.b, ctx.tensor(x), begin, end, [1] * len(shape)))
        start += size
    return outputs


@translates("Resize", "Upsample")
def _resize(ctx, node):
    """Nearest-neighbour upsampling by integer factors (torch's nn.Upsample / F.interpolate(mode="nearest")):
    every pixel repeated, as Reshape -> BroadcastTo -> Reshape (exact, no interpolation primitive)."""
    attrs = _attrs(node)
    x = node.input[0]
    shape, out = ctx.shape(x), _out_shape(ctx, node)
    if attrs.get("mode", "nearest") != "nearest":
        raise Unsupported(f"mode {attrs['mode']}")
    # Output pixel k of factor f reads input k/f (asymmetric) or (k + 0.5)/f - 0.5 (half_pixel): pixel
    # repetition exactly when the first is floored and the second rounded (it is never a tie).
    mode = (attrs.get("coordinate_transformation_mode", "half_pixel"), attrs.get("nearest_mode", "round_prefer_floor"))
    if mode not in (("asymmetric", "floor"), ("half_pixel", "round_prefer_floor"),
                    ("half_pixel", "round_prefer_ceil"), ("pytorch_half_pixel", "round_prefer_floor"),
                    ("pytorch_half_pixel", "round_prefer_ceil")):
        raise Unsupported(f"coordinate_transformation_mode {mode[0]} with nearest_mode {mode[1]}")
    factors = [o // i if i and o % i == 0 else 0 for i, o in zip(shape, out)]
    if not all(factors) or len(shape) < 3 or factors[:2] != [1, 1]:
        raise Unsupported(f"resize {shape} -> {out} (integer nearest upsampling of spatial axes only)")
    expanded = list(shape[:2])
    for size, f in zip(shape[2:], factors[2:]):
        expanded += [size, 1]
    y = P.reshape(ctx.b, ctx.tensor(x), expanded)
    target = list(shape[:2])
    for size, f in zip(shape[2:], factors[2:]):
        target += [size, f]
    return P.reshape(ctx.b, P.broadcast_to(ctx.b, y, target), out)


@translates("Pad")
def _pad(ctx, node):
    attrs = _attrs(node)
    if attrs.get("mode", "constant") != "constant":
        raise Unsupported(f"Pad mode {attrs['mode']}")
    x = node.input[0]
    rank = len(ctx.shape(x))
    pads = list(attrs["pads"]) if "pads" in attrs else _const_ints(ctx, node.input[1], "Pad pads")
    axes = _const_ints(ctx, node.input[3], "Pad axes") if _input(node, 3) else list(range(rank))
    if any(p < 0 for p in pads):
        raise Unsupported("negative pads")
    value = 0.0
    if _input(node, 2):
        constant = ctx.const(node.input[2])
        if constant is None:
            raise Unsupported("Pad value is not a constant")
        value = float(constant)
    elif "value" in attrs:
        value = float(attrs["value"])
    pairs = [(0, 0)] * rank
    n = len(axes)
    for i, a in enumerate(axes):
        pairs[a % rank] = (pads[i], pads[i + n])
    first = next(i for i in range(rank) if pairs[i] != (0, 0)) if any(_flat(pairs)) else rank
    if first == rank:
        return ctx.tensor(x)
    return P.constant_pad_nd(ctx.b, ctx.tensor(x), _flat(reversed(pairs[first:])), value)
