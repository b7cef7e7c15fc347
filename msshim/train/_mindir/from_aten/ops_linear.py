"""Linear algebra: linear, addmm, mm, matmul/bmm, t -> MatMul / BatchMatMul / BiasAdd / Transpose."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

from msshim.train._mindir import primitives as P

from .registry import UnsupportedOpsError, _arg, _rank, _register, _shape
from .values import _meta

if TYPE_CHECKING:
    from .translate import _Translator

aten = torch.ops.aten


# linear algebra ----------------------------------------------------------------------------------------
@_register(aten.linear.default)
def _linear(t: _Translator, node):
    x, w = node.args[0], node.args[1]
    bias = _arg(node, 2, "bias")
    in_shape, out_shape = _shape(x), _shape(node)
    value = t.use(x)
    if len(in_shape) != 2:
        value = P.reshape(t.b, value, (-1, in_shape[-1]))
    value = P.matmul(t.b, value, t.use(w), False, True)
    if bias is not None:
        value = P.bias_add(t.b, value, t.use(bias))
    if len(in_shape) != 2:
        value = P.reshape(t.b, value, out_shape)
    return value


@_register(aten.addmm.default)
def _addmm(t: _Translator, node):
    bias, x, w = node.args[:3]
    if node.kwargs.get("beta", 1) != 1 or node.kwargs.get("alpha", 1) != 1:
        raise UnsupportedOpsError("addmm with beta/alpha != 1 is not supported by MindIR export")
    value = P.matmul(t.b, t.use(x), t.use(w))
    if _rank(bias) == 1:
        return P.bias_add(t.b, value, t.use(bias))
    return P.add(t.b, value, t.use(bias))


@_register(aten.mm.default)
def _mm(t: _Translator, node):
    return P.matmul(t.b, t.use(node.args[0]), t.use(node.args[1]))


@_register(aten.matmul.default, aten.bmm.default)
def _matmul(t: _Translator, node):
    a, b = node.args
    if _rank(a) == 2 and _rank(b) == 2:
        return P.matmul(t.b, t.use(a), t.use(b))
    return P.batch_matmul(t.b, t.use(a), t.use(b))


@_register(aten.t.default)
def _t(t: _Translator, node):
    return P.transpose(t.b, t.use(node.args[0]), (1, 0)) if _rank(node) == 2 else t.raw(node.args[0])


@_register(aten.scaled_dot_product_attention.default)
def _attention(t: _Translator, node):
    """softmax(q @ k^T * scale + mask) @ v with BatchMatMul / Mul / Add / Softmax (no dropout: export is eval)."""
    q, k, v = node.args[:3]
    mask = _arg(node, 3, "attn_mask", None)
    if _arg(node, 5, "is_causal", False) or float(_arg(node, 4, "dropout_p", 0.0)) != 0.0:
        raise UnsupportedOpsError("scaled_dot_product_attention with is_causal or dropout is not supported by "
                                  "MindIR export")
    if node.kwargs.get("enable_gqa", False):
        raise UnsupportedOpsError("scaled_dot_product_attention with enable_gqa is not supported by MindIR export")
    scale = node.kwargs.get("scale")
    scale = 1.0 / float(_shape(q)[-1]) ** 0.5 if scale is None else float(scale)
    scores = P.batch_matmul(t.b, t.use(q), t.use(k), transpose_b=True)
    scores = P.mul(t.b, scores, t.scalar_or_tensor(scale, q))
    if mask is not None:
        if _meta(mask).dtype == torch.bool:
            raise UnsupportedOpsError("a boolean attn_mask is not supported by MindIR export")
        scores = P.add(t.b, scores, t.use(mask))
    return P.batch_matmul(t.b, P.softmax(t.b, scores, -1), t.use(v))
