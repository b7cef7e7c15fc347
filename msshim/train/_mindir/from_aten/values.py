"""Values of the ATen translation that stay lazy until a consumer decides how to use them (a parameter, a pending
constant pad, a pending max pool), and the torch -> numpy helpers."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from msshim.common import dtype as mstype
from msshim.common._convert import torch_to_numpy


# ------------------------------------------------------------------------------------------------ values
@dataclass
class _Param:
    """A parameter / buffer / lifted constant not yet written (written at first use)."""
    name: str
    tensor: torch.Tensor
    is_parameter: bool


@dataclass
class _Pad:
    """A pending ``constant_pad_nd``: pads[(top, bottom), (left, right)] on the last two axes."""
    source: Any
    pads: tuple[int, int, int, int]
    value: float


@dataclass
class _Unexportable:
    """A value MindIR cannot express (e.g. max pool indices): an error only if something uses it."""
    what: str


@dataclass
class _PendingMaxPool:
    """A max pool whose padding is settled only by the ``narrow`` that msshim's asymmetric "same" pooling puts
    after it (pool with the larger symmetric padding, then drop the first row/column)."""
    source: Any
    in_hw: tuple[int, int]
    kernel: tuple[int, int]
    stride: tuple[int, int]
    pads: tuple[int, int, int, int]
    out_hw: tuple[int, int]


def _numpy(tensor: torch.Tensor) -> np.ndarray:
    """CPU numpy copy (C order) of a (possibly CUDA, possibly bfloat16) tensor."""
    return np.array(torch_to_numpy(tensor), order="C", copy=True)


def _np_dtype(torch_dtype: torch.dtype) -> np.dtype:
    return np.dtype(mstype.dtype_to_nptype(mstype.from_torch(torch_dtype)))


def _meta(node: torch.fx.Node):
    return node.meta.get("val")
