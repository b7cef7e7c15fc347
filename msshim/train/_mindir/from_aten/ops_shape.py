"""Shape ops: view/reshape, flatten, permute/transpose, (un)squeeze, cat, expand, embedding, slice."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

from msshim.train._mindir import primitives as P

from .registry import _arg, _rank, _register, _shape

if TYPE_CHECKING:
    from .translate import _Translator

aten = torch.ops.aten


# shapes ------------------------------------------------------------------------------------------------
@_register(aten.view.default, aten.reshape.default, aten._unsafe_view.default)
def _reshape(t: _Translator, node):
    target = node.args[1]
    shape = tuple(target) if all(isinstance(d, int) for d in target) else _shape(node)
    return P.reshape(t.b, t.use(node.args[0]), shape)


@_register(aten.flatten.using_ints)
def _flatten(t: _Translator, node):
    x = node.args[0]
    start, end = _arg(node, 1, "start_dim", 0), _arg(node, 2, "end_dim", -1)
    rank = _rank(x)
    if rank >= 2 and start % rank == 1 and end % rank == rank - 1:
        return P.flatten(t.b, t.use(x))
    return P.reshape(t.b, t.use(x), _shape(node))


@_register(aten.permute.default)
def _permute(t: _Translator, node):
    return P.transpose(t.b, t.use(node.args[0]), tuple(node.args[1]))


@_register(aten.transpose.int)
def _transpose(t: _Translator, node):
    rank = _rank(node)
    perm = list(range(rank))
    a, b = node.args[1] % rank, node.args[2] % rank
    perm[a], perm[b] = perm[b], perm[a]
    return P.transpose(t.b, t.use(node.args[0]), perm)


@_register(aten.unsqueeze.default)
def _unsqueeze(t: _Translator, node):
    return P.expand_dims(t.b, t.use(node.args[0]), int(node.args[1]) % _rank(node))


@_register(aten.squeeze.dim, aten.squeeze.dims, aten.squeeze.default)
def _squeeze(t: _Translator, node):
    return P.reshape(t.b, t.use(node.args[0]), _shape(node))


@_register(aten.cat.default)
def _cat(t: _Translator, node):
    return P.concat(t.b, [t.use(x) for x in node.args[0]], int(_arg(node, 1, "dim", 0)))


@_register(aten.expand.default)
def _expand(t: _Translator, node):
    return P.broadcast_to(t.b, t.use(node.args[0]), _shape(node))


@_register(aten.embedding.default)
def _embedding(t: _Translator, node):
    return P.gather(t.b, t.use(node.args[0]), t.use(node.args[1]), 0)


@_register(aten.slice.Tensor)
def _slice(t: _Translator, node):
    x = node.args[0]
    shape = _shape(x)
    dim = int(_arg(node, 1, "dim", 0)) % len(shape)
    start, end, step = _arg(node, 2, "start"), _arg(node, 3, "end"), _arg(node, 4, "step", 1)
    start, end, _ = slice(start, end, step).indices(shape[dim])
    begin = [0] * len(shape)
    stop = list(shape)
    strides = [1] * len(shape)
    begin[dim], stop[dim], strides[dim] = start, end, step
    return P.strided_slice(t.b, t.use(x), begin, stop, strides)


def _slice_along(t: _Translator, x, dim: int, start: int, end: int) -> str:
    shape = _shape(x)
    begin, stop, strides = [0] * len(shape), list(shape), [1] * len(shape)
    begin[dim], stop[dim] = start, end
    return P.strided_slice(t.b, t.use(x), begin, stop, strides)


@_register(aten.chunk.default, aten.split.Tensor, aten.split_with_sizes.default)
def _split(t: _Translator, node):
    """chunk / split as one StridedSlice per piece (a tuple ``getitem`` picks them)."""
    x = node.args[0]
    dim = int(_arg(node, 2, "dim", 0)) % _rank(x)
    length = _shape(x)[dim]
    if node.target is aten.chunk.default:
        step = -(-length // int(node.args[1]))
        sizes = [min(step, length - i) for i in range(0, length, step)]
    elif node.target is aten.split.Tensor:
        step = int(node.args[1])
        sizes = [min(step, length - i) for i in range(0, length, step)]
    else:
        sizes = [int(s) for s in node.args[1]]
    starts = [sum(sizes[:i]) for i in range(len(sizes))]
    return tuple(_slice_along(t, x, dim, s, s + n) for s, n in zip(starts, sizes))
