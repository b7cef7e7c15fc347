"""``mindspore.dataset.vision`` transforms on numpy images (HWC unless stated; <H, W> images are one channel).

Results match MindSpore's CPU kernels: Rescale and Normalize compute in float32 as MindSpore does, HWC2CHW / ToTensor return contiguous CHW arrays, Resize follows ``cv::resize`` (see ``_resize.py``
for the exactness of each interpolation), CenterCrop pads with zeros when the image is smaller than the crop.
Deterministic transforms are ``_batchable``: ``batch`` applies them to a whole stacked batch at once.
"""
from __future__ import annotations

import numbers

import numpy as np

from msshim.dataset.core.validator_helpers import (FLOAT_MAX_INTEGER, FLOAT_MIN_INTEGER, INT32_MAX, check_value,
                                                   type_check, type_check_list)
from msshim.dataset.engine._rows import pipeline_error
from msshim.dataset.transforms.transforms import TensorOperation, TypeCast, _to_np_dtype
from msshim.dataset.vision import _resize
from msshim.dataset.vision.utils import Border, Inter

__all__ = ["Rescale", "Normalize", "HWC2CHW", "Resize", "CenterCrop", "ToTensor", "ToType", "Pad",
           "HorizontalFlip", "VerticalFlip", "RandomHorizontalFlip", "RandomVerticalFlip", "RandomCrop",
           "Crop"]


class ImageTensorOperation(TensorOperation):
    """Base of the image operations: ``_image(img, ndim)`` works on images of rank ``ndim`` with any leading
    batch axes, so the row path (``ndim = img.ndim``) and the batch path (``ndim = block.ndim - 1``) share it."""

    def _execute(self, img):
        return self._image(img, img.ndim)

    def _batch(self, block):
        return self._image(block, block.ndim - 1)

    def _image(self, img, ndim):
        raise NotImplementedError


def _check_float32(value, name) -> None:
    type_check(value, (numbers.Number,), name)
    check_value(value, [FLOAT_MIN_INTEGER, FLOAT_MAX_INTEGER], name)


def _check_crop_size(size) -> None:
    type_check(size, (int, list, tuple), "size")
    if isinstance(size, int):
        check_value(size, (1, FLOAT_MAX_INTEGER))
    elif isinstance(size, (tuple, list)) and len(size) == 2:
        for index, value in enumerate(size):
            type_check(value, (int,), "size[{}]".format(index))
            check_value(value, (1, FLOAT_MAX_INTEGER))
    else:
        raise TypeError("Size should be a single integer or a list/tuple (h, w) of length 2.")


def _hw_axes(ndim: int, name: str):
    """(height axis, width axis) from the end for an image of rank ``ndim`` (<H,W> or <...,H,W,C>)."""
    if ndim == 2:
        return -2, -1
    if ndim >= 3:
        return -3, -2
    raise pipeline_error(f"{name}: input tensor is not in shape of <H,W> or <...,H,W,C>, but got rank: {ndim}")


class Rescale(ImageTensorOperation):
    """``output = image * rescale + shift`` computed in float32 (bit-identical to MindSpore's kernel)."""

    _batchable = True

    def __init__(self, rescale, shift):
        _check_float32(rescale, "rescale")
        _check_float32(shift, "shift")
        super().__init__()
        self.rescale = rescale
        self.shift = shift

    def _image(self, img, ndim):
        out = img.astype(np.float32)
        out *= np.float32(self.rescale)
        out += np.float32(self.shift)
        return out


class Normalize(ImageTensorOperation):
    """``output[c] = (image[c] - mean[c]) / std[c]`` as float32, channels last (``is_hwc``) or first."""

    _batchable = True

    def __init__(self, mean, std, is_hwc=True):
        type_check(mean, (list, tuple), "mean")
        type_check(std, (list, tuple), "std")
        if len(mean) != len(std):
            raise ValueError("Length of mean and std must be equal.")
        for i, value in enumerate(mean):
            type_check(value, (int, float), "mean[{}]".format(i))
            check_value(value, [0, 255], "mean[{}]".format(i))
        for i, value in enumerate(std):
            type_check(value, (int, float), "std[{}]".format(i))
            check_value(value, [0, 255], "std[{}]".format(i), left_open_interval=True)
        type_check(is_hwc, (bool,), "is_hwc")
        super().__init__()
        self.mean = mean
        self.std = std
        self.is_hwc = is_hwc
        self._mean = np.asarray(mean, np.float32)
        self._std = np.asarray(std, np.float32)

    def _image(self, img, ndim):
        if ndim < 2:
            raise pipeline_error(f"Normalize: input tensor is not in shape of <H,W> or <...,H,W,C>, but got rank: "
                                 f"{ndim}")
        if ndim == 2:
            channels, shape = 1, (1, 1)
        elif self.is_hwc:
            channels, shape = img.shape[-1], (-1,)
        else:
            channels, shape = img.shape[-3], (-1, 1, 1)
        if channels != len(self.mean):
            raise pipeline_error("Normalize: number of channels does not match the size of mean and std vectors, "
                                 f"got channels: {channels}, size of mean: {len(self.mean)}")
        out = img.astype(np.float32)
        out -= self._mean.reshape(shape)
        out /= self._std.reshape(shape)
        return out


class HWC2CHW(ImageTensorOperation):
    """<H, W, C> to <C, H, W> (contiguous); an <H, W> image is returned unchanged."""

    _batchable = True

    def _image(self, img, ndim):
        if ndim == 2:
            return img
        if ndim != 3:
            raise pipeline_error(f"HWC2CHW: image shape should be <H,W> or <H,W,C>, but got rank: {ndim}")
        lead = img.ndim - 3
        return np.ascontiguousarray(img.transpose(*range(lead), lead + 2, lead, lead + 1))


def _check_resize_size(size) -> None:
    if isinstance(size, int) and not isinstance(size, bool):
        check_value(size, (1, FLOAT_MAX_INTEGER))
    elif isinstance(size, (tuple, list)) and len(size) == 2:
        for i, value in enumerate(size):
            type_check(value, (int,), "size at dim {0}".format(i))
            check_value(value, (1, INT32_MAX), "size at dim {0}".format(i))
    else:
        raise TypeError("Size should be a single integer or a list/tuple (h, w) of length 2.")


def _resize_shape(size, in_h: int, in_w: int):
    if isinstance(size, int):
        # the shorter edge becomes `size`, the other keeps the aspect ratio (truncated)
        if in_h < in_w:
            return size, int(in_w * size / in_h)
        return int(in_h * size / in_w), size
    return int(size[0]), int(size[1])


class Resize(ImageTensorOperation):
    """Resize to ``size`` ((height, width), or the shorter edge when an int) with ``interpolation``
    (Inter.LINEAR by default; NEAREST, CUBIC and AREA too).  4-D input is a batch of HWC images."""

    _batchable = True

    def __init__(self, size, interpolation=Inter.LINEAR):
        if interpolation is None:
            raise KeyError("Interpolation should not be None")
        _check_resize_size(size)
        type_check(interpolation, (Inter,), "interpolation")
        super().__init__()
        self.size = size
        self.interpolation = interpolation

    def _image(self, img, ndim):
        if ndim not in (2, 3, 4):
            raise pipeline_error(f"Resize: input tensor is not in shape of <H,W> or <H,W,C>, but got rank: {ndim}")
        if self.interpolation in (Inter.ANTIALIAS, Inter.PILCUBIC):
            raise RuntimeError(f"msshim: Resize with {self.interpolation!r} (a PIL algorithm) is not supported; "
                               "use LINEAR, NEAREST, CUBIC or AREA.")
        if ndim == 2:
            return self._image(img[..., None], 3)[..., 0]
        out_h, out_w = _resize_shape(self.size, img.shape[-3], img.shape[-2])
        return _resize.resize(img, out_h, out_w, int(self.interpolation))


def _crop_or_pad(img, ndim, top, left, height, width, name):
    """Rows top..top+height, columns left..left+width (zero padding where they fall outside)."""
    h_axis, w_axis = _hw_axes(ndim, name)
    in_h, in_w = img.shape[h_axis], img.shape[w_axis]
    pad_top, pad_left = max(-top, 0), max(-left, 0)
    pad_bottom, pad_right = max(top + height - in_h, 0), max(left + width - in_w, 0)
    if pad_top or pad_left or pad_bottom or pad_right:
        pads = [(0, 0)] * img.ndim
        pads[h_axis] = (pad_top, pad_bottom)
        pads[w_axis] = (pad_left, pad_right)
        img = np.pad(img, pads)
        top, left = top + pad_top, left + pad_left
    index = [slice(None)] * img.ndim
    index[h_axis] = slice(top, top + height)
    index[w_axis] = slice(left, left + width)
    return np.ascontiguousarray(img[tuple(index)])


class CenterCrop(ImageTensorOperation):
    """Crop the centre ``size`` (an int is a square); smaller images are zero-padded first.  The crop starts at
    ``(H - h) // 2``, ``(W - w) // 2`` (floored, so padding puts the extra row/column on top/left)."""

    _batchable = True

    def __init__(self, size):
        _check_crop_size(size)
        super().__init__()
        self.size = (size, size) if isinstance(size, int) else tuple(size)

    def _image(self, img, ndim):
        h_axis, w_axis = _hw_axes(ndim, "CenterCrop")
        height, width = self.size
        top = (img.shape[h_axis] - height) // 2
        left = (img.shape[w_axis] - width) // 2
        return _crop_or_pad(img, ndim, top, left, height, width, "CenterCrop")


class Crop(ImageTensorOperation):
    """Crop ``size`` starting at ``coordinates`` (top, left)."""

    _batchable = True

    def __init__(self, coordinates, size):
        type_check(coordinates, (list, tuple), "coordinates")
        type_check_list(coordinates, (int,), "coordinates")
        _check_crop_size(size)
        super().__init__()
        self.coordinates = tuple(coordinates)
        self.size = (size, size) if isinstance(size, int) else tuple(size)

    def _image(self, img, ndim):
        h_axis, w_axis = _hw_axes(ndim, "Crop")
        top, left = self.coordinates
        height, width = self.size
        if top + height > img.shape[h_axis] or left + width > img.shape[w_axis]:
            raise pipeline_error("Crop: Crop height dimension: {} exceeds image height: {}.".format(
                top + height, img.shape[h_axis]))
        return _crop_or_pad(img, ndim, top, left, height, width, "Crop")


class ToTensor(ImageTensorOperation):
    """HWC image (uint8 range) to CHW ``output_type`` (float32 by default) divided by 255."""

    _batchable = True

    def __init__(self, output_type=np.float32):
        self._np_dtype = _to_np_dtype(output_type, "output_type")
        super().__init__()
        self.output_type = output_type

    def _image(self, img, ndim):
        if ndim not in (2, 3):
            raise pipeline_error(f"ToTensor: input image is not in shape of <H,W,C> or <H,W>, but got rank: {ndim}")
        if ndim == 2:
            img = img[..., None]
        out = img.astype(np.float32) * np.float32(1.0 / 255.0)
        lead = out.ndim - 3
        out = np.ascontiguousarray(out.transpose(*range(lead), lead + 2, lead, lead + 1))
        return out.astype(self._np_dtype, copy=False)


class ToType(TypeCast):
    """Same as ``transforms.TypeCast``."""


def _parse_padding(padding):
    if isinstance(padding, int):
        return (padding,) * 4
    if len(padding) == 2:
        return (padding[0], padding[1], padding[0], padding[1])
    return tuple(padding)


def _check_padding(padding) -> None:
    type_check(padding, (tuple, list, numbers.Number), "padding")
    if isinstance(padding, numbers.Number):
        type_check(padding, (int,), "padding")
        check_value(padding, (0, INT32_MAX), "padding")
        return
    if len(padding) not in (2, 4):
        raise ValueError("The size of the padding list or tuple should be 2 or 4.")
    for i, pad_value in enumerate(padding):
        type_check(pad_value, (int,), "padding[{}]".format(i))
        check_value(pad_value, (0, INT32_MAX), "pad_value")


def _check_fill(fill_value) -> None:
    if isinstance(fill_value, int):
        check_value(fill_value, (0, 255), "fill_value")
    elif isinstance(fill_value, tuple) and len(fill_value) == 3:
        for value in fill_value:
            type_check(value, (int,), "fill_value")
            check_value(value, (0, 255), "fill_value")
    else:
        raise TypeError("fill_value should be a single integer or a 3-tuple.")


_NP_PAD_MODES = {Border.EDGE: "edge", Border.REFLECT: "reflect", Border.SYMMETRIC: "symmetric"}


def _pad(img, ndim, left, top, right, bottom, fill_value, mode):
    h_axis, w_axis = _hw_axes(ndim, "Pad")
    pads = [(0, 0)] * img.ndim
    pads[h_axis] = (top, bottom)
    pads[w_axis] = (left, right)
    if mode != Border.CONSTANT:
        return np.pad(img, pads, mode=_NP_PAD_MODES[mode])
    if isinstance(fill_value, tuple) and ndim == 3 and img.shape[-1] == 3:
        return np.stack([np.pad(img[..., c], pads[:-1], constant_values=fill_value[c]) for c in range(3)], -1)
    value = fill_value[0] if isinstance(fill_value, tuple) else fill_value
    return np.pad(img, pads, constant_values=value)


class Pad(ImageTensorOperation):
    """Pad the borders: ``padding`` is one value, (left/right, top/bottom) or (left, top, right, bottom)."""

    _batchable = True

    def __init__(self, padding, fill_value=0, padding_mode=Border.CONSTANT):
        _check_padding(padding)
        _check_fill(fill_value)
        type_check(padding_mode, (Border,), "padding_mode")
        super().__init__()
        self.padding = _parse_padding(padding)
        self.fill_value = fill_value
        self.padding_mode = padding_mode

    def _image(self, img, ndim):
        return _pad(img, ndim, *self.padding, self.fill_value, self.padding_mode)


class HorizontalFlip(ImageTensorOperation):
    """Mirror left-right."""

    _batchable = True

    def _image(self, img, ndim):
        return np.ascontiguousarray(np.flip(img, axis=_hw_axes(ndim, "HorizontalFlip")[1]))


class VerticalFlip(ImageTensorOperation):
    """Mirror top-bottom."""

    _batchable = True

    def _image(self, img, ndim):
        return np.ascontiguousarray(np.flip(img, axis=_hw_axes(ndim, "VerticalFlip")[0]))


def _check_prob(prob) -> None:
    type_check(prob, (float, int), "prob")
    check_value(prob, [0.0, 1.0], "prob")


def _rng():
    from msshim.dataset.core.config import _transform_rng
    return _transform_rng()


class _RandomFlip(ImageTensorOperation):
    """The flip ``_flip`` with probability ``prob`` (draws from the dataset seed's generator)."""

    _flip: type = HorizontalFlip

    def __init__(self, prob=0.5):
        _check_prob(prob)
        super().__init__()
        self.prob = prob
        self.random = True

    def _image(self, img, ndim):
        return self._flip()._image(img, ndim) if _rng().random() < self.prob else img


class RandomHorizontalFlip(_RandomFlip):
    """Mirror left-right with probability ``prob`` (draws from the dataset seed's generator)."""

    _flip = HorizontalFlip


class RandomVerticalFlip(_RandomFlip):
    """Mirror top-bottom with probability ``prob``."""

    _flip = VerticalFlip


class RandomCrop(ImageTensorOperation):
    """Pad by ``padding`` (and, with ``pad_if_needed``, up to ``size``), then crop ``size`` at a random place."""

    def __init__(self, size, padding=None, pad_if_needed=False, fill_value=0, padding_mode=Border.CONSTANT):
        _check_crop_size(size)
        type_check(pad_if_needed, (bool,), "pad_if_needed")
        if padding is not None:
            _check_padding(padding)
        if fill_value is not None:
            _check_fill(fill_value)
        if padding_mode is not None:
            type_check(padding_mode, (Border,), "padding_mode")
        super().__init__()
        self.size = (size, size) if isinstance(size, int) else tuple(size)
        self.padding = (0, 0, 0, 0) if padding is None else _parse_padding(padding)
        self.pad_if_needed = pad_if_needed
        self.fill_value = fill_value
        self.padding_mode = padding_mode
        self.random = True

    def _image(self, img, ndim):
        img = _pad(img, ndim, *self.padding, self.fill_value, self.padding_mode)
        h_axis, w_axis = _hw_axes(ndim, "RandomCrop")
        height, width = self.size
        if self.pad_if_needed:
            extra_h = max(height - img.shape[h_axis], 0)
            extra_w = max(width - img.shape[w_axis], 0)
            if extra_h or extra_w:
                img = _pad(img, ndim, extra_w, extra_h, extra_w, extra_h, self.fill_value, self.padding_mode)
        in_h, in_w = img.shape[h_axis], img.shape[w_axis]
        if in_h < height or in_w < width:
            raise pipeline_error(f"RandomCrop: invalid crop size, crop size is bigger than the image dimensions, got "
                                 f"crop height: {height}, crop width: {width}")
        top = int(_rng().integers(in_h - height + 1))
        left = int(_rng().integers(in_w - width + 1))
        return _crop_or_pad(img, ndim, top, left, height, width, "RandomCrop")
