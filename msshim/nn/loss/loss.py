"""Loss cells with MindSpore's ``reduction`` semantics ('mean', 'sum', 'none')."""
from __future__ import annotations

import torch

from msshim.common.tensor import wrap
from msshim.nn.cell import Cell

__all__ = ["LossBase", "MSELoss", "L1Loss"]


class LossBase(Cell):
    """Base of loss cells: ``get_loss(x, weights=1.0)`` weights ``x`` and applies the reduction in float32,
    returning the input's dtype (MindSpore's LossBase)."""

    _builtin_layer = True

    def __init__(self, reduction: str = "mean"):
        super().__init__()
        if reduction not in ("mean", "sum", "none"):
            raise ValueError(f"For '{type(self).__name__}', the 'reduction' must be in ['mean', 'sum', 'none'], "
                             f"but got {reduction}.")
        self.reduction = reduction
        self.average = reduction == "mean"
        self.reduce = reduction != "none"

    def _reduce(self, x: torch.Tensor, weights=1.0) -> torch.Tensor:
        dtype = x.dtype
        x = x.float() * (weights._t.float() if hasattr(weights, "_t") else weights)
        if self.reduce:
            x = x.mean() if self.average else x.sum()
        return x.to(dtype)

    def get_loss(self, x, weights=1.0):
        return wrap(self._reduce(x._t, weights))


class MSELoss(LossBase):
    """Mean squared error: reduce((logits - labels) ** 2)."""

    def construct(self, logits, labels):
        return wrap(self._reduce(torch.square(logits._t - labels._t)))


class L1Loss(LossBase):
    """Mean absolute error: reduce(|logits - labels|)."""

    def construct(self, logits, labels):
        return wrap(self._reduce(torch.abs(logits._t - labels._t)))
