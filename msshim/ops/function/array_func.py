"""Shape and layout operators: ``reshape``, ``transpose``, ``concat``, ``stack``, ``split``, ``squeeze``, ``flatten``,
``tile``, ``broadcast_to``, ``flip``, ``roll``, ``cast``, ``shape``/``rank``/``size``, ...

MindSpore semantics kept here: ``transpose(input, dims)`` takes a full permutation; ``flatten`` defaults to
``start_dim=1``; ``squeeze(x, axis)`` leaves a non-1 axis alone; ``split`` and ``chunk`` return tuples;
``shape`` returns a tuple of ints and ``rank``/``size`` return ints.
"""
from __future__ import annotations

import numpy as np
import torch

from msshim.common import dtype as mstype
from msshim.common.tensor import Tensor, wrap
from msshim.ops.function._utils import check_tensor, int_list, norm_axis, shape_arg, tensor_arg

__all__ = ["reshape", "transpose", "permute", "swapaxes", "swapdims", "moveaxis", "movedim", "cast", "squeeze",
           "expand_dims", "unsqueeze", "flatten", "ravel", "tile", "broadcast_to", "concat", "cat", "stack",
           "hstack", "vstack", "dstack", "column_stack", "row_stack", "split", "tensor_split", "chunk", "unbind",
           "unstack", "shape", "rank", "size", "numel", "dtype", "flip", "fliplr", "flipud", "reverse", "roll",
           "tril", "triu", "meshgrid", "repeat_interleave", "repeat_elements", "diag", "diagonal", "diag_embed",
           "trace", "atleast_1d", "atleast_2d", "atleast_3d", "is_tensor", "is_floating_point", "is_complex",
           "depend", "identity", "rot90", "view_as_real", "dyn_shape"]


def _t(x, op: str, name: str = "input") -> torch.Tensor:
    return check_tensor(x, op, name)


def reshape(input, shape) -> Tensor:
    """``ops.reshape(input, shape)``; one ``-1`` entry is inferred."""
    t = _t(input, "Reshape")
    shape = shape_arg(shape, "Reshape")
    try:
        return wrap(t.reshape(shape))
    except RuntimeError:
        raise ValueError(f"For 'Reshape', the product of 'input_x' shape must be equal to product of 'input_shape', "
                         f"but got 'input_x' shape: {tuple(t.shape)}, proposed_shape '{list(shape)}' is invalid for "
                         f"input of size {t.numel()}") from None


def transpose(input, dims) -> Tensor:
    """``ops.transpose(input, dims)``: ``dims`` is a full permutation of the axes."""
    t = _t(input, "Transpose")
    perm = tuple(int_list(dims, "Transpose", "dims"))
    nd = t.dim()
    if len(perm) != nd:
        raise ValueError(f"For 'Transpose', size of perm should equal to rank of x, but got {len(perm)} and {nd}!")
    seen = set()
    for p in perm:
        if p < -max(nd, 1) or p >= max(nd, 1):
            raise ValueError(f"For 'Transpose', the value of perm must be in [{-nd}, {nd}), but got {p}.")
        if p % max(nd, 1) in seen:
            raise ValueError(f"For 'Transpose' perms should all be unique dim, but{p} is not unique!")
        seen.add(p % max(nd, 1))
    return wrap(t.permute(perm)) if nd else wrap(t)


def permute(input, axis) -> Tensor:
    return transpose(input, axis)


def swapaxes(input, axis0, axis1) -> Tensor:
    t = _t(input, "ops.swapaxes")
    nd = t.dim()
    a0 = norm_axis(axis0, nd, "swapaxes")
    a1 = norm_axis(axis1, nd, "swapaxes")
    return wrap(t.transpose(a0, a1))


swapdims = swapaxes


def movedim(x, source, destination) -> Tensor:
    t = _t(x, "movedim", "x")
    src = int_list(source, "movedim", "source")
    dst = int_list(destination, "movedim", "destination")
    if len(src) != len(dst):
        raise ValueError(f"For `source` and `destination` arguments, the number of elements must be the same, but "
                         f"got 'source': {len(src)} and 'destination': {len(dst)}.")
    return wrap(torch.movedim(t, src, dst))


moveaxis = movedim


def cast(input, dtype) -> Tensor:
    """``ops.cast(input, dtype)``: float -> int truncates toward zero (as torch and MindSpore do)."""
    if not isinstance(dtype, mstype.Type):
        raise TypeError(f"For 'Cast', the input 'dtype' should be mindspore dtype, but got {dtype}.")
    t = tensor_arg(input, "input_x", "Cast")
    target = dtype.to_torch()
    return wrap(t if t.dtype is target else t.to(target))


def squeeze(input, axis=None) -> Tensor:
    """``ops.squeeze(input, axis=None)``: axes given that are not of size 1 are left as they are."""
    t = _t(input, "Squeeze")
    if axis is None or axis == ():
        return wrap(t.squeeze())
    axes = tuple(int_list(axis, "Squeeze", "axis"))
    nd = t.dim()
    for a in axes:
        norm_axis(a, nd, "Squeeze")
    return wrap(t.squeeze(axes))


def expand_dims(input_x, axis) -> Tensor:
    t = _t(input_x, "ExpandDims", "input_x")
    nd = t.dim() + 1
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"For 'ExpandDims', the 'axis' must be int, but got {type(axis).__name__}.")
    if axis < -nd or axis >= nd:
        raise ValueError(f"Dimension out of range (expected to be in range of [{-nd}, {nd}), but got {axis})")
    return wrap(t.unsqueeze(int(axis)))


def unsqueeze(input, dim) -> Tensor:
    return expand_dims(input, dim)


def flatten(input, order="C", *, start_dim=1, end_dim=-1) -> Tensor:
    """``ops.flatten(input, order='C', *, start_dim=1, end_dim=-1)``: keeps the batch axis by default."""
    if not isinstance(input, Tensor):
        raise TypeError("For 'flatten', argument 'input' must be Tensor.")
    if isinstance(start_dim, bool) or isinstance(end_dim, bool) or not isinstance(start_dim, int) \
            or not isinstance(end_dim, int):
        raise TypeError("For 'flatten', both 'start_dim' and 'end_dim' must be int.")
    if order not in ("C", "F"):
        raise ValueError(f"For 'flatten', 'order' must be 'C' or 'F', but got '{order}'.")
    t = input._t
    if order == "F":
        t = t.permute(*reversed(range(t.dim())))
    if t.dim() <= 1 and start_dim == 1 and end_dim == -1:  # MindSpore returns before validating the axes
        return wrap(t.reshape(-1))
    nd = max(t.dim(), 1)
    for a in (start_dim, end_dim):
        if a < -nd or a >= nd:
            raise ValueError("'start_dim' or 'end_dim' out of range.")
    s, e = start_dim % nd, end_dim % nd
    if s > e:
        raise ValueError("For 'flatten', 'start_dim' cannot come after 'end_dim'.")
    if t.dim() <= 1:
        return wrap(t.reshape(-1))
    return wrap(torch.flatten(t, s, e))


def ravel(input) -> Tensor:
    return wrap(_t(input, "ravel").reshape(-1))


def tile(input, dims) -> Tensor:
    """``ops.tile(input, dims)``: when ``dims`` is shorter than the rank, ones are prepended to it."""
    t = _t(input, "Tile")
    if not isinstance(dims, (tuple, list)) or any(isinstance(d, bool) or not isinstance(d, (int, np.integer))
                                                  for d in dims):
        inner = ", ".join(type(d).__name__ for d in dims) if isinstance(dims, (tuple, list)) else ""
        raise TypeError(f"Failed calling Tile with \"Tile()(input=Tensor, dims=Tuple<{inner}>)\".")
    for d in dims:
        if d < 0:
            raise ValueError(f"For 'Tile', each element of 'dims' must be greater than or equal to 0, but got {dims}.")
    return wrap(t.tile(tuple(int(d) for d in dims)))


def broadcast_to(input, shape) -> Tensor:
    """``ops.broadcast_to(input, shape)``: ``-1`` keeps the input's size on that axis."""
    t = _t(input, "BroadcastTo")
    target = shape_arg(shape, "BroadcastTo")
    try:
        return wrap(t.expand(target))
    except RuntimeError:
        raise ValueError(f"For 'BroadcastTo', in order to broadcast, each dimension pair must be equal or input "
                         f"dimension is 1 or target dimension is -1. But got x_shape: {tuple(t.shape)}, target "
                         f"shape: {target}.") from None


def _tensor_list(tensors, op: str) -> list:
    if isinstance(tensors, Tensor):
        return list(tensors._t.unbind(0))
    if not isinstance(tensors, (tuple, list)):
        raise TypeError(f"For '{op}', the 'tensors' must be a tuple or list of Tensors, but got "
                        f"{type(tensors).__name__}.")
    if not tensors:
        raise ValueError(f"For '{op}', the input must have at least 1 tensor, but got 0.")
    return [tensor_arg(v, "tensors", op) for v in tensors]


def concat(tensors, axis=0) -> Tensor:
    """``ops.concat(tensors, axis=0)``: mixed dtypes are promoted to the widest one."""
    ts = _tensor_list(tensors, "Concat")
    nd = ts[0].dim()
    norm = norm_axis(axis, nd, "Concat")
    try:
        return wrap(torch.cat(ts, norm))
    except RuntimeError:
        shapes = ", ".join("[const vector]{" + ", ".join(str(s) for s in t.shape) + "}" for t in ts)
        raise ValueError(f"For primitive[Concat] only support one axis different, bug got more than one(shapes is "
                         f"[const vector]{{{shapes}}})!") from None


cat = concat


def stack(tensors, axis=0) -> Tensor:
    ts = _tensor_list(tensors, "Stack")
    norm_axis(axis, ts[0].dim() + 1, "Stack")
    for t in ts[1:]:
        if t.shape != ts[0].shape:
            raise ValueError(f"For 'Stack', all input shape must be the same! {list(t.shape)} And "
                             f"{list(ts[0].shape)}")
    return wrap(torch.stack(ts, int(axis)))


def hstack(tensors) -> Tensor:
    ts = [t.reshape(1) if t.dim() == 0 else t for t in _tensor_list(tensors, "hstack")]
    return wrap(torch.cat(ts, 0 if ts[0].dim() == 1 else 1))


def vstack(inputs) -> Tensor:
    return wrap(torch.vstack(_tensor_list(inputs, "vstack")))


row_stack = vstack


def dstack(tensors) -> Tensor:
    return wrap(torch.dstack(_tensor_list(tensors, "dstack")))


def column_stack(tensors) -> Tensor:
    return wrap(torch.column_stack(_tensor_list(tensors, "column_stack")))


def split(tensor, split_size_or_sections, axis=0) -> tuple:
    """``ops.split(tensor, split_size_or_sections, axis=0)``: an int is the size of each chunk (the last may be
    smaller), a list gives the sizes."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"expect `tensor` is a Tensor, but got {type(tensor)}")
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise TypeError(f"Type of Argument `axis` should be integer but got {type(axis)}")
    t = tensor._t
    a = norm_axis(axis, t.dim(), "split")
    s = split_size_or_sections
    if isinstance(s, int) and not isinstance(s, bool):
        if s <= 0:
            raise ValueError(f"For split, the value of 'split_size_or_sections' must be more than zero, but got {s}.")
    elif isinstance(s, (list, tuple)):
        for item in s:
            if isinstance(item, bool) or not isinstance(item, int):
                raise TypeError(f"Each element in 'split_size_or_sections' should be integer, but got {type(item)}.")
            if item < 0:
                raise TypeError(f"Each element in 'split_size_or_sections' should be non-negative, but got {s}.")
        if sum(s) != t.shape[a]:
            raise ValueError(f"The sum of 'split_size_or_sections' should be equal to {t.shape[a]}, but got "
                             f"{sum(s)}.")
        s = list(s)
    else:
        raise TypeError(f"Type of Argument `split_size_or_sections` should be integer, tuple(int) or list(int), but "
                        f"got {type(s)}")
    return tuple(wrap(p) for p in torch.split(t, s, a))


def tensor_split(input, indices_or_sections, axis=0) -> tuple:
    t = _t(input, "tensor_split")
    ios = indices_or_sections
    ios = list(ios) if isinstance(ios, (list, tuple)) else int(ios)
    return tuple(wrap(p) for p in torch.tensor_split(t, ios, norm_axis(axis, t.dim(), "tensor_split")))


def chunk(input, chunks, axis=0) -> tuple:
    """``ops.chunk(input, chunks, axis=0)``: may return fewer than ``chunks`` pieces (as torch.chunk)."""
    if not isinstance(input, Tensor):
        raise TypeError(f"For ops.chunk parameter `input` must be Tensor, but got {type(input)}")
    if isinstance(chunks, bool) or not isinstance(chunks, int):
        raise TypeError(f"For ops.chunk type of argument `chunks` should be integer, but got {type(chunks)}")
    if chunks <= 0:
        raise ValueError(f"For ops.chunk parameter 'chunks' must be greater than 0, but got {chunks}")
    t = input._t
    return tuple(wrap(p) for p in torch.chunk(t, chunks, norm_axis(axis, t.dim(), "chunk")))


def unbind(input, dim=0) -> tuple:
    t = _t(input, "Unstack")
    return tuple(wrap(p) for p in t.unbind(norm_axis(dim, t.dim(), "Unstack")))


def unstack(input_x, axis=0) -> tuple:
    return unbind(input_x, axis)


def shape(input_x) -> tuple:
    """``ops.shape(x)``: a tuple of ints."""
    return tuple(_t(input_x, "Shape", "input_x").shape)


def _dyn_shape(input_x) -> Tensor:
    """``ops.dyn_shape(x)``: the shape as an Int64 tensor."""
    t = _t(input_x, "TensorShape", "input_x")
    return wrap(torch.tensor(tuple(t.shape), dtype=torch.int64, device=t.device))


dyn_shape = _dyn_shape


def rank(input_x) -> int:
    """``ops.rank(x)``: the number of dimensions, a Python int."""
    t = getattr(input_x, "_t", None)
    if t is None:
        raise TypeError(f"For 'Rank', the input must be a Tensor, but got {type(input_x).__name__}.")
    return t.dim()


def size(input_x) -> int:
    """``ops.size(x)``: the number of elements, a Python int."""
    return _t(input_x, "Size", "input_x").numel()


def numel(input) -> int:
    return _t(input, "numel").numel()


def dtype(input) -> mstype.Type:
    return mstype.from_torch(_t(input, "DType").dtype)


def flip(input, dims) -> Tensor:
    t = _t(input, "ReverseV2")
    if not isinstance(dims, (tuple, list)):
        raise TypeError(f"Failed calling ReverseV2 with \"ReverseV2(axis={type(dims).__name__})(input=Tensor)\".")
    axes = int_list(dims, "ReverseV2", "dims")
    for a in axes:
        norm_axis(a, t.dim(), "ReverseV2")
    return wrap(torch.flip(t, axes))


def fliplr(input) -> Tensor:
    return flip(input, (1,))


def flipud(input) -> Tensor:
    return flip(input, (0,))


def reverse(x, axis) -> Tensor:
    return flip(x, axis)


def roll(input, shifts, dims=None) -> Tensor:
    """``ops.roll(input, shifts, dims=None)``: without ``dims`` the tensor is rolled flattened."""
    t = _t(input, "Roll")
    sh = int_list(shifts, "Roll", "shifts")
    if dims is None:
        return wrap(torch.roll(t, sh))
    return wrap(torch.roll(t, sh, int_list(dims, "Roll", "dims")))


def rot90(input, k, dims) -> Tensor:
    return wrap(torch.rot90(_t(input, "rot90"), int(k), list(dims)))


def tril(input, diagonal=0) -> Tensor:
    t = _t(input, "Tril")
    if t.dim() < 2:
        raise ValueError(f"For 'Tril', the rank of 'x' must be greater than or equal to 2, but got {t.dim()}.")
    return wrap(torch.tril(t, int(diagonal)))


def triu(input, diagonal=0) -> Tensor:
    t = _t(input, "Triu")
    if t.dim() < 2:
        raise ValueError(f"For 'Triu', the rank of 'x' must be greater than or equal to 2, but got {t.dim()}.")
    return wrap(torch.triu(t, int(diagonal)))


def meshgrid(*inputs, indexing="xy") -> tuple:
    """``ops.meshgrid(*inputs, indexing='xy')``: note MindSpore's default is ``'xy'`` (Cartesian)."""
    if len(inputs) == 1 and isinstance(inputs[0], (tuple, list)):
        inputs = tuple(inputs[0])
    if indexing not in ("xy", "ij"):
        raise ValueError(f"For 'Meshgrid', the 'indexing' must be 'xy' or 'ij', but got {indexing}.")
    ts = [_t(v, "Meshgrid", "inputs") for v in inputs]
    return tuple(wrap(g) for g in torch.meshgrid(*ts, indexing=indexing))


def repeat_interleave(input, repeats, axis=None) -> Tensor:
    """``ops.repeat_interleave(input, repeats, axis=None)``: without ``axis`` the input is flattened."""
    t = _t(input, "repeat_interleave")
    if axis is None:
        t, axis = t.reshape(-1), 0
    elif isinstance(axis, bool) or not isinstance(axis, int):
        raise TypeError(f"For 'repeat_interleave', the argument 'axis' should be int, but got {type(axis)}.")
    a = norm_axis(axis, t.dim(), "repeat_interleave")
    reps = int_list(repeats, "repeat_interleave", "repeats")
    if len(reps) == 1:
        return wrap(torch.repeat_interleave(t, reps[0], dim=a))
    if len(reps) != t.shape[a]:
        raise ValueError(f"For 'repeat_interleave', the length of 'repeats' must be the same as the shape of the "
                         f"original tensor in the 'axis' dimension, but got the length of 'repeats' {len(reps)}, "
                         f"the shape of the original tensor in the 'axis' dimension {t.shape[a]}.")
    return wrap(torch.repeat_interleave(t, torch.tensor(reps, device=t.device), dim=a))


def repeat_elements(x, rep, axis=0) -> Tensor:
    t = _t(x, "repeat_elements", "x")
    return wrap(torch.repeat_interleave(t, int(rep), dim=norm_axis(axis, t.dim(), "repeat_elements")))


def diag(input) -> Tensor:
    """``ops.diag(input)``: a 1-D input gives a diagonal matrix, a 2-D input its diagonal."""
    t = _t(input, "Diag")
    return wrap(torch.diag(t))


def diagonal(input, offset=0, dim1=0, dim2=1) -> Tensor:
    return wrap(torch.diagonal(_t(input, "Diagonal"), offset, dim1, dim2))


def diag_embed(input, offset=0, dim1=-2, dim2=-1) -> Tensor:
    return wrap(torch.diag_embed(_t(input, "diag_embed"), offset, dim1, dim2))


def trace(input) -> Tensor:
    t = _t(input, "Trace")
    if t.dim() != 2:
        raise RuntimeError(f"For Primitive[Trace], the rank of the input must be 2, but got {t.dim()}!")
    return wrap(torch.trace(t))


def _atleast(inputs, fn):
    if isinstance(inputs, Tensor):
        return wrap(fn(inputs._t))
    return tuple(wrap(fn(_t(v, "atleast", "inputs"))) for v in inputs)


def atleast_1d(inputs):
    return _atleast(inputs, torch.atleast_1d)


def atleast_2d(inputs):
    return _atleast(inputs, torch.atleast_2d)


def atleast_3d(inputs):
    return _atleast(inputs, torch.atleast_3d)


def is_tensor(obj) -> bool:
    return isinstance(obj, Tensor)


def is_floating_point(input) -> bool:
    return _t(input, "is_floating_point").is_floating_point()


def is_complex(input) -> bool:
    return _t(input, "is_complex").is_complex()


def depend(value, expr):
    """``ops.depend(value, expr)``: returns ``value`` (eager execution already orders ``expr`` before it)."""
    return value


def identity(input_x):
    return wrap(tensor_arg(input_x, "input_x", "Identity").clone())


def view_as_real(input) -> Tensor:
    return wrap(torch.view_as_real(_t(input, "view_as_real")))
