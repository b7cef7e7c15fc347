"""Values of the ATen translation that stay lazy until a consumer decides how to use them (a parameter, a pending
constant pad, a pending max pool), and the torch -> numpy helpers."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch


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
    """CPU numpy copy of a (possibly CUDA, possibly bfloat16) tensor."""
    tensor = tensor.detach()
    if tensor.device.type != "cpu":
        tensor = tensor.cpu()
    if tensor.dtype == torch.bfloat16:
        import ml_dtypes

        return tensor.view(torch.int16).numpy().view(ml_dtypes.bfloat16).copy()
    return tensor.contiguous().numpy().copy()


def _np_dtype(torch_dtype: torch.dtype) -> np.dtype:
    if torch_dtype == torch.bfloat16:
        import ml_dtypes

        return np.dtype(ml_dtypes.bfloat16)
    return torch.empty((), dtype=torch_dtype).numpy().dtype


def _meta(node: torch.fx.Node):
    return node.meta.get("val")
