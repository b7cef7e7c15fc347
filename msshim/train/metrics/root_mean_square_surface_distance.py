"""``RootMeanSquareDistance(symmetric=False, distance_metric='euclidean')``."""
from __future__ import annotations

import numpy as np

from msshim.train.metrics.mean_surface_distance import MeanSurfaceDistance

__all__ = ["RootMeanSquareDistance"]


class RootMeanSquareDistance(MeanSurfaceDistance):
    """The mean squared boundary distance (note: not square-rooted unless ``symmetric``, as in MindSpore, which
    returns ``sqrt(mean(ms_forward, ms_backward))`` only for the symmetric case)."""

    _name = "RootMeanSquareDistance"
    _label_error = TypeError

    def _reduce(self, distances):
        return (distances ** 2).mean()

    def _combine(self, a, b):
        return np.sqrt(np.mean((a, b)))
