"""What Precision and Recall share: one-hot / index labels -> per-class 0/1 matrices, and the counting itself
(they differ only in the denominator: predicted positives vs actual positives)."""
from __future__ import annotations

import sys

import numpy as np

from msshim.train.metrics.metric import EvaluationBase, _check_class_num, _class_indices, rearrange_inputs


def prepare(metric, name: str, inputs) -> tuple:
    """``(y_pred, y)`` as ``(samples, classes)`` 0/1 arrays (classification: argmax of the scores vs one-hot of
    the labels; multilabel: the arrays with axis 1 moved first and flattened)."""
    y_pred, y = metric._two_inputs(inputs, name)
    if metric._type == "classification":
        y = _class_indices(y_pred, y)
    metric._check_shape(y_pred, y)
    metric._check_value(y_pred, y)
    class_num = _check_class_num(metric, y_pred, name)
    if metric._type == "classification":
        if y.max() + 1 > class_num:
            raise ValueError("For '{}.update', predicted value (input[0]) should have the same classes number as "
                             "true value (input[1]), but got predicted value classes {}, true value classes {}."
                             .format(name, class_num, y.max() + 1))
        y = np.eye(class_num)[y.reshape(-1)]
        y_pred = np.eye(class_num)[y_pred.argmax(axis=1).reshape(-1)]
    else:
        y_pred = y_pred.swapaxes(1, 0).reshape(class_num, -1)
        y = y.swapaxes(1, 0).reshape(class_num, -1)
    return y_pred, y


def check_average(average, name: str) -> None:
    if not isinstance(average, bool):
        raise TypeError(f"For '{name}', the type of 'average' should be 'bool', but got type "
                        f"'{type(average).__name__}'.")


class PrecisionRecall(EvaluationBase):
    """``true positives / (denominator + eps)`` per class; subclasses name the metric and pick the denominator.
    Multilabel ``eval(average=True)`` is the mean of the per-sample ratios over all updates."""

    _name = ""

    def __init__(self, eval_type="classification"):
        super().__init__(eval_type)
        self.eps = sys.float_info.min
        self.clear()

    @staticmethod
    def _denominator(y_pred, y):
        raise NotImplementedError

    def clear(self):
        self._class_num = 0
        if self._type == "multilabel":
            self._true_positives = np.empty(0)
            self._counts = np.empty(0)
            self._ratio_sum = 0
            self._ratio_count = 0
        else:
            self._true_positives = 0
            self._counts = 0

    @rearrange_inputs
    def update(self, *inputs):
        y_pred, y = prepare(self, self._name, inputs)
        counts = self._denominator(y_pred, y)
        true_positives = (y * y_pred).sum(axis=0)
        if self._type == "multilabel":
            self._ratio_sum += np.float64(np.sum(true_positives / (counts + self.eps)))
            self._ratio_count += len(counts)
            self._true_positives = np.concatenate((self._true_positives, true_positives), axis=0)
            self._counts = np.concatenate((self._counts, counts), axis=0)
        else:
            self._true_positives += true_positives
            self._counts += counts

    def eval(self, average=False):
        if self._class_num == 0:
            raise RuntimeError(f"The '{self._name}' can not be calculated, because the number of samples is 0, "
                               f"please check whether your inputs (predicted value, true value) are empty, or has "
                               f"called update method before calling eval method.")
        check_average(average, self._name)
        result = self._true_positives / (self._counts + self.eps)
        if average:
            if self._type == "multilabel":
                result = self._ratio_sum / (self._ratio_count + self.eps)
            return result.mean()
        return result
