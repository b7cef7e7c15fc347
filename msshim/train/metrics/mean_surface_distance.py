"""``MeanSurfaceDistance(symmetric=False, distance_metric='euclidean')``."""
from __future__ import annotations

import numpy as np

from msshim.train.metrics import _surface
from msshim.train.metrics._checks import check_string, check_value_type
from msshim.train.metrics.metric import Metric, rearrange_inputs

__all__ = ["MeanSurfaceDistance"]


class MeanSurfaceDistance(Metric):
    """``update(y_pred, y, label_idx)``: the mean distance from the predicted boundary to the true one (the mean
    of both directions when ``symmetric``); inf when a boundary is empty (also before the first update, as
    MindSpore leaves ``_is_update`` None there)."""

    _name = "MeanSurfaceDistance"

    def __init__(self, symmetric=False, distance_metric="euclidean"):
        super().__init__()
        self.distance_metric_list = list(_surface._METRICS)
        distance_metric = check_value_type("distance_metric", distance_metric, [str])
        self.distance_metric = check_string(distance_metric, self.distance_metric_list, "distance_metric")
        self.symmetric = check_value_type("symmetric", symmetric, [bool])
        self.clear()
        self._is_update = None  # as MindSpore: eval() before any update gives inf, not the RuntimeError

    def clear(self):
        self._y_pred_edges = 0
        self._y_edges = 0
        self._is_update = False

    def _get_surface_distance(self, y_pred_edges, y_edges):
        return _surface.surface_distance(y_pred_edges, y_edges, self.distance_metric, self._name)

    @rearrange_inputs
    def update(self, *inputs):
        y_pred, y = _surface.label_masks(self, self._name, inputs, self._label_error)
        self._y_pred_edges = _surface.edges(y_pred)
        self._y_edges = _surface.edges(y)
        self._is_update = True

    _label_error = ValueError

    def _reduce(self, distances):
        return distances.mean()

    def _combine(self, a, b):
        return np.mean((a, b))

    def eval(self):
        if self._is_update is False:
            raise RuntimeError("Please call the 'update' method before calling 'eval' method.")
        forward = self._get_surface_distance(self._y_pred_edges, self._y_edges)
        if forward.shape == (0,):
            return np.inf
        value = self._reduce(forward)
        if not self.symmetric:
            return value
        backward = self._get_surface_distance(self._y_edges, self._y_pred_edges)
        if backward.shape == (0,):
            return np.inf
        return self._combine(value, self._reduce(backward))
