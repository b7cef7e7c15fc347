"""``Recall(eval_type='classification')``: per-class ``tp / (tp + fn)`` (``eval(average=True)``: the mean)."""
from __future__ import annotations

import sys

import numpy as np

from msshim.train.metrics import _pr
from msshim.train.metrics.metric import EvaluationBase, rearrange_inputs

__all__ = ["Recall"]


class Recall(EvaluationBase):
    """Inputs as for :class:`Precision`."""

    def __init__(self, eval_type="classification"):
        super().__init__(eval_type)
        self.eps = sys.float_info.min
        self.clear()

    def clear(self):
        self._class_num = 0
        if self._type == "multilabel":
            self._true_positives = np.empty(0)
            self._actual_positives = np.empty(0)
            self._true_positives_average = 0
            self._actual_positives_average = 0
        else:
            self._true_positives = 0
            self._actual_positives = 0

    @rearrange_inputs
    def update(self, *inputs):
        y_pred, y = _pr.prepare(self, "Recall", inputs)
        actual_positives = y.sum(axis=0)
        true_positives = (y * y_pred).sum(axis=0)
        if self._type == "multilabel":
            self._true_positives_average += np.float64(np.sum(true_positives / (actual_positives + self.eps)))
            self._actual_positives_average += len(actual_positives)
            self._true_positives = np.concatenate((self._true_positives, true_positives), axis=0)
            self._actual_positives = np.concatenate((self._actual_positives, actual_positives), axis=0)
        else:
            self._true_positives += true_positives
            self._actual_positives += actual_positives

    def eval(self, average=False):
        if self._class_num == 0:
            raise RuntimeError("The 'Recall' can not be calculated, because the number of samples is 0, please check "
                               "whether your inputs (predicted value, true value) are empty, or has called update "
                               "method before calling eval method.")
        _pr.check_average(average, "Recall")
        result = self._true_positives / (self._actual_positives + self.eps)
        if average:
            if self._type == "multilabel":
                result = self._true_positives_average / (self._actual_positives_average + self.eps)
            return result.mean()
        return result
