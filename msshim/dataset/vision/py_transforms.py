"""``mindspore.dataset.vision.py_transforms`` (MindSpore 1.x path): the operations of ``mindspore.dataset.vision``."""
from msshim.dataset.vision.transforms import (HWC2CHW, CenterCrop, Crop, HorizontalFlip, Normalize, Pad,  # noqa: F401
                                              RandomCrop, RandomHorizontalFlip, RandomVerticalFlip, Rescale, Resize,
                                              ToTensor, ToType, VerticalFlip)
from msshim.dataset.vision.utils import Border, Inter  # noqa: F401

__all__ = ["HWC2CHW", "CenterCrop", "Crop", "HorizontalFlip", "Normalize", "Pad", "RandomCrop",
           "RandomHorizontalFlip", "RandomVerticalFlip", "Rescale", "Resize", "ToTensor", "ToType", "VerticalFlip",
           "Border", "Inter"]
