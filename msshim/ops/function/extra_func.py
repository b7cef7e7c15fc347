"""Less common ``mindspore.ops`` functions: legacy aliases (``reduce_sum``, ``tensor_add``, ``floordiv``, ...),
``expand``/``take``/``diff``/``cov``/``block_diag``, special functions (``bessel_*``, ``zeta``, ``polygamma``), in-place
row updates (``inplace_add``), scatter variants and box utilities (``iou``).

The ``reduce_*`` aliases are MindSpore's ``ReduceX`` primitives: they keep the input dtype and take ``axis=()``.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from msshim.common import dtype as mstype
from msshim.common.tensor import Tensor, wrap
from msshim.ops.function import index_func as I
from msshim.ops.function import math_func as M
from msshim.ops.function import reduce_func as R
from msshim.ops.function._utils import check_tensor, int_list, norm_axis, reduce_axes, shape_arg, tensor_arg

__all__ = ["reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "tensor_add", "tensor_sub", "tensor_mul",
           "tensor_div", "tensor_pow", "tensor_floordiv", "tensor_mod", "tensor_gt", "tensor_lt", "tensor_ge",
           "tensor_le", "tensor_exp", "tensor_expm1", "tensor_slice", "tensor_range", "floordiv", "floormod",
           "truncate_div", "truncate_mod", "soft_shrink", "approximate_equal", "accumulate_n", "scalar_cast",
           "scalar_to_array", "expand", "expand_as", "view_as", "t", "take", "diff", "trapz", "vander", "cov", "inv",
           "sgn", "matrix_band_part", "hsplit", "vsplit", "dsplit", "block_diag", "cartesian_prod", "combinations",
           "diagflat", "renorm", "logdet", "pdist", "channel_shuffle", "top_k", "population_count", "mirror_pad",
           "lrn", "matrix_exp", "cholesky_solve", "cholesky_inverse", "bessel_i0", "bessel_i0e", "bessel_i1",
           "bessel_i1e", "bessel_j0", "bessel_j1", "bessel_k0", "bessel_k0e", "bessel_k1", "bessel_k1e", "bessel_y0",
           "bessel_y1", "zeta", "polygamma", "igamma", "igammac", "nextafter", "mvlgamma", "inplace_add",
           "inplace_sub", "inplace_update", "inplace_index_add", "scatter_max", "scatter_min", "scatter_mul",
           "scatter_div", "scatter_nd_sub", "scatter_nd_mul", "scatter_nd_div", "scatter_nd_max", "scatter_nd_min",
           "select_scatter", "slice_scatter", "diagonal_scatter", "reverse_sequence", "iou"]


def _t(x, op: str, name: str = "input") -> torch.Tensor:
    return check_tensor(x, op, name)


def _keep_dtype_reduce(fn, op: str):
    def reduce(x, axis=()):
        t = _t(x, op, "x")
        d = reduce_axes(axis, t.dim(), op)
        src = t.to(torch.float32) if fn is torch.mean and not t.is_floating_point() else t
        return wrap(R._reduce(src, fn, d, False).to(t.dtype))

    reduce.__doc__ = f"``ops.{op}``-style reduction over ``axis`` (``()`` = all), keeping the input dtype."
    return reduce


reduce_sum = _keep_dtype_reduce(torch.sum, "ReduceSum")
reduce_mean = _keep_dtype_reduce(torch.mean, "ReduceMean")
reduce_max = _keep_dtype_reduce(torch.amax, "ReduceMax")
reduce_min = _keep_dtype_reduce(torch.amin, "ReduceMin")
tensor_add = M.add
tensor_sub = M.sub
tensor_mul = M.mul
tensor_div = M.true_divide
tensor_pow = M.pow
tensor_floordiv = floordiv = M.floor_divide
tensor_mod = floormod = M.remainder
tensor_gt = M.greater
tensor_lt = M.less
tensor_ge = M.greater_equal
tensor_le = M.less_equal
tensor_exp = M.exp
tensor_expm1 = M.expm1
tensor_slice = I.slice
truncate_mod = M.fmod
sgn = M.sign


def tensor_range(start, end, step) -> Tensor:
    from msshim.ops.function.creation_func import range as _range

    return _range(start, end, step)


def truncate_div(x, y) -> Tensor:
    """Division rounded toward zero."""
    return M.div(x, y, rounding_mode="trunc")


def soft_shrink(input, lambd=0.5) -> Tensor:
    return wrap(F.softshrink(_t(input, "SoftShrink"), lambd))


def approximate_equal(x, y, tolerance=1e-05) -> Tensor:
    return wrap((tensor_arg(x) - tensor_arg(y)).abs() < tolerance)


def accumulate_n(x) -> Tensor:
    return M.addn(x)


def scalar_cast(input_x, input_y):
    """A Python scalar cast to the Python type of ``input_y`` (Int64, Float64 or Bool only)."""
    if input_y not in (mstype.int64, mstype.float64, mstype.bool_):
        raise ValueError(f"For 'ScalarCast', the supported type is in the list: [mindspore.int64, mindspore.float64, "
                         f"mindspore.bool], but got {input_y!r}.")
    return mstype.dtype_to_pytype(input_y)(input_x)


def scalar_to_array(input_x) -> Tensor:
    return Tensor(input_x)


def expand(input_x, size) -> Tensor:
    """Broadcast to ``size``, an integer Tensor (``-1`` keeps an axis)."""
    if not isinstance(size, Tensor):
        raise TypeError(f"For Primitive[Expand], the type of input argument[shape] must be Tensor but got "
                        f"{type(size).__name__}.")
    return wrap(_t(input_x, "Expand", "input_x").expand(shape_arg(size, "Expand", "size")))


def expand_as(input, other) -> Tensor:
    return wrap(_t(input, "expand_as").expand_as(_t(other, "expand_as", "other")))


def view_as(input, other) -> Tensor:
    return wrap(_t(input, "view_as").reshape(_t(other, "view_as", "other").shape))


def t(input) -> Tensor:
    """Transpose of a tensor of rank <= 2."""
    x = _t(input, "t")
    if x.dim() > 2:
        raise ValueError(f"For 't', the dimension of 'input' must be less than or equal to 2, but got {x.dim()}.")
    return wrap(x.t() if x.dim() == 2 else x)


def take(input, index) -> Tensor:
    """Elements of the flattened ``input`` at ``index`` (shaped like ``index``)."""
    return wrap(torch.take(_t(input, "take"), _t(index, "take", "index").long()))


def diff(x, n=1, axis=-1, prepend=None, append=None) -> Tensor:
    """``x[..., 1:] - x[..., :-1]`` along ``axis`` (MindSpore 2.10 supports only ``n=1``)."""
    if n != 1:
        raise RuntimeError(f"For 'diff', 'n' must be 1, but got {n}")
    pre = None if prepend is None else _t(prepend, "diff", "prepend")
    app = None if append is None else _t(append, "diff", "append")
    return wrap(torch.diff(_t(x, "diff", "x"), n, axis, pre, app))


def trapz(y, x=None, *, dx=1.0, dim=-1) -> Tensor:
    ty = _t(y, "trapz", "y")
    if x is None:
        return wrap(torch.trapezoid(ty, dx=dx, dim=dim))
    return wrap(torch.trapezoid(ty, _t(x, "trapz", "x"), dim=dim))


def vander(x, N=None) -> Tensor:
    return wrap(torch.linalg.vander(_t(x, "vander", "x"), N=N).flip(-1))


def cov(input, *, correction=1, fweights=None, aweights=None) -> Tensor:
    fw = None if fweights is None else _t(fweights, "cov", "fweights")
    aw = None if aweights is None else _t(aweights, "cov", "aweights")
    return wrap(torch.cov(_t(input, "cov"), correction=correction, fweights=fw, aweights=aw))


def inv(x) -> Tensor:
    """Element-wise reciprocal."""
    return M.reciprocal(x)


def matrix_band_part(x, lower, upper) -> Tensor:
    """Keep the band ``-lower <= j - i <= upper`` of the last two axes (negative = keep everything)."""
    tx = _t(x, "MatrixBandPart", "x")
    rows, cols = tx.shape[-2], tx.shape[-1]
    i = torch.arange(rows, device=tx.device).unsqueeze(1)
    j = torch.arange(cols, device=tx.device).unsqueeze(0)
    lo, hi = int(lower), int(upper)
    keep = ((lo < 0) | (i - j <= lo)) & ((hi < 0) | (j - i <= hi))
    return wrap(torch.where(keep, tx, torch.zeros((), dtype=tx.dtype, device=tx.device)))


def _split_fn(fn, name: str):
    def split(input, indices_or_sections):
        ios = indices_or_sections
        return tuple(wrap(p) for p in fn(_t(input, name), list(ios) if isinstance(ios, (list, tuple)) else int(ios)))

    return split


hsplit = _split_fn(torch.hsplit, "hsplit")
vsplit = _split_fn(torch.vsplit, "vsplit")
dsplit = _split_fn(torch.dsplit, "dsplit")


def block_diag(*inputs) -> Tensor:
    return wrap(torch.block_diag(*[_t(v, "block_diag", "inputs") for v in inputs]))


def cartesian_prod(*inputs) -> Tensor:
    return wrap(torch.cartesian_prod(*[_t(v, "cartesian_prod", "inputs") for v in inputs]))


def combinations(input, r=2, with_replacement=False) -> Tensor:
    return wrap(torch.combinations(_t(input, "combinations"), r, with_replacement))


def diagflat(input, offset=0) -> Tensor:
    return wrap(torch.diagflat(_t(input, "diagflat"), offset))


def renorm(input, p, axis, maxnorm) -> Tensor:
    return wrap(torch.renorm(_t(input, "Renorm"), p, axis, maxnorm))


def logdet(input) -> Tensor:
    return wrap(torch.logdet(_t(input, "logdet")))


def pdist(input, p=2.0) -> Tensor:
    return wrap(F.pdist(_t(input, "Pdist"), p))


def channel_shuffle(x, groups) -> Tensor:
    return wrap(F.channel_shuffle(_t(x, "ChannelShuffle", "x"), groups))


def top_k(input_x, k, sorted=True) -> tuple:
    return R.topk(input_x, k, None, True, sorted)


def population_count(input_x) -> Tensor:
    """Number of set bits per element, as UInt8."""
    tx = _t(input_x, "PopulationCount", "input_x")
    bits = tx.to(torch.int64) & ((1 << (tx.element_size() * 8)) - 1) if tx.dtype is not torch.int64 else tx
    count = torch.zeros_like(bits)
    for shift in range(tx.element_size() * 8):
        count += (bits >> shift) & 1
    return wrap(count.to(torch.uint8))


def mirror_pad(input_x, paddings, mode) -> Tensor:
    from msshim.ops.operations.nn_layer_ops import MirrorPad

    return MirrorPad(mode)(input_x, paddings)


def lrn(x, depth_radius=5, bias=1.0, alpha=1.0, beta=0.5, norm_region="ACROSS_CHANNELS") -> Tensor:
    """TensorFlow LRN on NCHW: ``x / (bias + alpha * sum_{|c'-c| <= r} x_{c'}^2) ** beta``."""
    tx = _t(x, "LRN", "x")
    if norm_region != "ACROSS_CHANNELS":
        raise ValueError(f"For 'LRN', 'norm_region' must be 'ACROSS_CHANNELS', but got {norm_region}.")
    sq = F.pad(tx.square().unsqueeze(1), (0, 0, 0, 0, depth_radius, depth_radius))
    window = F.avg_pool3d(sq, (2 * depth_radius + 1, 1, 1), stride=1).squeeze(1) * (2 * depth_radius + 1)
    return wrap(tx / (bias + alpha * window) ** beta)


def matrix_exp(input) -> Tensor:
    return wrap(torch.linalg.matrix_exp(_t(input, "MatrixExp")))


def cholesky_solve(input, input2, upper=False) -> Tensor:
    return wrap(torch.cholesky_solve(_t(input, "CholeskySolve"), _t(input2, "CholeskySolve", "input2"), upper))


def cholesky_inverse(input_x, upper=False) -> Tensor:
    return wrap(torch.cholesky_inverse(_t(input_x, "CholeskyInverse", "input_x"), upper))


def _special(fn, name: str):
    def special(x):
        return wrap(fn(M.float_input(_t(x, name, "x"))))

    special.__doc__ = f"Element-wise ``{name}`` (torch.special)."
    return special


bessel_i0 = _special(torch.special.i0, "BesselI0")
bessel_i0e = _special(torch.special.i0e, "BesselI0e")
bessel_i1 = _special(torch.special.i1, "BesselI1")
bessel_i1e = _special(torch.special.i1e, "BesselI1e")
bessel_j0 = _special(torch.special.bessel_j0, "BesselJ0")
bessel_j1 = _special(torch.special.bessel_j1, "BesselJ1")
bessel_k0 = _special(torch.special.modified_bessel_k0, "BesselK0")
bessel_k0e = _special(torch.special.scaled_modified_bessel_k0, "BesselK0e")
bessel_k1 = _special(torch.special.modified_bessel_k1, "BesselK1")
bessel_k1e = _special(torch.special.scaled_modified_bessel_k1, "BesselK1e")
bessel_y0 = _special(torch.special.bessel_y0, "BesselY0")
bessel_y1 = _special(torch.special.bessel_y1, "BesselY1")


def zeta(input, other) -> Tensor:
    return wrap(torch.special.zeta(tensor_arg(input), tensor_arg(other)))


def polygamma(n, input) -> Tensor:
    """``n``-th derivative of digamma; ``n`` is a 0-d integer Tensor."""
    if not isinstance(n, Tensor):
        raise TypeError(f"For primitive[Polygamma], the input[0] should be a Tensor, but got {type(n).__name__}.")
    return wrap(torch.special.polygamma(int(n._t), _t(input, "Polygamma")))


def igamma(input, other) -> Tensor:
    return wrap(torch.special.gammainc(tensor_arg(input), tensor_arg(other)))


def igammac(input, other) -> Tensor:
    return wrap(torch.special.gammaincc(tensor_arg(input), tensor_arg(other)))


def nextafter(input, other) -> Tensor:
    return wrap(torch.nextafter(tensor_arg(input), tensor_arg(other)))


def mvlgamma(input, p) -> Tensor:
    return wrap(torch.special.multigammaln(_t(input, "Mvlgamma"), int(p)))


def _rows(x, indices, op: str):
    tx = _t(x, op, "x")
    idx = torch.as_tensor(int_list(indices, op, "indices"), device=tx.device)
    return tx, idx


def inplace_add(x, v, indices) -> Tensor:
    """A copy of ``x`` with ``v`` added to rows ``indices`` (despite the name, MindSpore 2.10 leaves ``x`` as is)."""
    tx, idx = _rows(x, indices, "InplaceAdd")
    return wrap(tx.index_add(0, idx, _t(v, "InplaceAdd", "v").reshape((idx.numel(),) + tx.shape[1:]).to(tx.dtype)))


def inplace_sub(x, v, indices) -> Tensor:
    tx, idx = _rows(x, indices, "InplaceSub")
    return wrap(tx.index_add(0, idx, -_t(v, "InplaceSub", "v").reshape((idx.numel(),) + tx.shape[1:]).to(tx.dtype)))


def inplace_update(x, v, indices) -> Tensor:
    """A copy of ``x`` with rows ``indices`` replaced by ``v``."""
    tx, idx = _rows(x, indices, "InplaceUpdate")
    return wrap(tx.index_copy(0, idx, _t(v, "InplaceUpdate", "v").reshape((idx.numel(),) + tx.shape[1:])
                              .to(tx.dtype)))


def inplace_index_add(var, indices, updates, axis):
    return I.index_add(var, indices, updates, axis)


def _scatter_rows_reduce(input_x, indices, updates, op: str, mode: str):
    tx = _t(input_x, op, "input_x")
    idx = I._int_index(_t(indices, op), op).reshape(-1)
    u = _t(updates, op, "updates").reshape((idx.numel(),) + tx.shape[1:]).to(tx.dtype)
    if mode == "div":
        quotient = tx.double().index_reduce(0, idx, 1 / u.double(), "prod")
        out = (quotient if tx.is_floating_point() else torch.trunc(quotient)).to(tx.dtype)
    else:
        out = tx.index_reduce(0, idx, u, mode)
    return I.write_inplace(input_x, out)


def scatter_max(input_x, indices, updates):
    """Row-wise maximum with ``updates`` at ``indices`` (in place on the Parameter ``input_x``)."""
    return _scatter_rows_reduce(input_x, indices, updates, "ScatterMax", "amax")


def scatter_min(input_x, indices, updates):
    return _scatter_rows_reduce(input_x, indices, updates, "ScatterMin", "amin")


def scatter_mul(input_x, indices, updates):
    return _scatter_rows_reduce(input_x, indices, updates, "ScatterMul", "prod")


def scatter_div(input_x, indices, updates):
    return _scatter_rows_reduce(input_x, indices, updates, "ScatterDiv", "div")


def _scatter_nd_inplace(mode: str, op: str):
    def scatter(input_x, indices, updates, use_locking=False):
        return I.write_inplace(input_x, I._scatter_nd(input_x, indices, updates, op, mode))

    scatter.__doc__ = f"``{op}``: in place on the Parameter ``input_x``."
    return scatter


scatter_nd_sub = _scatter_nd_inplace("sub", "ScatterNdSub")
scatter_nd_mul = _scatter_nd_inplace("prod", "ScatterNdMul")
scatter_nd_div = _scatter_nd_inplace("div", "ScatterNdDiv")
scatter_nd_max = _scatter_nd_inplace("amax", "ScatterNdMax")
scatter_nd_min = _scatter_nd_inplace("amin", "ScatterNdMin")


def select_scatter(input, src, axis, index) -> Tensor:
    return wrap(torch.select_scatter(_t(input, "select_scatter"), _t(src, "select_scatter", "src"), axis, index))


def slice_scatter(input, src, axis=0, start=None, end=None, step=1) -> Tensor:
    return wrap(torch.slice_scatter(_t(input, "slice_scatter"), _t(src, "slice_scatter", "src"), axis, start, end,
                                    step))


def diagonal_scatter(input, src, offset=0, dim1=0, dim2=1) -> Tensor:
    return wrap(torch.diagonal_scatter(_t(input, "diagonal_scatter"), _t(src, "diagonal_scatter", "src"), offset,
                                       dim1, dim2))


def reverse_sequence(x, seq_lengths, seq_dim, batch_dim=0) -> Tensor:
    """Reverse the first ``seq_lengths[b]`` elements along ``seq_dim`` of each batch entry ``b``."""
    tx = _t(x, "ReverseSequence", "x")
    lengths = _t(seq_lengths, "ReverseSequence", "seq_lengths").long()
    sd = norm_axis(seq_dim, tx.dim(), "ReverseSequence")
    bd = norm_axis(batch_dim, tx.dim(), "ReverseSequence")
    n = tx.shape[sd]
    pos = torch.arange(n, device=tx.device).unsqueeze(0)
    src = torch.where(pos < lengths.unsqueeze(1), lengths.unsqueeze(1) - 1 - pos, pos)  # (B, n)
    shape = [1] * tx.dim()
    shape[bd], shape[sd] = tx.shape[bd], n
    index = src.reshape(shape).expand(tx.shape)
    return wrap(torch.gather(tx, sd, index))


def iou(anchor_boxes, gt_boxes, mode="iou") -> Tensor:
    """Pairwise IoU (or IoF with ``mode='iof'``) of ``(x0, y0, x1, y1)`` boxes -> ``(M_gt, N_anchor)``; box areas
    use MindSpore's pixel convention ``(x1 - x0 + 1) * (y1 - y0 + 1)``."""
    a = _t(anchor_boxes, "IOU", "anchor_boxes")
    g = _t(gt_boxes, "IOU", "gt_boxes")
    if mode not in ("iou", "iof"):
        raise KeyError(f"For 'iou', only 'iou' or 'iof' are supported, but got 'mode': {mode}.")
    area_a = (a[:, 2] - a[:, 0] + 1) * (a[:, 3] - a[:, 1] + 1)
    area_g = (g[:, 2] - g[:, 0] + 1) * (g[:, 3] - g[:, 1] + 1)
    lt = torch.maximum(g[:, None, :2], a[None, :, :2])
    rb = torch.minimum(g[:, None, 2:], a[None, :, 2:])
    wh = (rb - lt + 1).clamp(min=0)
    inter = wh[..., 0] * wh[..., 1]
    denom = area_g[:, None] + area_a[None, :] - inter if mode == "iou" else area_g[:, None].expand_as(inter)
    return wrap(inter / denom)

