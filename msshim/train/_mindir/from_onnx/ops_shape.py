"""Shape ops: Reshape/Flatten/(Un)squeeze, Transpose, Concat, Gather, Expand, Slice, Split, Resize, Pad."""
from __future__ import annotations

import numpy as np

from msshim.train._mindir import primitives as P

from .context import Unsupported
from .ops_conv_pool import _flat
from .ops_math import _operand
from .registry import _attrs, _const_ints, _input, _out_shape, translates


# ------------------------------------------------------------------------------------------- shapes
@translates("Reshape", "Flatten", "Unsqueeze", "Squeeze")
def _reshape(ctx, node):
    """Every shape-only op is a Reshape to the statically inferred output shape."""
    x = node.input[0]
    out = _out_shape(ctx, node)
    if tuple(ctx.shape(x)) == tuple(out):
        return ctx.tensor(x)
    if node.op_type == "Flatten" and int(_attrs(node).get("axis", 1)) == 1 and len(ctx.shape(x)) > 2:
        return P.flatten(ctx.b, ctx.tensor(x))
    return P.reshape(ctx.b, ctx.tensor(x), out)


@translates("Transpose")
def _transpose(ctx, node):
    perm = _attrs(node).get("perm") or list(reversed(range(len(ctx.shape(node.input[0])))))
    return P.transpose(ctx.b, ctx.tensor(node.input[0]), perm)


@translates("Concat")
def _concat(ctx, node):
    first = next(n for n in node.input if not ctx.is_const(n))
    return P.concat(ctx.b, [_operand(ctx, n, first) for n in node.input], int(_attrs(node)["axis"]))


@translates("Gather")
def _gather(ctx, node):
    data, indices = node.input
    axis = int(_attrs(node).get("axis", 0)) % len(ctx.shape(data))
    value = ctx.const(indices)
    if value is not None:
        value = np.where(value < 0, value + ctx.shape(data)[axis], value)
        idx = ctx.b.constant(np.ascontiguousarray(value))
    else:
        idx = ctx.tensor(indices)
    return P.gather(ctx.b, ctx.tensor(data), idx, axis)


@translates("Expand")
def _expand(ctx, node):
    return P.broadcast_to(ctx.b, ctx.tensor(node.input[0]), _out_shape(ctx, node))


@translates("Slice")
def _slice(ctx, node):
    x = node.input[0]
    shape = ctx.shape(x)
    starts = _const_ints(ctx, node.input[1], "Slice starts")
    ends = _const_ints(ctx, node.input[2], "Slice ends")
    axes = _const_ints(ctx, node.input[3], "Slice axes") if _input(node, 3) else list(range(len(starts)))
    steps = _const_ints(ctx, node.input[4], "Slice steps") if _input(node, 4) else [1] * len(starts)
    begin, end, stride = [0] * len(shape), list(shape), [1] * len(shape)
    for s, e, a, st in zip(starts, ends, axes, steps):
        if st < 0:
            raise Unsupported("negative Slice step")
        a %= len(shape)
        size = shape[a]
        s = min(max(s + size if s < 0 else s, 0), size)
        e = min(max(e + size if e < 0 else e, 0), size)
        begin[a], end[a], stride[a] = s, e, st
    return P.strided_slice(ctx.b, ctx.tensor(x), begin, end, stride)


@translates("Split")
def _split(ctx, node):
    """One StridedSlice per output."""
    x = node.input[0]
    shape = ctx.shape(x)
    attrs = _attrs(node)
    axis = int(attrs.get("axis", 0)) % len(shape)
    if "split" in attrs:
        sizes = [int(v) for v in attrs["split"]]
    elif _input(node, 1):
        sizes = _const_ints(ctx, node.input[1], "Split sizes")
    else:
        count = int(attrs.get("num_outputs", len(node.output)))
        step = -(-shape[axis] // count)
        sizes = [min(step, shape[axis] - i * step) for i in range(count)]
    outputs, start = [], 0
    for size in sizes:
        begin, end = [0] * len(shape), list(shape)
        begin[axis], end[axis] = start, start + size
        outputs.append(P.strided_slice(ctx.b, ctx.tensor(x), begin, end, [1] * len(shape)))
        start += size
    return outputs


@translates("Resize", "Upsample")
def _resize(ctx, node):
    """Nearest-neighbour upsampling by integer factors (torch's nn.Upsample / F.interpolate(mode="nearest")):
    every pixel repeated, as Reshape -> BroadcastTo -> Reshape (exact, no interpolation primitive)."""
    attrs = _attrs(node)
    x = node.input[0]
    shape, out = ctx.shape(x), _out_shape(ctx, node)
    if attrs.get("mode", "nearest") != "nearest":
        raise Unsupported(f"mode {attrs['mode']}")
    # Output pixel k of factor f reads input k/f (asymmetric) or (k + 0.5)/f - 0.5 (half_pixel): pixel
    # repetition exactly when the first is floored and the second rounded (it is never a tie).
    mode = (attrs.get("coordinate_transformation_mode", "half_pixel"), attrs.get("nearest_mode", "round_prefer_floor"))
    if mode not in (("asymmetric", "floor"), ("half_pixel", "round_prefer_floor"),
                    ("half_pixel", "round_prefer_ceil"), ("pytorch_half_pixel", "round_prefer_floor"),
                    ("pytorch_half_pixel", "round_prefer_ceil")):
        raise Unsupported(f"coordinate_transformation_mode {mode[0]} with nearest_mode {mode[1]}")
    factors = [o // i if i and o % i == 0 else 0 for i, o in zip(shape, out)]
    if not all(factors) or len(shape) < 3 or factors[:2] != [1, 1]:
        raise Unsupported(f"resize {shape} -> {out} (integer nearest upsampling of spatial axes only)")
    expanded = list(shape[:2])
    for size, f in zip(shape[2:], factors[2:]):
        expanded += [size, 1]
    y = P.reshape(ctx.b, ctx.tensor(x), expanded)
    target = list(shape[:2])
    for size, f in zip(shape[2:], factors[2:]):
        target += [size, f]
    return P.reshape(ctx.b, P.broadcast_to(ctx.b, y, target), out)


@translates("Pad")
def _pad(ctx, node):
    attrs = _attrs(node)
    if attrs.get("mode", "constant") != "constant":
        raise Unsupported(f"Pad mode {attrs['mode']}")
    x = node.input[0]
    rank = len(ctx.shape(x))
    pads = list(attrs["pads"]) if "pads" in attrs else _const_ints(ctx, node.input[1], "Pad pads")
    axes = _const_ints(ctx, node.input[3], "Pad axes") if _input(node, 3) else list(range(rank))
    if any(p < 0 for p in pads):
        raise Unsupported("negative pads")
    value = 0.0
    if _input(node, 2):
        constant = ctx.const(node.input[2])
        if constant is None:
            raise Unsupported("Pad value is not a constant")
        value = float(constant)
    elif "value" in attrs:
        value = float(attrs["value"])
    pairs = [(0, 0)] * rank
    n = len(axes)
    for i, a in enumerate(axes):
        pairs[a % rank] = (pads[i], pads[i + n])
    first = next(i for i in range(rank) if pairs[i] != (0, 0)) if any(_flat(pairs)) else rank
    if first == rank:
        return ctx.tensor(x)
    return P.constant_pad_nd(ctx.b, ctx.tensor(x), _flat(reversed(pairs[first:])), value)
