"""Normalisation: batch_norm (inference), layer_norm, group_norm -> BatchNorm / LayerNorm / GroupNorm."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import torch

from msshim.train._mindir import primitives as P

from .registry import UnsupportedOpsError, _arg, _register, _shape
from .values import _meta, _np_dtype

if TYPE_CHECKING:
    from .translate import _Translator

aten = torch.ops.aten


# normalisation -----------------------------------------------------------------------------------------
def _bn(t: _Translator, x, weight, bias, mean, var, eps):
    if weight is None or bias is None:
        raise UnsupportedOpsError("batch_norm without affine parameters is not supported by MindIR export")
    return P.batch_norm(t.b, t.use(x), t.use(weight), t.use(bias), t.use(mean), t.use(var), float(eps))


@_register(aten.batch_norm.default)
def _batch_norm(t: _Translator, node):
    x, weight, bias, mean, var, training, _momentum, eps = node.args[:8]
    if training or mean is None:
        raise UnsupportedOpsError("batch_norm in training mode cannot be exported (call net.set_train(False))")
    return _bn(t, x, weight, bias, mean, var, eps)


@_register(aten._native_batch_norm_legit_no_training.default)
def _native_bn(t: _Translator, node):
    x, weight, bias, mean, var, _momentum, eps = node.args[:7]
    return (_bn(t, x, weight, bias, mean, var, eps), None, None)


def _ones_or(t: _Translator, value, n: int, like, fill: float) -> str:
    if value is not None:
        return t.use(value)
    return t.b.constant(np.full((n,), fill, dtype=_np_dtype(_meta(like).dtype)))


@_register(aten.layer_norm.default)
def _layer_norm(t: _Translator, node):
    x, shape = node.args[0], list(node.args[1])
    weight, bias = _arg(node, 2, "weight"), _arg(node, 3, "bias")
    eps = _arg(node, 4, "eps", 1e-5)
    n = int(np.prod(shape))
    if weight is None and len(shape) != 1:
        raise UnsupportedOpsError("layer_norm without weight over several axes is not supported")
    axis = -len(shape)
    return P.layer_norm(t.b, t.use(x), _ones_or(t, weight, n, x, 1.0), _ones_or(t, bias, n, x, 0.0),
                        axis, axis, float(eps))


@_register(aten.group_norm.default)
def _group_norm(t: _Translator, node):
    x, groups = node.args[0], node.args[1]
    weight, bias = _arg(node, 2, "weight"), _arg(node, 3, "bias")
    eps = _arg(node, 4, "eps", 1e-5)
    c = _shape(x)[1]
    return P.group_norm(t.b, t.use(x), int(groups), _ones_or(t, weight, c, x, 1.0),
                        _ones_or(t, bias, c, x, 0.0), float(eps))
