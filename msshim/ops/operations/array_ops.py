"""Array primitives (``P.Reshape()``, ``P.Concat(axis)``, ``P.Gather()``, ``P.StridedSlice(...)``, ...).

Each class keeps MindSpore's constructor arguments as attributes and, when called, runs the corresponding
functional operator eagerly.  Attribute-level differences from the functions are kept: ``Argmax`` defaults to
``output_type=Int32``; ``ArgMaxWithValue`` returns ``(indices, values)``; ``ReduceSum`` keeps the input dtype;
``Split(axis, output_num)`` needs an evenly divisible axis; ``Squeeze(axis=())`` squeezes every size-1 axis.
"""
from __future__ import annotations

import torch

from msshim.common import dtype as mstype
from msshim.common.tensor import Tensor, wrap
from msshim.ops.function import array_func as A
from msshim.ops.function import creation_func as C
from msshim.ops.function import index_func as I
from msshim.ops.function import reduce_func as R
from msshim.ops.function._utils import check_tensor, norm_axis
from msshim.ops.operations._base import Op, stateless
from msshim.ops.primitive import prim_attr_register

__all__ = ["Reshape", "Transpose", "Cast", "Concat", "Stack", "Pack", "Unstack", "Unpack", "Split", "Squeeze",
           "ExpandDims", "Shape", "TensorShape", "Size", "Rank", "DType", "Tile", "BroadcastTo", "Gather", "GatherV2",
           "GatherNd", "GatherD", "Select", "ZerosLike", "OnesLike", "Zeros", "Ones", "Fill", "Fills", "Eye",
           "Argmax", "Argmin", "ArgMaxWithValue", "ArgMinWithValue", "OneHot", "StridedSlice", "Slice", "TopK", "Sort",
           "Unique", "Identity", "Flatten", "ReverseV2", "Roll", "Tril", "Triu", "Meshgrid", "MaskedFill",
           "MaskedSelect", "ScatterNd", "TensorScatterUpdate", "TensorScatterAdd", "ScatterNdUpdate", "ScatterUpdate",
           "ScatterAdd", "UnsortedSegmentSum", "InvertPermutation", "Range", "LinSpace", "Rint", "Depend",
           "NonZero", "IndexAdd", "TensorScatterElements", "ScalarToTensor", "TupleToArray", "DynamicShape"]


def _axis_tuple(axis) -> tuple:
    return (axis,) if isinstance(axis, int) else tuple(axis)


@stateless
class Reshape(Op):
    def __call__(self, input, shape):
        return A.reshape(input, shape)


@stateless
class Transpose(Op):
    def __call__(self, input, dims):
        return A.transpose(input, dims)


@stateless
class Cast(Op):
    def __call__(self, input_x, dtype):
        return A.cast(input_x, dtype)


class Concat(Op):
    @prim_attr_register
    def __init__(self, axis=0):
        pass

    def __call__(self, tensors):
        return A.concat(tensors, self.attrs["axis"])


class Stack(Op):
    @prim_attr_register
    def __init__(self, axis=0):
        pass

    def __call__(self, tensors):
        return A.stack(tensors, self.attrs["axis"])


Pack = Stack


class Unstack(Op):
    @prim_attr_register
    def __init__(self, axis=0, num=None):
        pass

    def __call__(self, input_x):
        return A.unbind(input_x, self.attrs["axis"])


Unpack = Unstack


class Split(Op):
    """``Split(axis=0, output_num=1)``: ``output_num`` equal pieces (the axis must divide evenly)."""

    @prim_attr_register
    def __init__(self, axis=0, output_num=1):
        pass

    def __call__(self, input_x):
        t = check_tensor(input_x, "Split", "input_x")
        axis, num = self.attrs["axis"], self.attrs["output_num"]
        a = norm_axis(axis, t.dim(), "Split")
        if t.shape[a] % num:
            raise ValueError(f"For 'Split', x_shape[{a}] must be divisible by output_num = {num}, but got "
                             f"{t.shape[a]}")
        return tuple(wrap(p) for p in torch.split(t, t.shape[a] // num, a))


class Squeeze(Op):
    """``Squeeze(axis=())``: every size-1 axis, or the listed ones (a listed axis of another size is kept)."""

    @prim_attr_register
    def __init__(self, axis=()):
        self.add_prim_attr("axis", _axis_tuple(axis))

    def __call__(self, input):
        t = check_tensor(input, "Squeeze")
        axes = self.attrs["axis"]
        for a in axes:
            norm_axis(a, t.dim(), "Squeeze")
        return wrap(t.squeeze(axes) if axes else t.squeeze())


@stateless
class ExpandDims(Op):
    def __call__(self, input_x, axis):
        return A.expand_dims(input_x, axis)


@stateless
class Shape(Op):
    def __call__(self, x):
        return A.shape(x)


@stateless
class TensorShape(Op):
    def __call__(self, input_x):
        return A.dyn_shape(input_x)


@stateless
class Size(Op):
    def __call__(self, input_x):
        return A.size(input_x)


@stateless
class Rank(Op):
    def __call__(self, x):
        return A.rank(x)


@stateless
class DType(Op):
    def __call__(self, x):
        return A.dtype(x)


@stateless
class Tile(Op):
    def __call__(self, input, dims):
        return A.tile(input, dims)


class BroadcastTo(Op):
    @prim_attr_register
    def __init__(self, shape):
        pass

    def __call__(self, input):
        return A.broadcast_to(input, self.attrs["shape"])


class Gather(Op):
    @prim_attr_register
    def __init__(self, batch_dims=0):
        pass

    def __call__(self, input_params, input_indices, axis):
        return I.gather(input_params, input_indices, axis, self.attrs["batch_dims"])


class GatherV2(Gather):
    """Deprecated alias of ``Gather``."""


@stateless
class GatherNd(Op):
    def __call__(self, input_x, indices):
        return I.gather_nd(input_x, indices)


@stateless
class GatherD(Op):
    def __call__(self, x, dim, index):
        return I.gather_elements(x, dim, index)


@stateless
class Select(Op):
    def __call__(self, condition, input, other):
        return I.select(condition, input, other)


@stateless
class ZerosLike(Op):
    def __call__(self, x):
        return C.zeros_like(x)


@stateless
class OnesLike(Op):
    def __call__(self, x):
        return C.ones_like(x)


@stateless
class Zeros(Op):
    def __call__(self, size, dtype=None):
        return C.zeros(size, dtype)


@stateless
class Ones(Op):
    def __call__(self, shape, dtype=None):
        return C.ones(shape, dtype)


@stateless
class Fill(Op):
    def __call__(self, dtype, dims, x):
        return C.fill(dtype, dims, x)


@stateless
class Fills(Op):
    def __call__(self, x, value):
        return C.fills(x, value)


@stateless
class Eye(Op):
    def __call__(self, n, m, dtype):
        return C.eye(n, m, dtype)


class Argmax(Op):
    """``Argmax(axis=-1, output_type=mstype.int32)``."""

    @prim_attr_register
    def __init__(self, axis=-1, output_type=mstype.int32):
        pass

    def __call__(self, input_x):
        t = check_tensor(input_x, "Argmax", "input_x")
        if t.dtype is torch.bool:
            raise TypeError("For primitive[Argmax], the input argument[input_x] must be a number type, but got Bool.")
        a = norm_axis(self.attrs["axis"], t.dim(), "Argmax")
        return wrap(torch.argmax(t, a).to(self.attrs["output_type"].to_torch()))


class Argmin(Op):
    @prim_attr_register
    def __init__(self, axis=-1, output_type=mstype.int32):
        pass

    def __call__(self, x):
        t = check_tensor(x, "Argmin", "x")
        a = norm_axis(self.attrs["axis"], t.dim(), "Argmin")
        src = t.to(torch.int32) if t.dtype is torch.bool else t
        return wrap(torch.argmin(src, a).to(self.attrs["output_type"].to_torch()))


class ArgMaxWithValue(Op):
    """``ArgMaxWithValue(axis=0, keep_dims=False)`` -> ``(Int64 indices, values)`` (index first)."""

    @prim_attr_register
    def __init__(self, axis=0, keep_dims=False):
        pass

    def __call__(self, input):
        values, indices = R.max(input, self.attrs["axis"], self.attrs["keep_dims"])
        return indices, values


class ArgMinWithValue(Op):
    @prim_attr_register
    def __init__(self, axis=0, keep_dims=False):
        pass

    def __call__(self, input):
        values, indices = R.min(input, self.attrs["axis"], self.attrs["keep_dims"])
        return indices, values


class OneHot(Op):
    @prim_attr_register
    def __init__(self, axis=-1):
        pass

    def __call__(self, indices, depth, on_value, off_value):
        if not isinstance(on_value, Tensor) or not isinstance(off_value, Tensor):
            raise TypeError(f"Failed calling OneHot with \"OneHot(axis=int)(indices=Tensor, depth=int, on_value="
                            f"{type(on_value).__name__}, off_value={type(off_value).__name__})\".")
        return I.one_hot(indices, depth, on_value, off_value, self.attrs["axis"])


class StridedSlice(Op):
    @prim_attr_register
    def __init__(self, begin_mask=0, end_mask=0, ellipsis_mask=0, new_axis_mask=0, shrink_axis_mask=0):
        pass

    def __call__(self, input_x, begin, end, strides):
        a = self.attrs
        return I.strided_slice(input_x, begin, end, strides, a["begin_mask"], a["end_mask"], a["ellipsis_mask"],
                               a["new_axis_mask"], a["shrink_axis_mask"])


@stateless
class Slice(Op):
    def __call__(self, input, begin, size):
        return I.slice(input, begin, size)


class TopK(Op):
    """``TopK(sorted=True)(input_x, k)`` along the last axis -> ``(values, Int32 indices)``."""

    @prim_attr_register
    def __init__(self, sorted=True):
        pass

    def __call__(self, input_x, k):
        return R.topk(input_x, k, None, True, self.attrs["sorted"])


class Sort(Op):
    @prim_attr_register
    def __init__(self, axis=-1, descending=False):
        pass

    def __call__(self, x):
        return R.sort(x, self.attrs["axis"], self.attrs["descending"])


@stateless
class Unique(Op):
    def __call__(self, input_x):
        t = check_tensor(input_x, "Unique", "input_x")
        if t.dim() != 1:
            raise ValueError(f"For 'Unique', the dimension of 'input_x' must be 1, but got {t.dim()}.")
        return I.unique(input_x)


@stateless
class NonZero(Op):
    def __call__(self, input):
        return I.nonzero(input)


@stateless
class Identity(Op):
    def __call__(self, input_x):
        return A.identity(input_x)


@stateless
class Flatten(Op):
    """``Flatten()``: keeps axis 0 and flattens the rest to ``(N, -1)``."""

    def __call__(self, input_x):
        t = check_tensor(input_x, "Flatten", "input_x")
        if t.dim() == 0:
            raise ValueError("For 'Flatten', the dimension of 'input_x' must be at least 1, but got 0.")
        return wrap(t.reshape(t.shape[0], -1))


class ReverseV2(Op):
    @prim_attr_register
    def __init__(self, axis):
        pass

    def __call__(self, input):
        return A.flip(input, self.attrs["axis"])


class Roll(Op):
    @prim_attr_register
    def __init__(self, shifts, dims=None):
        pass

    def __call__(self, input):
        return A.roll(input, self.attrs["shifts"], self.attrs["dims"])


class Tril(Op):
    @prim_attr_register
    def __init__(self, diagonal=0):
        pass

    def __call__(self, x):
        return A.tril(x, self.attrs["diagonal"])


class Triu(Op):
    @prim_attr_register
    def __init__(self, diagonal=0):
        pass

    def __call__(self, input):
        return A.triu(input, self.attrs["diagonal"])


class Meshgrid(Op):
    @prim_attr_register
    def __init__(self, indexing="xy"):
        pass

    def __call__(self, inputs):
        return A.meshgrid(*inputs, indexing=self.attrs["indexing"])


@stateless
class MaskedFill(Op):
    def __call__(self, input_x, mask, value):
        return I.masked_fill(input_x, mask, value)


@stateless
class MaskedSelect(Op):
    def __call__(self, input, mask):
        return I.masked_select(input, mask)


@stateless
class ScatterNd(Op):
    def __call__(self, indices, updates, shape):
        return I.scatter_nd(indices, updates, shape)


@stateless
class TensorScatterUpdate(Op):
    def __call__(self, input_x, indices, updates):
        return I.tensor_scatter_update(input_x, indices, updates)


@stateless
class TensorScatterAdd(Op):
    def __call__(self, input_x, indices, updates):
        return I.tensor_scatter_add(input_x, indices, updates)


class TensorScatterElements(Op):
    @prim_attr_register
    def __init__(self, axis=0, reduction="none"):
        pass

    def __call__(self, data, indices, updates):
        return I.tensor_scatter_elements(data, indices, updates, self.attrs["axis"], self.attrs["reduction"])


class ScatterNdUpdate(Op):
    """In place on the Parameter ``input_x``; returns it."""

    @prim_attr_register
    def __init__(self, use_locking=True):
        pass

    def __call__(self, input_x, indices, updates):
        return I.scatter_nd_update(input_x, indices, updates)


class ScatterUpdate(Op):
    @prim_attr_register
    def __init__(self, use_locking=True):
        pass

    def __call__(self, input_x, indices, updates):
        return I.scatter_update(input_x, indices, updates)


class ScatterAdd(Op):
    @prim_attr_register
    def __init__(self, use_locking=False):
        pass

    def __call__(self, input_x, indices, updates):
        return I.scatter_add(input_x, indices, updates)


class IndexAdd(Op):
    @prim_attr_register
    def __init__(self, axis, use_lock=True, check_index_bound=True):
        pass

    def __call__(self, input_x, indices, input_y):
        return I.index_add(input_x, indices, input_y, self.attrs["axis"])


@stateless
class UnsortedSegmentSum(Op):
    def __call__(self, input_x, segment_ids, num_segments):
        return I.unsorted_segment_sum(input_x, segment_ids, num_segments)


@stateless
class InvertPermutation(Op):
    """``InvertPermutation()(perm)`` on a tuple of ints -> the inverse permutation tuple."""

    def __call__(self, input_x):
        perm = list(input_x._t.tolist()) if isinstance(input_x, Tensor) else list(input_x)
        if sorted(perm) != list(range(len(perm))):
            raise ValueError(f"For 'InvertPermutation', the input must be a permutation of 0..n-1, but got {perm}.")
        out = [0] * len(perm)
        for i, p in enumerate(perm):
            out[p] = i
        return wrap(torch.tensor(out, dtype=input_x._t.dtype)) if isinstance(input_x, Tensor) else tuple(out)


class Range(Op):
    @prim_attr_register
    def __init__(self, maxlen=1000000):
        pass

    def __call__(self, start, end, step):
        return C.range(start, end, step, self.attrs["maxlen"])


@stateless
class LinSpace(Op):
    def __call__(self, start, stop, num):
        return C.linspace(start, stop, num)


@stateless
class Rint(Op):
    """Round half to even, keeping the dtype."""

    def __call__(self, input_x):
        return wrap(torch.round(check_tensor(input_x, "Rint", "input_x")))


@stateless
class Depend(Op):
    def __call__(self, value, expr):
        return value


@stateless
class ScalarToTensor(Op):
    def __call__(self, x, dtype=mstype.float32):
        return C.scalar_to_tensor(x, dtype)


@stateless
class TupleToArray(Op):
    def __call__(self, input_x):
        return C.tuple_to_array(input_x)


class DynamicShape(Op):
    """Deprecated ``TensorShape``: the shape as an Int64 tensor."""

    @prim_attr_register
    def __init__(self, dtype=9):
        pass

    def __call__(self, input_x):
        return A.dyn_shape(input_x)
