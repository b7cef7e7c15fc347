"""``MAE()`` and ``MSE()``: summed absolute / squared errors divided by the number of samples (axis 0)."""
from __future__ import annotations

import numpy as np

from msshim.train.metrics.metric import Metric, rearrange_inputs

__all__ = ["MAE", "MSE"]


class _Error(Metric):
    _name = ""

    def __init__(self):
        super().__init__()
        self.clear()

    def clear(self):
        self._error_sum = 0
        self._samples_num = 0

    def _error(self, diff):
        raise NotImplementedError

    @rearrange_inputs
    def update(self, *inputs):
        y_pred, y = self._two_inputs(inputs, self._name)
        # float64 running sum: what MindSpore's numpy 1.x makes of 0 + a float32 sum
        self._error_sum += np.float64(self._error(y.reshape(y_pred.shape) - y_pred).sum())
        self._samples_num += y.shape[0]

    def eval(self):
        if self._samples_num == 0:
            raise RuntimeError(f"The '{self._name}' can not be calculated, because the number of samples is 0, "
                               f"please check whether your inputs(predicted value, true value) are empty, "
                               f"or has called update method before calling eval method.")
        return self._error_sum / self._samples_num


class MAE(_Error):
    """Mean absolute error per sample: ``sum(|y - y_pred|) / N`` (``y`` is reshaped to ``y_pred``'s shape)."""

    _name = "MAE"

    def _error(self, diff):
        return np.abs(diff)


class MSE(_Error):
    """Mean squared error per sample: ``sum((y - y_pred)^2) / N``."""

    _name = "MSE"

    def _error(self, diff):
        return np.power(diff, 2)
