"""``nn.DistributedGradReducer``: the gradient all-reduce of data-parallel training, on torch.distributed.

MindSpore casts every gradient to float32, all-reduces it (sum) over the group, multiplies it by
``float32(1 / degree)`` when ``mean`` is true and casts it back to its own dtype; parameters with
``layerwise_parallel=True`` are left alone.  msshim does the same arithmetic with fused buckets: the float32
copies are concatenated into flat buffers of at most 64 MB (MindSpore's default all-reduce fusion threshold), one
``torch.distributed.all_reduce`` per buffer instead of one per gradient.
"""
from __future__ import annotations

import torch

from msshim.common.tensor import Tensor, wrap
from msshim.communication._comm_helper import GlobalComm
from msshim.nn.cell import Cell

__all__ = ["DistributedGradReducer"]

_BUCKET_BYTES = 64 * 1024 * 1024


def _buckets(sizes: list[int], limit_elems: int) -> list[list[int]]:
    """Consecutive index runs whose element counts add up to at most ``limit_elems`` (a larger one stands alone)."""
    runs, current, filled = [], [], 0
    for i, size in enumerate(sizes):
        if current and filled + size > limit_elems:
            runs.append(current)
            current, filled = [], 0
        current.append(i)
        filled += size
    if current:
        runs.append(current)
    return runs


def all_reduce_fp32(tensors: list[torch.Tensor], group, scale: torch.Tensor | None = None,
                    bucket_bytes: int = _BUCKET_BYTES) -> list[torch.Tensor]:
    """Sum each tensor over ``group`` in float32 (then ``* scale`` when given), through flattened buckets;
    returns new float32 tensors shaped as the inputs."""
    import torch.distributed as dist

    out: list[torch.Tensor] = [None] * len(tensors)  # type: ignore[list-item]
    for run in _buckets([t.numel() for t in tensors], max(1, bucket_bytes // 4)):
        flat = torch.cat([tensors[i].detach().reshape(-1).to(torch.float32) for i in run])
        dist.all_reduce(flat, op=dist.ReduceOp.SUM, group=group)
        if scale is not None:
            flat.mul_(scale.to(flat.device))
        offset = 0
        for i in run:
            n = tensors[i].numel()
            out[i] = flat[offset:offset + n].view(tensors[i].shape)
            offset += n
    return out


class DistributedGradReducer(Cell):
    """``DistributedGradReducer(parameters, mean=None, degree=None, fusion_type=1,
    group=GlobalComm.WORLD_COMM_GROUP)``: ``reducer(grads)`` returns the gradients summed over ``group`` (divided
    by ``degree`` when ``mean``), one per parameter, in each gradient's dtype.

    ``mean`` defaults to the context's ``gradients_mean``, ``degree`` to ``get_group_size()``; a ``degree`` that is
    not a positive int raises MindSpore's ValueError.  ``fusion_type`` is accepted (msshim fuses by size)."""

    def __init__(self, parameters, mean=None, degree=None, fusion_type=1, group=GlobalComm.WORLD_COMM_GROUP):
        super().__init__(auto_prefix=False)
        from msshim.communication.management import get_group_size
        from msshim.context import get_auto_parallel_context

        self.mean = get_auto_parallel_context("gradients_mean") if mean is None else mean
        if degree is None:
            self.degree = get_group_size()
        else:
            if not isinstance(degree, int) or degree <= 0:
                raise ValueError("For 'DistributedGradReducer', "
                                 "parameter 'degree' in DistributedGradReducer "
                                 "should large than 0 and be int, degree: {}.".format(degree))
            self.degree = degree
        self.fusion_type = fusion_type
        self.group = group
        self.allreduce_filter = tuple(getattr(p, "layerwise_parallel", False) is False for p in parameters)
        # MindSpore keeps 1/degree as a float32 Tensor and multiplies the float32 sums by it
        object.__setattr__(self, "_scale", torch.tensor(1.0 / self.degree, dtype=torch.float32))

    def construct(self, grads):
        from msshim.communication._comm_helper import _process_group

        single = isinstance(grads, Tensor)
        grads = (grads,) if single else tuple(grads)
        group = _process_group(self.group)  # RuntimeError before init(), as MindSpore's collectives
        picked = [i for i, g in enumerate(grads) if i >= len(self.allreduce_filter) or self.allreduce_filter[i]]
        sources = [grads[i]._t if isinstance(grads[i], Tensor) else torch.as_tensor(grads[i]) for i in picked]
        reduced = all_reduce_fp32(sources, group, self._scale if self.mean else None)
        result = list(grads)
        for i, src, r in zip(picked, sources, reduced):
            result[i] = wrap(r.to(src.dtype))
        return result[0] if single else tuple(result)
