"""``mindspore.dataset.vision``: image transforms on numpy arrays."""
from msshim.dataset.vision import transforms, utils
from msshim.dataset.vision.transforms import (HWC2CHW, CenterCrop, Crop, HorizontalFlip, Normalize, Pad,
                                              RandomCrop, RandomHorizontalFlip, RandomVerticalFlip, Rescale, Resize,
                                              ToTensor, ToType, VerticalFlip)
from msshim.dataset.vision.utils import Border, ConvertMode, ImageBatchFormat, Inter, get_image_num_channels, \
    get_image_size

__all__ = ["transforms", "utils", "HWC2CHW", "CenterCrop", "Crop", "HorizontalFlip", "Normalize", "Pad",
           "RandomCrop", "RandomHorizontalFlip", "RandomVerticalFlip", "Rescale", "Resize", "ToTensor", "ToType",
           "VerticalFlip", "Border", "ConvertMode", "ImageBatchFormat", "Inter", "get_image_num_channels",
           "get_image_size"]
