"""Pooling layers with MindSpore 2.10's signatures, padding rules, numerics and errors.

MindSpore behaviour reproduced here (each checked against MindSpore 2.10 on CPU):
* ``pad_mode`` 'valid' (default) / 'same' / 'pad'; ``padding``, ``dilation``, ``ceil_mode`` and
  ``return_indices`` need ``pad_mode='pad'`` for max pooling.
* 'same' pads ``total // 2`` before and the rest after (extra at the end, any stride); max pooling pads
  with -inf.  Average pooling's divisor depends on which kernel MindSpore picks: the plain 2-D ``AvgPool``
  path (``AvgPool1d``/``AvgPool2d`` with default ``padding``/``ceil_mode``/``count_include_pad``/
  ``divisor_override``) *excludes* the padding, the ``AvgPool3D`` path (``AvgPool3d``, or any
  non-default option) *includes* it unless ``count_include_pad=False``.
* ``AvgPool1d`` on the plain path averages the first ``kernel_size`` elements into one output whenever
  ``width - kernel_size < stride`` (also in 'same' mode).
* ``AdaptiveAvgPool1d``/``AdaptiveMaxPool1d`` need the length divisible by ``output_size`` and a
  float16/float32 input.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from msshim.common.tensor import wrap
from msshim.nn.cell import Cell
from msshim.nn.layer._conv_padding import (AVG_POOL, SamePad, argmax_size_error, as_tuple,
                                           avgpool_size_error, cal_dilation, cal_padding, check_3d_int_or_tuple,
                                           check_int_rel, check_maxpool_padding, check_non_negative_int,
                                           check_pos_int_or_tuple, check_string, check_tuple_length,
                                           check_value_type, dtype_name, float_only, nhwc_error,
                                           plain_maxpool_size_error, torch_pads, vec_text)

__all__ = ["AvgPool3d", "MaxPool3d", "AvgPool2d", "MaxPool2d", "AvgPool1d", "MaxPool1d", "AdaptiveAvgPool1d",
           "AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "AdaptiveAvgPool2d", "AdaptiveAvgPool3d"]

_MAX = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
_MAX_OP = {1: torch.max_pool1d, 2: torch.max_pool2d, 3: torch.max_pool3d}  # no index dispatch wrapper


# ---------------------------------------------------------------------------------------------- base


class _PoolNd(Cell):
    """MindSpore's ``_PoolNd``: ``pad_mode`` upper-cased, ``kernel_size``/``stride`` positive int or tuple."""

    _builtin_layer = True

    def __init__(self, kernel_size, stride, pad_mode, data_format="NCHW"):
        super().__init__()
        cls = self.cls_name
        check_value_type("pad_mode", pad_mode, [str], cls)
        self.pad_mode = check_string(pad_mode.upper(), ["VALID", "SAME", "PAD"], "pad_mode", cls)
        self.format = check_string(data_format, ["NCHW", "NHWC"], "format", cls)
        if self.format == "NHWC":
            raise nhwc_error(cls, f"For '{cls}, the 'NHWC' format only support in GPU target, but got device target "
                                  "{platform}.")
        self.kernel_size = self._int_or_tuple("kernel_size", kernel_size)
        self.stride = self._int_or_tuple("stride", stride)

    def _int_or_tuple(self, arg_name: str, value):
        check_value_type(arg_name, value, [int, tuple], self.cls_name)
        msg = f"For '{self.cls_name}', the '{arg_name}' must be an positive int number or a tuple, but got {value}"
        if isinstance(value, int):
            if value <= 0:
                raise ValueError(msg)
            return value
        for item in value:
            if not (isinstance(item, int) and item > 0):
                raise ValueError(msg)
        return value[0] if len(value) == 1 else value

    def extend_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, pad_mode={self.pad_mode}"


# ---------------------------------------------------------------------------------------------- max pooling


class _MaxPool(_PoolNd):
    """Shared setup/forward of MaxPool1d/2d/3d.  ``_argmax`` marks MindSpore's MaxPool3DWithArgmax path
    (pad_mode 'pad': padding, dilation, ceil_mode, return_indices), otherwise MaxPool/MaxPool3D."""

    _nd = 2

    def _setup_argmax(self, k3, s3, padding3, dilation, ceil_mode) -> None:
        prim = "MaxPool3DWithArgmax"
        check_value_type("ceil_mode", ceil_mode, bool, prim)
        check_3d_int_or_tuple("ksize", k3, prim)
        check_3d_int_or_tuple("strides", s3, prim)
        check_3d_int_or_tuple("pads", padding3, prim, greater_zero=False)
        if isinstance(dilation, tuple) and len(dilation) == 5:
            dilation = dilation[2:]
        dil3 = check_3d_int_or_tuple("dilation", dilation, prim)
        nd = self._nd
        self._argmax = True
        ks, pads = as_tuple(k3, 3), as_tuple(padding3, 3)
        self._k, self._s, self._p = ks[3 - nd:], as_tuple(s3, 3)[3 - nd:], pads[3 - nd:]
        self._d, self._ceil = dil3[3 - nd:], ceil_mode
        self._pad_error = None
        if any(2 * p > kk for p, kk in zip(pads, ks)):
            self._pad_error = (f"For Maxpool3DWithArgmax, pads should be less equal to the half of ksize, but got "
                               f"ksize is[{vec_text(ks)}], pads is[{vec_text(pads)}].")

    def _setup_plain(self, k: tuple, s: tuple) -> None:
        self._argmax = False
        self._k, self._s = k, s
        self._same = SamePad(k, s) if self.pad_mode == "SAME" else None

    def _forward(self, t: torch.Tensor):
        if not self._argmax and self._same is None:  # 'valid': the common case, kept short
            try:
                return wrap(_MAX_OP[self._nd](t, self._k, self._s))
            except RuntimeError:
                plain_maxpool_size_error(t, self._nd, self._k, self._s)
                raise
        fn = _MAX[self._nd]
        if self._argmax:
            if self._pad_error is not None:
                raise ValueError(self._pad_error)
            try:
                res = fn(t, self._k, self._s, self._p, self._d, self._ceil, self.return_indices)
            except RuntimeError:
                argmax_size_error(t, self._nd, self._k, self._s, self._p, self._d, self._ceil)
                raise
            return (wrap(res[0]), wrap(res[1])) if self.return_indices else wrap(res)
        try:
            return wrap(self._same.run(fn, t, 1, True))
        except RuntimeError:
            plain_maxpool_size_error(t, self._nd, self._k, self._s)
            raise


def _no_pad_options(cls: str, pad_mode, padding, dilation, return_indices, ceil_mode) -> None:
    if padding != 0 or dilation != 1 or return_indices or ceil_mode:
        raise ValueError(f"For {cls}, the parameter 'padding', 'dilation', 'return_indices', 'ceil_mode' can not be "
                         f"set to non-default value when pad_mode is not 'pad', but got pad_mode:{pad_mode}.")


class MaxPool2d(_MaxPool):
    """``MaxPool2d(kernel_size=1, stride=1, pad_mode='valid', padding=0, dilation=1, return_indices=False,
    ceil_mode=False, data_format='NCHW')``; input ``(N, C, H, W)`` or ``(C, H, W)``; indices are int64
    positions in the flattened ``H * W`` plane."""

    _nd = 2

    def __init__(self, kernel_size=1, stride=1, pad_mode="valid", padding=0, dilation=1, return_indices=False,
                 ceil_mode=False, data_format="NCHW"):
        super().__init__(kernel_size, stride, pad_mode, data_format)
        cls = self.cls_name
        self.return_indices = return_indices
        if pad_mode.upper() == "PAD":
            self.use_pad = True
            k = (1,) + check_tuple_length(self.kernel_size, "kernel_size", 2, cls) \
                if isinstance(self.kernel_size, tuple) else (1, self.kernel_size, self.kernel_size)
            s = (1,) + check_tuple_length(self.stride, "stride", 2, cls) \
                if isinstance(self.stride, tuple) else (1, self.stride, self.stride)
            self.padding = check_maxpool_padding(padding, 2, cls)
            self._setup_argmax(k, s, self.padding, cal_dilation(dilation, 2, cls), ceil_mode)
        else:
            self.use_pad = False
            _no_pad_options("MaxPool2d", pad_mode, padding, dilation, return_indices, ceil_mode)
            k = check_pos_int_or_tuple("kernel_size", self.kernel_size, "MaxPool")
            s = check_pos_int_or_tuple("strides", self.stride, "MaxPool")
            self._setup_plain(k, s)

    def construct(self, x):
        t = x._t
        nd = t.dim()
        if nd != 4 and nd != 3:
            if self.use_pad:
                raise ValueError(f"For primitive[MaxPool3DWithArgmax], the input x rank must be equal to 5, but "
                                 f"got {nd + 1}.")
            raise ValueError(f"For primitive[MaxPool], the length of input must be equal to 4 , but got {nd}.")
        if not t.is_floating_point():
            float_only(t, "MaxPool")
        return self._forward(t)


class MaxPool1d(_MaxPool):
    """``MaxPool1d(kernel_size=1, stride=1, pad_mode='valid', padding=0, dilation=1, return_indices=False,
    ceil_mode=False)``; input ``(N, C, L)`` or ``(C, L)``; ``kernel_size``/``stride`` are ints."""

    _nd = 1

    def __init__(self, kernel_size=1, stride=1, pad_mode="valid", padding=0, dilation=1, return_indices=False,
                 ceil_mode=False):
        super().__init__(kernel_size, stride, pad_mode)
        cls = self.cls_name
        check_int_rel(kernel_size, 1, ">=", "kernel_size", cls)
        check_int_rel(stride, 1, ">=", "stride", cls)
        self.kernel_size = (1, kernel_size)
        self.stride = (1, stride)
        self.return_indices = return_indices
        if pad_mode.upper() == "PAD":
            self.use_pad = True
            self.kernel_size = (1, 1, kernel_size)
            self.stride = (1, 1, stride)
            self.padding = check_maxpool_padding(padding, 1, cls)
            self._setup_argmax(self.kernel_size, self.stride, self.padding, cal_dilation(dilation, 1, cls),
                               ceil_mode)
        else:
            self.use_pad = False
            _no_pad_options("MaxPool1d", pad_mode, padding, dilation, return_indices, ceil_mode)
            self._setup_plain((kernel_size,), (stride,))

    def construct(self, x):
        t = x._t
        nd = t.dim()
        if nd != 3 and nd != 2:
            if self.use_pad:
                raise ValueError(f"For primitive[MaxPool3DWithArgmax], the input x rank must be equal to 5, but "
                                 f"got {nd + 2}.")
            raise ValueError(f"For '{self.cls_name}', the input must has 3 dim, but got {nd}")
        if not t.is_floating_point():
            float_only(t, "MaxPool")
        return self._forward(t)


class MaxPool3d(_MaxPool):
    """``MaxPool3d(kernel_size=1, stride=1, pad_mode='valid', padding=0, dilation=1, return_indices=False,
    ceil_mode=False)``; input ``(N, C, D, H, W)`` or ``(C, D, H, W)``.  ``dilation != 1`` or
    ``return_indices`` need ``pad_mode='pad'``; ``ceil_mode`` needs it too."""

    _nd = 3

    def __init__(self, kernel_size=1, stride=1, pad_mode="valid", padding=0, dilation=1, return_indices=False,
                 ceil_mode=False):
        super().__init__(kernel_size, stride, pad_mode)
        cls = self.cls_name
        self.return_indices = return_indices
        padding = check_maxpool_padding(padding, 3, cls)
        check_3d_int_or_tuple("padding", padding, cls, greater_zero=False)
        if dilation != 1 or return_indices:
            self.only_pad = True
            if pad_mode.upper() != "PAD":
                raise ValueError(f"For {cls}, the pad_mode must be 'pad' when dilation is not 1 or return_indices is "
                                 f"True, but got pad_mode:{pad_mode}.")
            self._setup_argmax(kernel_size, stride, padding, dilation, ceil_mode)
        else:
            self.only_pad = False
            prim = "MaxPool3D"
            k = check_3d_int_or_tuple("kernel_size", kernel_size, prim)
            s = check_3d_int_or_tuple("strides", stride, prim)
            is_pad = pad_mode.upper() == "PAD"
            if ceil_mode:
                check_value_type("ceil_mode", ceil_mode, [bool], prim)
                if not is_pad:
                    raise ValueError("When the 'pad_mode' is 'same' or 'valid', the 'ceil_mode' only supports "
                                     "'None'.")
            if not is_pad and padding != (0, 0, 0):
                raise ValueError(f"For '{prim}', the 'pad_list' must be zero or (0, 0, 0, 0, 0, 0) when 'pad_mode' is "
                                 f"not \"pad\", but got 'pad_list' is {padding} and 'pad_mode' is {pad_mode}.")
            if is_pad:  # MindSpore's "CALCULATED" mode: explicit symmetric pads, optional ceil_mode
                self._argmax = True
                self._k, self._s, self._p, self._d, self._ceil = k, s, padding, (1, 1, 1), bool(ceil_mode)
                self._pad_error = None
            else:
                self._setup_plain(k, s)

    def construct(self, x):
        t = x._t
        nd = t.dim()
        if nd != 5 and nd != 4:
            prim = "MaxPool3DWithArgmax" if self.only_pad else "MaxPool3D"
            what = "input x rank" if self.only_pad else "x_rank"
            raise ValueError(f"For primitive[{prim}], the {what} must be equal to 5, but got {nd}.")
        if not t.is_floating_point():
            float_only(t, "MaxPool3D")
        return self._forward(t)


# ---------------------------------------------------------------------------------------------- average pooling


class _AvgPool(_PoolNd):
    """Shared forward of the average pools on MindSpore's AvgPool3D path (``self._avg3d``) or plain path."""

    _nd = 2

    def _setup_3d(self, k: tuple, s: tuple, pad_mode: str, pad6: tuple, ceil_mode, count_include_pad,
                  divisor_override) -> None:
        """MindSpore's ``ops.AvgPool3D`` checks; ``k``/``s``/``pad6`` are the 3-D (D, H, W) values."""
        prim = "AvgPool3D"
        k = check_3d_int_or_tuple("kernel_size", k, prim)
        s = check_3d_int_or_tuple("strides", s, prim)
        check_value_type("pad", pad6, (int, tuple, list), prim)
        mode = check_string(pad_mode.upper(), ["VALID", "SAME", "PAD"], "pad_mode", prim)
        if mode != "PAD" and tuple(pad6) != (0, 0, 0, 0, 0, 0):
            raise ValueError(f"For '{prim}', the 'pad' must be zero or (0, 0, 0, 0, 0, 0) when 'pad_mode' is not "
                             f"\"PAD\", but got 'pad' is {pad6} and 'pad_mode' is {pad_mode}.")
        for item in pad6:
            check_non_negative_int(item, "pad or item of pad", prim)
        check_value_type("ceil_mode", ceil_mode, bool, prim)
        check_value_type("count_include_pad", count_include_pad, bool, prim)
        check_non_negative_int(divisor_override, "divisor_override", prim)
        nd = self._nd
        self._avg3d = True
        self._k, self._s = k[3 - nd:], s[3 - nd:]
        pairs = [(pad6[2 * i], pad6[2 * i + 1]) for i in range(3)][3 - nd:]
        self._mode, self._pairs = mode, pairs
        self._ceil, self._incl = ceil_mode, count_include_pad
        self._div = divisor_override or None
        self._pad_error = None
        if any(b + a > kk for (b, a), kk in zip(pairs, self._k)):
            self._pad_error = (f"For 'AvgPool3D the sum of the pads in the two directions should be less than or "
                               f"equal to the corresponding kernel size, but got pads: "
                               f"({','.join(str(p) for p in pad6)}) and kernel: {tuple(k)}")
        self._same = SamePad(self._k, self._s) if mode == "SAME" else None

    def _setup_2d(self, k: tuple, s: tuple) -> None:
        self._avg3d = False
        self._k, self._s = k, s
        self._mode, self._pairs = self.pad_mode, [(0, 0)] * len(k)
        self._same = SamePad(k, s) if self.pad_mode == "SAME" else None

    def _forward(self, t: torch.Tensor) -> torch.Tensor:
        nd = self._nd
        k, s = self._k, self._s
        if not self._avg3d:
            if self._same is None:
                return self._pool(t, k, s, 0, False, True, None)
            return self._same.run(AVG_POOL[nd], t, True, False)
        if self._pad_error is not None:
            raise ValueError(self._pad_error)
        if self._mode == "SAME":  # MindSpore's AvgPool3D 'same' counts the padding unless told otherwise
            if not self._incl and self._div is None:
                return self._same.run(AVG_POOL[nd], t, True, False)
            pairs = self._same.pairs(t.shape[-nd:])
            return self._pool(F.pad(t, torch_pads(pairs)), k, s, 0, False, True, self._div)
        if self._mode == "VALID":
            return self._pool(t, k, s, 0, self._ceil, self._incl, self._div)
        pads = self._pairs
        if all(b == a for b, a in pads):
            return self._pool(t, k, s, tuple(b for b, _ in pads), self._ceil, self._incl, self._div)
        return self._pool(F.pad(t, torch_pads(pads)), k, s, 0, self._ceil, True, self._div)

    def _pool(self, t, k, s, p, ceil, incl, div) -> torch.Tensor:
        if self._nd == 1:
            return F.avg_pool2d(t.unsqueeze(-2), (1,) + k, (1,) + s, (0,) + as_tuple(p, 1), ceil, incl,
                                div).squeeze(-2)
        return AVG_POOL[self._nd](t, k, s, p, ceil, incl, div)


class AvgPool2d(_AvgPool):
    """``AvgPool2d(kernel_size=1, stride=1, pad_mode='valid', padding=0, ceil_mode=False, count_include_pad=True,
    divisor_override=None, data_format='NCHW')``; input ``(N, C, H, W)`` or ``(C, H, W)``."""

    _nd = 2

    def __init__(self, kernel_size=1, stride=1, pad_mode="valid", padding=0, ceil_mode=False, count_include_pad=True,
                 divisor_override=None, data_format="NCHW"):
        super().__init__(kernel_size, stride, pad_mode, data_format)
        cls = self.cls_name
        if pad_mode.upper() == "PAD" or padding != 0 or ceil_mode or not count_include_pad \
                or divisor_override is not None:
            self.is_expand = True
            if divisor_override is not None and divisor_override <= 0:
                raise ValueError(f"For '{cls}', the 'divisor_override' must be > 0, but got {divisor_override}.")
            pad6 = cal_padding(padding, cls, 2)
            k = (1,) + check_tuple_length(self.kernel_size, "kernel_size", 2, cls) \
                if isinstance(self.kernel_size, tuple) else (1, self.kernel_size, self.kernel_size)
            s = (1,) + check_tuple_length(self.stride, "stride", 2, cls) \
                if isinstance(self.stride, tuple) else (1, self.stride, self.stride)
            self._setup_3d(k, s, pad_mode, pad6, ceil_mode, count_include_pad, divisor_override or 0)
        else:
            self.is_expand = False
            k = check_pos_int_or_tuple("kernel_size", self.kernel_size, "AvgPool")
            s = check_pos_int_or_tuple("strides", self.stride, "AvgPool")
            self._setup_2d(k, s)

    def construct(self, x):
        t = x._t
        nd = t.dim()
        if nd != 4 and nd != 3:
            if self.is_expand:
                raise ValueError(f"For primitive[AvgPool3D], the x_rank must be equal to 5, but got {nd + 1}.")
            raise ValueError(f"For primitive[AvgPool], the x_rank must be equal to 4, but got {nd}.")
        if not t.is_floating_point():
            float_only(t, "AvgPool")
        try:
            return wrap(self._forward(t))
        except RuntimeError:
            avgpool_size_error(t, self._nd, self._k, self._avg3d, self._mode, self._pairs)
            raise


class AvgPool1d(_AvgPool):
    """``AvgPool1d(kernel_size=1, stride=1, pad_mode='valid', padding=0, ceil_mode=False, count_include_pad=True)``;
    input ``(N, C, L)`` or ``(C, L)``."""

    _nd = 1

    def __init__(self, kernel_size=1, stride=1, pad_mode="valid", padding=0, ceil_mode=False,
                 count_include_pad=True):
        super().__init__(kernel_size, stride, pad_mode)
        cls = self.cls_name
        check_int_rel(self.kernel_size, 1, ">=", "kernel_size", cls)
        check_int_rel(self.stride, 1, ">=", "stride", cls)
        if pad_mode.upper() == "PAD" or padding != 0 or ceil_mode or not count_include_pad:
            self.is_expand_3d = True
            pad6 = cal_padding(padding, cls, 1)
            self._setup_3d((1, 1, self.kernel_size), (1, 1, self.stride), pad_mode, pad6, ceil_mode,
                           count_include_pad, 0)
        else:
            self.is_expand_3d = False
            self._setup_2d((self.kernel_size,), (self.stride,))
            self.kernel_size = (1, self.kernel_size)
            self.stride = (1, self.stride)

    def construct(self, x):
        t = x._t
        nd = t.dim()
        if self.is_expand_3d:
            if nd != 3 and nd != 2:
                raise ValueError(f"For primitive[AvgPool3D], the x_rank must be equal to 5, but got {nd + 2}.")
        elif nd != 3 and nd != 2:
            raise ValueError(f"For '{self.cls_name}', the input must has 3 dim, but got {nd}")
        if not t.is_floating_point():
            float_only(t, "AvgPool")
        if not self.is_expand_3d:
            # MindSpore: one window covering the first kernel_size elements whenever no second window fits.
            width, k = t.shape[-1], self._k[0]
            if width - k < self._s[0]:
                if width < k:
                    raise ValueError("For Slice, the sum of begin_shape[2] and size_shape[2] must be no greater "
                                     "than input_x_shape[2].")
                return wrap(t[..., :k].mean(-1, keepdim=True))
        try:
            return wrap(self._forward(t))
        except RuntimeError:
            avgpool_size_error(t, self._nd, self._k, self._avg3d, self._mode, self._pairs)
            raise


class AvgPool3d(_AvgPool):
    """``AvgPool3d(kernel_size=1, stride=1, pad_mode='valid', padding=0, ceil_mode=False, count_include_pad=True,
    divisor_override=None)``; input ``(N, C, D, H, W)`` or ``(C, D, H, W)``; 'same' counts the padding in
    the divisor unless ``count_include_pad=False``."""

    _nd = 3

    def __init__(self, kernel_size=1, stride=1, pad_mode="valid", padding=0, ceil_mode=False, count_include_pad=True,
                 divisor_override=None):
        super().__init__(kernel_size, stride, pad_mode)
        cls = self.cls_name
        pad6 = cal_padding(padding, cls, 3)
        if divisor_override is not None and divisor_override <= 0:
            raise ValueError(f"For '{cls}', the 'divisor_override' must be > 0, but got {divisor_override}.")
        self._setup_3d(self.kernel_size, self.stride, pad_mode, pad6, ceil_mode, count_include_pad,
                       0 if divisor_override is None else divisor_override)

    def construct(self, x):
        t = x._t
        nd = t.dim()
        if nd != 5 and nd != 4:
            raise ValueError(f"For primitive[AvgPool3D], the x_rank must be equal to 5, but got {nd}.")
        if not t.is_floating_point():
            float_only(t, "AvgPool3D")
        try:
            return wrap(self._forward(t))
        except RuntimeError:
            avgpool_size_error(t, self._nd, self._k, self._avg3d, self._mode, self._pairs)
            raise


# ---------------------------------------------------------------------------------------------- adaptive


class _Adaptive1d(Cell):
    _builtin_layer = True

    def _check(self, t: torch.Tensor) -> None:
        cls = self.cls_name
        out = self.output_size
        if t.dim() != 3:
            raise ValueError(f"For {cls}, the input must has 3 dim, but got {t.dim()}.")
        if t.shape[2] < out:
            raise ValueError(f"For {cls}, the input's last dimension must be greater or equal to output size {out}, "
                             f"but got {t.shape[2]}.")
        if t.shape[2] % out != 0:
            raise ValueError(f"For {cls}, the input's last dimension must be divisible by output size {out}, but got "
                             f"{t.shape[2]}.")
        if t.dtype is not torch.float32 and t.dtype is not torch.float16:
            raise TypeError(f"For {cls}, the x_dtype must be float16 or float32, but got {dtype_name(t)}.")


class AdaptiveAvgPool1d(_Adaptive1d):
    """``AdaptiveAvgPool1d(output_size)``: input ``(N, C, L)`` with ``L`` divisible by ``output_size``."""

    def __init__(self, output_size):
        super().__init__()
        check_value_type("output_size", output_size, [int], self.cls_name)
        check_int_rel(output_size, 1, ">=", "output_size", self.cls_name)
        self.output_size = output_size

    def construct(self, input):  # noqa: A002 - MindSpore's argument name
        t = input._t
        self._check(t)
        return wrap(F.adaptive_avg_pool1d(t, self.output_size))


class AdaptiveMaxPool1d(_Adaptive1d):
    """``AdaptiveMaxPool1d(output_size)``: input ``(N, C, L)`` with ``L`` divisible by ``output_size``."""

    def __init__(self, output_size):
        super().__init__()
        check_int_rel(output_size, 1, ">=", "output_size", self.cls_name)
        check_value_type("output_size", output_size, [int], self.cls_name)
        self.output_size = output_size

    def construct(self, x):
        t = x._t
        self._check(t)
        return wrap(F.adaptive_max_pool1d(t, self.output_size))


def _adaptive_size(output_size, n: int, prim: str) -> tuple:
    """``ops.AdaptiveAvgPool2D/3D`` checks: an int or an n-tuple of ints (>= 0) or None."""
    check_value_type("output_size", output_size, [int, tuple], prim)
    if isinstance(output_size, tuple) and n == 2:
        check_int_rel(len(output_size), 2, "=", "length of output_size", prim)
    sizes = (output_size,) * n if isinstance(output_size, int) else output_size
    for i, size in enumerate(sizes):
        check_value_type(f"output_size[{i}]", size, [int, type(None)], prim)
        if size is not None and size < 0:
            raise ValueError(f"For '{prim}', the argument 'output_size[{i}]' must >= 0, but got {size}.")
    return tuple(sizes)


class AdaptiveAvgPool2d(Cell):
    """``AdaptiveAvgPool2d(output_size)``: int or ``(H, W)`` with None keeping that input size; input
    ``(N, C, H, W)`` or ``(C, H, W)``, float16/32/64."""

    _builtin_layer = True

    def __init__(self, output_size):
        super().__init__()
        self._size = _adaptive_size(output_size, 2, "AdaptiveAvgPool2D")

    def construct(self, input):  # noqa: A002 - MindSpore's argument name
        t = input._t
        if t.dim() != 3 and t.dim() != 4:
            raise ValueError(f"For primitive[AdaptiveAvgPool2D], the dim of x must be in [3,4], but got {t.dim()}.")
        if not t.is_floating_point() or t.dtype is torch.bfloat16:
            raise TypeError(f"For primitive[AdaptiveAvgPool2D], the input argument[x] must be a type of "
                            f"{{Tensor[Float16], Tensor[Float32], Tensor[Float64]}}, but got Tensor[{dtype_name(t)}].")
        return wrap(F.adaptive_avg_pool2d(t, self._size))


class AdaptiveAvgPool3d(Cell):
    """``AdaptiveAvgPool3d(output_size)``: int or ``(D, H, W)`` (None keeps that size); input 4-D or 5-D."""

    _builtin_layer = True

    def __init__(self, output_size):
        super().__init__()
        self._size = _adaptive_size(output_size, 3, "AdaptiveAvgPool3D")

    def construct(self, input):  # noqa: A002 - MindSpore's argument name
        t = input._t
        if t.dim() != 4 and t.dim() != 5:
            raise ValueError(f"For primitive[AdaptiveAvgPool3D], the the rank of x must be in [4,5], but got "
                             f"{t.dim()}.")
        if not t.is_floating_point():
            float_only(t, "AdaptiveAvgPool3D")
        return wrap(F.adaptive_avg_pool3d(t, self._size))


class AdaptiveMaxPool2d(Cell):
    """``AdaptiveMaxPool2d(output_size, return_indices=False)``: int or ``(H, W)`` with None keeping that
    size; indices are int64 positions in the flattened ``H * W`` plane."""

    _builtin_layer = True

    def __init__(self, output_size, return_indices=False):
        super().__init__()
        self.output_size = output_size
        self.return_indices = return_indices
        self._size = (output_size, output_size) if isinstance(output_size, int) else tuple(output_size)

    def construct(self, input):  # noqa: A002 - MindSpore's argument name
        t = input._t
        if t.dim() != 3 and t.dim() != 4:
            raise ValueError(f"For primitive[AdaptiveMaxPool2D], the rank of x must be in [3,4], but got {t.dim()}.")
        if not t.is_floating_point():
            raise TypeError("Select CPU operator[AdaptiveMaxPool2D] fail! Unsupported data type!")
        if not isinstance(self.return_indices, bool):
            check_value_type("return_indices", self.return_indices, bool, "adaptive_max_pool2d")
        if self.return_indices:
            out, idx = F.adaptive_max_pool2d(t, self._size, True)
            return wrap(out), wrap(idx)
        return wrap(F.adaptive_max_pool2d(t, self._size))
