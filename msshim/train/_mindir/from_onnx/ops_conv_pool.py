"""Convolutions (Conv 1-D/2-D, ConvTranspose) and pooling (MaxPool, AveragePool, global pools)."""
from __future__ import annotations

import math

import numpy as np

from msshim.train._mindir import primitives as P

from .context import Unsupported
from .registry import _attrs, _input, _out_shape, translates


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
