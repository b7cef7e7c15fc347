"""Regression losses: L1Loss, L1LossExt, MSELoss, RMSELoss, MAELoss, SmoothL1Loss, HuberLoss."""
from __future__ import annotations

import torch
import torch.nn.functional as F

from msshim.common import dtype as mstype
from msshim.common.tensor import wrap
from msshim.nn.loss._base import LossBase, tensor_of
from msshim.ops.function import loss_func as LF

__all__ = ["L1Loss", "L1LossExt", "MSELoss", "RMSELoss", "MAELoss", "SmoothL1Loss", "HuberLoss"]


class L1Loss(LossBase):
    """``reduce(|logits - labels|)`` (``ops.l1_loss``); broadcasting inputs, Float32 reduction."""

    def construct(self, logits, labels):
        return LF.l1_loss(logits, labels, self.reduction)


class L1LossExt(LossBase):
    """``reduce(|logits - labels|)`` reduced in the input dtype (``l1_loss_ext``)."""

    def construct(self, logits, labels):
        x, y = tensor_of(logits, "input", self.cls_name), tensor_of(labels, "target", self.cls_name)
        return wrap(F.l1_loss(x, y, reduction=self.reduction))


class MSELoss(LossBase):
    """``reduce((logits - labels) ** 2)``; integer inputs give an integer (truncated) loss, as in MindSpore."""

    def construct(self, logits, labels):
        x, y = tensor_of(logits, "logits", self.cls_name), tensor_of(labels, "labels", self.cls_name)
        return wrap(self._reduce(torch.square(LF.sub_checked(x, y))))


class MAELoss(LossBase):
    """``reduce(|logits - label|)``."""

    def construct(self, logits, label):
        x, y = tensor_of(logits, "logits", self.cls_name), tensor_of(label, "labels", self.cls_name)
        return wrap(self._reduce(torch.abs(LF.sub_checked(x, y))))


_UNSIGNED = (torch.uint8, torch.uint16, torch.uint32, torch.uint64)


class RMSELoss(LossBase):
    """``sqrt(mean((logits - label) ** 2))``; unsigned inputs are rejected (TypeError)."""

    def __init__(self):
        super().__init__()
        self.MSELoss = MSELoss()

    def construct(self, logits, label):
        for t in (tensor_of(logits, "logits", self.cls_name), tensor_of(label, "label", self.cls_name)):
            if t.dtype in _UNSIGNED:
                raise TypeError(f"For 'RMSELoss', the parameters data type must not be in [mindspore.uint8, "
                                f"mindspore.uint16, mindspore.uint32, mindspore.uint64], but got "
                                f"{repr(mstype.from_torch(t.dtype))}.")
        return wrap(torch.sqrt(self.MSELoss(logits, label)._t))


class SmoothL1Loss(LossBase):
    """``SmoothL1Loss(beta=1.0, reduction='none')`` (note the default): ``0.5 d^2 / beta`` where
    ``|d| < beta``, else ``|d| - 0.5 beta``.  The primitive needs equal shapes, float inputs (mixed float types
    promote) and ``beta > 0`` -- checked when called, a RuntimeError as in MindSpore."""

    def __init__(self, beta=1.0, reduction="none"):
        super().__init__(reduction)
        self.beta = beta

    def construct(self, logits, labels):
        x, y = tensor_of(logits, "prediction", self.cls_name), tensor_of(labels, "target", self.cls_name)
        LF.check_smooth_l1(x, y, self.beta, allow_zero=False)
        return wrap(LF.smooth_l1(x, y, self.beta, self.reduction))


class HuberLoss(LossBase):
    """``HuberLoss(reduction='mean', delta=1.0)``: ``0.5 d^2`` where ``|d| < delta``, else
    ``delta (|d| - 0.5 delta)``; ``delta`` must be positive (ValueError when called)."""

    def __init__(self, reduction="mean", delta=1.0):
        super().__init__(reduction)
        self.delta = delta

    def construct(self, logits, labels):
        return LF.huber_loss(logits, labels, self.reduction, self.delta)
