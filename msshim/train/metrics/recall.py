"""``Recall(eval_type='classification')``: per-class ``tp / (tp + fn)`` (``eval(average=True)``: the mean)."""
from __future__ import annotations

from msshim.train.metrics._pr import PrecisionRecall

__all__ = ["Recall"]


class Recall(PrecisionRecall):
    """Inputs as for :class:`Precision`."""

    _name = "Recall"

    @staticmethod
    def _denominator(y_pred, y):
        return y.sum(axis=0)  # actual positives
