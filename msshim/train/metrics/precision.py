"""``Precision(eval_type='classification')``: per-class ``tp / (tp + fp)`` (``eval(average=True)``: the mean)."""
from __future__ import annotations

import sys

import numpy as np

from msshim.train.metrics import _pr
from msshim.train.metrics.metric import EvaluationBase, rearrange_inputs

__all__ = ["Precision"]


class Precision(EvaluationBase):
    """Classification: the argmax of ``y_pred`` ``(N, C)`` against class indices or one-hot ``y``.  Multilabel:
    0/1 ``y_pred`` and ``y`` of one shape; note MindSpore counts over axis 0 of the (classes, samples) matrix
    there, i.e. one value per sample."""

    def __init__(self, eval_type="classification"):
        super().__init__(eval_type)
        self.eps = sys.float_info.min
        self.clear()

    def clear(self):
        self._class_num = 0
        if self._type == "multilabel":
            self._true_positives = np.empty(0)
            self._positives = np.empty(0)
            self._true_positives_average = 0
            self._positives_average = 0
        else:
            self._true_positives = 0
            self._positives = 0

    @rearrange_inputs
    def update(self, *inputs):
        y_pred, y = _pr.prepare(self, "Precision", inputs)
        positives = y_pred.sum(axis=0)
        true_positives = (y * y_pred).sum(axis=0)
        if self._type == "multilabel":
            self._true_positives_average += np.float64(np.sum(true_positives / (positives + self.eps)))
            self._positives_average += len(positives)
            self._true_positives = np.concatenate((self._true_positives, true_positives), axis=0)
            self._positives = np.concatenate((self._positives, positives), axis=0)
        else:
            self._true_positives += true_positives
            self._positives += positives

    def eval(self, average=False):
        if self._class_num == 0:
            raise RuntimeError("The 'Precision' can not be calculated, because the number of samples is 0, "
                               "please check whether your inputs (predicted value, true value) are empty, or "
                               "has called update method before calling eval method.")
        _pr.check_average(average, "Precision")
        result = self._true_positives / (self._positives + self.eps)
        if average:
            if self._type == "multilabel":
                result = self._true_positives_average / (self._positives_average + self.eps)
            return result.mean()
        return result
