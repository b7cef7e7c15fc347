"""Edge maps and surface distances shared by HausdorffDistance, MeanSurfaceDistance and RootMeanSquareDistance.

MindSpore uses ``scipy.ndimage`` (``binary_erosion``, ``distance_transform_edt`` / ``_cdt``); these are the same
quantities computed directly, without scipy: the erosion with the cross-shaped structuring element (outside the
array counts as background), and for every edge point of one mask the exact distance to the nearest edge point of
the other (Euclidean as float64, chessboard / taxicab as int32, the dtypes scipy returns).
"""
from __future__ import annotations

import numpy as np
import torch

_METRICS = ["euclidean", "chessboard", "taxicab"]
_P = {"euclidean": 2.0, "chessboard": float("inf"), "taxicab": 1.0}
_CHUNK = 4096


def edges(mask: np.ndarray) -> np.ndarray:
    """The boundary of a binary mask: ``binary_erosion(mask) ^ mask``."""
    mask = np.asarray(mask, bool)
    if mask.ndim == 0:
        return np.zeros_like(mask)
    padded = np.pad(mask, 1, constant_values=False)
    eroded = padded.copy()
    for axis in range(mask.ndim):
        eroded &= np.roll(padded, 1, axis) & np.roll(padded, -1, axis)
    return eroded[(slice(1, -1),) * mask.ndim] ^ mask


def _nearest(points: np.ndarray, targets: np.ndarray, metric: str) -> np.ndarray:
    """For each row of ``points``, the distance to the nearest row of ``targets`` (chunked pairwise min)."""
    p = torch.from_numpy(points.astype(np.float64))
    q = torch.from_numpy(targets.astype(np.float64))
    out = []
    for start in range(0, p.shape[0], _CHUNK):
        d = torch.cdist(p[start:start + _CHUNK], q, p=_P[metric], compute_mode="donot_use_mm_for_euclid_dist")
        out.append(d.min(dim=1).values)
    dist = torch.cat(out).numpy() if out else np.zeros(0)
    return dist if metric == "euclidean" else np.rint(dist).astype(np.int32)


def surface_distance(y_pred_edges, y_edges, distance_metric: str, name: str) -> np.ndarray:
    """Distances from each edge point of ``y_pred_edges`` (row-major order) to the nearest edge point of
    ``y_edges``: inf when ``y_edges`` is empty, an empty array when ``y_pred_edges`` is."""
    y_pred_edges, y_edges = np.asarray(y_pred_edges), np.asarray(y_edges)
    if not np.any(y_pred_edges):
        return np.array([])
    if distance_metric not in _METRICS:
        raise ValueError(f"For '{name}', the distance_metric '{distance_metric}' is not supported.")
    if not np.any(y_edges):
        return np.full(int(np.count_nonzero(y_pred_edges)), np.inf)
    return _nearest(np.argwhere(y_pred_edges), np.argwhere(y_edges), distance_metric)


def label_masks(metric, name: str, inputs, error=ValueError) -> tuple:
    """``(y_pred == label_idx, y == label_idx)`` after MindSpore's input checks."""
    if len(inputs) != 3:
        raise ValueError(f"For '{name}.update', it needs 3 inputs (predicted value, true value, label index), but "
                         f"got {len(inputs)}.")
    y_pred = metric._convert_data(inputs[0])
    y = metric._convert_data(inputs[1])
    label_idx = inputs[2]
    if not isinstance(label_idx, (int, float)):
        raise error(f"For '{name}.update', the label index (input[2]) must be int or float, but got "
                    f"{type(label_idx)}.")
    if label_idx not in y_pred and label_idx not in y:
        raise ValueError(f"For '{name}.update', the label index (input[2]) must be in predicted value (input[0]) or "
                         f"true value (input[1]), but {label_idx} is not.")
    if y_pred.size == 0 or y_pred.shape != y.shape:
        raise ValueError(f"For '{name}.update', the size of predicted value (input[0]) and true value (input[1]) "
                         f"must be greater than 0, in addition to that, predicted value and true value should "
                         f"have the same shape, but got predicted value size: {y_pred.size}, shape: "
                         f"{y_pred.shape}, true value size: {y.size}, shape: {y.shape}.")
    y_pred = y_pred if y_pred.dtype == bool else y_pred == label_idx
    y = y if y.dtype == bool else y == label_idx
    return y_pred, y
