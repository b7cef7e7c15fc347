"""Binary elementwise arithmetic (add/sub/mul/div/max/min/pow, rsub) and reductions (mean, sum, amax)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

from msshim.train._mindir import primitives as P

from .registry import TABLE, UnsupportedOpsError, _arg, _register

if TYPE_CHECKING:
    from .translate import _Translator

aten = torch.ops.aten


# elementwise -------------------------------------------------------------------------------------------
def _binary(emitter, scaled: bool = False):
    def translate(t: _Translator, node):
        a, b = node.args[0], node.args[1]
        alpha = node.kwargs.get("alpha", 1)
        if scaled and alpha != 1:
            b_value = P.mul(t.b, t.scalar_or_tensor(b, node), t.scalar_or_tensor(alpha, node))
        else:
            b_value = t.scalar_or_tensor(b, node)
        return emitter(t.b, t.scalar_or_tensor(a, node), b_value)
    return translate


for _targets, _emitter, _scaled in [
    ((aten.add.Tensor, aten.add.Scalar), P.add, True), ((aten.sub.Tensor, aten.sub.Scalar), P.sub, True),
    ((aten.mul.Tensor, aten.mul.Scalar), P.mul, False),
    ((aten.div.Tensor, aten.div.Scalar, aten.true_divide.Tensor), P.div, False),
    ((aten.maximum.default,), P.maximum, False), ((aten.minimum.default,), P.minimum, False),
    ((aten.pow.Tensor_Scalar, aten.pow.Tensor_Tensor), P.pow_, False),
]:
    for _target in _targets:
        TABLE[_target] = _binary(_emitter, _scaled)


@_register(aten.rsub.Scalar, aten.rsub.Tensor)
def _rsub(t: _Translator, node):
    if node.kwargs.get("alpha", 1) != 1:
        raise UnsupportedOpsError("rsub with alpha != 1 is not supported by MindIR export")
    return P.sub(t.b, t.scalar_or_tensor(node.args[1], node), t.scalar_or_tensor(node.args[0], node))


# reductions --------------------------------------------------------------------------------------------
def _dims(node, index: int) -> tuple[int, ...]:
    dims = _arg(node, index, "dim")
    if dims is None:
        return ()
    return (int(dims),) if isinstance(dims, int) else tuple(int(d) for d in dims)


@_register(aten.mean.dim, aten.mean.default)
def _mean(t: _Translator, node):
    keep = bool(_arg(node, 2, "keepdim", False)) if node.target is aten.mean.dim else False
    return P.reduce_mean(t.b, t.use(node.args[0]), _dims(node, 1), keep)


@_register(aten.sum.dim_IntList, aten.sum.default)
def _sum(t: _Translator, node):
    keep = bool(_arg(node, 2, "keepdim", False)) if node.target is aten.sum.dim_IntList else False
    return P.reduce_sum(t.b, t.use(node.args[0]), _dims(node, 1), keep)


@_register(aten.amax.default)
def _amax(t: _Translator, node):
    return P.reduce_max(t.b, t.use(node.args[0]), _dims(node, 1), bool(_arg(node, 2, "keepdim", False)))
