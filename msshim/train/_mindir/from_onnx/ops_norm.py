"""Normalisation: BatchNormalization (inference), LayerNormalization, InstanceNormalization."""
from __future__ import annotations

import numpy as np

from msshim.train._mindir import primitives as P

from .context import Unsupported
from .registry import _attrs, _input, translates


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
