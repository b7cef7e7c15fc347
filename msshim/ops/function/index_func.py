"""Indexing operators: ``gather`` (with ``batch_dims``), ``gather_elements``, ``gather_nd``, ``index_select``,
``masked_fill``, ``where``/``select``, ``scatter``, ``tensor_scatter_*``, ``scatter_nd``, ``slice``, ``narrow``,
``strided_slice``, ``one_hot``, ``nonzero``, ``unique``, ``sequence_mask``, segment sums.

MindSpore semantics kept here: ``one_hot`` output takes the dtype of ``on_value`` (Int64 for the default ``1``)
and rows of out-of-range indices are all ``off_value``; ``unique`` returns values in order of first
occurrence with Int32 indices (Int64 for Int64 input); ``scatter_nd`` sums duplicate indices.
"""
from __future__ import annotations

import builtins
import math

import torch

from msshim.common.tensor import Tensor, wrap
from msshim.ops.function._utils import broadcast_error, check_tensor, int_list, norm_axis, shape_arg, tensor_arg

__all__ = ["gather", "gather_elements", "gather_d", "gather_nd", "index_select", "masked_fill", "masked_select",
           "where", "select", "scatter", "tensor_scatter_update", "tensor_scatter_add", "tensor_scatter_sub",
           "tensor_scatter_mul", "tensor_scatter_div", "tensor_scatter_max", "tensor_scatter_min",
           "tensor_scatter_elements", "scatter_nd", "scatter_add", "scatter_update", "scatter_nd_update",
           "scatter_nd_add", "index_add", "index_fill", "slice", "narrow", "strided_slice", "one_hot", "nonzero",
           "argwhere", "unique", "unique_consecutive", "sequence_mask", "unsorted_segment_sum",
           "unsorted_segment_max", "unsorted_segment_min", "unsorted_segment_prod", "assign", "assign_add",
           "assign_sub"]


def _t(x, op: str, name: str = "input") -> torch.Tensor:
    return check_tensor(x, op, name)


def _int_index(t: torch.Tensor, op: str, name: str = "indices") -> torch.Tensor:
    if t.dtype not in (torch.int32, torch.int64, torch.int16, torch.int8, torch.uint8):
        raise TypeError(f"For '{op}', the '{name}' must be an integer Tensor, but got {t.dtype}.")
    return t.long() if t.dtype is not torch.int64 else t


def _out_of_range(op: str, idx: torch.Tensor, size: int) -> RuntimeError:
    bad = idx[(idx < 0) | (idx >= size)]
    got = int(bad.reshape(-1)[0]) if bad.numel() else "?"
    return RuntimeError(f"For '{op}', the 'input_indices' should be in the range [0, {size}), but got {got}, "
                        f"error_code[58]")


def write_inplace(target, value: torch.Tensor):
    """Update a Tensor/Parameter in place (MindSpore's Assign-family side effect) and return it."""
    t = target._t
    with torch.no_grad():
        t.copy_(value.to(t.dtype))
    return target


# ---------------------------------------------------------------------------------------------- gathers
def gather(input_params, input_indices, axis, batch_dims=0) -> Tensor:
    """``ops.gather(input_params, input_indices, axis, batch_dims=0)``: output shape is
    ``params.shape[:axis] + indices.shape[batch_dims:] + params.shape[axis + 1:]``."""
    p = _t(input_params, "Gather", "input_params")
    idx = _int_index(tensor_arg(input_indices, "input_indices", "Gather"), "Gather", "input_indices")
    nd = p.dim()
    if isinstance(axis, Tensor):
        axis = int(axis._t)
    if axis < -nd or axis >= nd:
        raise ValueError(f"For primitive[Gather], the axis must be in [{-nd},{nd}], but got {axis}.")
    axis %= nd
    size = p.shape[axis]
    if batch_dims < 0:
        batch_dims += idx.dim()
    try:
        if batch_dims == 0:
            out = p.index_select(axis, idx.reshape(-1))
            return wrap(out.reshape(p.shape[:axis] + idx.shape + p.shape[axis + 1:]))
        return wrap(_gather_batched(p, idx, axis, batch_dims))
    except (IndexError, RuntimeError):
        raise _out_of_range("Gather", idx, size) from None


def _gather_batched(p: torch.Tensor, idx: torch.Tensor, axis: int, b: int) -> torch.Tensor:
    if axis < b:
        raise ValueError(f"For 'Gather', the 'axis' must be greater than or equal to 'batch_dims', but got axis "
                         f"{axis} and batch_dims {b}.")
    batch = math.prod(p.shape[:b])
    p2 = p.reshape((batch,) + p.shape[b:]).movedim(axis - b + 1, 1)
    i2 = idx.reshape((batch,) + idx.shape[b:])
    if bool(((i2 < 0) | (i2 >= p2.shape[1])).any()):
        raise IndexError
    bar = torch.arange(batch, device=p.device).reshape((batch,) + (1,) * (i2.dim() - 1))
    g = p2[bar, i2]  # (B, *idx_rest, *pre, *post)
    k, n_pre = i2.dim() - 1, axis - b
    perm = [0] + list(builtins.range(k + 1, k + 1 + n_pre)) + list(builtins.range(1, k + 1)) + \
        list(builtins.range(k + 1 + n_pre, g.dim()))
    g = g.permute(perm)
    return g.reshape(p.shape[:b] + g.shape[1:])


def gather_elements(input, dim, index) -> Tensor:
    t = _t(input, "GatherD")
    idx = _int_index(_t(index, "GatherD", "index"), "GatherD", "index")
    d = norm_axis(dim, t.dim(), "GatherD", word="dim")
    try:
        return wrap(torch.gather(t, d, idx))
    except RuntimeError as exc:
        raise ValueError(f"For 'GatherD', {exc}") from None


def gather_d(x, dim, index) -> Tensor:
    return gather_elements(x, dim, index)




def gather_nd(input_x, indices) -> Tensor:
    """``ops.gather_nd(input_x, indices)``: the last axis of ``indices`` indexes the leading axes of ``input_x``."""
    t = _t(input_x, "GatherNd", "input_x")
    idx = _int_index(_t(indices, "GatherNd", "indices"), "GatherNd")
    depth = idx.shape[-1]
    if depth > t.dim():
        raise ValueError(f"For 'GatherNd', the last dimension of 'indices' must be less than or equal to the rank of "
                         f"'input_x', but got {depth} and {t.dim()}.")
    try:
        return wrap(t[tuple(idx.unbind(-1))])
    except IndexError:
        raise RuntimeError("For 'GatherNd', the 'indices' is out of range.") from None


def index_select(input, axis, index) -> Tensor:
    if not (isinstance(input, Tensor) and isinstance(index, Tensor)):
        raise TypeError("For 'index_select', `input` and `index` must be all tensors.")
    if index.ndim != 1:
        raise ValueError(f"For 'index_select', the dimension of `index` must be 1, but got {index.ndim}")
    t = input._t
    a = norm_axis(axis, t.dim(), "index_select")
    idx = _int_index(index._t, "index_select", "index")
    try:
        return wrap(t.index_select(a, idx))
    except (IndexError, RuntimeError):
        raise _out_of_range("Gather", idx, t.shape[a]) from None


# ---------------------------------------------------------------------------------------------- masks / select
def _bool_mask(mask, op: str) -> torch.Tensor:
    m = tensor_arg(mask, "mask", op)
    if m.dtype is not torch.bool:
        raise TypeError(f"For primitive[{op}], the input argument[mask] must be a type of {{Bool}}, but got "
                        f"{_ms_name(m)}.")
    return m


def _ms_name(t: torch.Tensor) -> str:
    from msshim.common import dtype as mstype

    return str(mstype.from_torch(t.dtype))


def masked_fill(input_x, mask, value) -> Tensor:
    """``ops.masked_fill(input_x, mask, value)``: the output keeps ``input_x``'s dtype."""
    t = _t(input_x, "MaskedFill", "input_x")
    m = _bool_mask(mask, "MaskedFill")
    v = value._t if isinstance(value, Tensor) else value
    if isinstance(v, torch.Tensor) and v.dtype is not t.dtype:
        v = v.to(t.dtype)
    try:
        return wrap(t.masked_fill(m, v))
    except RuntimeError:
        raise broadcast_error("MaskedFill", t, m) from None


def masked_select(input, mask) -> Tensor:
    t = _t(input, "MaskedSelect")
    m = _bool_mask(mask, "MaskedSelect")
    try:
        return wrap(torch.masked_select(t, m))
    except RuntimeError:
        raise broadcast_error("MaskedSelect", t, m) from None


def where(condition, input, other) -> Tensor:
    """``ops.where(condition, input, other)``: scalars are accepted for ``input``/``other``."""
    c = tensor_arg(condition, "condition", "Select")
    if c.dtype is not torch.bool:
        c = c.bool()
    a = input._t if isinstance(input, Tensor) else input
    b = other._t if isinstance(other, Tensor) else other
    try:
        return wrap(torch.where(c, a, b))
    except RuntimeError:
        x = a if isinstance(a, torch.Tensor) else c
        y = b if isinstance(b, torch.Tensor) else c
        if not _broadcastable(x, y):
            raise broadcast_error("Select", x, y, ("input", "other")) from None
        raise broadcast_error("Select", c, x if not _broadcastable(c, x) else y, ("condition", "input")) from None


def _broadcastable(a, b) -> bool:
    try:
        torch.broadcast_shapes(a.shape, b.shape)
        return True
    except RuntimeError:
        return False


select = where


# ---------------------------------------------------------------------------------------------- scatters
def scatter(input, axis, index, src) -> Tensor:
    """``ops.scatter(input, axis, index, src)``: ``src`` may be a Tensor or a scalar."""
    t = _t(input, "Scatter")
    idx = _int_index(_t(index, "Scatter", "index"), "Scatter", "index")
    a = norm_axis(axis, t.dim(), "Scatter")
    if isinstance(src, Tensor):
        return wrap(torch.scatter(t, a, idx, src._t.to(t.dtype)))
    return wrap(torch.scatter(t, a, idx, src))


def tensor_scatter_elements(input_x, indices, updates, axis=0, reduction="none") -> Tensor:
    t = _t(input_x, "TensorScatterElements", "input_x")
    idx = _int_index(_t(indices, "TensorScatterElements"), "TensorScatterElements")
    a = norm_axis(axis, t.dim(), "TensorScatterElements")
    u = _t(updates, "TensorScatterElements", "updates").to(t.dtype)
    if reduction == "none":
        return wrap(torch.scatter(t, a, idx, u))
    if reduction == "add":
        return wrap(torch.scatter_add(t, a, idx, u))
    raise ValueError(f"For 'TensorScatterElements', 'reduction' must be 'none' or 'add', but got {reduction}.")


def _nd_linear(t: torch.Tensor, idx: torch.Tensor, updates: torch.Tensor, op: str):
    """Flatten ``t`` to ``(prod(shape[:K]), *shape[K:])`` and ``indices[..., K]`` to linear row numbers."""
    depth = idx.shape[-1]
    expected = tuple(idx.shape[:-1]) + tuple(t.shape[depth:])
    if depth > t.dim() or tuple(updates.shape) != expected:
        raise ValueError(f"For {op}, updates_shape = indices_shape[:-1] + x_shape[indices_shape[-1]:], but got "
                         f"x_shape: {tuple(t.shape)}, indices_shape: {tuple(idx.shape)}, updates_shape: "
                         f"({', '.join(str(s) for s in updates.shape)}).")
    lead = t.shape[:depth]
    if bool(((idx < 0) | (idx >= torch.tensor(lead, device=idx.device))).any()):
        raise RuntimeError(f"For '{op}', the 'indices' is out of range of 'input_x' shape {tuple(t.shape)}.")
    strides = torch.tensor([math.prod(lead[k + 1:]) for k in builtins.range(depth)], device=idx.device)
    rows = (idx * strides).sum(-1).reshape(-1)
    flat = t.reshape((math.prod(lead),) + t.shape[depth:])
    upd = updates.reshape((rows.numel(),) + t.shape[depth:]).to(t.dtype)
    return flat, rows, upd


def _scatter_nd(input_x, indices, updates, op: str, mode: str) -> torch.Tensor:
    t = _t(input_x, op, "input_x")
    idx = _int_index(_t(indices, op), op)
    flat, rows, upd = _nd_linear(t, idx, _t(updates, op, "updates"), op)
    if mode == "update":
        out = flat.index_copy(0, rows, upd)
    elif mode == "add":
        out = flat.index_add(0, rows, upd)
    elif mode == "sub":
        out = flat.index_add(0, rows, -upd)
    elif mode == "div":
        quotient = flat.double().index_reduce(0, rows, 1 / upd.double(), "prod")
        out = (quotient if t.is_floating_point() else torch.trunc(quotient)).to(t.dtype)
    else:
        out = flat.index_reduce(0, rows, upd, mode)
    return out.reshape(t.shape)


def tensor_scatter_update(input_x, indices, updates) -> Tensor:
    return wrap(_scatter_nd(input_x, indices, updates, "TensorScatterUpdate", "update"))


def tensor_scatter_add(input_x, indices, updates) -> Tensor:
    return wrap(_scatter_nd(input_x, indices, updates, "TensorScatterAdd", "add"))


def tensor_scatter_sub(input_x, indices, updates) -> Tensor:
    return wrap(_scatter_nd(input_x, indices, updates, "TensorScatterSub", "sub"))


def tensor_scatter_mul(input_x, indices, updates) -> Tensor:
    return wrap(_scatter_nd(input_x, indices, updates, "TensorScatterMul", "prod"))


def tensor_scatter_div(input_x, indices, updates) -> Tensor:
    return wrap(_scatter_nd(input_x, indices, updates, "TensorScatterDiv", "div"))


def tensor_scatter_max(input_x, indices, updates) -> Tensor:
    return wrap(_scatter_nd(input_x, indices, updates, "TensorScatterMax", "amax"))


def tensor_scatter_min(input_x, indices, updates) -> Tensor:
    return wrap(_scatter_nd(input_x, indices, updates, "TensorScatterMin", "amin"))


def scatter_nd(indices, updates, shape) -> Tensor:
    """``ops.scatter_nd(indices, updates, shape)``: zeros of ``shape`` with ``updates`` summed in."""
    u = _t(updates, "ScatterNd", "updates")
    zeros = torch.zeros(shape_arg(shape, "ScatterNd"), dtype=u.dtype, device=u.device)
    return wrap(_scatter_nd(wrap(zeros), indices, updates, "ScatterNd", "add"))


def scatter_nd_update(input_x, indices, updates):
    """In place on ``input_x`` (a Parameter), returns it."""
    return write_inplace(input_x, _scatter_nd(input_x, indices, updates, "ScatterNdUpdate", "update"))


def scatter_nd_add(input_x, indices, updates, use_locking=False):
    return write_inplace(input_x, _scatter_nd(input_x, indices, updates, "ScatterNdAdd", "add"))


def _scatter_rows(input_x, indices, updates, op: str, mode: str) -> torch.Tensor:
    t = _t(input_x, op, "input_x")
    idx = _int_index(_t(indices, op), op).reshape(-1)
    u = _t(updates, op, "updates").reshape((idx.numel(),) + t.shape[1:]).to(t.dtype)
    if mode == "update":
        return t.index_copy(0, idx, u)
    return t.index_add(0, idx, u if mode == "add" else -u)


def scatter_update(input_x, indices, updates):
    """``ops.scatter_update``: rows ``indices`` of the Parameter ``input_x`` are replaced (in place)."""
    return write_inplace(input_x, _scatter_rows(input_x, indices, updates, "ScatterUpdate", "update"))


def scatter_add(input_x, indices, updates):
    return write_inplace(input_x, _scatter_rows(input_x, indices, updates, "ScatterAdd", "add"))


def index_add(x, indices, y, axis, use_lock=True, check_index_bound=True):
    """Adds rows of ``y`` into ``x`` along ``axis`` **in place** (as MindSpore's IndexAdd does) and returns ``x``."""
    t = _t(x, "IndexAdd", "x")
    a = norm_axis(axis, t.dim(), "IndexAdd")
    out = t.index_add(a, _int_index(_t(indices, "IndexAdd"), "IndexAdd"), _t(y, "IndexAdd", "y").to(t.dtype))
    return write_inplace(x, out)


def index_fill(x, axis, index, value) -> Tensor:
    t = _t(x, "IndexFill", "x")
    a = norm_axis(int(axis), t.dim(), "IndexFill")
    v = value._t.to(t.dtype) if isinstance(value, Tensor) else value
    return wrap(t.index_fill(a, _int_index(_t(index, "IndexFill", "index"), "IndexFill"), v))


def assign(variable, value):
    return write_inplace(variable, tensor_arg(value, "value", "Assign"))


def assign_add(variable, value):
    return write_inplace(variable, variable._t + tensor_arg(value, "value", "AssignAdd"))


def assign_sub(variable, value):
    return write_inplace(variable, variable._t - tensor_arg(value, "value", "AssignSub"))


# ---------------------------------------------------------------------------------------------- slicing
def slice(input_x, begin, size) -> Tensor:
    """``ops.slice(input_x, begin, size)``: a size of ``-1`` takes everything to the end of that axis."""
    t = _t(input_x, "Slice", "input_x")
    begin = int_list(begin, "Slice", "begin")
    size = int_list(size, "Slice", "size")
    if len(begin) != t.dim() or len(size) != t.dim():
        raise ValueError(f"For 'Slice', the shape of 'begin' and 'size' must be equal to the rank of 'input_x', "
                         f"but got begin {begin}, size {size} and rank {t.dim()}.")
    index = []
    for d, (b, s) in enumerate(zip(begin, size)):
        n = t.shape[d]
        end = n if s == -1 else b + s
        if b < 0 or end > n or (s < 0 and s != -1):
            raise ValueError(f"For 'Slice', the sum of 'begin' and 'size' must be in the range [0, {n}] on axis {d}, "
                             f"but got begin {b} and size {s}.")
        index.append(builtins.slice(b, end))
    return wrap(t[tuple(index)])


def narrow(input, axis, start, length) -> Tensor:
    t = _t(input, "narrow")
    a = norm_axis(axis, t.dim(), "narrow")
    n = t.shape[a]
    if not 0 <= start < n:
        raise ValueError(f"The input value must be in range of [0, {n}), but got {start} with type 'int'.")
    if not 1 <= length <= n - start:
        raise ValueError(f"The input value must be in range of [1, {n - start}], but got {length} with type 'int'.")
    return wrap(t.narrow(a, start, length))


def strided_slice(input_x, begin, end, strides, begin_mask=0, end_mask=0, ellipsis_mask=0, new_axis_mask=0,
                  shrink_axis_mask=0) -> Tensor:
    """``ops.strided_slice``: TensorFlow-style slicing with the five bit masks; negative strides allowed."""
    t = _t(input_x, "StridedSlice", "input_x")
    begin, end, strides = (int_list(v, "StridedSlice", n) for v, n in ((begin, "begin"), (end, "end"),
                                                                         (strides, "strides")))
    if not len(begin) == len(end) == len(strides):
        raise ValueError(f"For 'StridedSlice', 'begin', 'end' and 'strides' must have the same length, but got "
                         f"length of 'begin': {len(begin)}, 'end': {len(end)}, 'strides': {len(strides)}.")
    if any(s == 0 for s in strides):
        raise ValueError(f"For 'StridedSlice', the 'strides' cannot contain 0, but got {strides}.")
    spec = []
    for i in builtins.range(len(begin)):
        if ellipsis_mask >> i & 1:
            spec.append(("...",))
        elif new_axis_mask >> i & 1:
            spec.append(("new",))
        else:
            spec.append(("dim", begin[i], end[i], strides[i], begin_mask >> i & 1, end_mask >> i & 1,
                         shrink_axis_mask >> i & 1))
    used = sum(1 for s in spec if s[0] == "dim")
    if used > t.dim():
        raise ValueError(f"For 'StridedSlice', the length of 'begin' must be less than or equal to the rank of "
                         f"'input_x', but got {len(begin)} and {t.dim()}.")
    expanded = []
    for s in spec:
        if s[0] == "...":
            expanded.extend([("dim", 0, 0, 1, 1, 1, 0)] * (t.dim() - used))
            used = t.dim()
        else:
            expanded.append(s)
    expanded.extend([("dim", 0, 0, 1, 1, 1, 0)] * (t.dim() - used))
    out, cur = t, 0
    for s in expanded:
        if s[0] == "new":
            out = out.unsqueeze(cur)
            cur += 1
            continue
        _, b, e, st, bm, em, shrink = s
        n = out.shape[cur]
        if shrink:
            i = b + n if b < 0 else b
            if not 0 <= i < n:
                raise ValueError(f"For 'StridedSlice', the 'begin' {b} is out of range for axis of size {n}.")
            out = out.select(cur, i)
            continue
        start, stop, step = builtins.slice(None if bm else b, None if em else e, st).indices(n)
        if step > 0:
            out = out[(builtins.slice(None),) * cur + (builtins.slice(start, stop, step),)]
        else:
            out = out.index_select(cur, torch.arange(start, stop, step, device=out.device))
        cur += 1
    return wrap(out)


# ---------------------------------------------------------------------------------------------- misc
def one_hot(indices, depth, on_value=1, off_value=0, axis=-1) -> Tensor:
    """``ops.one_hot(indices, depth, on_value=1, off_value=0, axis=-1)``: dtype of ``on_value`` (Int64 for the
    default 1); negative/out-of-range indices give all-``off_value`` rows."""
    idx = _int_index(tensor_arg(indices, "indices", "OneHot"), "OneHot")
    if isinstance(depth, Tensor):
        depth = int(depth._t)
    if depth < 0:
        raise ValueError(f"For primitive[OneHot], the depth value must be greater than or equal to 0, but got {depth}.")
    on = tensor_arg(on_value, "on_value", "OneHot")
    off = tensor_arg(off_value, "off_value", "OneHot").to(on.dtype)
    nd = idx.dim() + 1
    if axis < -1 or axis >= nd:
        raise ValueError(f"For primitive[OneHot], the axis must be in [-1,{nd}), but got {axis}.")
    a = nd - 1 if axis == -1 else axis
    shape = [1] * nd
    shape[a] = depth
    hot = idx.unsqueeze(a) == torch.arange(depth, device=idx.device).reshape(shape)
    return wrap(torch.where(hot, on.to(idx.device), off.to(idx.device)))


def nonzero(input, *, as_tuple=False):
    """``ops.nonzero(input, *, as_tuple=False)``: Int64 coordinates, shape ``(N, rank)`` (or a tuple of 1-D)."""
    if not isinstance(as_tuple, bool):
        raise TypeError(f"For array function 'nonzero', 'as_tuple' must be bool, but got {type(as_tuple)}.")
    t = _t(input, "NonZero")
    if as_tuple:
        return tuple(wrap(v) for v in torch.nonzero(t, as_tuple=True))
    return wrap(torch.nonzero(t))


def argwhere(input) -> Tensor:
    return wrap(torch.argwhere(_t(input, "argwhere")))


def unique(input) -> tuple:
    """``ops.unique(input)``: ``(values, idx)``: values in order of first occurrence, ``idx`` maps each input
    element to its value (Int32, or Int64 for Int64 input), shaped like the input."""
    t = _t(input, "Unique")
    flat = t.reshape(-1)
    vals, inv = torch.unique(flat, sorted=True, return_inverse=True)
    first = torch.full((vals.numel(),), flat.numel(), dtype=torch.int64, device=t.device)
    first = first.scatter_reduce(0, inv, torch.arange(flat.numel(), device=t.device), "amin")
    order = torch.argsort(first)
    rank_of = torch.empty_like(order)
    rank_of[order] = torch.arange(order.numel(), device=t.device)
    idx_dtype = torch.int64 if t.dtype is torch.int64 else torch.int32
    return wrap(vals[order]), wrap(rank_of[inv].reshape(t.shape).to(idx_dtype))


def unique_consecutive(input, return_idx=False, return_counts=False, axis=None):
    t = _t(input, "UniqueConsecutive")
    out = torch.unique_consecutive(t, return_inverse=True, return_counts=True, dim=axis)
    res = [wrap(out[0])]
    if return_idx:
        res.append(wrap(out[1]))
    if return_counts:
        res.append(wrap(out[2]))
    return res[0] if len(res) == 1 else tuple(res)


def sequence_mask(lengths, maxlen=None) -> Tensor:
    """``ops.sequence_mask(lengths, maxlen=None)``: Bool ``lengths.shape + (maxlen,)``."""
    t = _t(lengths, "sequence_mask", "lengths")
    if t.dtype not in (torch.int32, torch.int64):
        raise TypeError(f"For 'sequence_mask', the 'lengths' must be Int32 or Int64, but got {_ms_name(t)}.")
    if maxlen is None:
        maxlen = int(t.max()) if t.numel() else 0
    elif isinstance(maxlen, bool) or not isinstance(maxlen, int) or maxlen <= 0:
        raise ValueError(f"For 'sequence_mask', the 'maxlen' must be a positive int, but got {maxlen}.")
    return wrap(torch.arange(maxlen, device=t.device) < t.unsqueeze(-1))


def _segments(input_x, segment_ids, num_segments, op: str, mode: str) -> Tensor:
    t = _t(input_x, op, "input_x")
    ids = _int_index(_t(segment_ids, op, "segment_ids"), op, "segment_ids")
    n = int(num_segments._t) if isinstance(num_segments, Tensor) else int(num_segments)
    k = ids.dim()
    if tuple(t.shape[:k]) != tuple(ids.shape):
        raise ValueError(f"For '{op}', the shape of 'segment_ids' must be a prefix of the shape of 'input_x', but got "
                         f"{tuple(ids.shape)} and {tuple(t.shape)}.")
    rows = ids.reshape(-1)
    vals = t.reshape((rows.numel(),) + t.shape[k:])
    keep = (rows >= 0) & (rows < n)
    rows, vals = rows[keep], vals[keep]
    if mode == "sum":
        out = torch.zeros((n,) + t.shape[k:], dtype=t.dtype, device=t.device).index_add(0, rows, vals)
    else:
        if mode == "prod":
            init = 1
        elif t.is_floating_point():
            init = torch.finfo(t.dtype).min if mode == "amax" else torch.finfo(t.dtype).max
        else:
            init = torch.iinfo(t.dtype).min if mode == "amax" else torch.iinfo(t.dtype).max
        base = torch.full((n,) + t.shape[k:], init, dtype=t.dtype, device=t.device)
        out = base.index_reduce(0, rows, vals, mode, include_self=True)
    return wrap(out)


def unsorted_segment_sum(input_x, segment_ids, num_segments) -> Tensor:
    """Sums of rows sharing a segment id; ids outside ``[0, num_segments)`` are dropped."""
    return _segments(input_x, segment_ids, num_segments, "UnsortedSegmentSum", "sum")


def unsorted_segment_max(x, segment_ids, num_segments) -> Tensor:
    return _segments(x, segment_ids, num_segments, "UnsortedSegmentMax", "amax")


def unsorted_segment_min(x, segment_ids, num_segments) -> Tensor:
    return _segments(x, segment_ids, num_segments, "UnsortedSegmentMin", "amin")


def unsorted_segment_prod(x, segment_ids, num_segments) -> Tensor:
    return _segments(x, segment_ids, num_segments, "UnsortedSegmentProd", "prod")
