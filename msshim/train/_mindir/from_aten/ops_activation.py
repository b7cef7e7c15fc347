"""Activations and unary elementwise ops (ReLU, GeLU, clamps, PReLU, Softmax / LogSoftmax, exp/log/...)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

from msshim.train._mindir import primitives as P

from .registry import TABLE, _arg, _register
from .values import _meta, _np_dtype

if TYPE_CHECKING:
    from .translate import _Translator

aten = torch.ops.aten


# activations -------------------------------------------------------------------------------------------
def _unary(emitter):
    def translate(t: _Translator, node):
        return emitter(t.b, t.use(node.args[0]))
    return translate


for _target, _emitter in [
    (aten.relu.default, P.relu), (aten.sigmoid.default, P.sigmoid), (aten.tanh.default, P.tanh),
    (aten.silu.default, P.silu), (aten.hardswish.default, P.hswish), (aten.hardsigmoid.default, P.hsigmoid),
    (aten.exp.default, P.exp), (aten.log.default, P.log), (aten.erf.default, P.erf), (aten.sqrt.default, P.sqrt),
    (aten.rsqrt.default, P.rsqrt), (aten.neg.default, P.neg), (aten.abs.default, P.abs_),
    (aten.square.default, P.square), (aten.reciprocal.default, P.reciprocal), (aten.floor.default, P.floor),
    (aten.sin.default, P.sin), (aten.cos.default, P.cos), (aten.relu6.default, P.relu6),
]:
    TABLE[_target] = _unary(_emitter)


@_register(aten.gelu.default)
def _gelu(t: _Translator, node):
    if node.kwargs.get("approximate", _arg(node, 1, "approximate", "none")) == "tanh":
        return P.gelu(t.b, t.use(node.args[0]))  # MindSpore's GeLU is the tanh form
    return P.gelu_erf(t.b, t.use(node.args[0]), _np_dtype(_meta(node).dtype))


@_register(aten.hardtanh.default)
def _hardtanh(t: _Translator, node):
    lo, hi = _arg(node, 1, "min_val", -1.0), _arg(node, 2, "max_val", 1.0)
    if (lo, hi) == (0.0, 6.0):
        return P.relu6(t.b, t.use(node.args[0]))
    return P.clamp_scalar(t.b, t.use(node.args[0]), float(lo), float(hi))


@_register(aten.clamp.default)
def _clamp(t: _Translator, node):
    lo, hi = _arg(node, 1, "min"), _arg(node, 2, "max")
    return P.clamp_scalar(t.b, t.use(node.args[0]), lo, hi)


@_register(aten.leaky_relu.default)
def _leaky_relu(t: _Translator, node):
    return P.leaky_relu(t.b, t.use(node.args[0]), float(_arg(node, 1, "negative_slope", 0.01)),
                        _np_dtype(_meta(node).dtype))


@_register(aten.elu.default)
def _elu(t: _Translator, node):
    return P.elu(t.b, t.use(node.args[0]), float(_arg(node, 1, "alpha", 1.0)))


@_register(aten.prelu.default, aten._prelu_kernel.default)
def _prelu(t: _Translator, node):
    return P.prelu(t.b, t.use(node.args[0]), t.use(node.args[1]))


@_register(aten.softmax.int, aten._softmax.default)
def _softmax(t: _Translator, node):
    return P.softmax(t.b, t.use(node.args[0]), int(node.args[1]))


@_register(aten.log_softmax.int, aten._log_softmax.default)
def _log_softmax(t: _Translator, node):
    return P.log_softmax(t.b, t.use(node.args[0]), int(node.args[1]))
