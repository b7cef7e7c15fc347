"""``parameter_broadcast=True``: every rank starts from rank 0's parameters.

MindSpore broadcasts ``cell.parameters_broadcast_dict()`` (every parameter of the train network, optimizer
state included, except ``layerwise_parallel`` ones) from rank 0 when the network is first compiled/run, in the
data-parallel modes.  msshim does it before the first step of ``TrainOneStepCell``, one
``torch.distributed.broadcast`` per dtype bucket (flattened) rather than one per parameter.
"""
from __future__ import annotations

import torch


def broadcast_parameters(cell, src: int = 0, group=None) -> int:
    """Overwrite ``cell``'s non-layerwise parameters with rank ``src``'s; returns how many were broadcast."""
    import torch.distributed as dist

    params = {p.name: p for p in cell.get_parameters() if getattr(p, "layerwise_parallel", False) is False}
    by_dtype: dict = {}
    for param in params.values():
        by_dtype.setdefault((param._t.dtype, param._t.device), []).append(param._t)
    with torch.no_grad():
        for tensors in by_dtype.values():
            flat = torch.cat([t.detach().reshape(-1) for t in tensors])
            dist.broadcast(flat, src=src, group=group)
            offset = 0
            for t in tensors:
                n = t.numel()
                t.copy_(flat[offset:offset + n].view(t.shape))
                offset += n
    return len(params)
