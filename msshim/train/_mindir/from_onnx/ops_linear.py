"""Linear algebra: Gemm, MatMul -> MatMul / BatchMatMul / BiasAdd."""
from __future__ import annotations

import numpy as np

from msshim.train._mindir import primitives as P

from .context import Unsupported
from .registry import _attrs, _input, _out_shape, translates


# ------------------------------------------------------------------------------------------- linear
@translates("Gemm")
def _gemm(ctx, node):
    attrs = _attrs(node)
    y = P.matmul(ctx.b, ctx.tensor(node.input[0]), ctx.tensor(node.input[1]), bool(attrs.get("transA", 0)),
                 bool(attrs.get("transB", 0)))
    alpha, beta = float(attrs.get("alpha", 1.0)), float(attrs.get("beta", 1.0))
    dtype = ctx.dtype(node.output[0])
    if alpha != 1.0:
        y = P.mul(ctx.b, y, ctx.b.constant(np.array(alpha, dtype=dtype)))
    c = _input(node, 2)
    if not c:
        return y
    bias = ctx.tensor(c)
    if beta != 1.0:
        bias = P.mul(ctx.b, bias, ctx.b.constant(np.array(beta, dtype=dtype)))
    if len(ctx.shape(c)) == 1 and ctx.shape(c)[0] == _out_shape(ctx, node)[1] and beta == 1.0:
        return P.bias_add(ctx.b, y, bias)
    return P.add(ctx.b, y, bias)


@translates("MatMul")
def _matmul(ctx, node):
    a, w = node.input
    ra, rw = len(ctx.shape(a)), len(ctx.shape(w))
    if ra == 2 and rw == 2:
        return P.matmul(ctx.b, ctx.tensor(a), ctx.tensor(w))
    if rw == 2 and ra > 2:  # (..., K) @ (K, N): fold the leading axes into rows
        rows = P.reshape(ctx.b, ctx.tensor(a), (-1, ctx.shape(a)[-1]))
        return P.reshape(ctx.b, P.matmul(ctx.b, rows, ctx.tensor(w)), _out_shape(ctx, node))
    if ra >= 3 and rw >= 3:
        return P.batch_matmul(ctx.b, ctx.tensor(a), ctx.tensor(w))
    raise Unsupported(f"MatMul of ranks {ra} and {rw}")
