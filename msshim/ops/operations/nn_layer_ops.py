"""Convolution, pooling, padding and resize primitives with MindSpore's attributes.

``Conv2D(out_channel, kernel_size, mode=1, pad_mode='valid', pad=0, stride=1, dilation=1, group=1)``: ``pad`` is an
int or ``(top, bottom, left, right)`` and only allowed with ``pad_mode='pad'``; ``'same'`` is TensorFlow SAME.
``MaxPool``/``AvgPool(kernel_size=1, strides=1, pad_mode='valid')``: SAME average pooling divides by the number
of real (unpadded) elements.  ``Pad(paddings)`` takes ``((before, after), ...)`` per axis, first axis first.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from msshim.common.tensor import Tensor, wrap
from msshim.ops.function import conv_func as CV
from msshim.ops.function import extra_func as X
from msshim.ops.function import resize_func as RS
from msshim.ops.function._utils import check_tensor, int_list
from msshim.ops.operations._base import Op
from msshim.ops.primitive import prim_attr_register

__all__ = ["Conv2D", "Conv3D", "Conv2DTranspose", "Conv2DBackpropInput", "MaxPool", "AvgPool", "MaxPool3D",
           "AvgPool3D", "MaxPoolWithArgmaxV2", "AdaptiveAvgPool2D", "AdaptiveMaxPool2D", "Pad", "MirrorPad",
           "ResizeNearestNeighbor", "ResizeBilinearV2", "SpaceToDepth", "DepthToSpace", "ResizeNearestNeighborV2",
           "ResizeBicubic", "ResizeLinear1D", "UpsampleNearest3D", "UpsampleTrilinear3D", "AdaptiveAvgPool3D", "LRN",
           "Pdist", "Im2Col", "Col2Im"]


def _pad_mode(pad_mode, op: str) -> str:
    if not isinstance(pad_mode, str) or pad_mode.lower() not in ("valid", "same", "pad"):
        raise ValueError(f"For '{op}', the 'pad_mode' must be one of ['valid', 'same', 'pad'], but got {pad_mode}.")
    return pad_mode.lower()


class _ConvND(Op):
    _n = 2

    def _setup(self, out_channel, kernel_size, pad_mode, pad, stride, dilation, group):
        n, op = self._n, self.name
        self.add_prim_attr("kernel_size", CV.ntuple(kernel_size, n, "kernel_size", op))
        mode = _pad_mode(pad_mode, op)
        self.add_prim_attr("pad_mode", mode)
        pads = CV.explicit_pads(pad, n, op)
        if mode != "pad" and any(p for pair in pads for p in pair):
            raise ValueError(f"For '{op}', the 'pad' must be zero when 'pad_mode' is not 'pad', but got {pad}.")
        self.add_prim_attr("pad", tuple(p for pair in pads for p in pair))
        self.add_prim_attr("stride", (1, 1) + CV.ntuple(stride, n, "stride", op))
        self.add_prim_attr("dilation", (1, 1) + CV.ntuple(dilation, n, "dilation", op))
        self.add_prim_attr("groups", group)

    def __call__(self, x, weight):
        a = self.attrs
        t = check_tensor(x, self.name, "x")
        w = check_tensor(weight, self.name, "weight")
        if w.shape[0] != a["out_channel"]:
            raise RuntimeError(f"For '{self.name}', 'w_shape[0]' must be equal to 'out_channel', but got "
                               f"'w_shape[0]': {w.shape[0]}, 'out_channel': {a['out_channel']}.")
        if tuple(w.shape[2:]) != a["kernel_size"]:
            raise RuntimeError(f"For '{self.name}', 'kernel_size' must be equal to the spatial shape of 'weight', "
                               f"but got 'kernel_size': {a['kernel_size']}, 'weight' shape: {tuple(w.shape)}.")
        return wrap(CV.convnd(t, w, None, a["stride"][2:], a["pad_mode"], a["pad"], a["dilation"][2:], a["group"],
                              self.name))


class Conv2D(_ConvND):
    @prim_attr_register
    def __init__(self, out_channel, kernel_size, mode=1, pad_mode="valid", pad=0, stride=1, dilation=1, group=1,
                 data_format="NCHW"):
        self._setup(out_channel, kernel_size, pad_mode, pad, stride, dilation, group)


class Conv3D(_ConvND):
    _n = 3

    @prim_attr_register
    def __init__(self, out_channel, kernel_size, mode=1, pad_mode="valid", pad=0, stride=1, dilation=1, group=1,
                 data_format="NCDHW"):
        self._setup(out_channel, kernel_size, pad_mode, pad, stride, dilation, group)


class Conv2DBackpropInput(_ConvND):
    """``(dout, weight, input_size)``: the gradient of Conv2D w.r.t. its input (a transposed convolution)."""

    @prim_attr_register
    def __init__(self, out_channel, kernel_size, pad_mode="valid", pad=0, pad_list=None, mode=1, stride=1,
                 dilation=1, group=1, data_format="NCHW"):
        self._setup(out_channel, kernel_size, pad_mode, pad, stride, dilation, group)
        if pad_list is not None:
            self.add_prim_attr("pad", tuple(pad_list))

    def __call__(self, dout, weight, input_size):
        a = self.attrs
        d = check_tensor(dout, self.name, "dout")
        w = check_tensor(weight, self.name, "weight")
        size = input_size._t.tolist() if isinstance(input_size, Tensor) else input_size
        return wrap(CV.conv_input_grad(d, w, size, a["pad_mode"], a["pad"], a["stride"][2:], a["dilation"][2:],
                                       a["group"], self.name))


class Conv2DTranspose(Conv2DBackpropInput):
    """Same computation as ``Conv2DBackpropInput``."""


def _pool_tuple(value, n: int, name: str, op: str) -> tuple:
    return CV.ntuple(value, n, name, op)


class _Pool(Op):
    _n = 2
    _max = True

    def _setup(self, kernel_size, strides, pad_mode):
        op = self.name
        self.add_prim_attr("kernel_size", (1, 1) + _pool_tuple(kernel_size, self._n, "kernel_size", op))
        self.add_prim_attr("strides", (1, 1) + _pool_tuple(strides, self._n, "strides", op))
        mode = pad_mode.lower() if isinstance(pad_mode, str) else pad_mode
        if mode not in ("valid", "same"):
            raise ValueError(f"For '{op}', the 'pad_mode' must be 'valid' or 'same', but got {pad_mode}.")
        self.add_prim_attr("pad_mode", mode.upper())

    def __call__(self, x):
        a = self.attrs
        t = check_tensor(x, self.name, "x")
        if t.dim() != self._n + 2:
            raise ValueError(f"For '{self.name}', the dimension of 'x' must be {self._n + 2}, but got {t.dim()}.")
        k, s = a["kernel_size"][2:], a["strides"][2:]
        if self._max:
            fn = F.max_pool2d if self._n == 2 else F.max_pool3d
            src = CV.pad_pool_same(t, k, s, float("-inf")) if a["pad_mode"] == "SAME" else t
            return wrap(fn(src, k, s))
        if a["pad_mode"] == "SAME":
            return wrap(CV.avg_pool_same(t, k, s))
        fn = F.avg_pool2d if self._n == 2 else F.avg_pool3d
        return wrap(fn(t, k, s))


class MaxPool(_Pool):
    @prim_attr_register
    def __init__(self, kernel_size=1, strides=1, pad_mode="valid", data_format="NCHW"):
        self._setup(kernel_size, strides, pad_mode)


class AvgPool(_Pool):
    _max = False

    @prim_attr_register
    def __init__(self, kernel_size=1, strides=1, pad_mode="VALID", data_format="NCHW"):
        self._setup(kernel_size, strides, pad_mode)


class MaxPool3D(_Pool):
    _n = 3

    @prim_attr_register
    def __init__(self, kernel_size=1, strides=1, pad_mode="VALID", pad_list=0, ceil_mode=None, data_format="NCDHW"):
        self._setup(kernel_size, strides, pad_mode if pad_mode.lower() != "pad" else "valid")

    def __call__(self, x):
        a = self.attrs
        if a["pad_mode"] == "VALID" and (a["pad_list"] or a["ceil_mode"]):
            pads = CV.ntuple(a["pad_list"], 3, "pad_list", "MaxPool3D") if not isinstance(a["pad_list"], int) \
                else (a["pad_list"],) * 3
            return wrap(F.max_pool3d(check_tensor(x, "MaxPool3D", "x"), a["kernel_size"][2:], a["strides"][2:],
                                     pads[:3], 1, bool(a["ceil_mode"])))
        return super().__call__(x)


class AvgPool3D(Op):
    @prim_attr_register
    def __init__(self, kernel_size=1, strides=1, pad_mode="valid", pad=0, ceil_mode=False, count_include_pad=True,
                 divisor_override=0, data_format="NCDHW"):
        self.add_prim_attr("kernel_size", CV.ntuple(kernel_size, 3, "kernel_size", "AvgPool3D"))
        self.add_prim_attr("strides", CV.ntuple(strides, 3, "strides", "AvgPool3D"))
        self.add_prim_attr("pad_mode", pad_mode.lower())

    def __call__(self, x):
        a = self.attrs
        t = check_tensor(x, "AvgPool3D", "x")
        if a["pad_mode"] == "same":
            return wrap(CV.avg_pool_same(t, a["kernel_size"], a["strides"]))
        pads = CV.explicit_pads(a["pad"], 3, "AvgPool3D") if a["pad_mode"] == "pad" else [(0, 0)] * 3
        if any(p[0] != p[1] for p in pads):
            t = F.pad(t, CV.torch_pad_arg(pads), value=0.0)
            pads = [(0, 0)] * 3
        return wrap(F.avg_pool3d(t, a["kernel_size"], a["strides"], tuple(p[0] for p in pads), a["ceil_mode"],
                                 a["count_include_pad"], a["divisor_override"] or None))


class MaxPoolWithArgmaxV2(Op):
    """``(x)`` -> ``(output, argmax)`` with indices into each flattened H*W plane."""

    @prim_attr_register
    def __init__(self, kernel_size, strides=None, pads=0, dilation=(1, 1), ceil_mode=False, argmax_type=None):
        pass

    def __call__(self, x):
        a = self.attrs
        strides = a["strides"] if a["strides"] is not None else a["kernel_size"]
        out, idx = F.max_pool2d(check_tensor(x, "MaxPoolWithArgmaxV2", "x"), a["kernel_size"], strides, a["pads"],
                                a["dilation"], a["ceil_mode"], True)
        return wrap(out), wrap(idx if a["argmax_type"] is None else idx.to(a["argmax_type"].to_torch()))


class AdaptiveAvgPool2D(Op):
    @prim_attr_register
    def __init__(self, output_size):
        pass

    def __call__(self, x):
        return CV.adaptive_avg_pool2d(x, self.attrs["output_size"])


class AdaptiveMaxPool2D(Op):
    """``AdaptiveMaxPool2D(output_size)``: a tuple/list (``None`` keeps an axis) -> ``(output, Int64 argmax)``."""

    @prim_attr_register
    def __init__(self, output_size):
        if not isinstance(output_size, (tuple, list)):
            raise TypeError(f"For 'AdaptiveMaxPool2D', the type of 'output_size' should be one of '[list of int, "
                            f"tuple of int]', but got {type(output_size).__name__}.")

    def __call__(self, input_x):
        return CV.adaptive_max_pool2d(input_x, self.attrs["output_size"], True)


class Pad(Op):
    """``Pad(paddings)``: zero padding, ``paddings[i] = (before, after)`` for axis ``i``."""

    @prim_attr_register
    def __init__(self, paddings):
        if not isinstance(paddings, (tuple, list)) or any(len(p) != 2 for p in paddings):
            raise TypeError(f"For 'Pad', the 'paddings' must be a tuple of (before, after) pairs, but got {paddings}.")
        for pair in paddings:
            if any(v < 0 for v in pair):
                raise ValueError(f"For 'Pad', all elements of 'paddings' must be >= 0, but got {paddings}.")

    def __call__(self, input_x):
        t = check_tensor(input_x, "Pad", "input_x")
        pads = [tuple(p) for p in self.attrs["paddings"]]
        if len(pads) != t.dim():
            raise ValueError(f"For 'Pad', the length of 'paddings' must be equal to the rank of 'input_x' {t.dim()}, "
                             f"but got {len(pads)}.")
        return wrap(F.pad(t, CV.torch_pad_arg(pads)))


def _mirror_index(n: int, before: int, after: int, symmetric: bool, device) -> torch.Tensor:
    base = torch.arange(n, device=device)
    if symmetric:
        left = torch.arange(before - 1, -1, -1, device=device)
        right = torch.arange(n - 1, n - 1 - after, -1, device=device)
    else:
        left = torch.arange(before, 0, -1, device=device)
        right = torch.arange(n - 2, n - 2 - after, -1, device=device)
    return torch.cat([left, base, right])


class MirrorPad(Op):
    """``MirrorPad(mode='REFLECT')(x, paddings)``: ``'REFLECT'`` excludes the edge, ``'SYMMETRIC'`` repeats it."""

    @prim_attr_register
    def __init__(self, mode="REFLECT"):
        if mode not in ("REFLECT", "SYMMETRIC"):
            raise ValueError(f"For 'MirrorPad', the 'mode' must be 'REFLECT' or 'SYMMETRIC', but got {mode}.")

    def __call__(self, input_x, paddings):
        t = check_tensor(input_x, "MirrorPad", "input_x")
        pads = paddings._t.tolist() if isinstance(paddings, Tensor) else [list(p) for p in paddings]
        symmetric = self.attrs["mode"] == "SYMMETRIC"
        out = t
        for axis, (before, after) in enumerate(pads):
            limit = t.shape[axis] if symmetric else t.shape[axis] - 1
            if before > limit or after > limit:
                raise ValueError(f"For 'MirrorPad', the paddings of axis {axis} must be no greater than {limit}, but "
                                 f"got {(before, after)}.")
            if before or after:
                out = out.index_select(axis, _mirror_index(t.shape[axis], before, after, symmetric, t.device))
        return wrap(out)


class ResizeNearestNeighbor(Op):
    """``ResizeNearestNeighbor(size, align_corners=False, half_pixel_centers=False)(x)`` on NCHW."""

    @prim_attr_register
    def __init__(self, size, align_corners=False, half_pixel_centers=False):
        if align_corners and half_pixel_centers:
            raise ValueError("For 'ResizeNearestNeighbor', 'align_corners' and 'half_pixel_centers' cannot both be "
                             "True.")

    def __call__(self, input_x):
        a = self.attrs
        t = check_tensor(input_x, "ResizeNearestNeighbor", "input_x")
        size = (a["size"], a["size"]) if isinstance(a["size"], int) else tuple(a["size"])
        return wrap(RS.resize_nearest(t, size, a["align_corners"], a["half_pixel_centers"]))


class ResizeBilinearV2(Op):
    """``ResizeBilinearV2(align_corners=False, half_pixel_centers=False)(image, size)``: with both flags False
    the legacy grid ``src = dst * in / out`` is used."""

    @prim_attr_register
    def __init__(self, align_corners=False, half_pixel_centers=False):
        if align_corners and half_pixel_centers:
            raise ValueError("For 'ResizeBilinearV2', 'align_corners' and 'half_pixel_centers' cannot both be True.")

    def __call__(self, image, size):
        t = check_tensor(image, "ResizeBilinearV2", "image")
        size = size._t.tolist() if isinstance(size, Tensor) else list(size)
        return wrap(RS.resize_bilinear(t, size, self.attrs["align_corners"], self.attrs["half_pixel_centers"]))


class SpaceToDepth(Op):
    @prim_attr_register
    def __init__(self, block_size):
        pass

    def __call__(self, x):
        """TensorFlow order: output channel ``(bh * b + bw) * C + c``."""
        t = check_tensor(x, "SpaceToDepth", "x")
        b = self.attrs["block_size"]
        n, c, h, w = t.shape
        out = t.reshape(n, c, h // b, b, w // b, b).permute(0, 3, 5, 1, 2, 4)
        return wrap(out.reshape(n, c * b * b, h // b, w // b))


class DepthToSpace(Op):
    @prim_attr_register
    def __init__(self, block_size):
        pass

    def __call__(self, x):
        """Inverse of SpaceToDepth: input channel ``(bh * b + bw) * C' + c``."""
        t = check_tensor(x, "DepthToSpace", "x")
        b = self.attrs["block_size"]
        n, c, h, w = t.shape
        out = t.reshape(n, b, b, c // (b * b), h, w).permute(0, 3, 4, 1, 5, 2)
        return wrap(out.reshape(n, c // (b * b), h * b, w * b))


class ResizeNearestNeighborV2(Op):
    @prim_attr_register
    def __init__(self, align_corners=False, half_pixel_centers=False):
        pass

    def __call__(self, image, size):
        t = check_tensor(image, "ResizeNearestNeighborV2", "image")
        return wrap(RS.resize_nearest(t, int_list(size, "ResizeNearestNeighborV2", "size"),
                                      self.attrs["align_corners"], self.attrs["half_pixel_centers"]))


class ResizeBicubic(Op):
    @prim_attr_register
    def __init__(self, align_corners=False, half_pixel_centers=False):
        pass

    def __call__(self, image, size):
        t = check_tensor(image, "ResizeBicubic", "image")
        align, half = self.attrs["align_corners"], self.attrs["half_pixel_centers"]
        size = int_list(size, "ResizeBicubic", "size")
        return wrap(RS.resize_separable(t, size, lambda i, o, dev, dt: RS._cubic_weights(i, o, align, dev, dt, half)))


class ResizeLinear1D(Op):
    @prim_attr_register
    def __init__(self, coordinate_transformation_mode="align_corners"):
        pass

    def __call__(self, x, size):
        t = check_tensor(x, "ResizeLinear1D", "x")
        grid = self.attrs["coordinate_transformation_mode"]
        size = int_list(size, "ResizeLinear1D", "size")
        return wrap(RS.resize_separable(t, size, lambda i, o, dev, dt: RS._linear_weights(i, o, grid, dev, dt)))


class UpsampleNearest3D(Op):
    @prim_attr_register
    def __init__(self):
        pass

    def __call__(self, x, output_size=None, scales=None):
        return wrap(F.interpolate(check_tensor(x, "UpsampleNearest3D", "x"), size=output_size, scale_factor=scales,
                                  mode="nearest"))


class UpsampleTrilinear3D(Op):
    @prim_attr_register
    def __init__(self, align_corners=False):
        pass

    def __call__(self, x, output_size=None, scales=None):
        return wrap(F.interpolate(check_tensor(x, "UpsampleTrilinear3D", "x"), size=output_size,
                                  scale_factor=scales, mode="trilinear", align_corners=self.attrs["align_corners"]))


class AdaptiveAvgPool3D(Op):
    @prim_attr_register
    def __init__(self, output_size):
        pass

    def __call__(self, x):
        return CV.adaptive_avg_pool3d(x, self.attrs["output_size"])


class LRN(Op):
    @prim_attr_register
    def __init__(self, depth_radius=5, bias=1.0, alpha=1.0, beta=0.5, norm_region="ACROSS_CHANNELS"):
        pass

    def __call__(self, x):
        a = self.attrs
        return X.lrn(x, a["depth_radius"], a["bias"], a["alpha"], a["beta"], a["norm_region"])


class Pdist(Op):
    @prim_attr_register
    def __init__(self, p=2.0):
        pass

    def __call__(self, x):
        return X.pdist(x, self.attrs["p"])


class Im2Col(Op):
    @prim_attr_register
    def __init__(self, ksizes, strides=1, dilations=1, pads=0):
        pass

    def __call__(self, x):
        a = self.attrs
        t = check_tensor(x, "Im2Col", "x")
        pads = a["pads"] if isinstance(a["pads"], int) else tuple(a["pads"])[:2]
        cols = F.unfold(t, a["ksizes"], a["dilations"], pads, a["strides"])
        k = math.prod(CV.ntuple(a["ksizes"], 2, "ksizes", "Im2Col"))
        return wrap(cols.reshape(t.shape[0], t.shape[1], k, -1))


class Col2Im(Op):
    @prim_attr_register
    def __init__(self, kernel_size, dilation=1, padding=0, stride=1):
        pass

    def __call__(self, x, output_size):
        a = self.attrs
        t = check_tensor(x, "Col2Im", "x")
        size = int_list(output_size, "Col2Im", "output_size")
        return wrap(F.fold(t.reshape(t.shape[0], -1, t.shape[-1]), tuple(size), a["kernel_size"], a["dilation"],
                           a["padding"], a["stride"]))
