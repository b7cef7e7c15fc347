"""Collective primitives on torch.distributed: ``ReduceOp``, ``AllReduce``, ``AllGather``, ``Broadcast``,
``ReduceScatter`` (MindSpore's ``mindspore.ops.operations.comm_ops``).

Each runs eagerly on the process group of ``mindspore.communication.init()`` and is differentiable as MindSpore
defines it (``mindspore/ops/_grad_experimental/grad_comm_ops.py``):

- ``AllReduce``: SUM -> all-reduce(sum) of the sensitivity; PROD -> all-reduce(dout * out) / x; MAX, MIN (and AVG,
  which MindSpore's bprop sends down the same branch) -> all-reduce(dout) * (x == out);
- ``AllGather``: reduce-scatter(sum) of the sensitivity;
- ``ReduceScatter``: all-gather of the sensitivity (SUM only: other ops raise RuntimeError in backward);
- ``Broadcast``: the sensitivity unchanged, on every rank.

Before ``init()`` the constructors work (``AllGather`` then records ``rank_size`` 1, as MindSpore) and calling a
primitive raises RuntimeError (real MindSpore 2.10 crashes with a segmentation fault there).
"""
from __future__ import annotations

import torch

from msshim.common.tensor import wrap
from msshim.communication._comm_helper import GlobalComm, _process_group
from msshim.communication.management import get_group_size, get_rank
from msshim.ops.function._utils import check_tensor
from msshim.ops.operations._base import Op
from msshim.ops.primitive import prim_attr_register

__all__ = ["ReduceOp", "AllReduce", "AllGather", "Broadcast", "ReduceScatter"]


class ReduceOp:
    """Reduction of a collective: ``SUM``, ``MAX``, ``MIN``, ``PROD``, ``AVG`` (sum divided by group size)."""

    SUM = "sum"
    MAX = "max"
    MIN = "min"
    PROD = "prod"
    AVG = "avg"


_OPS = (ReduceOp.SUM, ReduceOp.MAX, ReduceOp.MIN, ReduceOp.PROD, ReduceOp.AVG)


def _torch_op(op: str):
    import torch.distributed as dist

    # AVG is SUM then a division: gloo lacks AVG in older torch releases.
    return {ReduceOp.SUM: dist.ReduceOp.SUM, ReduceOp.AVG: dist.ReduceOp.SUM, ReduceOp.MAX: dist.ReduceOp.MAX,
            ReduceOp.MIN: dist.ReduceOp.MIN, ReduceOp.PROD: dist.ReduceOp.PRODUCT}[op]


def _all_reduce(t: torch.Tensor, op: str, pg) -> torch.Tensor:
    import torch.distributed as dist

    out = t.detach().clone().contiguous()
    dist.all_reduce(out, _torch_op(op), group=pg)
    if op == ReduceOp.AVG:
        out = out / dist.get_world_size(pg) if out.is_floating_point() else out // dist.get_world_size(pg)
    return out


def _all_gather(t: torch.Tensor, pg) -> torch.Tensor:
    import torch.distributed as dist

    t = t.detach().contiguous()
    parts = [torch.empty_like(t) for _ in range(dist.get_world_size(pg))]
    dist.all_gather(parts, t, group=pg)
    return torch.cat(parts, dim=0)


def _reduce_scatter(t: torch.Tensor, op: str, pg) -> torch.Tensor:
    import torch.distributed as dist

    size = dist.get_world_size(pg)
    parts = [p.contiguous() for p in t.detach().chunk(size, dim=0)]
    out = torch.empty_like(parts[0])
    dist.reduce_scatter(out, parts, _torch_op(op), group=pg)
    if op == ReduceOp.AVG:
        out = out / size if out.is_floating_point() else out // size
    return out


class _AllReduceFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, op, pg):
        out = _all_reduce(x, op, pg)
        ctx.op, ctx.pg = op, pg
        if op != ReduceOp.SUM:
            ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, dout):
        if ctx.op == ReduceOp.SUM:
            return _all_reduce(dout, ReduceOp.SUM, ctx.pg), None, None
        x, out = ctx.saved_tensors
        if ctx.op == ReduceOp.PROD:
            return _all_reduce(dout * out, ReduceOp.SUM, ctx.pg) / x, None, None
        dx = _all_reduce(dout, ReduceOp.SUM, ctx.pg)
        return dx * (x == out).to(dx.dtype), None, None


class _AllGatherFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, pg):
        ctx.pg = pg
        return _all_gather(x, pg)

    @staticmethod
    def backward(ctx, dout):
        return _reduce_scatter(dout, ReduceOp.SUM, ctx.pg), None


class _ReduceScatterFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, op, pg):
        ctx.op, ctx.pg = op, pg
        return _reduce_scatter(x, op, pg)

    @staticmethod
    def backward(ctx, dout):
        if ctx.op != ReduceOp.SUM:
            raise RuntimeError("The reducescatter bprop only support ReduceOp.SUM until now.")
        return _all_gather(dout, ctx.pg), None, None


class _BroadcastFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, src, pg, *xs):
        import torch.distributed as dist

        outs = []
        for x in xs:
            out = x.detach().clone().contiguous()
            dist.broadcast(out, src=src, group=pg)
            outs.append(out)
        return tuple(outs)

    @staticmethod
    def backward(ctx, *douts):
        return (None, None, *douts)


def _check_type(prim: str, name: str, value, kind: type, style: str = "validator"):
    """MindSpore's two wordings: AllReduce's own check and the validator's (ReduceScatter, Broadcast, AllGather)."""
    if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
        return value
    if style == "allreduce":
        raise TypeError(f"For '{prim}', the '{name}' must be {kind.__name__}, but got {type(value).__name__}.")
    raise TypeError(f"For '{prim}', the type of '{name}' should be '{kind.__name__}', but got type "
                    f"'{type(value).__name__}'.")


def _check_op_value(prim: str, op: str) -> None:
    """MindSpore accepts any string at construction; an unknown one fails when the primitive runs."""
    if op not in _OPS:
        raise ValueError(f"For '{prim}', the 'op' must be one of {list(_OPS)}, but got '{op}'.")


class AllReduce(Op):
    """``AllReduce(op=ReduceOp.SUM, group=GlobalComm.WORLD_COMM_GROUP)(x)``: ``x`` reduced over the group; every
    rank gets the same result."""

    @prim_attr_register
    def __init__(self, op=ReduceOp.SUM, group=GlobalComm.WORLD_COMM_GROUP):
        self.group = group
        _check_type(self.name, "op", op, str, "allreduce")
        _check_type(self.name, "group", group, str, "allreduce")
        self.op = op
        self.add_prim_attr("fusion", 0)
        self.add_prim_attr("index", 0)
        self.add_prim_attr("no_eliminate", True)

    def __call__(self, x):
        t = check_tensor(x, self.name, "x")
        _check_op_value(self.name, self.op)
        return wrap(_AllReduceFn.apply(t, self.op, _process_group(self.group)))


class AllGather(Op):
    """``AllGather(group=GlobalComm.WORLD_COMM_GROUP)(x)``: the ranks' ``x`` concatenated along axis 0, in rank
    order (shape ``(rank_size * x.shape[0], ...)``)."""

    @prim_attr_register
    def __init__(self, group=GlobalComm.WORLD_COMM_GROUP):
        self.group = _check_type(self.name, "group", group, str)
        self.rank = get_rank(self.group)
        self.rank_size = get_group_size(self.group)
        if not self.rank < self.rank_size:
            raise ValueError(f"For '{self.name}', the 'rank' should be less than 'rank_size', but got 'rank': "
                             f"{self.rank} and 'rank_size': {self.rank_size}.")
        self.add_prim_attr("rank_size", self.rank_size)
        self.add_prim_attr("fusion", 0)
        self.add_prim_attr("mean_flag", False)
        self.add_prim_attr("no_eliminate", True)

    def __call__(self, x):
        t = check_tensor(x, self.name, "x")
        if t.dim() == 0:
            raise ValueError(f"For '{self.name}', the 'x shape' must be positive int, but got 0.")
        return wrap(_AllGatherFn.apply(t, _process_group(self.group)))


class ReduceScatter(Op):
    """``ReduceScatter(op=ReduceOp.SUM, group=GlobalComm.WORLD_COMM_GROUP)(x)``: ``x`` reduced over the group, then
    split along axis 0 into ``rank_size`` equal blocks; rank ``i`` gets block ``i``."""

    @prim_attr_register
    def __init__(self, op=ReduceOp.SUM, group=GlobalComm.WORLD_COMM_GROUP):
        _check_type(self.name, "op", op, str)
        self.group = _check_type(self.name, "group", group, str)
        self.op = op
        self.rank_size = get_group_size(self.group)
        self.add_prim_attr("rank_size", self.rank_size)
        self.add_prim_attr("fusion", 0)
        self.add_prim_attr("no_eliminate", True)

    def __call__(self, x):
        t = check_tensor(x, self.name, "x")
        _check_op_value(self.name, self.op)
        pg = _process_group(self.group)
        size = get_group_size(self.group)
        if t.dim() == 0 or t.shape[0] % size != 0:
            first = t.shape[0] if t.dim() else 0
            raise ValueError(f"For '{self.name}', the first dimension of 'x_shape' must be divided by 'rank_size', "
                             f"but got 'x_shape[0]': {first}, 'rank_size': {size}.")
        return wrap(_ReduceScatterFn.apply(t, self.op, pg))


class Broadcast(Op):
    """``Broadcast(root_rank, group=GlobalComm.WORLD_COMM_GROUP)(inputs)``: ``inputs`` is a tuple of tensors;
    every rank gets a tuple holding rank ``root_rank``'s tensors (same shapes and dtypes on every rank)."""

    @prim_attr_register
    def __init__(self, root_rank, group=GlobalComm.WORLD_COMM_GROUP):
        _check_type(self.name, "root_rank", root_rank, int)
        self.group = _check_type(self.name, "group", group, str)
        self.root_rank = root_rank
        self.add_prim_attr("no_eliminate", True)

    def __call__(self, inputs):
        if not isinstance(inputs, (tuple, list)):
            raise TypeError(f"For '{self.name}', the 'input_x' must be a tuple or list of Tensors, but got "
                            f"{type(inputs).__name__}.")
        ts = [check_tensor(x, self.name, "input_x") for x in inputs]
        pg = _process_group(self.group)
        size = get_group_size(self.group)
        if not 0 <= self.root_rank < size:
            raise ValueError(f"For '{self.name}', the 'root_rank' must be in [0, {size}), but got {self.root_rank}.")
        import torch.distributed as dist

        src = self.root_rank if pg is None else dist.get_global_rank(pg, self.root_rank)
        return tuple(wrap(t) for t in _BroadcastFn.apply(src, pg, *ts))
