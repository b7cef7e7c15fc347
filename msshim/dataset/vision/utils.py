"""``mindspore.dataset.vision.utils``: enums of the vision transforms and small image helpers."""
from __future__ import annotations

from enum import Enum, IntEnum

import numpy as np

__all__ = ["Inter", "Border", "ImageBatchFormat", "ConvertMode", "get_image_num_channels", "get_image_size"]


class Inter(IntEnum):
    """Interpolation methods (``LINEAR`` is ``BILINEAR``, ``CUBIC`` is ``BICUBIC``)."""
    NEAREST = 0
    ANTIALIAS = 1
    BILINEAR = LINEAR = 2
    BICUBIC = CUBIC = 3
    AREA = 4
    PILCUBIC = 5


class Border(str, Enum):
    """Padding modes: constant value, edge value, reflection without / with the edge pixel."""
    CONSTANT: str = "constant"
    EDGE: str = "edge"
    REFLECT: str = "reflect"
    SYMMETRIC: str = "symmetric"


class ImageBatchFormat(IntEnum):
    NHWC = 0
    NCHW = 1


class ConvertMode(IntEnum):
    COLOR_BGR2BGRA = 0
    COLOR_RGB2RGBA = 0
    COLOR_BGRA2BGR = 1
    COLOR_RGBA2RGB = 1
    COLOR_BGR2RGBA = 2
    COLOR_RGB2BGRA = 2
    COLOR_RGBA2BGR = 3
    COLOR_BGRA2RGB = 3
    COLOR_BGR2RGB = 4
    COLOR_RGB2BGR = 4
    COLOR_BGR2GRAY = 5
    COLOR_RGB2GRAY = 6


def get_image_num_channels(image) -> int:
    """Channels of an HWC image (1 for a 2-D image)."""
    image = np.asarray(image)
    if image.ndim == 2:
        return 1
    if image.ndim == 3:
        return int(image.shape[-1])
    raise RuntimeError("GetImageNumChannels: invalid parameter, image should have at least two dimensions, but "
                       f"got: {image.ndim}")


def get_image_size(image) -> list:
    """[height, width] of an HWC image."""
    image = np.asarray(image)
    if image.ndim < 2:
        raise RuntimeError("GetImageSize: invalid parameter, image should have at least two dimensions, but got: "
                           f"{image.ndim}")
    return [int(image.shape[0]), int(image.shape[1])]
