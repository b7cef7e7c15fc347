"""``Perplexity(ignore_label=None)``: ``exp(mean(-log p(label)))`` over all (non-ignored) labels."""
from __future__ import annotations

import math

import numpy as np

from msshim.train.metrics._checks import check_value_type
from msshim.train.metrics.metric import Metric, rearrange_inputs

__all__ = ["Perplexity"]


class Perplexity(Metric):
    """``update(preds, labels)``: probabilities ``(..., C)`` and labels with one entry per row of ``preds``;
    probabilities are clamped at 1e-10 before the logarithm."""

    def __init__(self, ignore_label=None):
        super().__init__()
        self.ignore_label = None if ignore_label is None else check_value_type("ignore_label", ignore_label, [int])
        self.clear()

    def clear(self):
        self._sum_metric = 0.0
        self._num_inst = 0

    @rearrange_inputs
    def update(self, *inputs):
        pred, label = self._two_inputs(inputs, "Perplexity", "predicted value, label")
        if label.size != pred.size / pred.shape[-1]:
            raise RuntimeError("For 'Perplexity.update', predicted value (input[0]) and label (input[1]) should "
                               "have the same shape, but got predicted value shape {}, label shape {}."
                               .format(pred.shape, label.shape))
        label = label.reshape((label.size,))
        label_expand = np.expand_dims(label.astype(int), axis=1)
        first_indices = np.arange(label_expand.shape[0])[:, None]
        pred = np.squeeze(pred[first_indices, label_expand])
        num = 0
        if self.ignore_label is not None:
            ignore = (label == self.ignore_label).astype(pred.dtype)
            num -= np.sum(ignore)
            pred = pred * (1 - ignore) + ignore
        self._sum_metric -= np.float64(np.sum(np.log(np.maximum(1e-10, pred))))
        self._num_inst += num + pred.size

    def eval(self):
        if self._num_inst == 0:
            raise RuntimeError("The 'Perplexity' can not be calculated, because the number of samples is 0, please "
                               "check whether the update method has been called before calling eval method.")
        return math.exp(self._sum_metric / self._num_inst)
