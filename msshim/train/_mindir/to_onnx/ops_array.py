"""Shape, layout, indexing and dtype primitives.

MindSpore passes dtypes to ``Cast``/``Argmax`` as its ``TypeId`` integers (2.10: Bool 30, Int8..Int64
32..35, UInt8..UInt64 37..40, Float16 42, Float32 43, Float64 44, BFloat16 45, Complex64 51, Complex128 52;
``typing.type_to_type_id``).  Reshape dims are never "copy" markers in MindSpore (0 is a zero-size dim), hence
``allowzero`` when a 0 appears.
"""
from __future__ import annotations

import numpy as np

from msshim.train._mindir.dtypes import NUMPY_OF_TYPE_ID

from .emitter import onnx_dtype
from .registry import Call, Const, TranslateError, as_int_tuple, translator

_INT_MAX = np.iinfo(np.int64).max


def numpy_of_type_id(value) -> np.dtype:
    if isinstance(value, (int, np.integer)) and int(value) in NUMPY_OF_TYPE_ID:
        return NUMPY_OF_TYPE_ID[int(value)]
    raise TranslateError(f"unknown MindSpore dtype id {value!r}")


@translator("Cast")
def cast(em, call: Call):
    dtype = numpy_of_type_id(call.arg(1, ("dst_type", "dtype")))
    src = call.args[0]
    if isinstance(src, Const):
        return em.const(np.asarray(src.value).astype(dtype))
    return em.op("Cast", [em.tensor(src)], to=onnx_dtype(dtype))


@translator("Reshape")
def reshape(em, call: Call):
    x = em.tensor(call.args[0])
    shape_arg = call.args[1] if call.has(1) else Const(call.attrs.get("shape"))
    if isinstance(shape_arg, Const) or (isinstance(shape_arg, tuple) and all(isinstance(v, Const) for v in shape_arg)):
        shape = list(as_int_tuple(call.arg(1, "shape")))
        return em.op("Reshape", [x, em.const(shape, np.int64)], allowzero=1 if 0 in shape and -1 not in shape else None)
    return em.op("Reshape", [x, em.op("Cast", [em.tensor(shape_arg)], to=7)])


@translator("Flatten")
def flatten(em, call: Call):
    """(N, ...) -> (N, prod(...)); MindSpore's 2.x Flatten keeps axis 0."""
    return em.op("Flatten", [em.tensor(call.args[0])], axis=1)


@translator("Transpose")
def transpose(em, call: Call):
    perm = list(as_int_tuple(call.arg(1, ("perm", "input_perm"))))
    return em.op("Transpose", [em.tensor(call.args[0])], perm=perm)


def _tensors(em, value) -> list[str]:
    if isinstance(value, tuple):
        return [em.tensor(v) for v in value]
    if isinstance(value, Const) and isinstance(value.value, (tuple, list)):
        return [em.const(v) for v in value.value]
    raise TranslateError("expected a tuple of tensors")


@translator("Concat")
def concat(em, call: Call):
    return em.op("Concat", _tensors(em, call.args[0]), axis=int(call.arg(1, "axis", 0)))


@translator("Stack")
def stack(em, call: Call):
    axis = int(call.arg(1, "axis", 0))
    items = _tensors(em, call.args[0])
    axes = em.const([axis], np.int64)
    return em.op("Concat", [em.op("Unsqueeze", [t, axes]) for t in items], axis=axis)


@translator("ExpandDims")
def expand_dims(em, call: Call):
    return em.op("Unsqueeze", [em.tensor(call.args[0]), em.const([int(call.arg(1, "axis"))], np.int64)])


@translator("Squeeze")
def squeeze(em, call: Call):
    axes = as_int_tuple(call.arg(1, "axis", ()))
    x = em.tensor(call.args[0])
    return em.op("Squeeze", [x] + ([em.const(list(axes), np.int64)] if axes else []))


@translator("BroadcastTo")
def broadcast_to(em, call: Call):
    """-1 keeps a dim: as 1 in ONNX Expand's bidirectional broadcast."""
    shape = [1 if d == -1 else d for d in as_int_tuple(call.arg(1, "shape"))]
    return em.op("Expand", [em.tensor(call.args[0]), em.const(shape, np.int64)])


@translator("Tile")
def tile(em, call: Call):
    x = em.tensor(call.args[0])
    reps = list(as_int_tuple(call.arg(1, "multiples")))
    rank = em.rank(x)
    if len(reps) > rank:  # MindSpore prepends dims to x
        x = em.op("Reshape", [x, em.const([1] * (len(reps) - rank) + [0] * rank, np.int64)])
    elif len(reps) < rank:
        reps = [1] * (rank - len(reps)) + reps
    return em.op("Tile", [x, em.const(reps, np.int64)])


@translator("Gather", "GatherV2")
def gather(em, call: Call):
    """Gather(params, indices, axis, batch_dims=0)."""
    if int(call.arg(3, "batch_dims", 0)) != 0:
        raise TranslateError("Gather with batch_dims != 0 is not supported")
    return em.op("Gather", [em.tensor(call.args[0]), em.tensor(call.args[1])], axis=int(call.arg(2, "axis", 0)))


@translator("StridedSlice")
def strided_slice(em, call: Call):
    """StridedSlice(x, begin, end, strides, begin_mask, end_mask, ellipsis_mask, new_axis_mask,
    shrink_axis_mask) for constant bounds; ellipsis/new-axis masks are not supported."""
    x = em.tensor(call.args[0])
    begin, end, strides = (list(as_int_tuple(call.arg(i, name))) for i, name in
                           ((1, "begin"), (2, "end"), (3, "strides")))
    masks = [int(call.arg(4 + i, name, 0)) for i, name in
             enumerate(("begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask"))]
    begin_mask, end_mask, ellipsis_mask, new_axis_mask, shrink_mask = masks
    if ellipsis_mask or new_axis_mask:
        raise TranslateError("StridedSlice with ellipsis_mask/new_axis_mask is not supported")
    starts, ends, shrink = [], [], []
    for i, (b, e, s) in enumerate(zip(begin, end, strides)):
        if begin_mask >> i & 1:
            b = 0 if s > 0 else -1
        if end_mask >> i & 1:
            e = _INT_MAX if s > 0 else -_INT_MAX
        if shrink_mask >> i & 1:
            e, s = (b + 1 if b != -1 else _INT_MAX), 1
            shrink.append(i)
        starts.append(b)
        ends.append(e)
        strides[i] = s
    axes = list(range(len(starts)))
    out = em.op("Slice", [x, em.const(starts, np.int64), em.const(ends, np.int64), em.const(axes, np.int64),
                          em.const(strides, np.int64)])
    if shrink:
        out = em.op("Squeeze", [out, em.const(shrink, np.int64)])
    return out


@translator("Split")
def split(em, call: Call):
    axis = int(call.arg(1, "axis", 0))
    n = int(call.arg(2, "output_num", 1))
    return tuple(em.op("Split", [em.tensor(call.args[0])], outputs=n, axis=axis, num_outputs=n)) if n > 1 else (
        em.op("Identity", [em.tensor(call.args[0])]),)


@translator("Shape", "TensorShape")
def shape(em, call: Call):
    x = em.tensor(call.args[0])
    static = em.shape(x)
    if call.op == "Shape" and static is not None and all(d is not None for d in static):
        return Const(tuple(int(d) for d in static))
    return em.op("Shape", [x])


@translator("ZerosLike", "OnesLike")
def fill_like(em, call: Call):
    x = em.tensor(call.args[0])
    zero = em.op("Mul", [x, em.const(0, em.dtype(x))]) if em.dtype(x).kind != "b" else em.op("Xor", [x, x])
    if call.op == "ZerosLike":
        return zero
    return em.op("Add", [zero, em.const(1, em.dtype(x))]) if em.dtype(x).kind != "b" else em.op("Not", [zero])


@translator("Argmax", "ArgMaxExt", "Argmin")
def argmax(em, call: Call):
    x = em.tensor(call.args[0])
    axis = call.arg(1, "axis", -1)
    keep = bool(call.arg(2, "keepdim", False)) if call.op == "ArgMaxExt" else False
    out_type = np.dtype(np.int32)
    if call.op != "ArgMaxExt" and (call.has(2) or "output_type" in call.attrs):
        out_type = numpy_of_type_id(call.arg(2, "output_type"))
    if call.op == "ArgMaxExt":
        out_type = np.dtype(np.int64)
        if axis is None:
            x = em.op("Reshape", [x, em.const([-1], np.int64)])
            axis = 0
    out = em.op("ArgMin" if call.op == "Argmin" else "ArgMax", [x], axis=int(axis), keepdims=int(keep))
    return out if out_type == np.int64 else em.op("Cast", [out], to=onnx_dtype(out_type))


@translator("ConstantPadND")
def constant_pad_nd(em, call: Call):
    """``ConstantPadND(x, padding, value)``: padding as torch's F.pad (last axis first: (left, right, top,
    bottom, ...)); negative entries crop."""
    x = em.tensor(call.args[0])
    padding = as_int_tuple(call.arg(1, "padding"))
    value = call.arg(2, "value", 0.0)
    rank = em.rank(x)
    begins, ends = [0] * rank, [0] * rank
    for i in range(len(padding) // 2):
        axis = rank - 1 - i
        begins[axis], ends[axis] = padding[2 * i], padding[2 * i + 1]
    dt = em.dtype(x)
    fill = em.const(np.asarray(0 if value is None else value).astype(dt))
    return em.op("Pad", [x, em.const(begins + ends, np.int64), fill], mode="constant")


@translator("Pad")
def pad(em, call: Call):
    """Old-style ``Pad`` with attribute ``paddings`` ((before, after) per axis): zero padding."""
    x = em.tensor(call.args[0])
    paddings = [tuple(int(v) for v in pair) for pair in call.attrs["paddings"]]
    begins, ends = [p[0] for p in paddings], [p[1] for p in paddings]
    fill = em.const(np.asarray(0).astype(em.dtype(x)))
    return em.op("Pad", [x, em.const(begins + ends, np.int64), fill], mode="constant")


@translator("Slice")
def slice_(em, call: Call):
    """``Slice(x, begin, size)`` (size -1 = to the end)."""
    x = em.tensor(call.args[0])
    begin = list(as_int_tuple(call.arg(1, "begin")))
    size = list(as_int_tuple(call.arg(2, "size")))
    ends = [_INT_MAX if s == -1 else b + s for b, s in zip(begin, size)]
    return em.op("Slice", [x, em.const(begin, np.int64), em.const(ends, np.int64),
                           em.const(list(range(len(begin))), np.int64)])
