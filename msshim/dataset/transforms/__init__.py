"""``mindspore.dataset.transforms``: general transforms (Compose, TypeCast, OneHot, Duplicate)."""
from msshim.dataset.transforms import transforms
from msshim.dataset.transforms.transforms import (Compose, Duplicate, OneHot, PyTensorOperation, TensorOperation,
                                                  TypeCast, not_random)

__all__ = ["transforms", "Compose", "Duplicate", "OneHot", "TypeCast", "not_random", "TensorOperation",
           "PyTensorOperation"]
