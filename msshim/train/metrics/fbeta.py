"""``Fbeta(beta)`` and ``F1()``: per-class ``(1 + b^2) tp / (b^2 (tp + fn) + tp + fp)``."""
from __future__ import annotations

import sys

import numpy as np

from msshim.train.metrics import _pr
from msshim.train.metrics.metric import Metric, _check_class_num, _class_indices, rearrange_inputs

__all__ = ["Fbeta", "F1"]


class Fbeta(Metric):
    """Scores ``(N, C)`` against class indices or one-hot labels; ``eval(average=True)`` averages the classes."""

    def __init__(self, beta):
        super().__init__()
        self.eps = sys.float_info.min
        if not beta > 0:
            raise ValueError("For 'Fbeta', the argument 'beta' must be greater than 0, but got {}.".format(beta))
        self.beta = beta
        self.clear()

    def clear(self):
        self._true_positives = 0
        self._actual_positives = 0
        self._positives = 0
        self._class_num = 0

    @rearrange_inputs
    def update(self, *inputs):
        y_pred, y = self._two_inputs(inputs, "Fbeta")
        y = _class_indices(y_pred, y)
        class_num = _check_class_num(self, y_pred, "Fbeta")
        if y.max() + 1 > class_num:
            raise ValueError("For 'Fbeta.update', predicted value(inputs[0]) and true value(inputs[1]) "
                             "should contain same classes, but got predicted value contains {} classes"
                             " and true value contains {} classes.".format(class_num, y.max() + 1))
        y = np.eye(class_num)[y.reshape(-1)]
        y_pred = np.eye(class_num)[y_pred.argmax(axis=1).reshape(-1)]
        self._true_positives += (y * y_pred).sum(axis=0)
        self._positives += y_pred.sum(axis=0)
        self._actual_positives += y.sum(axis=0)

    def eval(self, average=False):
        _pr.check_average(average, type(self).__name__)
        if self._class_num == 0:
            raise RuntimeError("The 'Fbeta' can not be calculated, because the number of samples is 0, "
                               "please check whether your inputs(predicted value, true value) are empty, "
                               "or has called update method before calling eval method.")
        fbeta = (1.0 + self.beta ** 2) * self._true_positives / \
            (self.beta ** 2 * self._actual_positives + self._positives + self.eps)
        return fbeta.mean() if average else fbeta


class F1(Fbeta):
    """``Fbeta(1.0)``."""

    def __init__(self):
        super().__init__(1.0)
