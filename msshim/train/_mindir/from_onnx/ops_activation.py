"""Activations: LeakyRelu, Clip, HardSigmoid, PRelu, Softmax / LogSoftmax."""
from __future__ import annotations

import numpy as np

from msshim.train._mindir import primitives as P

from .context import Unsupported
from .registry import _attrs, _input, translates


# ------------------------------------------------------------------------------------------- activations
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
            if value is None or np.size(value) != 1:
                raise Unsupported(f"Clip {which} is not a constant scalar")
            value = float(np.asarray(value).reshape(-1)[0])  # folded constants may carry a shape of (1,)
            low, high = (value, high) if i == 1 else (low, value)
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
