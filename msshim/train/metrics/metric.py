"""``mindspore.train.metrics.metric``: the ``Metric`` base (clear / update / eval on numpy data),
``rearrange_inputs`` (``set_indexes``) and the helpers shared by the classification metrics.

MindSpore 2.10 runs on numpy 1.x, where ``0 + numpy.float32(x)`` is a float64; under numpy 2 it stays float32.
The metrics' running sums are therefore made float64 explicitly, so results keep MindSpore's types and values.
"""
from __future__ import annotations

import functools
from abc import ABCMeta, abstractmethod

import numpy as np

from msshim.common.tensor import Tensor

__all__ = ["Metric", "rearrange_inputs"]

_eval_types = {"classification", "multilabel"}


def rearrange_inputs(func):
    """Decorates ``update``: when ``set_indexes`` chose inputs, only those (in that order) reach ``update``."""
    @functools.wraps(func)
    def wrapper(self, *inputs):
        indexes = self.indexes
        inputs = inputs if not indexes else [inputs[i] for i in indexes]
        return func(self, *inputs)
    return wrapper


def convert_data(data):
    """Tensor / list / numpy.ndarray -> numpy.ndarray (torch tensors too, an msshim extension)."""
    if isinstance(data, Tensor):
        return data.asnumpy()
    if isinstance(data, list):
        return np.array(data)
    if isinstance(data, np.ndarray):
        return data
    t = getattr(data, "detach", None)  # a torch.Tensor, from a cell called with torch tensors
    if t is not None and hasattr(data, "numpy"):
        return data.detach().cpu().numpy()
    raise TypeError(f"For 'Metric' and its derived classes, the input data type must be tensor, list or "
                    f"numpy.ndarray, but got {type(data)}.")


class Metric(metaclass=ABCMeta):
    """Base of every metric: ``clear()`` resets, ``update(*inputs)`` accumulates, ``eval()`` returns the value;
    calling a metric does all three.  ``set_indexes([i, ...])`` picks which of the (network) outputs
    ``update`` receives."""

    def __init__(self):
        self._indexes = None

    def _convert_data(self, data):
        return convert_data(data)

    def _two_inputs(self, inputs, name: str, labels: str = "predicted value, true value", end: str = ".") -> tuple:
        """The ``update`` preamble of the two-array metrics: MindSpore's ValueError unless exactly two inputs
        came (its messages end with or without a full stop, hence ``end``), then both as numpy arrays."""
        if len(inputs) != 2:
            raise ValueError(f"For '{name}.update', it needs 2 inputs ({labels}), but got {len(inputs)}{end}")
        return self._convert_data(inputs[0]), self._convert_data(inputs[1])

    @property
    def indexes(self):
        return getattr(self, "_indexes", None)

    def set_indexes(self, indexes):
        if not isinstance(indexes, list) or not all(isinstance(i, int) for i in indexes):
            raise ValueError("For 'set_indexes', the argument 'indexes' must be a list and all its elements must "
                             "be int, please check whether it is correct.")
        self._indexes = indexes
        return self

    def __call__(self, *inputs):
        self.clear()
        self.update(*inputs)
        return self.eval()

    @abstractmethod
    def clear(self):
        raise NotImplementedError("Must define clear function to use this base class")

    @abstractmethod
    def eval(self):
        raise NotImplementedError("Must define eval function to use this base class")

    @abstractmethod
    def update(self, *inputs):
        raise NotImplementedError("Must define update function to use this base class")


class EvaluationBase(Metric):
    """Base of Accuracy / Precision / Recall: ``eval_type`` 'classification' (scores ``(N, C, ...)`` against
    class indices ``(N, ...)`` or one-hot labels) or 'multilabel' (0/1 arrays of one shape)."""

    def __init__(self, eval_type):
        super().__init__()
        if eval_type not in _eval_types:
            raise TypeError("The argument 'eval_type' must be in {}, but got {}".format(_eval_types, eval_type))
        self._type = eval_type

    def _check_shape(self, y_pred, y):
        if self._type == "classification":
            if y_pred.ndim != y.ndim + 1:
                raise ValueError("In classification case, the dimension of y_pred (predicted value) should equal to "
                                 "the dimension of y (true value) add 1, but got y_pred dimension: {} and y "
                                 "dimension: {}.".format(y_pred.ndim, y.ndim))
            if y.shape != (y_pred.shape[0],) + y_pred.shape[2:]:
                raise ValueError("In classification case, y_pred (predicted value) shape and y (true value) shape "
                                 "can not match, y shape should be equal to y_pred shape that the value at index 1 "
                                 "is deleted. Such as y_pred shape (1, 2, 3), then y shape should be (1, 3). "
                                 "But got y_pred shape {} and y shape {}".format(y_pred.shape, y.shape))
        else:
            if y_pred.ndim != y.ndim:
                raise ValueError("In {} case, the dimension of y_pred (predicted value) should equal to the dimension"
                                 " of y (true value), but got y_pred dimension: {} and y dimension: {}."
                                 .format(self._type, y_pred.ndim, y.ndim))
            if y_pred.shape != y.shape:
                raise ValueError("In {} case, the shape of y_pred (predicted value) should equal to the shape of y "
                                 "(true value), but got y_pred shape: {} and y shape: {}."
                                 .format(self._type, y_pred.shape, y.shape))

    def _check_value(self, y_pred, y):
        if self._type != "classification" and not (np.equal(y_pred ** 2, y_pred).all() and np.equal(y ** 2, y).all()):
            raise ValueError("In multilabel case, all elements in y_pred (predicted value) and y (true value) should "
                             "be 0 or 1.Please check whether your inputs y_pred and y are correct.")

    def clear(self):
        raise NotImplementedError

    def update(self, *inputs):
        raise NotImplementedError

    def eval(self):
        raise NotImplementedError


def _check_onehot_data(data) -> bool:
    """Whether ``data`` (ndim > 1) is one-hot along axis 1."""
    if data.ndim > 1 and np.equal(data ** 2, data).all():
        shp = (data.shape[0],) + data.shape[2:]
        if np.equal(np.ones(shp), data.sum(axis=1)).all():
            return True
    return False


def _class_indices(y_pred, y):
    """``y`` as class indices: one-hot labels of ``y_pred``'s rank are argmax-ed over axis 1."""
    if y_pred.ndim == y.ndim and _check_onehot_data(y):
        return y.argmax(axis=1)
    return y


def _check_class_num(metric, y_pred, name: str) -> int:
    """The class count (axis 1 of ``y_pred``), fixed by the first update; later updates must match it."""
    if metric._class_num == 0:
        metric._class_num = y_pred.shape[1]
    elif y_pred.shape[1] != metric._class_num:
        raise ValueError("For '{}.update', class number not match, last input predicted data contain {} classes, "
                         "but current predicted data contain {} classes, please check your predicted "
                         "value(inputs[0]).".format(name, metric._class_num, y_pred.shape[1]))
    return metric._class_num


def _binary_clf_curve(preds, target, sample_weights=None, pos_label=1):
    """False/true positive counts at each distinct score threshold (descending), and those thresholds."""
    if sample_weights is not None and not isinstance(sample_weights, np.ndarray):
        sample_weights = np.array(sample_weights)
    if preds.ndim > target.ndim:
        preds = preds[:, 0]
    desc_score_indices = np.argsort(-preds)
    preds = preds[desc_score_indices]
    target = target[desc_score_indices]
    weight = sample_weights[desc_score_indices] if sample_weights is not None else 1.0
    distinct_value_indices = np.where(preds[1:] - preds[:-1])[0]
    threshold_idxs = np.pad(distinct_value_indices, (0, 1), constant_values=target.shape[0] - 1)
    target = np.array(target == pos_label).astype(np.int64)
    tps = np.cumsum(target * weight, axis=0)[threshold_idxs]
    if sample_weights is not None:
        fps = np.cumsum((1 - target) * weight, axis=0)[threshold_idxs]
    else:
        fps = 1 + threshold_idxs - tps
    return fps, tps, preds[threshold_idxs]
