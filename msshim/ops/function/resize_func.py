"""Padding and resizing: ``pad``, ``interpolate``/``upsample``, ``grid_sample``, ``affine_grid``, and the resize
kernels behind the ``ResizeNearestNeighbor``/``ResizeBilinearV2`` primitives.

MindSpore semantics kept here:
* ``pad(input_x, padding, mode='constant', value=None)``: ``padding`` is torch's layout (last axis first,
  ``(left, right, top, bottom, ...)``); negative values crop; ``'reflect'``/``'replicate'``/``'circular'``
  take at most 6 values.
* ``interpolate`` routes as MindSpore 2.10 does: ``'nearest'`` -> ResizeNearestNeighborV2 (``floor(dst * in/out)``),
  ``'bilinear'`` -> ResizeBilinearV2 (half-pixel centres unless ``align_corners``), ``'bicubic'`` ->
  ResizeBicubic (TensorFlow's Keys kernel ``a=-0.5`` with out-of-image taps dropped and renormalised in half-pixel
  mode, ``a=-0.75`` with clamped taps when ``align_corners``), ``'area'`` -> adaptive average pooling;
  ``scale_factor`` is refused for 4-D ``'nearest'`` unless ``recompute_scale_factor=True``.
* ``ResizeBilinearV2(align_corners=False, half_pixel_centers=False)`` uses the legacy ``src = dst * in/out`` grid.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from msshim.common.tensor import Tensor, wrap
from msshim.ops.function._utils import check_tensor

__all__ = ["pad", "interpolate", "upsample", "grid_sample", "affine_grid"]

_MODES = ["nearest", "linear", "bilinear", "bicubic", "area", "nearest-exact", "trilinear"]
_SUPPORTED = {"nearest": {3: (), 4: (), 5: ("scale_factor",)}, "linear": {3: ("align_corners",)},
              "bilinear": {4: ("align_corners",)}, "bicubic": {4: ("align_corners",)},
              "area": {3: ("scale_factor",), 4: ("scale_factor",), 5: ("scale_factor",)},
              "nearest-exact": {3: (), 4: ()}, "trilinear": {5: ("align_corners", "scale_factor")}}


def pad(input_x, padding, mode="constant", value=None) -> Tensor:
    """``ops.pad(input_x, padding, mode='constant', value=None)``."""
    if not isinstance(input_x, Tensor):
        raise TypeError(f"For 'pad', the type of 'input_x' must be Tensor, but got {type(input_x)}.")
    if isinstance(padding, Tensor):
        padding = padding._t.tolist()
    if isinstance(padding, (tuple, list)) and not padding:
        return input_x
    if not isinstance(padding, (tuple, list)):
        raise TypeError(f"For 'pad', the type of 'paddings' must be a tuple of int or list of int or a Tensor, but got "
                        f"{type(padding)}.")
    if len(padding) % 2:
        raise ValueError(f"For 'pad', the size of padding must be divisible by 2, but got {len(padding)}")
    for p in padding:
        if isinstance(p, bool) or not isinstance(p, int):
            raise TypeError(f"For 'pad', the paddings value must be tuple of int or list of int, but got {padding}")
    t = input_x._t
    if len(padding) // 2 > t.dim():
        raise ValueError(f"For 'pad', the length of padding must be at most twice the rank of input {t.dim()}, but "
                         f"got {len(padding)}.")
    if mode == "constant":
        v = 0 if value is None else (value.item() if isinstance(value, Tensor) else value)
        return wrap(F.pad(t, list(padding), "constant", v))
    if mode not in ("reflect", "replicate", "circular"):
        raise ValueError(f"For 'pad', the 'mode' must be 'constant', 'reflect', 'replicate' or 'circular', but got "
                         f"{mode}.")
    if len(padding) > 6:
        raise ValueError(f"For 'pad', the padding must be less than or equal to 6, but got {len(padding)}.")
    if value is not None:
        raise ValueError(f"For 'pad', the padding mode '{mode}' can not set value, but got value {value}.")
    expand = len(padding) // 2 + 1 == t.dim()
    src = t.unsqueeze(0) if expand else t
    try:
        out = F.pad(src, list(padding), mode)
    except (NotImplementedError, RuntimeError) as exc:
        raise ValueError(f"For primitive[PadV3], the padding of size {len(padding)} in mode '{mode}' is not "
                         f"supported for an input of rank {t.dim()} ({exc}).") from None
    return wrap(out.squeeze(0) if expand else out)


# ---------------------------------------------------------------------------------------------- resize kernels
def nearest_indices(in_size: int, out_size: int, align_corners: bool, half_pixel: bool, device) -> torch.Tensor:
    """Source rows of TensorFlow-style nearest-neighbour resizing."""
    dst = torch.arange(out_size, device=device, dtype=torch.float64)
    if align_corners:
        scale = (in_size - 1) / (out_size - 1) if out_size > 1 else 0.0
        src = torch.floor(dst * scale + 0.5)  # roundf: half away from zero (all values >= 0)
    else:
        scale = in_size / out_size
        src = torch.floor((dst + 0.5) * scale) if half_pixel else torch.floor(dst * scale)
    return src.clamp(0, in_size - 1).long()


def resize_nearest(t: torch.Tensor, size, align_corners: bool = False, half_pixel: bool = False) -> torch.Tensor:
    """Nearest resize of the trailing ``len(size)`` axes."""
    out = t
    n = len(size)
    for axis, out_size in enumerate(size):
        dim = t.dim() - n + axis
        idx = nearest_indices(t.shape[dim], int(out_size), align_corners, half_pixel, t.device)
        out = out.index_select(dim, idx)
    return out


def _linear_weights(in_size: int, out_size: int, mode: str, device, dtype) -> torch.Tensor:
    """(out, in) interpolation matrix for 'align_corners', 'half_pixel' or 'legacy' (``dst * in/out``) grids."""
    dst = torch.arange(out_size, device=device, dtype=torch.float64)
    if mode == "align_corners":
        scale = (in_size - 1) / (out_size - 1) if out_size > 1 else 0.0
        src = dst * scale
    elif mode == "half_pixel":
        src = (dst + 0.5) * (in_size / out_size) - 0.5
    else:
        src = dst * (in_size / out_size)
    floor = torch.floor(src)
    frac = src - floor
    lo = floor.clamp(0, in_size - 1).long()
    hi = torch.ceil(src).clamp(0, in_size - 1).long()
    w = torch.zeros(out_size, in_size, dtype=torch.float64, device=device)
    rows = torch.arange(out_size, device=device)
    w.index_put_((rows, lo), 1 - frac, accumulate=True)
    w.index_put_((rows, hi), frac, accumulate=True)
    return w.to(dtype)


def _cubic_weights(in_size: int, out_size: int, align_corners: bool, device, dtype,
                   half_pixel: bool | None = None) -> torch.Tensor:
    """(out, in) TensorFlow ResizeBicubic matrix: Keys a=-0.5 with out-of-image taps dropped and renormalised in
    half-pixel mode, a=-0.75 with clamped taps otherwise (``align_corners`` or the legacy ``dst * in/out`` grid)."""
    dst = torch.arange(out_size, device=device, dtype=torch.float64)
    if half_pixel is None:
        half_pixel = not align_corners
    if align_corners:
        src = dst * ((in_size - 1) / (out_size - 1) if out_size > 1 else 0.0)
    elif half_pixel:
        src = (dst + 0.5) * (in_size / out_size) - 0.5
    else:
        src = dst * (in_size / out_size)
    a = -0.5 if half_pixel else -0.75
    base = torch.floor(src)
    frac = torch.round((src - base) * 1024) / 1024  # TF looks coefficients up in a 1024-entry table
    taps = torch.stack([base - 1, base, base + 1, base + 2], 1)
    dist = torch.stack([1 + frac, frac, 1 - frac, 2 - frac], 1)
    near = ((a + 2) * dist - (a + 3)) * dist * dist + 1
    far = ((a * dist - 5 * a) * dist + 8 * a) * dist - 4 * a
    coeff = torch.where(dist <= 1, near, far)
    idx = taps.clamp(0, in_size - 1).long()
    if half_pixel:
        coeff = torch.where(idx.double() == taps, coeff, torch.zeros_like(coeff))
        total = coeff.sum(1, keepdim=True)
        coeff = torch.where(total.abs() > 0, coeff / total, coeff)
    w = torch.zeros(out_size, in_size, dtype=torch.float64, device=device)
    rows = torch.arange(out_size, device=device).unsqueeze(1).expand_as(idx)
    w.index_put_((rows.reshape(-1), idx.reshape(-1)), coeff.reshape(-1), accumulate=True)
    return w.to(dtype)


def resize_separable(t: torch.Tensor, size, weights_fn) -> torch.Tensor:
    """Apply an (out, in) matrix per trailing axis: ``weights_fn(in_size, out_size, device, dtype)``."""
    out = t if t.is_floating_point() else t.to(torch.float32)
    n = len(size)
    for axis, out_size in enumerate(size):
        dim = out.dim() - n + axis
        w = weights_fn(out.shape[dim], int(out_size), out.device, out.dtype)
        out = torch.movedim(torch.tensordot(out, w, dims=([dim], [1])), -1, dim)
    return out


def resize_bilinear(t: torch.Tensor, size, align_corners: bool, half_pixel: bool) -> torch.Tensor:
    """ResizeBilinearV2 on NCHW."""
    if align_corners:
        return F.interpolate(t, size=tuple(size), mode="bilinear", align_corners=True)
    if half_pixel:
        return F.interpolate(t, size=tuple(size), mode="bilinear", align_corners=False)
    return resize_separable(t, size, lambda i, o, dev, dt: _linear_weights(i, o, "legacy", dev, dt))


# ---------------------------------------------------------------------------------------------- interpolate
def _check_positive_ints(size, name: str) -> None:
    for s in size:
        if isinstance(s, bool) or not isinstance(s, int) or s <= 0:
            raise ValueError(f"For 'interpolate', the '{name}' must be positive int(s), but got {size}.")


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None) -> Tensor:
    """``ops.interpolate(input, size=None, scale_factor=None, mode='nearest', align_corners=None,
    recompute_scale_factor=None)`` for 3-D (N, C, L), 4-D and 5-D inputs."""
    if not isinstance(input, Tensor):
        raise TypeError(f"For 'interpolate', 'input' must be a tensor, but got {type(input)}")
    t = input._t
    rank = t.dim()
    if size is not None and scale_factor is not None:
        raise ValueError("For 'interpolate', 'size' and 'scale_factor' cannot be set simultaneously")
    if size is None and scale_factor is None:
        raise ValueError("For 'interpolate', 'size' and 'scale_factor' cannot be both empty")
    if size is not None:
        size = tuple(size) if isinstance(size, (list, tuple)) else (size,) * (rank - 2)
        _check_positive_ints(size, "size")
        if len(size) != rank - 2:
            raise ValueError(f"For 'interpolate', the length of 'size' must be {rank - 2}, but got {len(size)}.")
    else:
        scale_factor = tuple(scale_factor) if isinstance(scale_factor, (list, tuple)) else \
            (scale_factor,) * (rank - 2)
    if mode not in _MODES:
        raise ValueError(f"For 'interpolate', 'mode' must be in '{_MODES}', but got {mode}")
    allowed = _SUPPORTED[mode]
    if rank not in allowed:
        raise ValueError(f"For 'interpolate', {mode} only support {list(allowed)}D, but got {rank}D.")
    if mode == "area" and size is None:
        recompute_scale_factor = True
    if recompute_scale_factor:
        if size is not None:
            raise ValueError("For 'interpolate', it is incorrect to set 'recompute_scale_factor' to True after "
                             "specifying an explicit 'size'.")
        size = tuple(int(math.floor(t.shape[i + 2] * scale_factor[i])) for i in range(rank - 2))
        scale_factor = None
    elif scale_factor is not None and "scale_factor" not in allowed[rank]:
        raise ValueError(f"For 'interpolate', 'scale_factor' option cannot currently be set with the mode = {mode} "
                         f"and dim = {rank}D.")
    if align_corners is not None:
        if not isinstance(align_corners, bool):
            raise TypeError(f"For 'interpolate', 'align_corners' must be bool, but got {type(align_corners)}.")
        if "align_corners" not in allowed[rank]:
            raise ValueError(f"For 'interpolate', 'align_corners' option can only be set with the interpolating "
                             f"modes: linear | bilinear | bicubic | trilinear, but got {mode}.")
    align = bool(align_corners)
    if mode == "nearest":
        if rank == 5:
            return wrap(F.interpolate(t, size=size, scale_factor=scale_factor, mode="nearest"))
        return wrap(resize_nearest(t, size))
    if mode == "nearest-exact":
        return wrap(resize_nearest(t, size, half_pixel=True))
    if mode == "linear":
        grid = "align_corners" if align else "half_pixel"
        return wrap(resize_separable(t, size, lambda i, o, dev, dt: _linear_weights(i, o, grid, dev, dt)))
    if mode == "bilinear":
        return wrap(resize_bilinear(t, size, align, not align))
    if mode == "bicubic":
        return wrap(resize_separable(t, size, lambda i, o, dev, dt: _cubic_weights(i, o, align, dev, dt)))
    if mode == "trilinear":
        return wrap(F.interpolate(t, size=size, scale_factor=scale_factor, mode="trilinear", align_corners=align))
    pool = (F.adaptive_avg_pool1d, F.adaptive_avg_pool2d, F.adaptive_avg_pool3d)[rank - 3]
    return wrap(pool(t, size if rank > 3 else size[0]))


upsample = interpolate


def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None) -> Tensor:
    return wrap(F.grid_sample(check_tensor(input, "GridSampler"), check_tensor(grid, "GridSampler", "grid"), mode,
                              padding_mode, bool(align_corners)))


def affine_grid(theta, size, align_corners=False) -> Tensor:
    return wrap(F.affine_grid(check_tensor(theta, "AffineGrid", "theta"), list(size), align_corners))
