"""Convolution, pooling, normalisation and PReLU.

Padding: MindSpore's pad tuples are (top, bottom, left, right); ONNX wants (top, left, bottom, right).
"same" (Conv2D, MaxPool, AvgPool) is TensorFlow's SAME — total padding (ceil(in/s)-1)*s + (k-1)*d + 1 - in,
the odd pixel at the bottom/right: ONNX ``auto_pad="SAME_UPPER"``, which follows the actual input size as
MindSpore re-infers shapes per call (dilated convolutions, where onnxruntime refuses ``auto_pad``, get explicit
pads computed from the static input shape); max-pool padding never wins and average pooling does not count it
(``count_include_pad=0``, as MindSpore's AvgPool).
``Conv2DTranspose(dout, w, input_sizes)`` gets explicit pads and ``output_padding`` computed from the static
input shape so that its output is exactly ``input_sizes``.
"""
from __future__ import annotations

import numpy as np

from .ops_math import channel_axis_shape
from .registry import Call, TranslateError, as_int_tuple, translator

_PAD_MODE_ENUM = {0: "pad", 1: "same", 2: "valid"}  # mindspore PadMode enum values (PAD, SAME, VALID)


def _pad_mode(value) -> str:
    if isinstance(value, (int, np.integer)):
        return _PAD_MODE_ENUM.get(int(value), "valid")
    return str(value).lower()


def _pair(value, n_spatial: int = 2) -> list[int]:
    """kernel/stride/dilation as spatial values: accepts k, (k,), (kh, kw) and MindSpore's (1, 1, kh, kw)."""
    t = as_int_tuple(value)
    if len(t) == 1:
        return list(t) * n_spatial
    return list(t[-n_spatial:])


def _onnx_pads(pad) -> list[int]:
    t = as_int_tuple(pad)
    if len(t) == 1:
        t = t * 4
    if len(t) == 2:
        t = (t[0], t[0], t[1], t[1])
    top, bottom, left, right = t
    return [top, left, bottom, right]


@translator("Conv2D")
def conv2d(em, call: Call):
    """Old-style Conv2D (attributes) over NCHW, weight (out, in/group, kh, kw)."""
    x, w = em.tensor(call.args[0]), em.tensor(call.args[1])
    if str(call.attrs.get("format", "NCHW")) not in ("NCHW", "0"):
        raise TranslateError("Conv2D: only the NCHW format is supported")
    mode = _pad_mode(call.attrs.get("pad_mode", "valid"))
    attrs = dict(kernel_shape=_pair(call.attrs["kernel_size"]) if "kernel_size" in call.attrs else None,
                 strides=_pair(call.attrs.get("stride", 1)), dilations=_pair(call.attrs.get("dilation", 1)),
                 group=int(call.attrs.get("group", call.attrs.get("groups", 1))))
    if mode == "same":
        in_shape = em.shape(x)
        kernel = attrs["kernel_shape"] or list(em.shape(w)[2:])
        if all(d == 1 for d in attrs["dilations"]):  # derived from the actual input at run time
            attrs["auto_pad"] = "SAME_UPPER"
        elif in_shape is not None and all(v is not None for v in in_shape[2:]):  # onnxruntime: no auto_pad
            attrs["pads"] = same_pads(in_shape[2:], kernel, attrs["strides"], attrs["dilations"])
        else:
            raise TranslateError("Conv2D: 'same' padding with dilation needs a static input shape")
    elif mode == "pad":
        attrs["pads"] = _onnx_pads(call.attrs.get("pad", (0, 0, 0, 0)))
    return em.op("Conv", [x, w], **attrs)


def same_pads(in_sizes, kernel, strides, dilations) -> list[int]:
    """ONNX pads of TensorFlow/MindSpore SAME padding for the given spatial input sizes."""
    heads, tails = [], []
    for n, k, s, d in zip(in_sizes, kernel, strides, dilations):
        total = max((-(-n // s) - 1) * s + (k - 1) * d + 1 - n, 0)
        heads.append(total // 2)
        tails.append(total - total // 2)
    return heads + tails


def _conv_transpose_pads(n_in: int, n_out: int, k: int, s: int, d: int, mode: str, head: int, tail: int):
    """(pad_head, pad_tail, output_padding) making ConvTranspose produce exactly ``n_out``."""
    full = (n_in - 1) * s + (k - 1) * d + 1
    if mode == "same" or mode == "valid":
        total = full - n_out
        if total >= 0:
            head = total // 2 if mode == "same" else 0
            return head, total - head, 0
        return 0, 0, -total
    extra = n_out - (full - head - tail)
    if extra < 0:
        raise TranslateError(f"Conv2DTranspose: output size {n_out} is smaller than the padded result")
    return head, tail, extra


@translator("Conv2DTranspose", "Conv2DBackpropInput")
def conv2d_transpose(em, call: Call):
    """``Conv2DTranspose(dout, filter, input_sizes)``: weight (in, out/group, kh, kw); output = input_sizes."""
    x, w = em.tensor(call.args[0]), em.tensor(call.args[1])
    out_shape = as_int_tuple(call.arg(2, "input_sizes"))
    mode = _pad_mode(call.attrs.get("pad_mode", "valid"))
    kernel = _pair(call.attrs["kernel_size"]) if "kernel_size" in call.attrs else list(em.shape(w)[2:])
    strides = _pair(call.attrs.get("stride", 1))
    dilations = _pair(call.attrs.get("dilation", 1))
    group = int(call.attrs.get("group", call.attrs.get("groups", 1)))
    explicit = _onnx_pads(call.attrs.get("pad_list", call.attrs.get("pad", (0, 0, 0, 0))))
    if mode == "pad" and not any(explicit):
        explicit = _onnx_pads(call.attrs.get("pad", (0, 0, 0, 0)))
    in_shape = em.shape(x)
    attrs = dict(kernel_shape=kernel, strides=strides, dilations=dilations, group=group)
    if in_shape is None or any(v is None for v in in_shape[2:]):
        if mode == "pad":
            raise TranslateError("Conv2DTranspose with explicit padding needs a static input shape")
        attrs["output_shape"] = list(out_shape[2:])  # onnxruntime then pads like "same" (extra at the end)
        return em.op("ConvTranspose", [x, w], **attrs)
    heads, tails, extras = [], [], []
    for i in range(2):
        head, tail, extra = _conv_transpose_pads(in_shape[2 + i], out_shape[2 + i], kernel[i], strides[i],
                                                 dilations[i], mode, explicit[i], explicit[i + 2])
        heads.append(head)
        tails.append(tail)
        extras.append(extra)
    attrs["pads"] = heads + tails
    if any(extras):
        attrs["output_padding"] = extras
    return em.op("ConvTranspose", [x, w], **attrs)


def _pool(onnx_op: str):
    def translate(em, call: Call):
        x = em.tensor(call.args[0])
        if str(call.attrs.get("format", call.attrs.get("data_format", "NCHW"))) not in ("NCHW", "0"):
            raise TranslateError(f"{call.op}: only the NCHW format is supported")
        mode = _pad_mode(call.arg(3, "pad_mode", "valid"))
        attrs = dict(kernel_shape=_pair(call.arg(1, "kernel_size")), strides=_pair(call.arg(2, "strides", 1)))
        if mode == "same":
            attrs["auto_pad"] = "SAME_UPPER"
        elif mode == "pad":
            attrs["pads"] = _onnx_pads(call.attrs.get("pad_list", call.attrs.get("pad", 0)))
        if onnx_op == "AveragePool":
            attrs["count_include_pad"] = 0
        return em.op(onnx_op, [x], **attrs)
    return translate


translator("MaxPool")(_pool("MaxPool"))
translator("AvgPool")(_pool("AveragePool"))


def _adaptive_pool(onnx_global: str, onnx_pool: str):
    """MindSpore's adaptive average pooling (``output_size``; None keeps a dimension): a global pool for (1, 1), else a
    plain pool with kernel = stride = input / output where the input divides evenly (MindSpore's windows
    [floor(i*H/oh), ceil((i+1)*H/oh)) are then exactly those); other sizes cannot be one ONNX pool."""
    def translate(em, call: Call):
        x = em.tensor(call.args[0])
        size = call.arg(1, "output_size")
        size = (size, size) if isinstance(size, int) else tuple(size)
        in_shape = em.shape(x)
        if tuple(size) == (1, 1):
            return em.op(onnx_global, [x])
        if in_shape is None or any(v is None for v in in_shape[2:]):
            raise TranslateError(f"{call.op} to {size} needs a static input shape")
        out_hw = [in_shape[2 + i] if size[i] is None else int(size[i]) for i in range(2)]
        if any(in_shape[2 + i] % out_hw[i] for i in range(2)):
            raise TranslateError(f"{call.op}: input {tuple(in_shape[2:])} is not a multiple of output {tuple(out_hw)}")
        kernel = [in_shape[2 + i] // out_hw[i] for i in range(2)]
        return em.op(onnx_pool, [x], kernel_shape=kernel, strides=kernel)
    return translate


translator("AdaptiveAvgPool2D")(_adaptive_pool("GlobalAveragePool", "AveragePool"))


@translator("BatchNorm")
def batch_norm(em, call: Call):
    """Inference BatchNorm(x, scale, bias, mean, variance, is_training, epsilon, momentum, data_format) ->
    (y, mean, variance, mean, variance) (the saved statistics of a non-training BatchNorm are its inputs)."""
    x = em.tensor(call.args[0])
    scale, bias, mean, var = (em.tensor(call.args[i]) for i in range(1, 5))
    if call.arg(5, "is_training", False):
        raise TranslateError("BatchNorm: training mode cannot be exported to onnxruntime")
    fmt = call.arg(8, ("data_format", "format"), 0)
    if fmt not in (0, "NCHW"):
        raise TranslateError("BatchNorm: only the NCHW format is supported")
    eps = float(call.arg(6, "epsilon", 1e-5))
    y = em.op("BatchNormalization", [x, scale, bias, mean, var], epsilon=eps)
    return (y, mean, var, mean, var)


@translator("LayerNorm")
def layer_norm(em, call: Call):
    """LayerNorm(x, gamma, beta, begin_norm_axis, begin_params_axis, epsilon) -> (y, mean, rstd)."""
    x, gamma, beta = (em.tensor(call.args[i]) for i in range(3))
    axis = int(call.arg(3, "begin_norm_axis", -1))
    params_axis = int(call.arg(4, "begin_params_axis", -1))
    eps = float(call.arg(5, "epsilon", 1e-7))
    rank = em.rank(x)
    axis, params_axis = axis % rank, params_axis % rank
    if axis == params_axis:
        y, mean, rstd = em.op("LayerNormalization", [x, gamma, beta], outputs=3, axis=axis, epsilon=eps)
        return (y, mean, rstd)
    dt = em.dtype(x)
    norm_shape = [1] * (rank - axis)
    ones, zeros = em.const(np.ones(norm_shape, dt)), em.const(np.zeros(norm_shape, dt))
    y, mean, rstd = em.op("LayerNormalization", [x, ones, zeros], outputs=3, axis=axis, epsilon=eps)
    return (em.op("Add", [em.op("Mul", [y, gamma]), beta]), mean, rstd)


@translator("GroupNorm")
def group_norm(em, call: Call):
    """GroupNorm(x, num_groups, gamma, beta, eps) -> (y, mean, rstd), as InstanceNormalization over
    (N, G, -1) then the per-channel affine."""
    x = em.tensor(call.args[0])
    groups = int(call.arg(1, "num_groups"))
    gamma, beta = em.tensor(call.args[2]), em.tensor(call.args[3])
    eps = float(call.arg(4, ("eps", "epsilon"), 1e-5))
    dt = em.dtype(x)
    rank = em.rank(x)
    grouped = em.op("Reshape", [x, em.const([0, groups, -1], np.int64)])
    normed = em.op("InstanceNormalization", [grouped, em.const(np.ones(groups, dt)), em.const(np.zeros(groups, dt))],
                   epsilon=eps)
    y = em.op("Reshape", [normed, em.op("Shape", [x])])
    per_channel = em.const(channel_axis_shape(rank), np.int64)
    y = em.op("Add", [em.op("Mul", [y, em.op("Reshape", [gamma, per_channel])]),
                      em.op("Reshape", [beta, per_channel])])
    mean = em.op("ReduceMean", [grouped, em.const([2], np.int64)], keepdims=0)
    centered = em.op("Sub", [grouped, em.op("Unsqueeze", [mean, em.const([2], np.int64)])])
    var = em.op("ReduceMean", [em.op("Mul", [centered, centered]), em.const([2], np.int64)], keepdims=0)
    rstd = em.op("Reciprocal", [em.op("Sqrt", [em.op("Add", [var, em.const(eps, dt)])])])
    return (y, mean, rstd)


@translator("PReLU")
def prelu(em, call: Call):
    """PReLU(x, w): w of shape (C,) along axis 1 (or (1,))."""
    x, w = em.tensor(call.args[0]), em.tensor(call.args[1])
    rank = em.rank(x)
    if rank > 2:
        w = em.op("Reshape", [w, em.const(channel_axis_shape(rank), np.int64)])
    return em.op("PRelu", [x, w])


@translator("Dropout")
def dropout(em, call: Call):
    """Inference Dropout: (x, a mask of ones in x's dtype) — nothing is dropped outside training."""
    x = em.tensor(call.args[0])
    return (x, em.op("Add", [em.op("Mul", [x, em.const(0, em.dtype(x))]), em.const(1, em.dtype(x))]))
