"""Reductions, arg-reductions, scans and sorting: ``sum``, ``mean``, ``max``/``min`` (value and index),
``argmax``, ``std``/``var``, ``logsumexp``, ``norm``, ``cumsum``, ``topk``, ``sort``, ...

MindSpore 2.10 output dtypes kept here (they differ between functions):
* ``argmax`` -> Int64, ``argmin`` -> **Int32**; ``max``/``min`` always return ``(values, Int64 indices)``, and
  without ``axis`` the index is a constant 0 (``ops.max(x) == (x.max(), 0)``).
* ``sum``/``prod`` of integer or Bool input -> Int64; ``cumsum`` keeps the dtype, ``cumprod`` of integers -> Int64.
* ``topk``/``sort``/``argsort`` indices -> Int32; ``cummin`` indices Int32 but ``cummax`` indices Int64;
  ``count_nonzero`` -> Int32; ``median`` indices Int64.
"""
from __future__ import annotations

import builtins

import torch

from msshim.common import dtype as mstype
from msshim.common.tensor import Tensor, wrap
from msshim.ops.function._utils import check_tensor, norm_axis, reduce_axes, to_dtype

__all__ = ["sum", "mean", "prod", "max", "min", "amax", "amin", "argmax", "argmin", "aminmax", "std", "var",
           "std_mean", "var_mean", "logsumexp", "any", "all", "norm", "vector_norm", "matrix_norm", "count_nonzero",
           "median", "nanmedian", "nansum", "nanmean", "cumsum", "cumprod", "cummax", "cummin", "logcumsumexp",
           "topk", "sort", "argsort", "msort", "searchsorted", "bucketize", "bincount", "histc", "quantile",
           "nanquantile"]

_INT_OR_BOOL = (torch.bool, torch.int8, torch.int16, torch.int32, torch.int64, torch.uint8)


def _t(x, op: str) -> torch.Tensor:
    return check_tensor(x, op)


def _reduce(t: torch.Tensor, fn, dim, keep: bool) -> torch.Tensor:
    """Apply a torch reduction over ``dim`` (None = all axes) with MindSpore's keep_dims shape."""
    if dim is None:
        out = fn(t)
        return out.reshape((1,) * t.dim()) if keep else out
    return fn(t, dim=dim, keepdim=keep)


def sum(input, dim=None, keepdim=False, *, dtype=None) -> Tensor:
    """``ops.sum(input, dim=None, keepdim=False, *, dtype=None)``: integer/Bool input sums to Int64."""
    t = _t(input, "SumExt")
    d = reduce_axes(dim, t.dim(), "SumExt")
    if dtype is not None:
        t = t.to(to_dtype(dtype))
    elif t.dtype in _INT_OR_BOOL:
        t = t.to(torch.int64)
    return wrap(_reduce(t, torch.sum, d, keepdim))


def mean(x, axis=None, keep_dims=False) -> Tensor:
    """``ops.mean(x, axis=None, keep_dims=False)``."""
    t = _t(x, "ReduceMean")
    d = reduce_axes(axis, t.dim(), "ReduceMean")
    if not (t.is_floating_point() or t.is_complex()):
        return wrap(_reduce(t.to(torch.float32), torch.mean, d, keep_dims).to(t.dtype))
    return wrap(_reduce(t, torch.mean, d, keep_dims))


def _prod_all_axes(t: torch.Tensor, d, keep: bool) -> torch.Tensor:
    if d is None:
        return _reduce(t, torch.prod, None, keep)
    for a in sorted(d, reverse=True):
        t = torch.prod(t, dim=a, keepdim=keep)
    return t


def prod(input, axis=None, keep_dims=False, dtype=None) -> Tensor:
    """``ops.prod(input, axis=None, keep_dims=False, dtype=None)``: integer input with an int/None axis -> Int64."""
    t = _t(input, "ProdExt")
    d = reduce_axes(axis, t.dim(), "ProdExt")
    if dtype is not None:
        t = t.to(to_dtype(dtype))
    elif t.dtype in _INT_OR_BOOL and not isinstance(axis, (tuple, list, Tensor)):
        t = t.to(torch.int64)
    return wrap(_prod_all_axes(t, d, keep_dims))


def _extreme_with_index(input, axis, keepdims, initial, where, largest: bool, op: str):
    t = _t(input, op)
    if t.dim() == 0:
        return wrap(t), wrap(torch.tensor(0, dtype=torch.int64, device=t.device))
    t = _init_where(t, initial, where, torch.maximum if largest else torch.minimum)
    if axis is None:
        val = t.max() if largest else t.min()
        return wrap(val), wrap(torch.tensor(0, dtype=torch.int64, device=t.device))
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise TypeError(f"For '{op.lower()}', 'axis' must be int, but got {type(axis)}")
    a = norm_axis(axis, t.dim(), "ArgMaxWithValue" if largest else "ArgMinWithValue")
    vals, idx = (torch.max if largest else torch.min)(t, dim=a, keepdim=keepdims)
    return wrap(vals), wrap(idx)


def _init_where(t: torch.Tensor, initial, where, cmp) -> torch.Tensor:
    if initial is not None:
        t = cmp(t, torch.full_like(t, initial))
    if isinstance(where, Tensor):
        if initial is None:
            raise ValueError("initial value must be provided for where masks")
        t = torch.where(where._t, t, torch.full_like(t, initial))
    return t


def max(input, axis=None, keepdims=False, *, initial=None, where=None) -> tuple:
    """``ops.max(input, axis=None, keepdims=False, *, initial=None, where=None)`` -> ``(values, indices)``."""
    return _extreme_with_index(input, axis, keepdims, initial, where, True, "Max")


def min(input, axis=None, keepdims=False, *, initial=None, where=None) -> tuple:
    """``ops.min(input, axis=None, keepdims=False, *, initial=None, where=None)`` -> ``(values, indices)``."""
    return _extreme_with_index(input, axis, keepdims, initial, where, False, "Min")


def amax(input, axis=None, keepdims=False, *, initial=None, where=None) -> Tensor:
    t = _init_where(_t(input, "ReduceMax"), initial, where, torch.maximum)
    d = reduce_axes(axis, t.dim(), "ReduceMax")
    return wrap(_reduce(t, torch.amax, d, keepdims))


def amin(input, axis=None, keepdims=False, *, initial=None, where=None) -> Tensor:
    t = _init_where(_t(input, "ReduceMin"), initial, where, torch.minimum)
    d = reduce_axes(axis, t.dim(), "ReduceMin")
    return wrap(_reduce(t, torch.amin, d, keepdims))


def aminmax(input, *, axis=0, keepdims=False) -> tuple:
    t = _t(input, "aminmax")
    a = norm_axis(axis, t.dim(), "aminmax")
    return wrap(torch.amin(t, a, keepdims)), wrap(torch.amax(t, a, keepdims))


def _arg(t: torch.Tensor, fn, dim, keep: bool, op: str, out_dtype: torch.dtype) -> torch.Tensor:
    if t.dtype is torch.bool:
        t = t.to(torch.int32)
    if dim is None:
        return fn(t.reshape(-1), 0).to(out_dtype)
    a = norm_axis(dim, t.dim(), op)
    return fn(t, a, keep).to(out_dtype)


def argmax(input, dim=None, keepdim=False) -> Tensor:
    """``ops.argmax(input, dim=None, keepdim=False)`` -> Int64 (flattened when ``dim`` is None)."""
    t = _t(input, "Argmax")
    if t.dim() == 0:
        return wrap(torch.tensor(0, dtype=torch.int64, device=t.device))
    return wrap(_arg(t, torch.argmax, dim, keepdim, "Argmax", torch.int64))


def argmin(input, axis=None, keepdims=False) -> Tensor:
    """``ops.argmin(input, axis=None, keepdims=False)`` -> **Int32** (MindSpore's Argmin default)."""
    t = _t(input, "Argmin")
    if t.dim() == 0:
        return wrap(torch.tensor(0, dtype=torch.int64, device=t.device))
    return wrap(_arg(t, torch.argmin, axis, keepdims, "Argmin", torch.int32))


def _var_axes(t: torch.Tensor, axis, op: str):
    return reduce_axes(axis, t.dim(), op)


def var(input, axis=None, ddof=0, keepdims=False) -> Tensor:
    """``ops.var(input, axis=None, ddof=0, keepdims=False)``: population variance by default (``ddof=0``)."""
    t = _t(input, "var")
    d = _var_axes(t, axis, "var")
    return wrap(torch.var(t, dim=d, correction=ddof, keepdim=keepdims))


def std(input, axis=None, ddof=0, keepdims=False) -> Tensor:
    """``ops.std(input, axis=None, ddof=0, keepdims=False)``: population std by default (``ddof=0``)."""
    t = _t(input, "std")
    d = _var_axes(t, axis, "std")
    return wrap(torch.std(t, dim=d, correction=ddof, keepdim=keepdims))


def std_mean(input, axis=None, ddof=0, keepdims=False) -> tuple:
    t = _t(input, "std_mean")
    s, m = torch.std_mean(t, dim=_var_axes(t, axis, "std_mean"), correction=ddof, keepdim=keepdims)
    return wrap(s), wrap(m)


def var_mean(input, axis=None, ddof=0, keepdims=False) -> tuple:
    t = _t(input, "var_mean")
    v, m = torch.var_mean(t, dim=_var_axes(t, axis, "var_mean"), correction=ddof, keepdim=keepdims)
    return wrap(v), wrap(m)


def logsumexp(input, dim, keepdim=False) -> Tensor:
    t = _t(input, "logsumexp")
    d = reduce_axes(dim, t.dim(), "ReduceMax")
    if d is None:
        d = tuple(builtins.range(t.dim()))
    return wrap(torch.logsumexp(t, dim=d, keepdim=keepdim))


def any(input, axis=None, keep_dims=False) -> Tensor:
    t = _t(input, "ReduceAny")
    d = reduce_axes(axis, t.dim(), "ReduceAny")
    return wrap(_reduce(t.bool() if t.dtype is not torch.bool else t, torch.any, d, keep_dims))


def all(input, axis=None, keep_dims=False) -> Tensor:
    t = _t(input, "ReduceAll")
    d = reduce_axes(axis, t.dim(), "ReduceAll")
    return wrap(_reduce(t.bool() if t.dtype is not torch.bool else t, torch.all, d, keep_dims))


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None) -> Tensor:
    """``ops.norm(A, ord=None, dim=None, keepdim=False, *, dtype=None)``: torch.linalg.norm's semantics (vector
    norm for one axis, matrix norm for two, 2-norm of the flattened input by default)."""
    t = _t(A, "norm")
    if dtype is not None:
        t = t.to(to_dtype(dtype))
    if isinstance(dim, int):
        dim = (dim,)
    if dim is None and ord is not None and not isinstance(ord, str) and t.dim() > 2:
        raise ValueError(f"For 'norm', 'dim' must be given when 'ord' is {ord} and the input has rank {t.dim()}.")
    return wrap(torch.linalg.norm(t, ord, dim, keepdim))


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None) -> Tensor:
    t = _t(x, "vector_norm")
    return wrap(torch.linalg.vector_norm(t, ord, dim, keepdim, dtype=None if dtype is None else to_dtype(dtype)))


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None) -> Tensor:
    t = _t(A, "matrix_norm")
    return wrap(torch.linalg.matrix_norm(t, ord, dim, keepdim, dtype=None if dtype is None else to_dtype(dtype)))


def count_nonzero(x, axis=(), keep_dims=False, dtype=mstype.int32) -> Tensor:
    """Number of non-zero elements, Int32 by default."""
    t = _t(x, "count_nonzero")
    if t.dtype is torch.bool:
        raise TypeError("The 'input x' doesn't support 'Bool' and expect to receive a number type.")
    d = reduce_axes(axis, t.dim(), "ReduceSum")
    nz = (t != 0).to(torch.float32)
    return wrap(_reduce(nz, torch.sum, d, keep_dims).to(to_dtype(dtype)))


def median(input, axis=-1, keepdims=False) -> tuple:
    """``ops.median(input, axis=-1, keepdims=False)`` -> ``(values, Int64 indices)`` (lower median)."""
    t = _t(input, "Median")
    a = norm_axis(axis, t.dim(), "Median")
    vals, idx = torch.median(t, dim=a, keepdim=keepdims)
    return wrap(vals), wrap(idx)


def nanmedian(input, axis=-1, keepdims=False) -> tuple:
    t = _t(input, "nanmedian")
    vals, idx = torch.nanmedian(t, dim=norm_axis(axis, t.dim(), "nanmedian"), keepdim=keepdims)
    return wrap(vals), wrap(idx)


def nansum(input, axis=None, keepdims=False, *, dtype=None) -> Tensor:
    t = _t(input, "nansum")
    if t.dtype is torch.bool:
        t = t.to(torch.int64)
    d = reduce_axes(axis, t.dim(), "ReduceSum")
    out = _reduce(torch.nan_to_num(t, nan=0.0) if t.is_floating_point() else t, torch.sum, d, keepdims)
    return wrap(out if dtype is None else out.to(to_dtype(dtype)))


def nanmean(input, axis=None, keepdims=False, *, dtype=None) -> Tensor:
    t = _t(input, "nanmean")
    out = torch.nanmean(t, dim=reduce_axes(axis, t.dim(), "nanmean"), keepdim=keepdims)
    return wrap(out if dtype is None else out.to(to_dtype(dtype)))


# ---------------------------------------------------------------------------------------------- scans
def cumsum(x, axis, dtype=None) -> Tensor:
    """``ops.cumsum(x, axis, dtype=None)``: keeps the input dtype (Int32 stays Int32)."""
    t = _t(x, "CumSum")
    if t.dtype is torch.bool and dtype is None:
        raise TypeError("For primitive[CumSum], the input argument[x] must be a type of numbers, but got Bool.")
    if dtype is not None:
        t = t.to(to_dtype(dtype))
    a = norm_axis(axis, t.dim(), "CumSum")
    return wrap(torch.cumsum(t, a, dtype=t.dtype))


def cumprod(input, dim, dtype=None) -> Tensor:
    """``ops.cumprod(input, dim, dtype=None)``: integer/Bool input -> Int64."""
    t = _t(input, "CumProd")
    if dtype is not None:
        t = t.to(to_dtype(dtype))
    elif t.dtype in _INT_OR_BOOL:
        t = t.to(torch.int64)
    return wrap(torch.cumprod(t, norm_axis(dim, t.dim(), "CumProd"), dtype=t.dtype))


def cummax(input, axis) -> tuple:
    """``(values, Int64 indices)``."""
    t = _t(input, "Cummax")
    vals, idx = torch.cummax(t, norm_axis(axis, t.dim(), "Cummax"))
    return wrap(vals), wrap(idx)


def cummin(input, axis) -> tuple:
    """``(values, Int32 indices)`` (MindSpore's Cummin returns Int32 indices)."""
    if isinstance(axis, bool):
        raise TypeError(f"For 'cummin', the date type of 'axis' must be Int, but got {axis}.")
    t = _t(input, "Cummin")
    vals, idx = torch.cummin(t, norm_axis(axis, t.dim(), "Cummin"))
    return wrap(vals), wrap(idx.to(torch.int32))


def logcumsumexp(input, axis) -> Tensor:
    t = _t(input, "logcumsumexp")
    return wrap(torch.logcumsumexp(t, norm_axis(axis, t.dim(), "logcumsumexp")))


# ---------------------------------------------------------------------------------------------- sorting
def topk(input, k, dim=None, largest=True, sorted=True) -> tuple:
    """``ops.topk(input, k, dim=None, largest=True, sorted=True)`` -> ``(values, Int32 indices)``; ``dim`` None
    means the last axis."""
    if not isinstance(largest, bool):
        raise TypeError(f"For 'topk', the type of 'largest' should be bool, but got {type(largest).__name__}.")
    t = _t(input, "TopK")
    a = t.dim() - 1 if dim is None else norm_axis(dim, t.dim(), "TopK")
    n = t.shape[a] if t.dim() else 1
    if isinstance(k, Tensor):
        k = int(k._t)
    if not 0 < k <= n:
        raise ValueError(f"For primitive[TopK], the k must be in (0,{n}], but got {k}.")
    vals, idx = torch.topk(t, k, dim=a, largest=largest, sorted=sorted)
    return wrap(vals), wrap(idx.to(torch.int32))


def sort(input_x, axis=-1, descending=False) -> tuple:
    """``ops.sort(input_x, axis=-1, descending=False)`` -> ``(values, Int32 indices)`` (stable)."""
    t = _t(input_x, "Sort")
    vals, idx = torch.sort(t, dim=norm_axis(axis, t.dim(), "Sort"), descending=descending, stable=True)
    return wrap(vals), wrap(idx.to(torch.int32))


def argsort(input, axis=-1, descending=False) -> Tensor:
    """Int32 indices that sort ``input`` along ``axis``."""
    return sort(input, axis, descending)[1]


def msort(input) -> Tensor:
    return sort(input, 0)[0]






def searchsorted(sorted_sequence, values, *, out_int32=False, right=False, side=None, sorter=None) -> Tensor:
    seq = _t(sorted_sequence, "SearchSorted")
    v = values._t if isinstance(values, Tensor) else torch.as_tensor(values, dtype=seq.dtype, device=seq.device)
    right = right or side == "right"
    s = None if sorter is None else _t(sorter, "SearchSorted").long()
    return wrap(torch.searchsorted(seq, v, out_int32=out_int32, right=right, sorter=s))


def bucketize(input, boundaries, *, right=False) -> Tensor:
    t = _t(input, "bucketize")
    b = torch.as_tensor(boundaries, dtype=t.dtype if t.is_floating_point() else torch.float32, device=t.device)
    return wrap(torch.bucketize(t, b, out_int32=True, right=right))


def bincount(input, weights=None, minlength=0) -> Tensor:
    """Counts (weighted sums) per value, always Float32 (MindSpore computes them with a Float32 ReduceSum)."""
    t = _t(input, "bincount")
    if t.dim() != 1:
        raise ValueError("For math function 'bincount', 'input' should be one-dimensional tensor.")
    w = None if weights is None else _t(weights, "bincount")
    return wrap(torch.bincount(t, w, minlength).to(torch.float32))


def histc(input, bins=100, min=0.0, max=0.0) -> Tensor:
    t = _t(input, "histc")
    return wrap(torch.histc(t.float() if not t.is_floating_point() else t, bins, min, max))


def quantile(input, q, axis=None, keepdims=False) -> Tensor:
    t = _t(input, "quantile")
    qq = q._t if isinstance(q, Tensor) else q
    return wrap(torch.quantile(t, qq, dim=axis, keepdim=keepdims))


def nanquantile(input, q, axis=None, keepdims=False) -> Tensor:
    t = _t(input, "nanquantile")
    qq = q._t if isinstance(q, Tensor) else q
    return wrap(torch.nanquantile(t, qq, dim=axis, keepdim=keepdims))
