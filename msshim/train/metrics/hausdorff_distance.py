"""``HausdorffDistance(distance_metric='euclidean', percentile=None, directed=False, crop=True)``."""
from __future__ import annotations

import numpy as np

from msshim.train.metrics import _surface
from msshim.train.metrics._checks import check_string, check_value_type
from msshim.train.metrics.metric import Metric, rearrange_inputs

__all__ = ["HausdorffDistance"]


class HausdorffDistance(Metric):
    """``update(y_pred, y, label_idx)``: the (percentile) Hausdorff distance between the boundaries of
    ``y_pred == label_idx`` and ``y == label_idx``, both directions unless ``directed``.  With ``crop`` the masks
    are cut to the bounding box of their union first."""

    def __init__(self, distance_metric="euclidean", percentile=None, directed=False, crop=True):
        super().__init__()
        distance_metric = check_value_type("distance_metric", distance_metric, [str])
        self.distance_metric = check_string(distance_metric, _surface._METRICS, "distance_metric")
        self.percentile = percentile if percentile is None else check_value_type("percentile", percentile, [float])
        self.directed = directed if directed is None else check_value_type("directed", directed, [bool])
        self.crop = crop if crop is None else check_value_type("crop", crop, [bool])
        self.clear()

    def clear(self):
        self.y_pred_edges = 0
        self.y_edges = 0
        self._is_update = False

    def _percent_distance(self, y_pred_edges, y_edges):
        distances = _surface.surface_distance(y_pred_edges, y_edges, self.distance_metric, "HausdorffDistance")
        if distances.shape == (0,):
            return np.inf
        if not self.percentile:
            return distances.max()
        if 0 <= self.percentile <= 100:
            return np.percentile(distances, self.percentile)
        raise ValueError(f"For 'HausdorffDistance', the value of the argument 'percentile' must be [0, 100], "
                         f"but got {self.percentile}.")

    def _mask_edges(self, y_pred, y):
        if self.crop:
            union = y_pred | y
            if not np.any(union):
                return np.zeros_like(y_pred), np.zeros_like(y)
            nonzero = np.nonzero(union)
            box = tuple(slice(int(idx.min()), int(idx.max()) + 1) for idx in nonzero)
            y_pred, y = np.squeeze(y_pred[box]), np.squeeze(y[box])
        return _surface.edges(y_pred), _surface.edges(y)

    @rearrange_inputs
    def update(self, *inputs):
        self._is_update = True
        y_pred, y = _surface.label_masks(self, "HausdorffDistance", inputs)
        self.y_pred_edges, self.y_edges = self._mask_edges(y_pred, y)

    def eval(self):
        if self._is_update is False:
            raise RuntimeError("Please call the 'update' method before calling 'eval' method.")
        hd = self._percent_distance(self.y_pred_edges, self.y_edges)
        if self.directed:
            return hd
        return max(hd, self._percent_distance(self.y_edges, self.y_pred_edges))
