"""``Precision(eval_type='classification')``: per-class ``tp / (tp + fp)`` (``eval(average=True)``: the mean)."""
from __future__ import annotations

from msshim.train.metrics._pr import PrecisionRecall

__all__ = ["Precision"]


class Precision(PrecisionRecall):
    """Classification: the argmax of ``y_pred`` ``(N, C)`` against class indices or one-hot ``y``.  Multilabel:
    0/1 ``y_pred`` and ``y`` of one shape; note MindSpore counts over axis 0 of the (classes, samples) matrix
    there, i.e. one value per sample."""

    _name = "Precision"

    @staticmethod
    def _denominator(y_pred, y):
        return y_pred.sum(axis=0)  # predicted positives
