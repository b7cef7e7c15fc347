"""Matrix products and linear algebra: ``matmul``, ``bmm``, ``mm``, ``dot``, ``tensor_dot``, ``einsum``, ``outer``,
``inner``, ``addmm``/``baddbmm``, ``kron``, ``inverse``, ``det``, ``cdist``, ``dist``, ``cosine_similarity``, ...

MindSpore semantics kept here: ``matmul`` broadcasts like numpy (1-D operands are promoted and squeezed back);
a contraction-size mismatch raises RuntimeError ``For 'MatMulExt' op, shape1[-1] must be equal to shape2[-2]``;
``bmm``/``BatchMatMul`` raise ValueError; ``dot`` follows numpy.dot for N-D inputs.
"""
from __future__ import annotations

import torch

from msshim.common.tensor import Tensor, wrap
from msshim.ops.function._utils import check_tensor

__all__ = ["matmul", "bmm", "mm", "mv", "dot", "vecdot", "inner", "outer", "ger", "tensor_dot",
           "einsum", "addmm", "addmv", "addbmm", "baddbmm", "addr", "kron", "inverse", "det", "slogdet",
           "matrix_power", "pinv", "cross", "cdist", "dist", "cosine_similarity", "matrix_determinant", "svd", "qr",
           "cholesky"]


def _mm_args(a, b, op: str):
    x = check_tensor(a, op, "input")
    y = check_tensor(b, op, "other")
    if x.dtype is not y.dtype:
        common = torch.promote_types(x.dtype, y.dtype)
        x, y = x.to(common), y.to(common)
    return x, y


def _contract_dims(x: torch.Tensor, y: torch.Tensor):
    k1 = x.shape[-1] if x.dim() else 1
    k2 = (y.shape[-2] if y.dim() > 1 else y.shape[0]) if y.dim() else 1
    return k1, k2


def matmul(input, other) -> Tensor:
    """``ops.matmul(input, other)``: numpy-style matrix product with batch broadcasting."""
    x, y = _mm_args(input, other, "MatMulExt")
    try:
        return wrap(torch.matmul(x, y))
    except RuntimeError:
        k1, k2 = _contract_dims(x, y)
        if k1 != k2:
            raise RuntimeError(f"For 'MatMulExt' op, shape1[-1] must be equal to shape2[-2], but got {k1} and "
                               f"{k2}.") from None
        raise ValueError(f"For 'MatMulExt', the batch shapes of input {tuple(x.shape)} and other {tuple(y.shape)} "
                         f"cannot broadcast.") from None


def batch_matmul(x: torch.Tensor, y: torch.Tensor, transpose_a: bool = False, transpose_b: bool = False):
    """BatchMatMul on torch tensors (used by ``bmm`` and the ``BatchMatMul`` primitive)."""
    if x.dim() < 2 or y.dim() < 2:
        raise ValueError(f"For 'BatchMatMul', input 'x', 'y' should be greater than or equal to 2, but got "
                         f"{x.dim()} and {y.dim()}.")
    a = x.transpose(-1, -2) if transpose_a else x
    b = y.transpose(-1, -2) if transpose_b else y
    if a.shape[-1] != b.shape[-2]:
        raise ValueError(f"For BatchMatMul, the row of the input 'y' should be same as the col of the input 'x', "
                         f"with x shape {list(x.shape)}(transpose_a={int(transpose_a)}), y shape {list(y.shape)}"
                         f"(transpose_b={int(transpose_b)})")
    if a.dtype is not b.dtype:
        common = torch.promote_types(a.dtype, b.dtype)
        a, b = a.to(common), b.to(common)
    try:
        return torch.matmul(a, b)
    except RuntimeError:
        raise ValueError(f"For 'BatchMatMul', the batch shapes {list(x.shape[:-2])} and {list(y.shape[:-2])} "
                         f"cannot broadcast.") from None


def bmm(input_x, mat2) -> Tensor:
    """``ops.bmm(input_x, mat2)``: batched matrix product (batch axes broadcast)."""
    a = check_tensor(input_x, "BatchMatMul", "input_x")
    return wrap(batch_matmul(a, check_tensor(mat2, "BatchMatMul", "mat2")))


def plain_matmul(x: torch.Tensor, y: torch.Tensor, transpose_a: bool = False, transpose_b: bool = False):
    """The 2-D ``MatMul`` primitive on torch tensors."""
    if x.dim() != 2 or y.dim() != 2:
        raise ValueError(f"For 'MatMul', the input dimensions must be 2, but got {x.dim()} and {y.dim()}.")
    a = x.t() if transpose_a else x
    b = y.t() if transpose_b else y
    if a.shape[1] != b.shape[0]:
        raise ValueError(f"For 'MatMul' the input dimensions must be equal, but got 'x1_col': {a.shape[1]} and "
                         f"'x2_row': {b.shape[0]}.")
    if a.dtype is not b.dtype:
        raise TypeError(f"For 'MatMul', the type of 'x2' should be same as 'x1', but got 'x1' with type "
                        f"{a.dtype} and 'x2' with type {b.dtype}.")
    return torch.mm(a, b)


def mm(input, mat2) -> Tensor:
    return wrap(plain_matmul(check_tensor(input, "MatMul"), check_tensor(mat2, "MatMul", "mat2")))


def mv(input, vec) -> Tensor:
    x, v = _mm_args(input, vec, "mv")
    return wrap(torch.mv(x, v))


def dot(input, other) -> Tensor:
    """``ops.dot(input, other)``: numpy.dot (last axis of ``input`` with the second-to-last of ``other``)."""
    x, y = _mm_args(input, other, "dot")
    if x.dim() < 2 or y.dim() < 2:
        raise ValueError(f"For 'dot', the inputs x1, x2 should have 'dimension >= 2',but got 'len(x1_shape)': "
                         f"({x.dim()}) and 'len(x2_shape)': ({y.dim()}).")
    if x.shape[-1] != (y.shape[-2] if y.dim() > 1 else y.shape[0]):
        raise ValueError(f"For 'dot', the last dimension of 'input' must be equal to the second-to-last dimension "
                         f"of 'other', but got {tuple(x.shape)} and {tuple(y.shape)}.")
    return wrap(torch.tensordot(x, y, dims=([x.dim() - 1], [max(y.dim() - 2, 0)])))


def vecdot(x, y, *, axis=-1) -> Tensor:
    a, b = _mm_args(x, y, "vecdot")
    return wrap(torch.linalg.vecdot(a, b, dim=axis))


def inner(input, other) -> Tensor:
    x, y = _mm_args(input, other, "inner")
    if x.dim() and y.dim() and x.shape[-1] != y.shape[-1]:
        raise ValueError(f"For 'inner', the last dimension of 'input' and 'other' must be the same, but got "
                         f"input.shape: {tuple(x.shape)} and other.shape: {tuple(y.shape)}.")
    return wrap(torch.inner(x, y))


def outer(input, vec2) -> Tensor:
    """``ops.outer(input, vec2)``: ``input.reshape(-1, 1) * vec2``."""
    if not isinstance(input, Tensor):
        raise TypeError("the input input must be Tensor!")
    if not isinstance(vec2, Tensor):
        raise TypeError("the input vec2 must be Tensor!")
    return wrap(input._t.reshape(-1, 1) * vec2._t)


ger = outer


def tensor_dot(x1, x2, axes) -> Tensor:
    """``ops.tensor_dot(x1, x2, axes)``: ``axes`` an int (last N of x1 with first N of x2) or a pair of axis lists."""
    a, b = _mm_args(x1, x2, "tensor_dot")
    if isinstance(axes, int):
        if axes < 0:
            raise ValueError(f"For 'tensor_dot', 'axes' must be non-negative, but got {axes}.")
        dims = (list(range(a.dim() - axes, a.dim())), list(range(axes)))
    else:
        if len(axes) != 2:
            raise ValueError(f"For 'tensor_dot', 'axes' must be an int or a pair of axis lists, but got {axes}.")
        dims = tuple([axes_i] if isinstance(axes_i, int) else list(axes_i) for axes_i in axes)
        dims = ([d % a.dim() for d in dims[0]], [d % b.dim() for d in dims[1]])
    for i, (d1, d2) in enumerate(zip(*dims)):
        if a.shape[d1] != b.shape[d2]:
            raise ValueError(f"For 'tensor_dot', the 'i' should exist such that 'x1_shape[axes[0][i]]' is equal to "
                             f"'x2_shape[axes[1][i]]' or 'x2_shape[axes[1][len(axes[0])-1-i]]', but got 'x1_shape': "
                             f"{tuple(a.shape)}, 'x2_shape': {tuple(b.shape)}, 'axes': {list(axes)}.")
    return wrap(torch.tensordot(a, b, dims=dims))


def einsum(equation, *operands) -> Tensor:
    """``ops.einsum(equation, *operands)`` (a single tuple/list of operands is also accepted)."""
    if len(operands) == 1 and isinstance(operands[0], (tuple, list)):
        operands = tuple(operands[0])
    ts = [check_tensor(o, "Einsum", "operands") for o in operands]
    try:
        return wrap(torch.einsum(equation, *ts))
    except RuntimeError as exc:
        raise ValueError(f"For 'Einsum', {exc}") from None


def _scaled(beta, inp: torch.Tensor, alpha, prod: torch.Tensor) -> torch.Tensor:
    return beta * inp + alpha * prod


def addmm(input, mat1, mat2, *, beta=1, alpha=1) -> Tensor:
    """``beta * input + alpha * (mat1 @ mat2)``."""
    for n, v in (("alpha", alpha), ("beta", beta)):
        if not isinstance(v, (int, float)):
            raise TypeError(f"For 'addmm', parameter '{n}' must be an int or float, but got {type(v)}.")
    m1, m2 = check_tensor(mat1, "addmm", "mat1"), check_tensor(mat2, "addmm", "mat2")
    return wrap(_scaled(beta, check_tensor(input, "addmm"), alpha, plain_matmul(m1, m2)))


def addmv(input, mat, vec, *, beta=1, alpha=1) -> Tensor:
    return wrap(_scaled(beta, check_tensor(input, "addmv"), alpha,
                        torch.mv(check_tensor(mat, "addmv", "mat"), check_tensor(vec, "addmv", "vec"))))


def addbmm(input, batch1, batch2, *, beta=1, alpha=1) -> Tensor:
    prod = batch_matmul(check_tensor(batch1, "addbmm", "batch1"), check_tensor(batch2, "addbmm", "batch2")).sum(0)
    return wrap(_scaled(beta, check_tensor(input, "addbmm"), alpha, prod))


def baddbmm(input, batch1, batch2, beta=1, alpha=1) -> Tensor:
    """``beta * input + alpha * bmm(batch1, batch2)`` (all three of one dtype)."""
    ts = [check_tensor(v, "Baddbmm", n) for v, n in ((input, "input"), (batch1, "batch1"), (batch2, "batch2"))]
    if not ts[0].dtype == ts[1].dtype == ts[2].dtype:
        raise TypeError("For Baddbmm, the inputs should be the same dtype.")
    return wrap(_scaled(beta, ts[0], alpha, batch_matmul(ts[1], ts[2])))


def addr(x, vec1, vec2, *, beta=1, alpha=1) -> Tensor:
    return wrap(_scaled(beta, check_tensor(x, "addr"), alpha,
                        torch.outer(check_tensor(vec1, "addr", "vec1"), check_tensor(vec2, "addr", "vec2"))))


def kron(input, other) -> Tensor:
    x, y = _mm_args(input, other, "kron")
    return wrap(torch.kron(x, y))


def inverse(input) -> Tensor:
    return wrap(torch.linalg.inv(check_tensor(input, "MatrixInverse")))


def det(input) -> Tensor:
    return wrap(torch.linalg.det(check_tensor(input, "MatrixDeterminant")))


matrix_determinant = det


def slogdet(input) -> tuple:
    sign, logabs = torch.linalg.slogdet(check_tensor(input, "LogMatrixDeterminant"))
    return wrap(sign), wrap(logabs)


def matrix_power(input, n) -> Tensor:
    return wrap(torch.linalg.matrix_power(check_tensor(input, "MatrixPower"), int(n)))


def pinv(x, *, atol=None, rtol=None, hermitian=False) -> Tensor:
    return wrap(torch.linalg.pinv(check_tensor(x, "pinv", "x"), atol=atol, rtol=rtol, hermitian=hermitian))


def svd(input, full_matrices=False, compute_uv=True):
    """``ops.svd`` returns ``(s, u, v)`` (note: ``v``, not ``v^H``), or ``s`` alone without ``compute_uv``."""
    t = check_tensor(input, "Svd")
    if not compute_uv:
        return wrap(torch.linalg.svdvals(t))
    u, s, vh = torch.linalg.svd(t, full_matrices=full_matrices)
    return wrap(s), wrap(u), wrap(vh.mH)


def qr(input, mode="reduced") -> tuple:
    q, r = torch.linalg.qr(check_tensor(input, "Qr"), mode=mode)
    return wrap(q), wrap(r)


def cholesky(input_x, upper=False) -> Tensor:
    return wrap(torch.linalg.cholesky(check_tensor(input_x, "Cholesky", "input_x"), upper=upper))




def cross(input, other, dim=None) -> Tensor:
    x, y = _mm_args(input, other, "Cross")
    if dim is None:
        dim = next(i for i, s in enumerate(torch.broadcast_shapes(x.shape, y.shape)) if s == 3)
    return wrap(torch.linalg.cross(x, y, dim=dim))


def cdist(x1, x2, p=2.0) -> Tensor:
    a, b = _mm_args(x1, x2, "Cdist")
    return wrap(torch.cdist(a, b, p=p))


def dist(input, other, p=2) -> Tensor:
    """The ``p``-norm of ``input - other`` (flattened)."""
    if not isinstance(input, Tensor):
        raise TypeError(f"For 'dist', 'input' must be a tensor, but got {type(input)}")
    if not isinstance(other, Tensor):
        raise TypeError(f"For 'dist', 'other' must be a tensor, but got {type(other)}")
    return wrap(torch.dist(input._t, other._t, p))


def cosine_similarity(x1, x2, dim=1, eps=1e-08) -> Tensor:
    """``sum(x1 * x2, dim) / max(||x1|| * ||x2||, eps)`` (the product of norms is clipped, as in MindSpore)."""
    a, b = _mm_args(x1, x2, "cosine_similarity")
    num = (a * b).sum(dim)
    den = (torch.linalg.vector_norm(a, 2, dim) * torch.linalg.vector_norm(b, 2, dim)).clamp(min=eps)
    return wrap(num / den)
