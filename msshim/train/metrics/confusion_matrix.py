"""``ConfusionMatrix(num_classes, normalize='no_norm', threshold=0.5)`` and ``ConfusionMatrixMetric(...)``
(binary confusion-matrix based scores: sensitivity, specificity, precision, f1, mcc, ...)."""
from __future__ import annotations

import numpy as np

from msshim.train.metrics._checks import check_string, check_value_type
from msshim.train.metrics.metric import Metric, rearrange_inputs

__all__ = ["ConfusionMatrix", "ConfusionMatrixMetric"]


class ConfusionMatrix(Metric):
    """Rows are true classes, columns predictions.  ``y_pred`` of ``y``'s rank plus one is argmax-ed over axis 1;
    float ``y_pred`` of ``y``'s rank is thresholded.  ``normalize``: 'no_norm', 'target' (rows), 'prediction'
    (columns) or 'all'; NaN from empty rows/columns becomes 0."""

    def __init__(self, num_classes, normalize="no_norm", threshold=0.5):
        super().__init__()
        self.num_classes = check_value_type("num_classes", num_classes, [int])
        if normalize not in ["target", "prediction", "all", "no_norm"]:
            raise ValueError("For 'ConfusionMatrix', the argument 'normalize' must be in "
                             "['all', 'prediction', 'label', 'no_norm'(None)], but got {}.".format(normalize))
        self.normalize = normalize
        self.threshold = check_value_type("threshold", threshold, [float])
        self.clear()

    def clear(self):
        self.confusion_matrix = np.zeros((self.num_classes, self.num_classes))
        self._is_update = False

    @rearrange_inputs
    def update(self, *inputs):
        y_pred, y = self._two_inputs(inputs, "ConfusionMatrix")
        if not (y_pred.ndim == y.ndim or y_pred.ndim == y.ndim + 1):
            raise ValueError(f"For 'ConfusionMatrix.update', predicted value (input[0]) and true value "
                             f"(input[1]) should have same dimensions, or the dimension of predicted value "
                             f"equals the dimension of true value add 1, but got predicted value ndim: "
                             f"{y_pred.ndim}, true value ndim: {y.ndim}.")
        if y_pred.ndim == y.ndim + 1:
            y_pred = np.argmax(y_pred, axis=1)
        if y_pred.ndim == y.ndim and y_pred.dtype in (np.float16, np.float32, np.float64):
            y_pred = (y_pred >= self.threshold).astype(int)
        trans = (y.reshape(-1) * self.num_classes + y_pred.reshape(-1)).astype(int)
        bincount = np.bincount(trans, minlength=self.num_classes ** 2)
        self.confusion_matrix += bincount.reshape(self.num_classes, self.num_classes)
        self._is_update = True

    def eval(self):
        if not self._is_update:
            raise RuntimeError("Please call the 'update' method before calling 'eval' method.")
        matrix = self.confusion_matrix.astype(float)
        if self.normalize == "no_norm":
            return matrix
        with np.errstate(divide="ignore", invalid="ignore"):
            if self.normalize == "target":
                matrix = matrix / matrix.sum(axis=1, keepdims=True)
            elif self.normalize == "prediction":
                matrix = matrix / matrix.sum(axis=0, keepdims=True)
            else:
                matrix = matrix / matrix.sum()
        matrix[np.isnan(matrix)] = 0
        return matrix


_DECREASES = ["none", "mean", "sum", "mean_batch", "sum_batch", "mean_channel", "sum_channel"]


class ConfusionMatrixMetric(Metric):
    """``ConfusionMatrixMetric(skip_channel=True, metric_name='sensitivity', calculation_method=False,
    decrease='mean')`` on one-hot/binarised ``(N, C, ...)`` predictions and labels.  With
    ``calculation_method=False`` the confusion counts are summed over all updates and the metric computed once;
    with True the metric is computed per update, reduced by ``decrease`` and averaged over updates."""

    def __init__(self, skip_channel=True, metric_name="sensitivity", calculation_method=False, decrease="mean"):
        super().__init__()
        self.confusion_matrix = _ConfusionMatrix(skip_channel=skip_channel, metric_name=metric_name,
                                                 calculation_method=calculation_method, decrease=decrease)
        self.skip_channel = check_value_type("skip_channel", skip_channel, [bool])
        self.calculation_method = check_value_type("calculation_method", calculation_method, [bool])
        self.metric_name = check_value_type("metric_name", metric_name, [str])
        decrease = check_value_type("decrease", decrease, [str])
        self.decrease = check_string(decrease, _DECREASES, "decrease")
        self.clear()

    def clear(self):
        self._total_num = 0
        self._class_num = 0
        self._total_tp = 0.0
        self._total_fp = 0.0
        self._total_tn = 0.0
        self._total_fn = 0.0

    @rearrange_inputs
    def update(self, *inputs):
        y_pred, y = self._two_inputs(inputs, "ConfusionMatrixMetric")
        if self.calculation_method:
            score, not_nans = self.confusion_matrix(y_pred, y)
            not_nans = int(not_nans.item())
            self._total_num += score.item() * not_nans
            self._class_num += not_nans
        else:
            matrix = self.confusion_matrix(y_pred, y)
            matrix, _ = _decrease_metric(matrix, "sum")
            self._total_tp += matrix[0].item()
            self._total_fp += matrix[1].item()
            self._total_tn += matrix[2].item()
            self._total_fn += matrix[3].item()

    def eval(self):
        if self.calculation_method:
            if self._class_num == 0:
                raise RuntimeError("The 'ConfusionMatrixMetric' can not be calculated, because the number of samples "
                                   "is 0, please check whether your inputs(predicted value, true value) are empty, or "
                                   "has called update method before calling eval method.")
            return self._total_num / self._class_num
        matrix = np.array([self._total_tp, self._total_fp, self._total_tn, self._total_fn])
        return _compute_confusion_matrix_metric(self.metric_name, matrix)


class _ConfusionMatrix:
    def __init__(self, skip_channel=True, metric_name="hit_rate", calculation_method=False, decrease="mean"):
        self.skip_channel = skip_channel
        self.metric_name = metric_name
        self.calculation_method = calculation_method
        self.decrease = decrease

    def __call__(self, y_pred, y):
        if not np.all(y.astype(np.uint8) == y):
            raise ValueError("For 'ConfusionMatrix.update', the true value (input[1]) must be a binarized ndarray.")
        dims = y_pred.ndim
        if dims < 2:
            raise ValueError(f"For 'ConfusionMatrix.update', the predicted value (input[0]) must have at least 2 "
                             f"dimensions, but got {dims}.")
        if dims == 2 or (dims == 3 and y_pred.shape[-1] == 1):
            self.calculation_method = False
        matrix = _get_confusion_matrix(y_pred=y_pred, y=y, skip_channel=self.skip_channel)
        if not self.calculation_method:
            return matrix
        names = [self.metric_name] if isinstance(self.metric_name, str) else list(self.metric_name)
        if not names:
            raise ValueError("For 'ConfusionMatrix', the argument 'metric_name' cannot be None.")
        results = []
        for name in names:
            chart, not_nans = _decrease_metric(_compute_confusion_matrix_metric(name, matrix), self.decrease)
            results += [chart, not_nans]
        return tuple(results) if isinstance(self.metric_name, str) else results


def _get_confusion_matrix(y_pred, y, skip_channel=True):
    """Per (batch, class): ``[tp, fp, tn, fn]`` over the spatial elements."""
    if not skip_channel:
        y = y[:, 1:] if y.shape[1] > 1 else y
        y_pred = y_pred[:, 1:] if y_pred.shape[1] > 1 else y_pred
    y = y.astype(float)
    y_pred = y_pred.astype(float)
    if y.shape != y_pred.shape:
        raise ValueError(f"`y_shape` must be equal to `y_pred_shape`, but got `y_shape`: {y.shape} and "
                         f"`y_pred_shape`: {y_pred.shape}.")
    batch_size, n_class = y_pred.shape[:2]
    y_pred = y_pred.reshape(batch_size, n_class, -1)
    y = y.reshape(batch_size, n_class, -1)
    tp = ((y_pred + y) == 2).astype(float).sum(axis=2)
    tn = ((y_pred + y) == 0).astype(float).sum(axis=2)
    p = y.sum(axis=2)
    n = y.shape[-1] - p
    return np.stack([tp, n - tn, tn, p - tp], axis=-1)  # tp, fp, tn, fn


def _where_pos(not_nans, total):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(not_nans > 0, total / not_nans, np.zeros(1, dtype=float))


def _decrease_metric(chart, decrease="mean"):
    """Reduce a (batch, class) chart ignoring NaNs; returns ``(chart, not_nans)``."""
    nans = np.isnan(chart)
    not_nans = (~nans).astype(float)
    chart[nans] = 0
    if decrease == "mean":
        nn_c = not_nans.sum(axis=1)
        chart = _where_pos(nn_c, chart.sum(axis=1))
        nn_b = (nn_c > 0).astype(float).sum(axis=0)
        return _where_pos(nn_b, chart.sum(axis=0)), nn_b
    if decrease == "sum":
        return np.sum(chart, axis=(0, 1)), not_nans.sum(axis=(0, 1))
    if decrease == "mean_batch":
        nn_b = not_nans.sum(axis=0)
        return _where_pos(nn_b, chart.sum(axis=0)), nn_b
    if decrease == "sum_batch":
        return chart.sum(axis=0), not_nans.sum(axis=0)
    if decrease == "mean_channel":
        nn_c = not_nans.sum(axis=1)
        return _where_pos(nn_c, chart.sum(axis=1)), nn_c
    if decrease == "sum_channel":
        return chart.sum(axis=1), not_nans.sum(axis=1)
    return chart, not_nans


_ALIASES = {
    "tpr": ("sensitivity", "recall", "hit_rate", "true_positive_rate", "tpr"),
    "tnr": ("specificity", "selectivity", "true_negative_rate", "tnr"),
    "ppv": ("precision", "positive_predictive_value", "ppv"),
    "npv": ("negative_predictive_value", "npv"),
    "fnr": ("miss_rate", "false_negative_rate", "fnr"),
    "fpr": ("fall_out", "false_positive_rate", "fpr"),
    "fdr": ("false_discovery_rate", "fdr"),
    "for": ("false_omission_rate", "for"),
    "pt": ("prevalence_threshold", "pt"),
    "ts": ("threat_score", "critical_success_index", "ts", "csi"),
    "acc": ("accuracy", "acc"),
    "ba": ("balanced_accuracy", "ba"),
    "f1": ("f1_score", "f1"),
    "mcc": ("matthews_correlation_coefficient", "mcc"),
    "fm": ("fowlkes_mallows_index", "fm"),
    "bm": ("informedness", "bookmaker_informedness", "bm"),
    "mk": ("markedness", "deltap", "mk"),
}
_METRIC_NAMES = {alias: key for key, aliases in _ALIASES.items() for alias in aliases}


def _check_metric_name(metric_name: str) -> str:
    found = _METRIC_NAMES.get(metric_name.replace(" ", "_").lower())
    if found is None:
        raise NotImplementedError("The metric is not implemented.")
    return found


def _nan_div(num, den):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / den, np.array(float("nan")))


def _fraction(metric: str, tp, fp, tn, fn):
    """(numerator, denominator) of a confusion-matrix metric."""
    p, n = tp + fn, fp + tn
    if metric in ("tpr", "tnr", "ppv", "npv", "fnr", "fpr", "fdr", "for", "ts", "acc", "f1", "mcc"):
        return {"tpr": (tp, p), "tnr": (tn, n), "ppv": (tp, tp + fp), "npv": (tn, tn + fn), "fnr": (fn, p),
                "fpr": (fp, n), "fdr": (fp, fp + tp), "for": (fn, fn + tn), "ts": (tp, tp + fn + fp),
                "acc": (tp + tn, p + n), "f1": (tp * 2.0, tp * 2.0 + fn + fp),
                "mcc": (tp * tn - fp * fn, np.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn)))}[metric]
    tpr, tnr = _nan_div(tp, p), _nan_div(tn, n)
    if metric == "pt":
        with np.errstate(invalid="ignore"):
            return np.sqrt(tpr * (1.0 - tnr)) + tnr - 1.0, tpr + tnr - 1.0
    if metric == "ba":
        return tpr + tnr, 2.0
    if metric == "fm":
        return np.sqrt(_nan_div(tp, tp + fp) * tpr), 1.0
    if metric == "bm":
        return tpr + tnr - 1.0, 1.0
    with np.errstate(divide="ignore", invalid="ignore"):  # mk
        return _nan_div(tp, tp + fp) + tn / (tn + fn) - 1.0, 1.0


def _compute_confusion_matrix_metric(metric_name, confusion_matrix):
    metric = _check_metric_name(metric_name)
    if confusion_matrix.ndim == 1:
        confusion_matrix = np.expand_dims(confusion_matrix, 0)
    if confusion_matrix.shape[-1] != 4:
        raise ValueError(f"For 'ConfusionMatrix', the size of the last dimension of confusion_matrix must be 4, "
                         f"but got {confusion_matrix.shape[-1]}.")
    tp, fp, tn, fn = (confusion_matrix[..., i] for i in range(4))
    numerator, denominator = _fraction(metric, tp, fp, tn, fn)
    if isinstance(denominator, np.ndarray):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(denominator != 0, numerator / denominator, np.array(float("nan")))
    return numerator / denominator
