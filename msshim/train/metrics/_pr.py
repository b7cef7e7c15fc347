"""The input handling Precision and Recall share: one-hot / index labels -> per-class 0/1 matrices."""
from __future__ import annotations

import numpy as np

from msshim.train.metrics.metric import _check_onehot_data


def prepare(metric, name: str, inputs) -> tuple:
    """``(y_pred, y)`` as ``(samples, classes)`` 0/1 arrays (classification: argmax of the scores vs one-hot of
    the labels; multilabel: the arrays with axis 1 moved first and flattened)."""
    if len(inputs) != 2:
        raise ValueError("For '{}.update', it needs 2 inputs (predicted value, true value), "
                         "but got {}.".format(name, len(inputs)))
    y_pred = metric._convert_data(inputs[0])
    y = metric._convert_data(inputs[1])
    if metric._type == "classification" and y_pred.ndim == y.ndim and _check_onehot_data(y):
        y = y.argmax(axis=1)
    metric._check_shape(y_pred, y)
    metric._check_value(y_pred, y)
    if metric._class_num == 0:
        metric._class_num = y_pred.shape[1]
    elif y_pred.shape[1] != metric._class_num:
        raise ValueError("For '{}.update', class number not match, last input predicted data contain {} "
                         "classes, but current predicted data contain {} classes, please check your predicted "
                         "value(inputs[0]).".format(name, metric._class_num, y_pred.shape[1]))
    class_num = metric._class_num
    if metric._type == "classification":
        if y.max() + 1 > class_num:
            raise ValueError("For '{}.update', predicted value (input[0]) should have the same classes number as "
                             "true value (input[1]), but got predicted value classes {}, true value classes {}."
                             .format(name, class_num, y.max() + 1))
        y = np.eye(class_num)[y.reshape(-1)]
        y_pred = np.eye(class_num)[y_pred.argmax(axis=1).reshape(-1)]
    else:
        y_pred = y_pred.swapaxes(1, 0).reshape(class_num, -1)
        y = y.swapaxes(1, 0).reshape(class_num, -1)
    return y_pred, y


def check_average(average, name: str) -> None:
    if not isinstance(average, bool):
        raise TypeError(f"For '{name}', the type of 'average' should be 'bool', but got type "
                        f"'{type(average).__name__}'.")
