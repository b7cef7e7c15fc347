"""``CosineSimilarity(similarity='cosine', reduction='none', zero_diagonal=True)``: the pairwise similarity
matrix of the rows of the last update."""
from __future__ import annotations

import numpy as np

from msshim.train.metrics._checks import check_string, check_value_type
from msshim.train.metrics.metric import Metric, rearrange_inputs

__all__ = ["CosineSimilarity"]


class CosineSimilarity(Metric):
    """``update(x)`` with ``x`` ``(N, D)``; ``eval()`` returns the ``(N, N)`` matrix (diagonal zeroed) or its
    row mean / sum (``reduction``)."""

    def __init__(self, similarity="cosine", reduction="none", zero_diagonal=True):
        super().__init__()
        similarity = check_value_type("similarity", similarity, [str])
        self.similarity = check_string(similarity, ["dot", "cosine"], "similarity")
        reduction = check_value_type("reduction", reduction, [str])
        self.reduction = check_string(reduction, ["none", "sum", "mean"], "reduction")
        self.zero_diagonal = check_value_type("zero_diagonal", zero_diagonal, [bool])
        self.clear()

    def clear(self):
        self.sqr_mtx_res = 0
        self._is_update = False

    @rearrange_inputs
    def update(self, inputs):
        input_data = self._convert_data(inputs)
        if self.similarity == "cosine":
            input_data = input_data / np.expand_dims(np.linalg.norm(input_data, ord=2, axis=1), 1)
        self.sqr_mtx_res = np.dot(input_data, input_data.transpose(1, 0))
        self._is_update = True

    def eval(self):
        if not self._is_update:
            raise RuntimeError("Please call the 'update' method before calling 'eval' method.")
        if self.zero_diagonal:
            np.fill_diagonal(self.sqr_mtx_res, 0)
        if self.reduction == "mean":
            self.sqr_mtx_res = np.mean(self.sqr_mtx_res, axis=-1)
        if self.reduction == "sum":
            self.sqr_mtx_res = np.sum(self.sqr_mtx_res, axis=-1)
        return self.sqr_mtx_res
