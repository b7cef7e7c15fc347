"""What the loss functions share: MindSpore's reduction checks and its ``_get_loss`` reduction."""
from __future__ import annotations

import torch

from msshim.ops.function._utils import broadcast_error, shapes_broadcast

REDUCTIONS = ("mean", "sum", "none")


def check_reduction(reduction, op: str) -> None:
    if reduction not in REDUCTIONS:
        raise ValueError(f"For '{op}', the 'reduction' must be in ['mean', 'sum', 'none'], but got {reduction}.")


def check_enum_reduction(reduction, op: str) -> None:
    """The primitive-level check (BCEWithLogitsLoss, BinaryCrossEntropy, SmoothL1Loss): an enum conversion."""
    if reduction not in REDUCTIONS:
        raise ValueError(f"Failed to convert the value \"{reduction}\" of input 'reduction' of '{op}' to enum.")


def reduce_loss(x: torch.Tensor, reduction: str, weights=None) -> torch.Tensor:
    """MindSpore's ``_get_loss`` / ``LossBase.get_loss``: weight and reduce in Float32, return the loss dtype
    (integer losses come back truncated, as MindSpore casts them)."""
    dtype = x.dtype
    if dtype != torch.float32:
        x = x.to(torch.float32)
    if weights is not None:
        x = x * weights.to(torch.float32)
    if reduction == "mean":
        x = x.mean()
    elif reduction == "sum":
        x = x.sum()
    return x if dtype == torch.float32 else x.to(dtype)


def reduce_checked(x: torch.Tensor, reduction: str, op: str) -> torch.Tensor:
    """:func:`reduce_loss` after :func:`check_reduction`."""
    check_reduction(reduction, op)
    return reduce_loss(x, reduction)


def reduce_plain(x: torch.Tensor, reduction: str) -> torch.Tensor:
    """``loss.mean()`` / ``loss.sum()`` in the loss dtype (the functional forms that do not use _get_loss)."""
    if reduction == "mean":
        return x.mean()
    if reduction == "sum":
        return x.sum()
    return x


def sub_checked(a: torch.Tensor, b: torch.Tensor, op: str = "SubExt") -> torch.Tensor:
    """``a - b`` with MindSpore's broadcast ValueError (checked only when the shapes differ)."""
    if a.shape != b.shape and not shapes_broadcast(a, b):
        raise broadcast_error(op, a, b, ("input", "other"))
    return a - b
