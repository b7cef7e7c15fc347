"""``Accuracy(eval_type='classification')``: the fraction of correctly predicted samples."""
from __future__ import annotations

import numpy as np

from msshim.train.metrics.metric import EvaluationBase, _check_class_num, _class_indices, rearrange_inputs

__all__ = ["Accuracy"]


class Accuracy(EvaluationBase):
    """Classification: ``argmax(y_pred, axis=1) == y`` with ``y`` class indices ``(N, ...)`` or one-hot ``(N, C,
    ...)``.  Multilabel: a sample counts when all its 0/1 labels match.  ``eval()`` returns a numpy float."""

    def __init__(self, eval_type="classification"):
        super().__init__(eval_type)
        self.clear()

    def clear(self):
        self._correct_num = 0
        self._total_num = 0
        self._class_num = 0

    @rearrange_inputs
    def update(self, *inputs):
        y_pred, y = self._two_inputs(inputs, "Accuracy", end="")
        if self._type == "classification":
            y = _class_indices(y_pred, y)
        self._check_shape(y_pred, y)
        self._check_value(y_pred, y)
        class_num = _check_class_num(self, y_pred, "Accuracy")
        if self._type == "classification":
            result = (np.equal(y_pred.argmax(axis=1), y) * 1).reshape(-1)
        else:
            last = y_pred.ndim - 1
            y_pred = y_pred.swapaxes(1, last).reshape(-1, class_num)
            y = y.swapaxes(1, last).reshape(-1, class_num)
            result = np.equal(y_pred, y).all(axis=1) * 1
        self._correct_num += result.sum()
        self._total_num += result.shape[0]

    def eval(self):
        if self._total_num == 0:
            raise RuntimeError("The 'Accuracy' can not be calculated, because the number of samples is 0, "
                               "please check whether your inputs(predicted value, true value) are empty, "
                               "or has called update method before calling eval method.")
        return self._correct_num / self._total_num
