"""Convolutions (Conv2D, Conv2DTranspose), constant padding (folded into the following conv/pool) and
pooling (MaxPool, AvgPool, adaptive average pooling to 1x1, the ``narrow`` after asymmetric "same" max pooling)."""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import torch

from msshim.train._mindir import primitives as P

from .registry import UnsupportedOpsError, _arg, _rank, _register, _shape
from .values import _meta, _Pad, _PendingMaxPool, _Unexportable

if TYPE_CHECKING:
    from .translate import _Translator

aten = torch.ops.aten


# convolutions ------------------------------------------------------------------------------------------
def _pair(v, default):
    if v is None or (isinstance(v, (list, tuple)) and len(v) == 0):
        return default
    if isinstance(v, int):
        return (v, v)
    return (int(v[0]), int(v[1])) if len(v) == 2 else (int(v[0]), int(v[0]))


def _fold_zero_pad(t: _Translator, x) -> tuple[Any, tuple[int, int, int, int]]:
    raw = t.raw(x)
    if isinstance(raw, _Pad) and raw.value == 0:
        return raw.source, raw.pads
    return x, (0, 0, 0, 0)


def _conv(t: _Translator, node, x, w, bias, stride, padding, dilation, groups):
    if _rank(node) != 4:
        raise UnsupportedOpsError("only 2-D (NCHW) convolutions are supported by MindIR export")
    w_shape = _shape(w)
    stride, dilation = _pair(stride, (1, 1)), _pair(dilation, (1, 1))
    x, extra = _fold_zero_pad(t, x)
    in_hw = _shape(x)[2:] if isinstance(x, torch.fx.Node) else None
    if isinstance(padding, str):
        if padding == "valid":
            pads = (0, 0, 0, 0)
        else:  # torch "same" (stride 1): total d*(k-1), extra at the end, as MindSpore's same
            pads = P.same_pad_list(in_hw, w_shape[2:], stride, dilation)
    else:
        ph, pw = _pair(padding, (0, 0))
        pads = (ph, ph, pw, pw)
    pads = tuple(a + b for a, b in zip(pads, extra))
    mode = "pad" if any(pads) else "valid"
    value = P.conv2d(t.b, t.use(x), t.use(w), out_channel=w_shape[0], kernel_size=w_shape[2:], pad_mode=mode,
                     pad=pads, stride=stride, dilation=dilation, group=int(groups), pad_list=pads)
    if bias is not None:
        value = P.bias_add(t.b, value, t.use(bias))
    return value


def _conv_transpose(t: _Translator, node, x, w, bias, stride, padding, output_padding, groups, dilation):
    if _rank(node) != 4:
        raise UnsupportedOpsError("only 2-D (NCHW) transposed convolutions are supported by MindIR export")
    w_shape = _shape(w)
    ph, pw = _pair(padding, (0, 0))
    pads = (ph, ph, pw, pw)
    mode = "PAD" if any(pads) else "VALID"
    # input_sizes carries the exact output shape, so output_padding needs no attribute of its own
    value = P.conv2d_transpose(t.b, t.use(x), t.use(w), _shape(node), in_channel=w_shape[0],
                               kernel_size=w_shape[2:], pad_mode=mode, pad=pads, stride=_pair(stride, (1, 1)),
                               dilation=_pair(dilation, (1, 1)), group=int(groups))
    if bias is not None:
        value = P.bias_add(t.b, value, t.use(bias))
    return value


@_register(aten.conv2d.default, aten.conv2d.padding)
def _conv2d(t: _Translator, node):
    a = node.args
    return _conv(t, node, a[0], a[1], _arg(node, 2, "bias"), _arg(node, 3, "stride", 1),
                 _arg(node, 4, "padding", 0), _arg(node, 5, "dilation", 1), _arg(node, 6, "groups", 1))


@_register(aten.conv_transpose2d.input)
def _conv_transpose2d(t: _Translator, node):
    a = node.args
    return _conv_transpose(t, node, a[0], a[1], _arg(node, 2, "bias"), _arg(node, 3, "stride", 1),
                           _arg(node, 4, "padding", 0), _arg(node, 5, "output_padding", 0),
                           _arg(node, 6, "groups", 1), _arg(node, 7, "dilation", 1))


@_register(aten.convolution.default)
def _convolution(t: _Translator, node):
    x, w, bias, stride, padding, dilation, transposed, output_padding, groups = node.args[:9]
    if transposed:
        return _conv_transpose(t, node, x, w, bias, stride, padding, output_padding, groups, dilation)
    return _conv(t, node, x, w, bias, stride, padding, dilation, groups)


@_register(aten.constant_pad_nd.default, aten.pad.default)
def _constant_pad(t: _Translator, node):
    x, pad = node.args[0], list(node.args[1])
    mode = _arg(node, 2, "mode", "constant") if node.target is aten.pad.default else "constant"
    value = _arg(node, 3 if node.target is aten.pad.default else 2, "value", 0.0) or 0.0
    if mode != "constant" or len(pad) > 4 or any(pad[4:]) or _rank(node) != 4:
        raise UnsupportedOpsError("only constant padding of the last two axes of NCHW tensors is supported")
    pad += [0] * (4 - len(pad))
    left, right, top, bottom = pad
    return _Pad(x, (top, bottom, left, right), float(value))


# pooling -----------------------------------------------------------------------------------------------
def _pool_pads(size: int, k: int, s: int, p_lo: int, p_hi: int, ceil: bool) -> tuple[int, int, int]:
    """(pad before, pad after, output size) of torch pooling, with ceil_mode's extra window as pad after."""
    span = size + p_lo + p_hi - k
    out = (math.ceil(span / s) if ceil else span // s) + 1
    if ceil and (out - 1) * s >= size + p_lo:  # torch drops a last window that starts in the padding
        out -= 1
    return p_lo, max((out - 1) * s + k - size - p_lo, p_hi if not ceil else 0), out


def _pool_mode(in_hw, kernel, stride, pads, out_hw) -> str | None:
    """"VALID" / "SAME" when torch's windows equal MindSpore's for that pad mode, else None."""
    if not any(pads) and all(o == (i - k) // s + 1 for i, k, s, o in zip(in_hw, kernel, stride, out_hw)):
        return "VALID"
    same = P.same_pad_list(in_hw, kernel, stride, (1, 1))
    if tuple(same) == tuple(pads) and all(o == math.ceil(i / s) for i, s, o in zip(in_hw, stride, out_hw)):
        return "SAME"
    return None


@_register(aten.max_pool2d.default, aten.max_pool2d_with_indices.default)
def _max_pool2d(t: _Translator, node):
    x = node.args[0]
    kernel = _pair(node.args[1], None)
    stride = _pair(_arg(node, 2, "stride"), kernel)
    ph, pw = _pair(_arg(node, 3, "padding", 0), (0, 0))
    dilation = _pair(_arg(node, 4, "dilation", 1), (1, 1))
    ceil = bool(_arg(node, 5, "ceil_mode", False))
    raw = t.raw(x)
    extra = (0, 0, 0, 0)
    if isinstance(raw, _Pad) and raw.value == -math.inf:
        x, extra = raw.source, raw.pads
    if dilation != (1, 1):
        raise UnsupportedOpsError("max_pool2d with dilation is not supported by MindIR export")
    out_shape = _shape(node)[-2:] if node.target is aten.max_pool2d.default else tuple(
        _meta(node)[0].shape[-2:])
    in_hw = _shape(x)[-2:]
    h0 = _pool_pads(in_hw[0] + extra[0] + extra[1], kernel[0], stride[0], ph, ph, ceil)
    w0 = _pool_pads(in_hw[1] + extra[2] + extra[3], kernel[1], stride[1], pw, pw, ceil)
    pads = (h0[0] + extra[0], h0[1] + extra[1], w0[0] + extra[2], w0[1] + extra[3])
    pending = _PendingMaxPool(x, tuple(in_hw), kernel, stride, pads, tuple(out_shape))
    if node.target is aten.max_pool2d_with_indices.default:
        return (_emit_max_pool(t, pending), _Unexportable("max_pool2d's indices (return_indices=True)"))
    return pending


def _emit_max_pool(t: _Translator, pool: _PendingMaxPool) -> str:
    mode = _pool_mode(pool.in_hw, pool.kernel, pool.stride, pool.pads, pool.out_hw)
    if mode is None:
        raise UnsupportedOpsError(f"max_pool2d padding {pool.pads} matches neither MindSpore's VALID nor SAME mode")
    return P.max_pool(t.b, t.use(pool.source), pool.kernel, pool.stride, mode)


@_register(aten.narrow.default)
def _narrow(t: _Translator, node):
    x, dim, start, length = node.args[:4]
    rank = _rank(x)
    dim = int(dim) % rank
    raw = t.raw(x)
    if isinstance(raw, _PendingMaxPool) and dim >= rank - 2:
        axis = dim - (rank - 2)
        stride, kernel, size = raw.stride[axis], raw.kernel[axis], raw.in_hw[axis]
        pads, out = list(raw.pads), list(raw.out_hw)
        pads[2 * axis] -= int(start) * stride  # windows before `start` are dropped
        out[axis] = int(length)
        pads[2 * axis + 1] = max((out[axis] - 1) * stride + kernel - size - pads[2 * axis], 0)
        if pads[2 * axis] >= 0:
            return _PendingMaxPool(raw.source, raw.in_hw, raw.kernel, raw.stride, tuple(pads), tuple(out))
    shape = _shape(x)
    begin, end = [0] * rank, list(shape)
    begin[dim], end[dim] = int(start), int(start) + int(length)
    return P.strided_slice(t.b, t.use(x), begin, end, [1] * rank)


@_register(aten.avg_pool2d.default)
def _avg_pool2d(t: _Translator, node):
    x = node.args[0]
    kernel = _pair(node.args[1], None)
    stride = _pair(_arg(node, 2, "stride"), kernel)
    padding = _pair(_arg(node, 3, "padding", 0), (0, 0))
    if any(padding) or _arg(node, 4, "ceil_mode", False) or _arg(node, 6, "divisor_override") is not None:
        raise UnsupportedOpsError("avg_pool2d with padding/ceil_mode/divisor_override is not supported")
    return P.avg_pool(t.b, t.use(x), kernel, stride, "VALID")


@_register(aten.adaptive_avg_pool2d.default)
def _adaptive_avg_pool2d(t: _Translator, node):
    if tuple(_shape(node)[-2:]) != (1, 1):
        raise UnsupportedOpsError("adaptive_avg_pool2d is supported only with output size (1, 1)")
    return P.reduce_mean(t.b, t.use(node.args[0]), (2, 3), True)
