"""Convolution and pooling operators: ``conv1d/2d/3d``, ``conv_transpose2d``, ``max_pool2d/3d``,
``avg_pool1d/2d/3d``, adaptive and Lp pooling, ``unfold``/``fold``, ``pixel_shuffle``.

MindSpore's padding conventions are kept: ``pad_mode`` ``'valid'`` (no padding), ``'same'`` (TensorFlow SAME: the
output is ``ceil(in / stride)`` and an odd total padding puts the extra row/column at the end) or ``'pad'``
(explicit ``padding``: an int, one value per spatial axis, or ``(top, bottom, left, right)`` for 2-D).
Asymmetric padding has no torch equivalent, so it is applied with ``F.pad`` before the torch call.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from msshim.common.tensor import Tensor, wrap
from msshim.ops.function._utils import check_tensor

__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose2d", "max_pool2d",
           "max_pool3d", "avg_pool1d", "avg_pool2d", "avg_pool3d", "adaptive_avg_pool1d", "adaptive_avg_pool2d",
           "adaptive_avg_pool3d", "adaptive_max_pool1d", "adaptive_max_pool2d", "adaptive_max_pool3d", "lp_pool1d",
           "lp_pool2d", "max_unpool2d", "unfold", "fold", "pixel_shuffle", "pixel_unshuffle"]


def ntuple(value, n: int, name: str, op: str) -> tuple:
    """An int or a sequence as an ``n``-tuple of ints (a 2n-length NC.. form keeps its spatial tail)."""
    if isinstance(value, Tensor):
        value = value._t.tolist()
    if isinstance(value, int) and not isinstance(value, bool):
        return (value,) * n
    value = tuple(int(v) for v in value)
    if len(value) == n:
        return value
    if len(value) == n + 2:  # MindSpore accepts (1, 1, h, w) for strides/dilations
        return value[2:]
    if len(value) == 1:
        return value * n
    raise ValueError(f"For '{op}', the '{name}' must be an int or a tuple of {n} ints, but got {value}.")


def same_pads(in_sizes, kernel, stride, dilation) -> list:
    """TensorFlow SAME padding per spatial axis as ``(before, after)``; the odd extra goes after."""
    pads = []
    for size, k, s, d in zip(in_sizes, kernel, stride, dilation):
        out = -(-size // s)
        total = max((out - 1) * s + (k - 1) * d + 1 - size, 0)
        pads.append((total // 2, total - total // 2))
    return pads


def explicit_pads(padding, n: int, op: str) -> list:
    """MindSpore ``pad`` for ``pad_mode='pad'``: int, n values (symmetric) or 2n values (before/after per axis)."""
    if isinstance(padding, int) and not isinstance(padding, bool):
        return [(padding, padding)] * n
    padding = tuple(int(p) for p in padding)
    if len(padding) == n:
        return [(p, p) for p in padding]
    if len(padding) == 2 * n:
        return [(padding[2 * i], padding[2 * i + 1]) for i in range(n)]
    raise ValueError(f"For '{op}', the 'pad' must be an int or a tuple of {n} or {2 * n} ints, but got {padding}.")


def torch_pad_arg(pads: list) -> list:
    """Per-axis (before, after) pairs (first axis first) as F.pad's last-axis-first flat list."""
    out = []
    for before, after in reversed(pads):
        out += [before, after]
    return out


def resolve_pads(pad_mode: str, padding, x: torch.Tensor, kernel, stride, dilation, op: str) -> list:
    n = len(kernel)
    mode = pad_mode.lower() if isinstance(pad_mode, str) else pad_mode
    if mode not in ("valid", "same", "pad"):
        raise ValueError(f"For '{op}', the 'pad_mode' must be one of ['valid', 'same', 'pad'], but got {pad_mode}.")
    if mode != "pad":
        if padding not in (0, (0,) * n, (0,) * (2 * n), [0] * n, [0] * (2 * n)):
            raise ValueError(f"For '{op}', the 'pad' must be zero when 'pad_mode' is not 'pad', but got {padding}.")
        if mode == "valid":
            return [(0, 0)] * n
        return same_pads(x.shape[2:], kernel, stride, dilation)
    return explicit_pads(padding, n, op)


def convnd(x: torch.Tensor, w: torch.Tensor, b, stride, pad_mode: str, padding, dilation, groups: int,
           op: str) -> torch.Tensor:
    """A MindSpore-style N-d convolution (N = w.dim() - 2) on torch tensors."""
    n = w.dim() - 2
    if x.dim() != n + 2:
        raise ValueError(f"For '{op}', the dimension of 'x' must be {n + 2}, but got {x.dim()}.")
    kernel = tuple(w.shape[2:])
    stride = ntuple(stride, n, "stride", op)
    dilation = ntuple(dilation, n, "dilation", op)
    for name, vals in (("stride", stride), ("dilation", dilation)):
        if any(v <= 0 for v in vals):
            raise ValueError(f"For '{op}' attr '{name}' must be an positive int number or a tuple of two or four "
                             f"positive int numbers, but got {vals if len(set(vals)) > 1 else vals[0]}")
    if x.shape[1] != w.shape[1] * groups:
        raise RuntimeError(f"For '{op}', 'C_in' of input 'x' shape divide by parameter 'group' must be equal to "
                           f"'C_in' of input 'weight' shape: {w.shape[1]}, but got 'C_in' of input 'x' shape: "
                           f"{x.shape[1]}, and 'group': {groups}.")
    pads = resolve_pads(pad_mode, padding, x, kernel, stride, dilation, op)
    fn = (F.conv1d, F.conv2d, F.conv3d)[n - 1]
    if w.dtype is not x.dtype:
        w = w.to(x.dtype)
    if b is not None and b.dtype is not x.dtype:
        b = b.to(x.dtype)
    if all(p[0] == p[1] for p in pads):
        return fn(x, w, b, stride, tuple(p[0] for p in pads), dilation, groups)
    return fn(F.pad(x, torch_pad_arg(pads)), w, b, stride, 0, dilation, groups)


def _conv_fn(x, weight, bias, stride, pad_mode, padding, dilation, groups, n: int, op: str) -> Tensor:
    t = check_tensor(x, op, "input")
    w = check_tensor(weight, op, "weight")
    b = None
    if bias is not None:
        if not isinstance(bias, Tensor):
            raise TypeError(f"For '{op.lower()}', the 'bias' must be a Tensor, but got {type(bias)}.")
        b = bias._t
        if b.shape[0] != w.shape[0]:
            raise ValueError(f"For '{op.lower()}', Given weight of size {tuple(w.shape)}, expected bias to be "
                             f"1-dimensional with {w.shape[0]} elements, but got bias of size {b.shape[0]} instead.")
    if t.dim() == n + 2 and (t.shape[1] % groups or w.shape[0] % groups):
        raise ValueError(f"The argument 'groups' should be divisible by 'in_channel' and 'out_channel', but got "
                         f"group:{groups}, in_channel:{t.shape[1]}, out_channel:{w.shape[0]}.")
    if isinstance(padding, (tuple, list)) and len(padding) != n:
        raise ValueError(f"For 'conv{n}d', 'padding' must be a tuple or list of {n} integers, but got {padding}.")
    return wrap(convnd(t, w, b, stride, pad_mode, padding, dilation, groups, op))


def conv1d(input, weight, bias=None, stride=1, pad_mode="valid", padding=0, dilation=1, groups=1) -> Tensor:
    """``ops.conv1d(input, weight, bias=None, stride=1, pad_mode='valid', padding=0, dilation=1, groups=1)``."""
    return _conv_fn(input, weight, bias, stride, pad_mode, padding, dilation, groups, 1, "Conv1D")


def conv2d(input, weight, bias=None, stride=1, pad_mode="valid", padding=0, dilation=1, groups=1) -> Tensor:
    """``ops.conv2d(input, weight, bias=None, stride=1, pad_mode='valid', padding=0, dilation=1, groups=1)``:
    ``padding`` is an int, ``(pad_h, pad_w)`` or ``(top, bottom, left, right)`` with ``pad_mode='pad'``."""
    return _conv_fn(input, weight, bias, stride, pad_mode, padding, dilation, groups, 2, "Conv2D")


def conv3d(input, weight, bias=None, stride=1, pad_mode="valid", padding=0, dilation=1, groups=1) -> Tensor:
    return _conv_fn(input, weight, bias, stride, pad_mode, padding, dilation, groups, 3, "Conv3D")


def _conv_t(fn, input, weight, bias, stride, padding, output_padding, groups, dilation, op) -> Tensor:
    t = check_tensor(input, op)
    w = check_tensor(weight, op, "weight")
    b = None if bias is None else check_tensor(bias, op, "bias")
    return wrap(fn(t, w, b, stride, padding, output_padding, groups, dilation))




def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """torch-style transposed convolution (weight ``(C_in, C_out / groups, kh, kw)``)."""
    return _conv_t(F.conv_transpose2d, input, weight, bias, stride, padding, output_padding, groups, dilation,
                   "ConvTranspose2D")




def conv_input_grad(dout: torch.Tensor, w: torch.Tensor, input_size, pad_mode: str, padding, stride, dilation,
                    groups: int, op: str) -> torch.Tensor:
    """Conv2DBackpropInput / Conv2DTranspose: the transposed convolution producing ``input_size``."""
    n = w.dim() - 2
    size = tuple(int(s) for s in input_size)[-n:]
    kernel = tuple(w.shape[2:])
    stride = ntuple(stride, n, "stride", op)
    dilation = ntuple(dilation, n, "dilation", op)
    probe = torch.empty((1, 1) + size, device="meta")
    pads = resolve_pads(pad_mode, padding, probe, kernel, stride, dilation, op)
    full = F.conv_transpose2d(dout, w.to(dout.dtype), None, stride, 0, 0, groups, dilation) if n == 2 else \
        F.conv_transpose3d(dout, w.to(dout.dtype), None, stride, 0, 0, groups, dilation)
    index = [slice(None), slice(None)]
    extra = []
    for axis, (before, _after) in enumerate(pads):
        have = full.shape[2 + axis] - before
        index.append(slice(before, before + min(size[axis], have)))
        extra.append((0, max(size[axis] - have, 0)))
    out = full[tuple(index)]
    if any(e[1] for e in extra):
        out = F.pad(out, torch_pad_arg(extra))
    return out


# ---------------------------------------------------------------------------------------------- pooling
def max_pool2d(x, kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False):
    """``ops.max_pool2d(x, kernel_size, stride=None, padding=0, dilation=1, return_indices=False,
    ceil_mode=False)``; indices are Int64 positions in each flattened H*W plane."""
    t = check_tensor(x, "MaxPoolWithArgmaxV2", "x")
    stride = kernel_size if stride is None else stride
    out = F.max_pool2d(t, kernel_size, stride, padding, dilation, ceil_mode, return_indices)
    return (wrap(out[0]), wrap(out[1])) if return_indices else wrap(out)


def max_pool3d(x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    t = check_tensor(x, "MaxPool3DWithArgmax", "x")
    stride = kernel_size if stride is None else stride
    out = F.max_pool3d(t, kernel_size, stride, padding, dilation, ceil_mode, return_indices)
    return (wrap(out[0]), wrap(out[1])) if return_indices else wrap(out)


def _avg(fn, x, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, op):
    t = check_tensor(x, op, "input_x")
    for name, v in (("ceil_mode", ceil_mode), ("count_include_pad", count_include_pad)):
        if not isinstance(v, bool):
            raise TypeError(f"For '{op}', the '{name}' must be bool, but got {type(v).__name__}.")
    kwargs = {} if fn is F.avg_pool1d else {"divisor_override": divisor_override or None}
    return wrap(fn(t, kernel_size, stride, padding, ceil_mode, count_include_pad, **kwargs))


def avg_pool1d(input_x, kernel_size=1, stride=1, padding=0, ceil_mode=False, count_include_pad=True) -> Tensor:
    return _avg(F.avg_pool1d, input_x, kernel_size, stride, padding, ceil_mode, count_include_pad, 0, "avg_pool1d")


def avg_pool2d(input_x, kernel_size=1, stride=1, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=0) -> Tensor:
    """``ops.avg_pool2d``: note the defaults ``kernel_size=1, stride=1`` and ``divisor_override=0`` (= none)."""
    return _avg(F.avg_pool2d, input_x, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override,
                "avg_pool2d")


def avg_pool3d(input_x, kernel_size=1, stride=1, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=0) -> Tensor:
    return _avg(F.avg_pool3d, input_x, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override,
                "avg_pool3d")


def adaptive_avg_pool1d(input, output_size) -> Tensor:
    t = check_tensor(input, "adaptive_avg_pool1d")
    if t.dim() != 3:
        raise ValueError(f"For adaptive_avg_pool1d input must have 3 dim, but got {t.dim()}.")
    if t.shape[2] < output_size:
        raise ValueError(f"For adaptive_avg_pool1d input's last dimension must be greater or equal to output size "
                         f"{output_size}, but got {t.shape[2]}.")
    if t.shape[2] % output_size:
        raise ValueError(f"For adaptive_avg_pool1d input's last dimension must be divisible by output size "
                         f"{output_size}, but got {t.shape[2]}.")
    return wrap(F.adaptive_avg_pool1d(t, output_size))


def adaptive_avg_pool2d(input, output_size) -> Tensor:
    """``output_size`` an int or a pair (``None`` keeps that axis)."""
    return wrap(F.adaptive_avg_pool2d(check_tensor(input, "AdaptiveAvgPool2D"), output_size))


def adaptive_avg_pool3d(input, output_size) -> Tensor:
    return wrap(F.adaptive_avg_pool3d(check_tensor(input, "AdaptiveAvgPool3D"), output_size))


def adaptive_max_pool1d(input, output_size) -> Tensor:
    return wrap(F.adaptive_max_pool1d(check_tensor(input, "adaptive_max_pool1d"), output_size))


def adaptive_max_pool2d(input, output_size, return_indices=False):
    out = F.adaptive_max_pool2d(check_tensor(input, "AdaptiveMaxPool2D"), output_size, return_indices)
    return (wrap(out[0]), wrap(out[1])) if return_indices else wrap(out)


def adaptive_max_pool3d(input, output_size, return_indices=False):
    out = F.adaptive_max_pool3d(check_tensor(input, "AdaptiveMaxPool3D"), output_size, return_indices)
    return (wrap(out[0]), wrap(out[1])) if return_indices else wrap(out)


def lp_pool1d(x, norm_type, kernel_size, stride=None, ceil_mode=False) -> Tensor:
    if norm_type == 0:
        raise ValueError("For lp_pool1d, the value of 'norm_type' can not be 0.")
    return wrap(F.lp_pool1d(check_tensor(x, "lp_pool1d", "x"), float(norm_type), kernel_size, stride, ceil_mode))


def lp_pool2d(x, norm_type, kernel_size, stride=None, ceil_mode=False) -> Tensor:
    if norm_type == 0:
        raise ValueError("For lp_pool2d, the value of 'norm_type' can not be 0.")
    return wrap(F.lp_pool2d(check_tensor(x, "lp_pool2d", "x"), float(norm_type), kernel_size, stride, ceil_mode))


def max_unpool2d(x, indices, kernel_size, stride=None, padding=0, output_size=None) -> Tensor:
    return wrap(F.max_unpool2d(check_tensor(x, "MaxUnpool2D", "x"), check_tensor(indices, "MaxUnpool2D").long(),
                               kernel_size, stride, padding, output_size))


def unfold(input, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """Im2Col: ``(N, C * kh * kw, L)``."""
    return wrap(F.unfold(check_tensor(input, "Im2Col"), kernel_size, dilation, padding, stride))


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """Col2Im: ``output_size`` may be a 1-D Int32 tensor."""
    size = output_size._t.tolist() if isinstance(output_size, Tensor) else output_size
    return wrap(F.fold(check_tensor(input, "Col2Im"), tuple(size) if not isinstance(size, int) else size,
                       kernel_size, dilation, padding, stride))


def pixel_shuffle(input, upscale_factor) -> Tensor:
    t = check_tensor(input, "pixel_shuffle")
    if t.dim() < 3 or t.shape[-3] % (upscale_factor ** 2):
        raise ValueError(f"For 'pixel_shuffle', the channel of 'input' must be divisible by upscale_factor ** 2, "
                         f"but got shape {tuple(t.shape)} and upscale_factor {upscale_factor}.")
    return wrap(F.pixel_shuffle(t, upscale_factor))


def pixel_unshuffle(input, downscale_factor) -> Tensor:
    t = check_tensor(input, "pixel_unshuffle")
    if t.dim() < 3 or t.shape[-1] % downscale_factor or t.shape[-2] % downscale_factor:
        raise ValueError(f"For 'pixel_unshuffle', the height and width of 'input' must be divisible by "
                         f"downscale_factor, but got shape {tuple(t.shape)} and downscale_factor {downscale_factor}.")
    return wrap(F.pixel_unshuffle(t, downscale_factor))


def pad_pool_same(t: torch.Tensor, kernel, stride, value: float) -> torch.Tensor:
    """Pad for TensorFlow-SAME pooling (``value`` -inf for max pooling)."""
    pads = same_pads(t.shape[2:], kernel, stride, (1,) * len(kernel))
    if not any(p[0] or p[1] for p in pads):
        return t
    return F.pad(t, torch_pad_arg(pads), value=value)


def avg_pool_same(t: torch.Tensor, kernel, stride) -> torch.Tensor:
    """SAME average pooling that averages only the real (unpadded) elements of each window, as TF does."""
    padded = pad_pool_same(t, kernel, stride, 0.0)
    pool = (F.avg_pool1d, F.avg_pool2d, F.avg_pool3d)[len(kernel) - 1]
    sums = pool(padded, kernel, stride) * math.prod(kernel)
    if padded is t:
        return sums / math.prod(kernel)
    ones = pad_pool_same(torch.ones((1, 1) + tuple(t.shape[2:]), dtype=t.dtype, device=t.device), kernel, stride, 0.0)
    counts = pool(ones, kernel, stride) * math.prod(kernel)
    return sums / counts
