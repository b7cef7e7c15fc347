"""``mindspore.dataset.transforms.c_transforms`` (MindSpore 1.x path): the same operations as
``mindspore.dataset.transforms``."""
from msshim.dataset.transforms.transforms import Compose, Duplicate, OneHot, TypeCast  # noqa: F401

__all__ = ["Compose", "Duplicate", "OneHot", "TypeCast"]
