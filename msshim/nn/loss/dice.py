"""Segmentation losses (deprecated in MindSpore 2.8): DiceLoss, MultiClassDiceLoss."""
from __future__ import annotations

import torch

from msshim.common.tensor import Tensor, wrap
from msshim.nn.cell import Cell
from msshim.nn.layer.activation import get_activation
from msshim.nn.loss._base import LossBase, tensor_of

__all__ = ["DiceLoss", "MultiClassDiceLoss"]


class DiceLoss(LossBase):
    """``1 - 2 sum(x y) / (sum(x^2) + sum(y^2) + smooth)`` over all elements; equal shapes required."""

    def __init__(self, smooth=1e-5):
        super().__init__()
        if isinstance(smooth, bool) or not isinstance(smooth, float):
            raise TypeError(f"The 'smooth' must be float, but got '{type(smooth).__name__}'")
        if smooth <= 0:
            raise ValueError(f"The 'smooth' must be a positive float, but got {smooth}.")
        self.smooth = smooth

    def construct(self, logits, label):
        x, y = tensor_of(logits, "logits", self.cls_name), tensor_of(label, "labels", self.cls_name)
        if x.shape != y.shape:
            raise ValueError(f"For '{self.cls_name}', the 'logits_shape' should be = label_shape: {tuple(y.shape)}, "
                             f"but got {tuple(x.shape)}.")
        for t, name in ((x, "logits"), (y, "labels")):
            if t.dtype == torch.uint8:
                raise TypeError(f"For '{self.cls_name}', the dtype of '{name}' can not be uint8.")
        x, y = x.reshape(-1), y.reshape(-1)
        intersection = (x * y).sum()
        union = (x * x).sum() + (y * y).sum()
        return wrap(1 - (2 * intersection) / (union + self.smooth))


class MultiClassDiceLoss(LossBase):
    """``MultiClassDiceLoss(weights=None, ignore_indiex=None, activation='softmax')`` (MindSpore's spelling): the
    mean over classes (axis 1) of the binary Dice loss of the activated logits."""

    _ACTIVATIONS = ["softmax", "logsoftmax", "relu", "relu6", "tanh", "sigmoid"]

    def __init__(self, weights=None, ignore_indiex=None, activation="softmax"):
        super().__init__()
        cls = self.cls_name
        if weights is not None and not isinstance(weights, Tensor):
            raise TypeError(f"For '{cls}', the type of 'weights' should be 'Tensor', but got type "
                            f"'{type(weights).__name__}'.")
        if isinstance(weights, Tensor) and weights.ndim != 2:
            raise ValueError(f"For '{cls}', the dimension of 'weights' must be 2, but got {weights.ndim}.")
        if ignore_indiex is not None and (isinstance(ignore_indiex, bool) or not isinstance(ignore_indiex, int)):
            raise TypeError(f"For '{cls}', the type of 'ignore_indiex' should be 'int', but got type "
                            f"'{type(ignore_indiex).__name__}'.")
        if isinstance(activation, str) and activation not in self._ACTIVATIONS:
            raise ValueError(f"For '{cls}', the 'activation' must be in {self._ACTIVATIONS}, but got {activation}.")
        act = get_activation(activation) if isinstance(activation, str) else activation
        if act is not None and not isinstance(act, Cell):
            raise TypeError(f"For '{cls}', the 'activation' must be str or Cell, but got {type(act)}.")
        self.binarydiceloss = DiceLoss(smooth=1e-5)
        self.weights = weights
        self.ignore_indiex = ignore_indiex
        self.activation = act

    def construct(self, logits, label):
        cls = self.cls_name
        x, y = tensor_of(logits, "logits", cls), tensor_of(label, "labels", cls)
        if x.shape != y.shape:
            raise ValueError(f"For '{cls}', the 'logits_shape' must be equal to 'label_shape', but got "
                             f"{tuple(x.shape)} and {tuple(y.shape)}.")
        if x.dim() < 2 or y.dim() < 2:
            raise ValueError(f"For '{cls}', the 'logits' dimension must be greater than 1, but got {x.dim()}.")
        if self.activation is not None:
            x = self.activation(wrap(x))._t
        total = 0
        for i in range(y.shape[1]):
            if i != self.ignore_indiex:
                loss = self.binarydiceloss(wrap(x[:, i]), wrap(y[:, i]))._t
                if self.weights is not None:
                    loss = loss * self.weights._t[i]
                total = total + loss
        return wrap(total / y.shape[1])
