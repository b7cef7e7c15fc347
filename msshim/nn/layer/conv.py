"""Convolution layers with MindSpore 2.10's signatures, parameters, padding rules and errors.

What differs from torch (and is reproduced here):
* ``pad_mode='same'`` is the default; it pads ``total // 2`` before and the rest *after* for any stride
  (torch's ``padding='same'`` is stride-1 only), see :mod:`msshim.nn.layer._conv_padding`.
* ``has_bias=False`` by default; weight ``HeUniform(sqrt(5))``, bias ``Uniform(1 / sqrt(fan_in))``.
* ``Conv1d`` and ``Conv1dTranspose`` keep a 4-D weight ``(out, in/group, 1, k)`` / ``(in, out/group, 1, k)``
  and run as 2-D convolutions on a height-1 input, as MindSpore does.
* ``padding`` tuples: ``(top, bottom, left, right)`` for 2-D, ``(head, tail, top, bottom, left, right)``
  for 3-D; asymmetric values are allowed.
* Transposed convolutions: MindSpore's output sizes per ``pad_mode`` (``'same'``: ``in * stride``;
  ``'valid'``: ``in * stride + max(k_eff - stride, 0)``); ``Conv2dTranspose``'s ``output_padding`` appends
  *zeros after the bias*, while ``Conv3dTranspose``'s computes the extra positions (torch semantics).
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from msshim.common import dtype as mstype
from msshim.common.initializer import HeUniform, Uniform, _calculate_fan_in_and_fan_out, initializer
from msshim.common.parameter import Parameter
from msshim.common.tensor import Tensor, wrap
from msshim.nn.cell import Cell
from msshim.nn.layer._conv_padding import (MSRuntimeError, check_3d_int_or_tuple, check_bool, check_int_range,
                                           check_int_rel, check_non_negative_int, check_positive_int, check_string,
                                           check_value_type, deconv_plan, effective_kernel, nhwc_error,
                                           same_pads, split_symmetric, twice)

__all__ = ["Conv2d", "Conv2dTranspose", "Conv1d", "Conv1dTranspose", "Conv3d", "Conv3dTranspose"]


def _match_dtype(t: torch.Tensor, w: torch.Tensor, b, prim: str):
    """Parameters in the input's floating dtype (what mixed precision / ``to_float`` inserts); other inputs
    are rejected as MindSpore's primitive does."""
    if not t.is_floating_point():
        raise TypeError(f"For primitive[{prim}], the input type must be same.")
    return w.to(t.dtype), (None if b is None else b.to(t.dtype))


def _weight_bias_for(cell, t: torch.Tensor, prim: str):
    """The cell's torch weight and bias (bias may be None), cast to the input's dtype where they differ."""
    params = cell._parameters
    w, b = params["weight"], params.get("bias")
    if t.dtype is not w.dtype:
        w, b = _match_dtype(t, w, b, prim)
    return w, b


class _Conv(Cell):
    """MindSpore's ``_Conv`` base: argument checks, ``weight``/``bias`` creation and ``extend_repr``."""

    _builtin_layer = True

    def __init__(self, in_channels, out_channels, kernel_size, stride, pad_mode, padding, dilation, group,
                 has_bias, weight_init, bias_init, data_format="NCHW", transposed=False, dtype=mstype.float32):
        super().__init__()
        cls = self.cls_name
        self.in_channels = check_positive_int(in_channels, "in_channels", cls)
        self.out_channels = check_positive_int(out_channels, "out_channels", cls)
        self.kernel_size = kernel_size
        self.stride = stride
        self.pad_mode = pad_mode
        self.data_format = check_string(data_format, ["NCHW", "NHWC", "NCDHW"], "format", cls)
        if self.data_format == "NHWC":
            raise nhwc_error(cls, f"For '{cls}', the \"NHWC\" format only support in GPU target, but got the "
                                  "'format' is NHWC and the platform is {platform}.")
        if isinstance(padding, int):
            check_non_negative_int(padding, "padding", cls)
        elif isinstance(padding, tuple):
            for pad in padding:
                check_non_negative_int(pad, "padding item", cls)
        else:
            raise TypeError(f"For '{cls}', the type of 'padding' must be int or tuple(int), but got "
                            f"{type(padding).__name__}.")
        self.padding = padding
        self.dilation = dilation
        self.group = check_positive_int(group)
        self.has_bias = has_bias
        for item in kernel_size:
            check_positive_int(item, "kernel_size item", cls)
        for item in stride:
            check_positive_int(item, "stride item", cls)
        for item in dilation:
            check_positive_int(item, "dilation item", cls)
        if in_channels % group != 0:
            raise ValueError(f"For '{cls}', the attr 'in_channels' must be divisible by attr 'group', but got "
                             f"'in_channels': {in_channels} and 'group': {group}.")
        if out_channels % group != 0:
            raise ValueError(f"For '{cls}', the 'out_channels' must be divisible by attr 'group', but got "
                             f"'out_channels': {out_channels} and 'group': {group}.")
        if transposed:
            shape = [in_channels, out_channels // group, *kernel_size]
        else:
            shape = [out_channels, in_channels // group, *kernel_size]
        if weight_init is None:
            weight_init = HeUniform(math.sqrt(5))
        self.weight_init = weight_init
        self.weight = Parameter(initializer(weight_init, shape, dtype=dtype), name="weight")
        self.bias_init = bias_init
        if check_bool(has_bias, "has_bias", cls):
            if bias_init is None:
                fan_in, _ = _calculate_fan_in_and_fan_out(shape)
                bias_init = Uniform(1 / math.sqrt(fan_in)) if fan_in != 0 else "zeros"
                self.bias_init = bias_init
            self.bias = Parameter(initializer(self.bias_init, [out_channels], dtype=dtype), name="bias")
        else:
            self.bias = None

    def extend_repr(self) -> str:
        return (f"input_channels={self.in_channels}, output_channels={self.out_channels}, "
                f"kernel_size={self.kernel_size}, stride={self.stride}, pad_mode={self.pad_mode}, "
                f"padding={self.padding}, dilation={self.dilation}, group={self.group}, "
                f"has_bias={self.has_bias}, weight_init={self.weight_init}, bias_init={self.bias_init}, "
                f"format={self.data_format}")

    # ------------------------------------------------------------------ forward helpers
    _weight_bias = _weight_bias_for

    def _plan_forward(self, mode: str, pairs) -> None:
        """Precompute the padding: torch's own (symmetric) padding, an ``F.pad`` list (asymmetric), or
        'same' with stride > 1, whose pads depend on the input size and are computed per call."""
        self._dynamic_same = False
        self._same_plans: dict = {}
        if mode == "same":
            if any(s != 1 for s in self.stride):
                self._dynamic_same = True
                pairs = [(0, 0)] * len(self.stride)
            else:  # stride 1: total padding is k_eff - 1 whatever the input size
                pairs = [same_pads(1, effective_kernel(k, d), 1) for k, d in zip(self.kernel_size, self.dilation)]
        elif mode == "valid":
            pairs = [(0, 0)] * len(self.stride)
        sym, self._fpad = split_symmetric(pairs)
        self._tpad = sym if sym is not None else (0,) * len(pairs)

    def _same_input(self, t: torch.Tensor) -> tuple:
        """'same' with stride > 1: ``(input, torch padding)`` for this input size (cached), padding the
        input only when the split is asymmetric."""
        n = len(self.stride)
        sizes = tuple(t.shape[-n:])
        plan = self._same_plans.get(sizes)
        if plan is None:
            pairs = [same_pads(sizes[i], effective_kernel(self.kernel_size[i], self.dilation[i]), self.stride[i])
                     for i in range(n)]
            sym, fpad = split_symmetric(pairs)
            plan = self._same_plans[sizes] = (sym if sym is not None else (0,) * n, fpad)
        if plan[1] is not None:
            return F.pad(t, plan[1]), plan[0]
        return t, plan[0]

    def _size_error(self, t: torch.Tensor, prim: str) -> None:
        """Raise MindSpore's error when the kernel does not fit the padded input (after torch failed)."""
        n = len(self.kernel_size)
        if self._dynamic_same:  # 'same' padding always makes the kernel fit
            return
        for i in range(n):
            if self._fpad is None:
                extra = 2 * self._tpad[i]
            else:
                j = 2 * (n - 1 - i)
                extra = self._fpad[j] + self._fpad[j + 1]
            if t.shape[i - n] + extra < effective_kernel(self.kernel_size[i], self.dilation[i]):
                if prim == "Conv3D":
                    raise MSRuntimeError(f"Resize failed for kernel: Default/{prim}-op0")
                raise ValueError("For 'Conv2d', input shape's h and w after padding must be greater than or equal "
                                 "to kernel_size's h and w respectively.")


def _cin_error(prim: str, weight_cin: int, x_cin: int, group: int, exc=MSRuntimeError):
    return exc(f"For '{prim}', 'C_in' of input 'x' shape divide by parameter 'group' must be equal to 'C_in' of "
               f"input 'weight' shape: {weight_cin}, but got 'C_in' of input 'x' shape: {x_cin}, and 'group': "
               f"{group}.")


def _check_conv2d_prim(pad_mode, padding) -> None:
    """The checks of MindSpore's ``ops.Conv2D`` primitive on ``pad``/``pad_mode``."""
    check_value_type("pad", padding, (int, tuple), "Conv2D")
    check_value_type("pad_mode", pad_mode, [str], "Conv2D")
    pad4 = (padding,) * 4 if isinstance(padding, int) else padding
    if not isinstance(padding, int):
        check_int_rel(len(padding), 4, "=", "pad size", "Conv2D")
    check_string(pad_mode, ["valid", "same", "pad"], "pad_mode", "Conv2D")
    if pad_mode != "pad" and pad4 != (0, 0, 0, 0):
        raise ValueError(f"For 'Conv2D', the 'pad' must be zero when 'pad_mode' is not 'pad', but got 'pad': "
                         f"{padding} and 'pad_mode': {pad_mode}.")


class Conv2d(_Conv):
    """``Conv2d(in_channels, out_channels, kernel_size, stride=1, pad_mode='same', padding=0, dilation=1,
    group=1, has_bias=False, weight_init=None, bias_init=None, data_format='NCHW', dtype=mstype.float32)``;
    ``weight (out, in/group, kh, kw)``, ``padding`` int or ``(top, bottom, left, right)``."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, pad_mode="same", padding=0, dilation=1,
                 group=1, has_bias=False, weight_init=None, bias_init=None, data_format="NCHW",
                 dtype=mstype.float32):
        kernel_size = twice(kernel_size)
        stride = twice(stride)
        dilation = twice(dilation)
        check_positive_int(group, "group", type(self).__name__)
        if not (in_channels % group == 0 and out_channels % group == 0):
            raise ValueError(f"The argument 'group' should be divisible by 'in_channels' and 'out_channels', but "
                             f"got group:{group}, in_channels:{in_channels}, out_channels:{out_channels}.")
        super().__init__(in_channels, out_channels, kernel_size, stride, pad_mode, padding, dilation, group,
                         has_bias, weight_init, bias_init, data_format, dtype=dtype)
        _check_conv2d_prim(pad_mode, padding)
        check_string(data_format, ["NCHW", "NHWC"], "format", "Conv2D")
        p = (padding,) * 4 if isinstance(padding, int) else padding
        self._plan_forward(pad_mode, [(p[0], p[1]), (p[2], p[3])])

    def construct(self, x):
        t = x._t
        if t.dim() != 4:
            raise ValueError(f"For primitive[Conv2D], the x shape size must be equal to 4, but got {t.dim()}.")
        w, b = self._weight_bias(t, "Conv2D")
        if self._dynamic_same:
            ti, pad = self._same_input(t)
        else:
            ti, pad = (t, self._tpad) if self._fpad is None else (F.pad(t, self._fpad), self._tpad)
        try:
            return wrap(F.conv2d(ti, w, b, self.stride, pad, self.dilation, self.group))
        except RuntimeError:
            if t.shape[1] != self.in_channels:
                raise _cin_error("Conv2D", w.shape[1], t.shape[1], self.group) from None
            self._size_error(t, "Conv2D")
            raise


def _check_1d_args(cls: str, kernel_size, stride, padding, dilation) -> None:
    """The int-only argument checks of Conv1d and Conv1dTranspose (MindSpore's messages)."""
    for name, value in (("kernel_size", kernel_size), ("stride", stride), ("padding", padding),
                        ("dilation", dilation)):
        check_value_type(name, value, [int], cls)
    check_int_rel(kernel_size, 1, ">=", "kernel_size", cls)
    check_int_rel(stride, 1, ">=", "stride", cls)
    check_non_negative_int(padding, "padding", cls)
    check_int_rel(dilation, 1, ">=", "dilation", cls)


class Conv1d(_Conv):
    """``Conv1d(in_channels, out_channels, kernel_size, stride=1, pad_mode='same', padding=0, dilation=1,
    group=1, has_bias=False, weight_init=None, bias_init=None, dtype=mstype.float32)``: a 2-D convolution
    with kernel ``(1, k)``; ``weight (out, in/group, 1, k)`` (a 3-D ``weight_init`` Tensor is expanded)."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, pad_mode="same", padding=0, dilation=1,
                 group=1, has_bias=False, weight_init=None, bias_init=None, dtype=mstype.float32):
        cls = type(self).__name__
        _check_1d_args(cls, kernel_size, stride, padding, dilation)
        check_positive_int(group, "group", cls)
        if not (in_channels % group == 0 and out_channels % group == 0):
            raise ValueError(f"The argument 'group' should be divisible by 'in_channels' and 'out_channels', but "
                             f"got group:{group}, in_channels:{in_channels}, out_channels:{out_channels}.")
        weight_init = _expand_1d_weight(weight_init, cls)
        super().__init__(in_channels, out_channels, (1, kernel_size), (1, stride), pad_mode, padding,
                         (1, dilation), group, has_bias, weight_init, bias_init, dtype=dtype)
        self.padding = (0, 0, padding, padding)
        check_string(pad_mode, ["valid", "same", "pad"], "pad_mode", cls)
        _check_conv2d_prim(pad_mode, self.padding)
        self._plan_forward(pad_mode, [(0, 0), (padding, padding)])

    def construct(self, x):
        t = x._t
        if t.dim() != 3:
            raise ValueError(f"For primitive[Conv2D], the x shape size must be equal to 4, but got {t.dim() + 1}.")
        w, b = self._weight_bias(t, "Conv2D")
        t4 = t.unsqueeze(2)
        if self._dynamic_same:
            ti, pad = self._same_input(t4)
        else:
            ti, pad = (t4, self._tpad) if self._fpad is None else (F.pad(t4, self._fpad), self._tpad)
        try:
            out = F.conv2d(ti, w, b, self.stride, pad, self.dilation, self.group)
        except RuntimeError:
            if t.shape[1] != self.in_channels:
                raise _cin_error("Conv2D", w.shape[1], t.shape[1], self.group) from None
            self._size_error(t4, "Conv2D")
            raise
        return wrap(out.squeeze(2))


def _expand_1d_weight(weight_init, cls: str):
    """Conv1d/Conv1dTranspose accept a 3-D weight Tensor and store it with a height-1 axis."""
    if isinstance(weight_init, Tensor):
        check_int_rel(len(weight_init.shape), 3, "=", "weight_init_shape", cls)
        return Tensor(weight_init._t.unsqueeze(2).clone())
    return weight_init


def _check_group_3d(in_channels, out_channels, group) -> None:
    if not (in_channels % group == 0 and out_channels % group == 0):
        raise ValueError("The argument 'group' should be divisible by 'in_channels' and 'out_channels'")


def _check_3d_prim(prim: str, pad_mode, padding, out_channel: int, group: int, data_format: str) -> None:
    """The ``pad``/``pad_mode``/``group``/``data_format`` checks of ``ops.Conv3D`` and ``ops.Conv3DTranspose``."""
    check_value_type("pad_mode", pad_mode, [str], prim)
    pad6 = (padding,) * 6 if isinstance(padding, int) else padding
    mode = check_string(pad_mode.lower(), ["valid", "same", "pad"], "pad_mode", prim)
    if mode != "pad" and pad6 != (0, 0, 0, 0, 0, 0):
        raise ValueError(f"For '{prim}', the 'pad' must be zero or (0, 0, 0, 0, 0, 0) when 'pad_mode' is not "
                         f"\"pad\", but got 'pad' is {padding} and 'pad_mode' is {pad_mode}.")
    check_value_type("group", group, (int,), prim)
    if not 1 <= group <= out_channel:
        raise ValueError(f"For '{prim}', the 'group' must be in range of [1, {out_channel}], but got {group} with "
                         f"type 'int'.")
    check_string(data_format, ["NCDHW"], "data_format" if prim == "Conv3D" else "format", prim)


def _check_3d_args(in_channels, out_channels, kernel_size, stride, dilation, padding, group, cls: str):
    """The argument checks Conv3d and Conv3dTranspose share; returns (kernel_size, stride, dilation) as 3-tuples."""
    _check_group_3d(in_channels, out_channels, group)
    kernel_size = check_3d_int_or_tuple("kernel_size", kernel_size, cls)
    stride = check_3d_int_or_tuple("stride", stride, cls)
    dilation = check_3d_int_or_tuple("dilation", dilation, cls)
    check_value_type("padding", padding, (int, tuple), cls)
    if isinstance(padding, tuple):
        check_int_rel(len(padding), 6, "=", "padding size", cls)
    return kernel_size, stride, dilation


class Conv3d(_Conv):
    """``Conv3d(in_channels, out_channels, kernel_size, stride=1, pad_mode='same', padding=0, dilation=1,
    group=1, has_bias=False, weight_init=None, bias_init=None, data_format='NCDHW', dtype=mstype.float32)``;
    ``padding`` int or ``(head, tail, top, bottom, left, right)``."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, pad_mode="same", padding=0, dilation=1,
                 group=1, has_bias=False, weight_init=None, bias_init=None, data_format="NCDHW",
                 dtype=mstype.float32):
        cls = type(self).__name__
        kernel_size, stride, dilation = _check_3d_args(in_channels, out_channels, kernel_size, stride, dilation,
                                                       padding, group, cls)
        super().__init__(in_channels, out_channels, kernel_size, stride, pad_mode, padding, dilation, group,
                         has_bias, weight_init, bias_init, data_format, dtype=dtype)
        # MindSpore runs one group-1 Conv3D per group (same numbers as a grouped convolution).
        _check_3d_prim("Conv3D", pad_mode, padding, out_channels // group, 1, data_format)
        p = (padding,) * 6 if isinstance(padding, int) else padding
        self._plan_forward(pad_mode.lower(), [(p[0], p[1]), (p[2], p[3]), (p[4], p[5])])

    def construct(self, x):
        t = x._t
        if t.dim() != 5:
            raise ValueError(f"For primitive[Conv3D], the x shape size must be equal to 5, but got {t.dim()}.")
        params = self._parameters
        w = params["weight"]
        b = params.get("bias")
        if t.dtype is not w.dtype:
            if not t.is_floating_point():
                raise TypeError(f"For primitive[Conv3D], the input argument[x] must be a type of {{Tensor[BFloat16], "
                                f"Tensor[Float16], Tensor[Float32]}}, but got Tensor[{mstype.from_torch(t.dtype)}].")
            w, b = _match_dtype(t, w, b, "Conv3D")
        if self._dynamic_same:
            ti, pad = self._same_input(t)
        else:
            ti, pad = (t, self._tpad) if self._fpad is None else (F.pad(t, self._fpad), self._tpad)
        try:
            return wrap(F.conv3d(ti, w, b, self.stride, pad, self.dilation, self.group))
        except RuntimeError:
            if t.shape[1] != self.in_channels:
                raise _cin_error("Conv3D", w.shape[1], t.shape[1] // self.group, 1, ValueError) from None
            self._size_error(t, "Conv3D")
            raise


# ============================================================================================== transposed


class _ConvTranspose(_Conv):
    """Shared forward of the transposed convolutions: torch's conv_transpose plus MindSpore's cropping."""

    def _init_plan(self, mode: str, pairs, extra) -> None:
        self._mode = mode
        self._pairs = tuple(pairs)
        self._extra = tuple(extra)
        self._plans: dict = {}

    def _plan(self, sizes) -> tuple:
        plan = self._plans.get(sizes)
        if plan is None:
            dims = [deconv_plan(sizes[i], self.kernel_size[i], self.stride[i], self.dilation[i], self._mode,
                                self._pairs[i][0], self._pairs[i][1], self._extra[i]) for i in range(len(sizes))]
            pads = tuple(d[0] for d in dims)
            out_pads = tuple(d[1] for d in dims)
            crop = None if all(d[2] < 0 for d in dims) else [(max(d[2], 0), d[3]) for d in dims]
            lengths = tuple(d[3] for d in dims)
            plan = self._plans[sizes] = (pads, out_pads, crop, lengths if min(lengths) <= 0 else None)
        return plan

    def _transpose(self, t: torch.Tensor, w, b, fn):
        n = len(self.kernel_size)
        pads, out_pads, crop, degenerate = self._plan(tuple(t.shape[-n:]))
        if degenerate is not None:  # MindSpore returns an empty tensor for a zero-length output dimension
            shape = tuple(t.shape[:-n - 1]) + (self.out_channels,) + degenerate
            if min(degenerate) < 0:
                raise ValueError(f"Shape should not have values less than -2 but got {shape}.")
            return t.new_zeros(shape, dtype=w.dtype)
        out = fn(t, w, b, self.stride, pads, out_pads, self.group, self.dilation)
        if crop is not None:
            for i, (start, length) in enumerate(crop):
                out = out.narrow(out.dim() - n + i, start, length)
        return out

    def _params(self, t: torch.Tensor, prim: str):
        w, b = self._weight_bias(t, prim)
        return w, b

    def _cin_check(self, t: torch.Tensor, prim: str) -> None:
        if t.shape[1] != self.in_channels:
            raise MSRuntimeError(f"For '{prim}', the 'C_in' of input 'x' shape must be equal to 'in_channels' of the "
                               f"layer: {self.in_channels}, but got {t.shape[1]}.")


def _check_deconv_mode(pad_mode, padding, prim: str) -> None:
    """The checks of ``ops.Conv2DBackpropInput`` (Conv2DTranspose) on ``pad``/``pad_mode``."""
    check_value_type("pad", padding, (int, tuple), prim)
    check_value_type("pad_mode", pad_mode, [str], prim)
    pad4 = (padding,) * 4 if isinstance(padding, int) else padding
    check_string(pad_mode.lower(), ["valid", "same", "pad"], "pad_mode", prim)
    if pad_mode != "pad" and pad4 != (0, 0, 0, 0):
        raise ValueError(f"For '{prim}', the 'pad' must be zero or (0, 0, 0, 0) when 'pad_mode' is not \"pad\", "
                         f"but got 'pad' is {padding} and 'pad_mode' is {pad_mode}.")


class Conv2dTranspose(_ConvTranspose):
    """``Conv2dTranspose(in_channels, out_channels, kernel_size, stride=1, pad_mode='same', padding=0,
    output_padding=0, dilation=1, group=1, has_bias=False, weight_init=None, bias_init=None,
    dtype=mstype.float32)``; ``weight (in, out/group, kh, kw)``.  ``output_padding`` (only with
    ``pad_mode='pad'``, checked when called) appends zero rows/columns after the bias is added."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, pad_mode="same", padding=0,
                 output_padding=0, dilation=1, group=1, has_bias=False, weight_init=None, bias_init=None,
                 dtype=mstype.float32):
        cls = type(self).__name__
        kernel_size = twice(kernel_size)
        stride = twice(stride)
        dilation = twice(dilation)
        check_value_type("padding", padding, (int, tuple), cls)
        if isinstance(padding, tuple):
            check_int_rel(len(padding), 4, "=", "padding size", cls)
        check_value_type("output_padding", output_padding, (int, tuple), cls)
        if isinstance(output_padding, tuple):
            check_int_rel(len(output_padding), 2, "=", "output_padding size", cls)
        super().__init__(in_channels, out_channels, kernel_size, stride, pad_mode, padding, dilation, group,
                         has_bias, weight_init, bias_init, transposed=True, dtype=dtype)
        check_string(pad_mode, ["valid", "same", "pad"], "pad_mode", cls)
        _check_deconv_mode(pad_mode, padding, "Conv2DTranspose")
        self.is_valid, self.is_same, self.is_pad = pad_mode == "valid", pad_mode == "same", pad_mode == "pad"
        self.output_padding = output_padding
        p = (padding,) * 4 if isinstance(padding, int) else padding
        self.padding_top, self.padding_bottom, self.padding_left, self.padding_right = p
        self._init_plan(pad_mode, [(p[0], p[1]), (p[2], p[3])], (0, 0))
        self._out_pad, self._out_pad_error = self._plan_output_padding(output_padding, pad_mode)

    def _plan_output_padding(self, output_padding, pad_mode):
        """``(F.pad list or None, error message or None)``: MindSpore checks output_padding when called."""
        sh, sw = self.stride
        dh, dw = self.dilation
        if isinstance(output_padding, tuple):
            oh, ow = output_padding
            if oh < 0 or oh >= max(dh, sh):
                return None, "output_padding[0] must be in range of [0, max(stride_h, dilation_h))."
            if ow < 0 or ow >= max(dw, sw):
                return None, "output_padding[1] must be in range of [0, max(stride_w, dilation_w))."
            if pad_mode != "pad" and (oh > 0 or ow > 0):
                return None, "when output_padding is not zero, pad_mode must be 'pad'"
            return ([0, ow, 0, oh] if oh or ow else None), None
        if output_padding == 0:
            return None, None
        if output_padding < 0 or output_padding >= max(dh, sh):
            return None, "output_padding must be in range of [0, max(stride_h, dilation_h))."
        if output_padding < 0 or output_padding >= max(dw, sw):
            return None, "output_padding must be in range of [0, max(stride_w, dilation_w))."
        if pad_mode != "pad":
            return None, "when output_padding is not zero, pad_mode must be 'pad'"
        return [0, output_padding, 0, output_padding], None

    def construct(self, x):
        t = x._t
        if t.dim() != 4:
            raise ValueError(f"not enough values to unpack (expected 4, got {t.dim()})" if t.dim() < 4 else
                             "too many values to unpack (expected 4)")
        w, b = self._params(t, "Conv2DTranspose")
        try:
            out = self._transpose(t, w, b, F.conv_transpose2d)
        except RuntimeError:
            self._cin_check(t, "Conv2DTranspose")
            raise
        if self._out_pad_error is not None:
            raise ValueError(self._out_pad_error)
        if self._out_pad is not None:
            out = F.pad(out, self._out_pad)
        return wrap(out)


class Conv1dTranspose(_ConvTranspose):
    """``Conv1dTranspose(in_channels, out_channels, kernel_size, stride=1, pad_mode='same', padding=0,
    dilation=1, group=1, has_bias=False, weight_init=None, bias_init=None, dtype=mstype.float32)``;
    ``weight (in, out/group, 1, k)``."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, pad_mode="same", padding=0, dilation=1,
                 group=1, has_bias=False, weight_init=None, bias_init=None, dtype=mstype.float32):
        cls = type(self).__name__
        _check_1d_args(cls, kernel_size, stride, padding, dilation)
        weight_init = _expand_1d_weight(weight_init, cls)
        super().__init__(in_channels, out_channels, (1, kernel_size), (1, stride), pad_mode, padding,
                         (1, dilation), group, has_bias, weight_init, bias_init, transposed=True, dtype=dtype)
        self.padding = (0, 0, padding, padding)
        check_string(pad_mode, ["valid", "same", "pad"], "pad_mode", cls)
        _check_deconv_mode(pad_mode, self.padding, "Conv2DBackpropInput")
        self.is_valid, self.is_same, self.is_pad = pad_mode == "valid", pad_mode == "same", pad_mode == "pad"
        self._init_plan(pad_mode, [(0, 0), (padding, padding)], (0, 0))

    def construct(self, x):
        t = x._t
        if t.dim() != 3:
            raise ValueError(f"For '{self.cls_name}', the dimension of input must be 3d, but got {t.dim()}.")
        w, b = self._params(t, "Conv2DBackpropInput")
        try:
            out = self._transpose(t.unsqueeze(2), w, b, F.conv_transpose2d)
        except RuntimeError:
            self._cin_check(t, "Conv2DBackpropInput")
            raise
        return wrap(out.squeeze(2))


class Conv3dTranspose(_ConvTranspose):
    """``Conv3dTranspose(in_channels, out_channels, kernel_size, stride=1, pad_mode='same', padding=0,
    dilation=1, group=1, output_padding=0, has_bias=False, weight_init=None, bias_init=None,
    data_format='NCDHW', dtype=mstype.float32)``; ``weight (in, out/group, kd, kh, kw)``.  The depth
    dilation must be 1 and ``output_padding`` (only with ``pad_mode='pad'``) extends the computed output."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, pad_mode="same", padding=0, dilation=1,
                 group=1, output_padding=0, has_bias=False, weight_init=None, bias_init=None, data_format="NCDHW",
                 dtype=mstype.float32):
        cls = type(self).__name__
        kernel_size, stride, dilation = _check_3d_args(in_channels, out_channels, kernel_size, stride, dilation,
                                                       padding, group, cls)
        out_pad3 = check_3d_int_or_tuple("output_padding", output_padding, cls, greater_zero=False)
        super().__init__(in_channels, out_channels, kernel_size, stride, pad_mode, padding, dilation, group,
                         has_bias, weight_init, bias_init, data_format, transposed=True, dtype=dtype)
        self.output_padding = out_pad3
        prim = "Conv3DTranspose"
        if dilation[0] != 1:
            raise ValueError(f"For '{prim}', the depth of parameter 'dilation' must be 1, but got {dilation[0]}.")
        _check_3d_prim(prim, pad_mode, padding, out_channels, group, data_format)
        if pad_mode.lower() != "pad" and out_pad3 != (0, 0, 0):
            raise ValueError(f"For '{prim}', the 'output_padding' must be zero or (0, 0, 0) when 'pad_mode' is not "
                             f"\"pad\", but got 'output_padding' is {out_pad3} and 'pad_mode' is {pad_mode}.")
        kd, kh, kw = kernel_size
        sd, sh, sw = stride
        if not 1 <= kd * kh * kw <= 343:
            raise ValueError(f"For '{prim}', the 'The product of height, width and depth of kernel_size belonging "
                             f"[1, 343]' must be in range of [1, 343], but got {kd * kh * kw} with type 'int'.")
        if not 1 <= sd * sh * sw <= 343:
            raise ValueError(f"For '{prim}', the 'The product of height, width and depth of stride belonging "
                             f"[1, 343]' must be in range of [1, 343], but got {sd * sh * sw} with type 'int'.")
        if not 1 <= sh * sw <= 256:
            raise ValueError(f"For '{prim}', the 'The product of height, width and depth of stride belonging "
                             f"[1, 256]' must be in range of [1, 256], but got {sh * sw} with type 'int'.")
        for i, (axis, sep) in enumerate((("d", " "), ("h", ""), ("w", ""))):
            check_int_range(out_pad3[i], 0, max(dilation[i], stride[i]),
                            f"output_padding_{axis} belonging [0, max(stride_{axis},{sep}dilation_{axis}))", prim)
        p = (padding,) * 6 if isinstance(padding, int) else padding
        self._init_plan(pad_mode.lower(), [(p[0], p[1]), (p[2], p[3]), (p[4], p[5])], out_pad3)

    def construct(self, x):
        t = x._t
        if t.dim() != 5:
            raise ValueError(f"For primitive[Conv3DTranspose], the x shape size must be equal to 5, but got "
                             f"{t.dim()}.")
        w, b = self._params(t, "Conv3DTranspose")
        if t.shape[1] != self.in_channels:
            raise ValueError(f"For primitive[Conv3DTranspose], the filter's batch, input x's channel must be equal "
                             f"to {t.shape[1]}, but got {self.in_channels}.")
        return wrap(self._transpose(t, w, b, F.conv_transpose3d))
