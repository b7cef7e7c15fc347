"""Less common primitives: element-wise extras (``Fmax``, ``MulNoNan``, ``TruncateDiv``, ...), linear algebra
(``Cholesky``, ``Svd``, ``MatrixPower``), scatter/segment variants, resize variants, ``LRN``, ``SpaceToDepth``,
``DropoutGenMask``/``DropoutDoMask`` (the bit-packed mask pair used by BERT-era code), ``IOU`` and more."""
from __future__ import annotations

import math

import torch

from msshim.common import dtype as mstype
from msshim.common.tensor import Tensor, wrap
from msshim.ops.function import array_func as A
from msshim.ops.function import creation_func as C
from msshim.ops.function import extra_func as X
from msshim.ops.function import index_func as I
from msshim.ops.function import linalg_func as L
from msshim.ops.function import math_func as M
from msshim.ops.function import nn_func as N
from msshim.ops.function import reduce_func as R
from msshim.ops.function._utils import check_tensor, shape_arg, tensor_arg
from msshim.ops.operations._base import Op, stateless
from msshim.ops.operations.math_ops import _simple
from msshim.ops.primitive import prim_attr_register

__all__ = ["FastGelu", "Fmax", "Fmin", "Gcd", "Lcm", "Heaviside", "Sinc", "Lgamma", "Digamma", "Real", "Imag",
           "Conj", "Angle", "LeftShift", "RightShift", "MulNoNan", "TruncateDiv", "TruncateMod", "Inv", "Expand",
           "Diag", "DiagPart", "Trace", "MatrixBandPart", "MatrixDeterminant", "LogMatrixDeterminant", "SquareSumAll",
           "IdentityN", "Eps", "FillV2", "ScalarCast", "ScalarToArray", "TensorToTuple", "AccumulateNV2", "Addcdiv",
           "Addcmul", "EqualCount", "MaskedScatter", "Bincount", "TensorScatterSub", "TensorScatterMul",
           "TensorScatterDiv", "TensorScatterMax", "TensorScatterMin", "ScatterNdAdd", "ScatterNdSub",
           "ScatterNdMul", "ScatterNdDiv", "ScatterNdMax", "ScatterNdMin", "ScatterSub", "ScatterMul", "ScatterDiv",
           "ScatterMax", "ScatterMin", "UnsortedSegmentMax", "UnsortedSegmentMin", "UnsortedSegmentProd",
           "SegmentSum", "SegmentMax", "SegmentMin", "SegmentMean", "SegmentProd", "IndexFill", "InplaceAdd",
           "InplaceSub", "InplaceUpdate", "InplaceUpdateV2", "GLU", "Logit", "NanToNum", "Median", "MatrixPower",
           "Cholesky", "Qr", "Svd", "Cross", "CountNonZero", "Bucketize", "SearchSorted", "UniqueConsecutive",
           "TrilIndices", "TriuIndices", "SplitV", "ReverseSequence", "Renorm", "LogSpace", "DropoutGenMask",
           "DropoutDoMask", "IOU"]

FastGelu = _simple("FastGelu", N.fast_gelu)
Fmax = _simple("Fmax", M.fmax)
Fmin = _simple("Fmin", M.fmin)
Lcm = _simple("Lcm", M.lcm)
Heaviside = _simple("Heaviside", M.heaviside)
Sinc = _simple("Sinc", M.sinc)
Lgamma = _simple("Lgamma", M.lgamma)
Digamma = _simple("Digamma", M.digamma)
Real = _simple("Real", M.real)
Imag = _simple("Imag", M.imag)
Conj = _simple("Conj", M.conj)
Angle = _simple("Angle", M.angle)
LeftShift = _simple("LeftShift", M.bitwise_left_shift)
RightShift = _simple("RightShift", M.bitwise_right_shift)
TruncateDiv = _simple("TruncateDiv", X.truncate_div)
TruncateMod = _simple("TruncateMod", X.truncate_mod)
Inv = _simple("Inv", X.inv)
Expand = _simple("Expand", X.expand)
Diag = _simple("Diag", A.diag)
Trace = _simple("Trace", A.trace)
MatrixBandPart = _simple("MatrixBandPart", X.matrix_band_part)
MatrixDeterminant = _simple("MatrixDeterminant", L.det)
LogMatrixDeterminant = _simple("LogMatrixDeterminant", L.slogdet)
AccumulateNV2 = _simple("AccumulateNV2", M.addn)
TensorScatterSub = _simple("TensorScatterSub", I.tensor_scatter_sub)
TensorScatterMul = _simple("TensorScatterMul", I.tensor_scatter_mul)
TensorScatterDiv = _simple("TensorScatterDiv", I.tensor_scatter_div)
TensorScatterMax = _simple("TensorScatterMax", I.tensor_scatter_max)
TensorScatterMin = _simple("TensorScatterMin", I.tensor_scatter_min)
UnsortedSegmentMax = _simple("UnsortedSegmentMax", I.unsorted_segment_max)
UnsortedSegmentMin = _simple("UnsortedSegmentMin", I.unsorted_segment_min)
UnsortedSegmentProd = _simple("UnsortedSegmentProd", I.unsorted_segment_prod)
IndexFill = _simple("IndexFill", I.index_fill)
InplaceUpdateV2 = _simple("InplaceUpdateV2", lambda x, indices, v: X.inplace_update(x, v, indices))
SquareSumAll = _simple("SquareSumAll", lambda x, y: (wrap(tensor_arg(x).square().sum()),
                                                     wrap(tensor_arg(y).square().sum())))
IdentityN = _simple("IdentityN", lambda x: tuple(wrap(tensor_arg(v).clone()) for v in x))
Eps = _simple("Eps", lambda x: C.full_like(x, torch.finfo(tensor_arg(x).dtype).eps),
              "``Eps()(x)``: machine epsilon of x's dtype, shaped like x.")
FillV2 = _simple("FillV2", lambda shape, value: wrap(torch.full(shape_arg(shape, "FillV2"), tensor_arg(value).item(),
                                                                dtype=tensor_arg(value).dtype)))
ScalarCast = _simple("ScalarCast", X.scalar_cast)
ScalarToArray = _simple("ScalarToArray", X.scalar_to_array)
TensorToTuple = _simple("TensorToTuple", lambda x: tuple(check_tensor(x, "TensorToTuple", "x").tolist()))
Addcdiv = _simple("Addcdiv", M.addcdiv)
Addcmul = _simple("Addcmul", M.addcmul)
EqualCount = _simple("EqualCount", lambda x, y: wrap((tensor_arg(x) == tensor_arg(y)).sum().reshape(1)
                                                     .to(tensor_arg(x).dtype)))
MaskedScatter = _simple("MaskedScatter", lambda input, mask, source: wrap(tensor_arg(input).masked_scatter(
    tensor_arg(mask).bool(), tensor_arg(source))))


@stateless
class MulNoNan(Op):
    """``x * y`` with 0 wherever ``y == 0`` (even if ``x`` is inf or nan)."""

    def __call__(self, x, y):
        prod = M.mul(x, y)._t
        return wrap(torch.where(tensor_arg(y) == 0, torch.zeros_like(prod), prod))


@stateless
class DiagPart(Op):
    def __call__(self, input_x):
        t = check_tensor(input_x, "DiagPart", "input_x")
        k = t.dim() // 2
        n = math.prod(t.shape[:k])
        return wrap(t.reshape(n, n).diagonal().reshape(t.shape[:k]))


class _ScatterNd(Op):
    _fn = None

    @prim_attr_register
    def __init__(self, use_locking=False):
        pass

    def __call__(self, input_x, indices, updates):
        return type(self)._fn(input_x, indices, updates)


def _scatter_class(name: str, fn):
    return type(name, (_ScatterNd,), {"_fn": staticmethod(fn), "__module__": __name__, "__qualname__": name,
                                      "__doc__": f"``{name}(use_locking=False)``: in place on the Parameter input."})


ScatterNdAdd = _scatter_class("ScatterNdAdd", I.scatter_nd_add)
ScatterNdSub = _scatter_class("ScatterNdSub", X.scatter_nd_sub)
ScatterNdMul = _scatter_class("ScatterNdMul", X.scatter_nd_mul)
ScatterNdDiv = _scatter_class("ScatterNdDiv", X.scatter_nd_div)
ScatterNdMax = _scatter_class("ScatterNdMax", X.scatter_nd_max)
ScatterNdMin = _scatter_class("ScatterNdMin", X.scatter_nd_min)
ScatterSub = _scatter_class("ScatterSub", lambda x, i, u: I.write_inplace(x, I._scatter_rows(x, i, u, "ScatterSub",
                                                                                            "sub")))
ScatterMul = _scatter_class("ScatterMul", X.scatter_mul)
ScatterDiv = _scatter_class("ScatterDiv", X.scatter_div)
ScatterMax = _scatter_class("ScatterMax", X.scatter_max)
ScatterMin = _scatter_class("ScatterMin", X.scatter_min)


class _Segment(Op):
    """``SegmentX()(input_x, segment_ids)``: sorted ids, ``max(ids) + 1`` output rows (empty rows are 0)."""

    _mode = "sum"

    @prim_attr_register
    def __init__(self):
        pass

    def __call__(self, input_x, segment_ids):
        t = check_tensor(input_x, self.name, "input_x")
        ids = check_tensor(segment_ids, self.name, "segment_ids").long()
        n = int(ids.max()) + 1 if ids.numel() else 0
        counts = torch.zeros(n, dtype=t.dtype, device=t.device).index_add(0, ids, torch.ones_like(ids, dtype=t.dtype))
        if self._mode == "mean":
            total = I.unsorted_segment_sum(input_x, segment_ids, n)._t
            return wrap(total / counts.clamp(min=1).reshape((-1,) + (1,) * (t.dim() - 1)))
        fn = {"sum": I.unsorted_segment_sum, "amax": I.unsorted_segment_max, "amin": I.unsorted_segment_min,
              "prod": I.unsorted_segment_prod}[self._mode]
        out = fn(input_x, segment_ids, n)._t
        empty = (counts == 0).reshape((-1,) + (1,) * (t.dim() - 1))
        return wrap(torch.where(empty, torch.zeros_like(out), out))


SegmentSum = type("SegmentSum", (_Segment,), {"_mode": "sum", "__module__": __name__, "__qualname__": "SegmentSum"})
SegmentMax = type("SegmentMax", (_Segment,), {"_mode": "amax", "__module__": __name__, "__qualname__": "SegmentMax"})
SegmentMin = type("SegmentMin", (_Segment,), {"_mode": "amin", "__module__": __name__, "__qualname__": "SegmentMin"})
SegmentMean = type("SegmentMean", (_Segment,), {"_mode": "mean", "__module__": __name__,
                                                "__qualname__": "SegmentMean"})
SegmentProd = type("SegmentProd", (_Segment,), {"_mode": "prod", "__module__": __name__,
                                                "__qualname__": "SegmentProd"})


class _Rows(Op):
    @prim_attr_register
    def __init__(self, indices):
        pass


class InplaceAdd(_Rows):
    def __call__(self, x, v):
        return X.inplace_add(x, v, self.attrs["indices"])


class InplaceSub(_Rows):
    def __call__(self, x, v):
        return X.inplace_sub(x, v, self.attrs["indices"])


class InplaceUpdate(_Rows):
    def __call__(self, x, v):
        return X.inplace_update(x, v, self.attrs["indices"])


class GLU(Op):
    @prim_attr_register
    def __init__(self, axis=-1):
        pass

    def __call__(self, x):
        return N.glu(x, self.attrs["axis"])


class Logit(Op):
    @prim_attr_register
    def __init__(self, eps=-1.0):
        pass

    def __call__(self, input):
        eps = self.attrs["eps"]
        return M.logit(input, None if eps < 0 else eps)


class NanToNum(Op):
    @prim_attr_register
    def __init__(self, nan=None, posinf=None, neginf=None):
        pass

    def __call__(self, input):
        a = self.attrs
        return M.nan_to_num(input, 0.0 if a["nan"] is None else a["nan"], a["posinf"], a["neginf"])


class Median(Op):
    """``Median(global_median=False, axis=0, keep_dims=False, ignore_nan=False)`` -> ``(values, indices)``."""

    @prim_attr_register
    def __init__(self, global_median=False, axis=0, keep_dims=False, ignore_nan=False):
        pass

    def __call__(self, input):
        a = self.attrs
        if a["global_median"]:
            t = check_tensor(input, "Median")
            return wrap(torch.median(t)), wrap(torch.zeros((), dtype=torch.int64, device=t.device))
        return R.median(input, a["axis"], a["keep_dims"])


class MatrixPower(Op):
    @prim_attr_register
    def __init__(self, n):
        pass

    def __call__(self, x):
        return L.matrix_power(x, self.attrs["n"])


class Cholesky(Op):
    @prim_attr_register
    def __init__(self, upper=False):
        pass

    def __call__(self, input_x):
        return L.cholesky(input_x, self.attrs["upper"])


class Qr(Op):
    @prim_attr_register
    def __init__(self, full_matrices=False):
        pass

    def __call__(self, x):
        return L.qr(x, "complete" if self.attrs["full_matrices"] else "reduced")


class Svd(Op):
    @prim_attr_register
    def __init__(self, full_matrices=False, compute_uv=True):
        pass

    def __call__(self, input):
        return L.svd(input, self.attrs["full_matrices"], self.attrs["compute_uv"])


class Cross(Op):
    @prim_attr_register
    def __init__(self, dim=-65530):
        pass

    def __call__(self, input, other):
        dim = self.attrs["dim"]
        return L.cross(input, other, None if dim == -65530 else dim)


class CountNonZero(Op):
    @prim_attr_register
    def __init__(self, dims=None):
        pass

    def __call__(self, x):
        t = check_tensor(x, "CountNonZero", "x")
        dims = self.attrs["dims"]
        return wrap((t != 0).sum(dim=None if dims is None else dims).to(torch.int64))


class Bucketize(Op):
    @prim_attr_register
    def __init__(self, boundaries):
        pass

    def __call__(self, input):
        return R.bucketize(input, self.attrs["boundaries"])


class SearchSorted(Op):
    @prim_attr_register
    def __init__(self, dtype=mstype.int64, right=False):
        pass

    def __call__(self, sorted_sequence, values, sorter=None):
        out = R.searchsorted(sorted_sequence, values, right=self.attrs["right"], sorter=sorter)
        return wrap(out._t.to(self.attrs["dtype"].to_torch()))


class UniqueConsecutive(Op):
    @prim_attr_register
    def __init__(self, return_inverse=False, return_counts=False, dim=None):
        pass

    def __call__(self, input):
        t = check_tensor(input, "UniqueConsecutive")
        out, inv, counts = torch.unique_consecutive(t, return_inverse=True, return_counts=True, dim=self.attrs["dim"])
        return wrap(out), wrap(inv), wrap(counts)


class TrilIndices(Op):
    @prim_attr_register
    def __init__(self, row, col, offset=0, dtype=mstype.int32):
        pass

    def __call__(self):
        a = self.attrs
        return C.tril_indices(a["row"], a["col"], a["offset"], dtype=a["dtype"])


class TriuIndices(TrilIndices):
    def __call__(self):
        a = self.attrs
        return C.triu_indices(a["row"], a["col"], a["offset"], dtype=a["dtype"])


class SplitV(Op):
    @prim_attr_register
    def __init__(self, size_splits, split_dim, num_split):
        pass

    def __call__(self, input_x):
        t = check_tensor(input_x, "SplitV", "input_x")
        sizes = list(self.attrs["size_splits"])
        dim = self.attrs["split_dim"] % t.dim()
        if -1 in sizes:
            sizes[sizes.index(-1)] = t.shape[dim] - (sum(sizes) + 1)
        return tuple(wrap(p) for p in torch.split(t, sizes, dim))


class ReverseSequence(Op):
    @prim_attr_register
    def __init__(self, seq_dim, batch_dim=0):
        pass

    def __call__(self, x, seq_lengths):
        return X.reverse_sequence(x, seq_lengths, self.attrs["seq_dim"], self.attrs["batch_dim"])


class Renorm(Op):
    @prim_attr_register
    def __init__(self, p, dim, maxnorm):
        pass

    def __call__(self, input_x):
        a = self.attrs
        return X.renorm(input_x, a["p"], a["dim"], a["maxnorm"])


class LogSpace(Op):
    @prim_attr_register
    def __init__(self, steps=10, base=10, dtype=mstype.float32):
        pass

    def __call__(self, start, end):
        a = self.attrs
        return C.logspace(float(tensor_arg(start)), float(tensor_arg(end)), a["steps"], a["base"], dtype=a["dtype"])






























class DropoutGenMask(Op):
    """``(shape, keep_prob)`` -> a UInt8 bit mask (1 = keep), little-endian bits, padded to 128-bit blocks."""

    @prim_attr_register
    def __init__(self, Seed0=0, Seed1=0):
        pass

    def __call__(self, shape, keep_prob):
        shape = shape_arg(shape, "DropoutGenMask")
        n = math.prod(shape)
        padded = -(-n // 128) * 128
        keep = torch.rand(padded) < float(tensor_arg(keep_prob))
        keep[n:] = False
        bits = keep.reshape(-1, 8).to(torch.uint8) << torch.arange(8, dtype=torch.uint8)
        return wrap(bits.sum(1).to(torch.uint8))


@stateless
class DropoutDoMask(Op):
    """``(input_x, mask, keep_prob)``: ``input_x * mask / keep_prob`` with the bit mask of DropoutGenMask."""

    def __call__(self, input_x, mask, keep_prob):
        t = check_tensor(input_x, "DropoutDoMask", "input_x")
        m = check_tensor(mask, "DropoutDoMask", "mask")
        bits = ((m.to(torch.int32).unsqueeze(1) >> torch.arange(8, device=m.device)) & 1).reshape(-1)
        keep = bits[:t.numel()].reshape(t.shape).to(t.dtype)
        return wrap(t * keep / float(tensor_arg(keep_prob)))


class IOU(Op):
    @prim_attr_register
    def __init__(self, mode="iou"):
        pass

    def __call__(self, anchor_boxes, gt_boxes):
        return X.iou(anchor_boxes, gt_boxes, self.attrs["mode"])






@stateless
class Bincount(Op):
    """``(array, size, weights)`` -> counts (or weight sums) of each value below ``size``; an empty ``weights``
    gives plain Float32 counts."""

    def __call__(self, array, size, weights):
        t = check_tensor(array, "Bincount", "array").reshape(-1).long()
        w = tensor_arg(weights, "weights", "Bincount").reshape(-1)
        n = int(tensor_arg(size, "size", "Bincount"))
        keep = (t >= 0) & (t < n)
        out_dtype = w.dtype if w.numel() else torch.float32
        vals = w[keep] if w.numel() else torch.ones(int(keep.sum()), dtype=out_dtype, device=t.device)
        return wrap(torch.zeros(n, dtype=out_dtype, device=t.device).index_add(0, t[keep], vals.to(out_dtype)))


@stateless
class Gcd(Op):
    """``Gcd()(input, other)``: both must be integer Tensors."""

    def __call__(self, input, other):
        if not isinstance(other, Tensor) or not isinstance(input, Tensor):
            raise TypeError(f"Failed calling Gcd with \"Gcd()(input={type(input).__name__}, "
                            f"other={type(other).__name__})\".")
        return M.gcd(input, other)
