"""``LossBase`` and the argument checks shared by the loss cells (MindSpore's ``_checkparam`` wording)."""
from __future__ import annotations

import torch

from msshim.common import dtype as mstype
from msshim.common.tensor import Tensor, wrap
from msshim.nn.cell import Cell
from msshim.ops.function._loss_utils import reduce_loss

__all__ = ["LossBase"]


class LossBase(Cell):
    """Base of loss cells: ``get_loss(x, weights=1.0)`` weights ``x`` and applies the reduction in Float32,
    returning the input's dtype (MindSpore's LossBase; integer losses come back truncated)."""

    _builtin_layer = True

    def __init__(self, reduction: str = "mean"):
        super().__init__()
        if reduction not in ("mean", "sum", "none"):
            raise ValueError(f"For '{type(self).__name__}', the 'reduction' must be in ['mean', 'sum', 'none'], "
                             f"but got {reduction}.")
        self.reduction = reduction
        self.average = reduction == "mean"
        self.reduce = reduction != "none"

    @property
    def cls_name(self) -> str:
        return type(self).__name__

    def get_axis(self, x) -> tuple:
        return tuple(range(len(x.shape)))

    def _reduce(self, x: torch.Tensor, weights=None) -> torch.Tensor:
        """``get_loss`` on torch tensors; ``weights`` None, a torch tensor, a Tensor or a number."""
        mode = ("mean" if self.average else "sum") if self.reduce else "none"
        if isinstance(weights, Tensor):
            weights = weights._t
        elif weights is not None and not isinstance(weights, torch.Tensor):
            weights = None if weights == 1.0 else torch.tensor(float(weights), device=x.device)
        return reduce_loss(x, mode, weights)

    def get_loss(self, x, weights=1.0):
        """``x * weights`` reduced by ``reduction`` in Float32, cast back to ``x``'s dtype."""
        return wrap(self._reduce(x._t, weights))

    def construct(self, logits, labels):
        raise NotImplementedError


def tensor_of(x, name: str, cls_name: str) -> torch.Tensor:
    """``_check_is_tensor``: the torch tensor of a Tensor argument, TypeError otherwise."""
    t = getattr(x, "_t", None)
    if t is None:
        if isinstance(x, torch.Tensor):
            return x
        raise TypeError(f"For '{cls_name}', the '{name}' must be a Tensor, but got '{type(x).__name__}'.")
    return t


def check_type_name(arg_name: str, t: torch.Tensor, valid: tuple, cls_name: str) -> None:
    """``Validator.check_type_name`` on a tensor's dtype, e.g. ``[mstype.float16, mstype.float32]``."""
    if t.dtype not in valid:
        names = [repr(mstype.from_torch(d)) for d in valid]
        got = repr(mstype.from_torch(t.dtype))
        listed = f"one of [{', '.join(names)}]" if len(names) > 1 else str(mstype.from_torch(valid[0]))
        raise TypeError(f"For '{cls_name}', the '{arg_name}' should be {listed}, but got '{got}'.")


def check_float_range(value, low: float, high: float, arg_name: str, cls_name: str) -> float:
    """``check_float_range(..., INC_BOTH)`` (ints accepted, as MindSpore does once the type check passed)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"For '{cls_name}', the '{arg_name}' must be float, but got '{type(value).__name__}'.")
    if not low <= value <= high:
        raise ValueError(f"For '{cls_name}', the '{arg_name}' must be in range of [{low}, {high}], but got {value} "
                         f"with type '{type(value).__name__}'.")
    return value
