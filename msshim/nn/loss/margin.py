"""Margin, ranking and embedding losses: MarginRankingLoss, SoftMarginLoss, MultiMarginLoss,
MultilabelMarginLoss, MultiLabelSoftMarginLoss, CosineEmbeddingLoss, HingeEmbeddingLoss, TripletMarginLoss,
TripletMarginWithDistanceLoss."""
from __future__ import annotations

import torch
import torch.nn.functional as F

from msshim.common.tensor import wrap
from msshim.nn.layer._conv_padding import check_bool, check_string, check_value_type
from msshim.nn.loss._base import LossBase, check_float_range, tensor_of
from msshim.ops.function import loss_func as LF

__all__ = ["MarginRankingLoss", "SoftMarginLoss", "MultiMarginLoss", "MultilabelMarginLoss",
           "MultiLabelSoftMarginLoss", "CosineEmbeddingLoss", "HingeEmbeddingLoss", "TripletMarginLoss",
           "TripletMarginWithDistanceLoss"]

_REDUCTIONS = ["none", "mean", "sum"]


class MarginRankingLoss(LossBase):
    """``reduce(max(0, -target * (input1 - input2) + margin))``; ``margin`` must be a float (TypeError when
    called) and the three inputs must share one dtype."""

    def __init__(self, margin=0.0, reduction="mean"):
        super().__init__(reduction)
        self.margin = margin

    def construct(self, input1, input2, target):
        return LF.margin_ranking_loss(input1, input2, target, self.margin, self.reduction)


class SoftMarginLoss(LossBase):
    """``reduce(log(1 + exp(-labels * logits)))`` (``reduction`` is checked when called)."""

    def __init__(self, reduction="mean"):
        super().__init__()
        self.reduction = reduction

    def construct(self, logits, labels):
        return LF.soft_margin_loss(logits, labels, self.reduction)


class MultiMarginLoss(LossBase):
    """``MultiMarginLoss(p=1, margin=1.0, reduction='mean', weight=None)``: multi-class hinge loss over the class
    axis; ``weight`` (per class) may also be given when calling."""

    def __init__(self, p=1, margin=1.0, reduction="mean", weight=None):
        super().__init__()
        if p not in (1, 2) or isinstance(p, bool):
            raise ValueError(f"For 'MultiMarginLoss', the 'p' must be 1 or 2, but got {p}.")
        check_value_type("margin", margin, [float, int], "MultiMarginLoss")
        check_string(reduction, _REDUCTIONS, "reduction", "MultiMarginLoss")
        self.p, self.margin, self.reduction = p, float(margin), reduction
        self.weight = weight

    def construct(self, x, target, weight=None):
        xt, yt = tensor_of(x, "x", self.cls_name), tensor_of(target, "target", self.cls_name)
        w = self.weight if self.weight is not None else weight
        wt = None if w is None else tensor_of(w, "weight", self.cls_name)
        return wrap(F.multi_margin_loss(xt, yt.long(), self.p, self.margin, wt, reduction=self.reduction))


class MultilabelMarginLoss(LossBase):
    """Multi-label hinge loss; ``target`` holds class indices padded with -1."""

    def __init__(self, reduction="mean"):
        super().__init__()
        check_string(reduction, _REDUCTIONS, "reduction", "MultilabelMarginLoss")
        self.reduction = reduction

    def construct(self, x, target):
        return LF.multilabel_margin_loss(x, target, self.reduction)


class MultiLabelSoftMarginLoss(LossBase):
    """``MultiLabelSoftMarginLoss(weight=None, reduction='mean')``: per-class logistic loss averaged over the
    classes, then reduced."""

    def __init__(self, weight=None, reduction="mean"):
        super().__init__(reduction)
        self.weight = weight

    def construct(self, x, target):
        return LF.multilabel_soft_margin_loss(x, target, self.weight, self.reduction)


class CosineEmbeddingLoss(LossBase):
    """``CosineEmbeddingLoss(margin=0.0, reduction='mean')``: ``1 - cos`` for labels 1, ``max(0, cos - margin)``
    for labels -1 (0 for other labels); ``margin`` is a float in ``[-1, 1]`` (checked at construction)."""

    def __init__(self, margin=0.0, reduction="mean"):
        super().__init__(reduction)
        check_value_type("margin", margin, [float], self.cls_name)
        self.margin = check_float_range(margin, -1.0, 1.0, "margin", self.cls_name)

    def construct(self, logits_x1, logits_x2, labels):
        cls = self.cls_name
        a, b = tensor_of(logits_x1, "logits_x1", cls), tensor_of(logits_x2, "logits_x2", cls)
        y = tensor_of(labels, "labels", cls)
        if a.dtype != b.dtype:
            raise TypeError(f"For '{cls}', the 'logits_x1' and 'logits_x2' must have the same dtype.")
        if a.shape != b.shape:
            raise ValueError(f"For '{cls}', the 'logits_x1' and 'logits_x2' must have the same shape, but got "
                             f"{tuple(a.shape)} and {tuple(b.shape)}.")
        return wrap(self._reduce(LF.cosine_embedding(a, b, y, self.margin)))


class HingeEmbeddingLoss(LossBase):
    """``HingeEmbeddingLoss(margin=1.0, reduction='mean')``: ``x`` where labels > 0, ``max(0, margin - x)`` where
    labels < 0."""

    def __init__(self, margin=1.0, reduction="mean"):
        super().__init__()
        check_value_type("margin", margin, [float, int], self.cls_name)
        check_string(reduction, ["none", "sum", "mean"], "reduction", self.cls_name)
        self.margin = margin
        self.reduction = reduction

    def construct(self, logits, labels):
        return LF.hinge_embedding_loss(logits, labels, self.margin, self.reduction)


class TripletMarginLoss(LossBase):
    """``TripletMarginLoss(p=2, swap=False, eps=1e-06, reduction='mean', margin=1.0)``:
    ``max(d(x, positive) - d(x, negative) + margin, 0)`` with ``d(a, b) = ||a - b + eps||_p``."""

    def __init__(self, p=2, swap=False, eps=1e-06, reduction="mean", margin=1.0):
        super().__init__()
        self.p, self.swap, self.eps, self.reduction, self.margin = p, swap, eps, reduction, margin

    def construct(self, x, positive, negative, margin=1.0):
        if self.margin != 1.0:
            margin = self.margin
        return LF.triplet_margin_loss(x, positive, negative, margin=margin, p=self.p, eps=self.eps, swap=self.swap,
                                      reduction=self.reduction)


def _pairwise_distance(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    d = (x - y).abs()
    if d.dim() == 0:
        raise ValueError(f"For 'pairwise_distance' in 'TripletMarginWithDistanceLoss', 'ndim' of the input must be "
                         f"positive, but got {d.dim()}")
    return torch.linalg.vector_norm(d, 2, dim=1)


class TripletMarginWithDistanceLoss(LossBase):
    """``TripletMarginWithDistanceLoss(distance_function=None, swap=False, reduction='mean', margin=1.0)``; the
    default distance is the Euclidean norm over axis 1 (no ``eps``).  A custom ``distance_function`` receives
    and returns msshim Tensors."""

    def __init__(self, distance_function=None, swap=False, reduction="mean", margin=1.0):
        super().__init__(reduction)
        if isinstance(margin, bool) or not isinstance(margin, float):
            raise TypeError(f"For '{self.cls_name}', the type of 'margin' must be float, but got "
                            f"{type(margin).__name__}.")
        self.swap = check_bool(swap, "swap", self.cls_name)
        self.distance_function = distance_function
        self.margin = margin

    def _distance(self, a, b) -> torch.Tensor:
        if self.distance_function is None:
            return _pairwise_distance(a._t, b._t)
        return tensor_of(self.distance_function(a, b), "distance", self.cls_name)

    def construct(self, x, positive, negative):
        for v, name in ((x, "x"), (positive, "positive"), (negative, "negative")):
            tensor_of(v, name, self.cls_name)
        d1 = self._distance(x, positive)
        d2 = self._distance(x, negative)
        if self.swap:
            d2 = torch.minimum(d2, self._distance(positive, negative))
        return wrap(self._reduce(torch.clamp(d1 - d2 + self.margin, min=0)))
