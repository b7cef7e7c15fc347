"""Layer-aware plans: the layer a parameter belongs to decides its name and shape on the other side.

From an msshim Cell, ``cells_and_names()`` gives each layer's type; from a ``torch.nn.Module``,
``named_modules()`` does, and its ``state_dict()`` gives the names and shapes the output must have.  Name alone
cannot tell a Conv1d kernel ``(out, in/g, 1, k)`` from a Conv2d one with kernel height 1, nor an Embedding or
PReLU weight from a Linear one; the layer type can.
"""
from __future__ import annotations

import math

from .names import BN_MS_TO_TORCH, NORM_MS_TO_TORCH, split
from .plan import Entry, Step

# MindSpore layer class name -> {MindSpore leaf: torch leaf}; matched against every class in the layer's MRO.
_MS_LEAVES = {
    "_BatchNorm": BN_MS_TO_TORCH, "BatchNorm1d": BN_MS_TO_TORCH, "BatchNorm2d": BN_MS_TO_TORCH,
    "_InstanceNorm": BN_MS_TO_TORCH, "LayerNorm": NORM_MS_TO_TORCH, "GroupNorm": NORM_MS_TO_TORCH,
    "Embedding": {"embedding_table": "weight"}, "PReLU": {"w": "weight"},
}
_MS_CONV1D = ("Conv1d", "Conv1dTranspose")
# torch module class name -> {torch leaf: MindSpore leaf}
_TORCH_LEAVES = {
    "_NormBase": {v: k for k, v in BN_MS_TO_TORCH.items()}, "LayerNorm": {"weight": "gamma", "bias": "beta"},
    "GroupNorm": {"weight": "gamma", "bias": "beta"}, "Embedding": {"weight": "embedding_table"},
    "PReLU": {"weight": "w"},
}
_TORCH_CONV1D = ("Conv1d", "ConvTranspose1d")


def _kind(obj, table) -> str | None:
    for klass in type(obj).__mro__:
        if klass.__name__ in table:
            return klass.__name__
    return None


def _is(obj, names) -> bool:
    return any(klass.__name__ in names for klass in type(obj).__mro__)


def _squeeze2(shape: tuple[int, ...]) -> tuple[int, ...] | None:
    return shape[:2] + shape[3:] if len(shape) == 4 and shape[2] == 1 else None


def _unsqueeze2(shape: tuple[int, ...]) -> tuple[int, ...] | None:
    return shape[:2] + (1,) + shape[2:] if len(shape) == 3 else None


def cell_table(cell) -> list[tuple[str, str, tuple[int, ...], tuple[int, ...] | None]]:
    """(MindSpore checkpoint name, torch name, MindSpore shape, torch shape when it differs) per parameter."""
    ckpt_name = {id(p._t): p.name for _, p in cell.parameters_and_names()}
    alias: dict[str, str] = {}
    rows = []
    for path, sub in cell.cells_and_names():
        if type(sub).__name__ == "BatchNorm3d":      # MindSpore wraps a BatchNorm2d child ``bn2d``
            alias[(path + "." if path else "") + "bn2d"] = path
        tpath = alias.get(path, path)
        kind = _kind(sub, _MS_LEAVES)
        for leaf, tp in sub._parameters.items():
            if tp is None or id(tp) not in ckpt_name:
                continue
            tleaf = _MS_LEAVES[kind].get(leaf, leaf) if kind else leaf
            shape = tuple(tp.shape)
            tshape = _squeeze2(shape) if leaf == "weight" and _is(sub, _MS_CONV1D) else None
            rows.append((ckpt_name.pop(id(tp)), (tpath + "." if tpath else "") + tleaf, shape, tshape))
    return rows


def torch_table(model) -> list[tuple[str, str, tuple[int, ...], tuple[int, ...] | None]]:
    """(torch state_dict name, MindSpore name, torch shape, MindSpore shape when it differs) per state entry."""
    state = model.state_dict()
    rows = []
    for path, mod in model.named_modules():
        kind = _kind(mod, _TORCH_LEAVES)
        own = list(mod.named_parameters(recurse=False)) + list(mod.named_buffers(recurse=False))
        for leaf, t in own:
            name = (path + "." if path else "") + leaf
            if name not in state or leaf == "num_batches_tracked":
                continue
            msprefix = (path + "." if path else "") + ("bn2d." if type(mod).__name__ == "BatchNorm3d" else "")
            msleaf = _TORCH_LEAVES[kind].get(leaf, leaf) if kind else leaf
            shape = tuple(t.shape)
            msshape = _unsqueeze2(shape) if leaf == "weight" and _is(mod, _TORCH_CONV1D) else None
            rows.append((name, msprefix + msleaf, shape, msshape))
    return rows


def _match(entries: list[Entry], table: dict[str, tuple[str, tuple[int, ...]]]) -> tuple[list[Step], list[str]]:
    """Steps for entries found in ``table`` {src name: (dst name, dst shape)}; a reshape where only the shape
    differs with the same element count; everything else (and table rows nothing fills) is unmatched."""
    steps, unmatched, used = [], [], set()
    for e in entries:
        if e.name not in table:
            unmatched.append(e.name)
            continue
        dst, shape = table[e.name]
        used.add(e.name)
        if tuple(e.shape) == shape:
            steps.append(Step(e.name, dst))
        elif math.prod(e.shape) == math.prod(shape):
            steps.append(Step(e.name, dst, reshape=shape))
        else:
            unmatched.append(f"{e.name} (shape {tuple(e.shape)}, expected {shape})")
    unmatched += [f"{dst} (missing from source {src})" for src, (dst, _) in table.items() if src not in used]
    return steps, unmatched


def plan_from_cell(entries: list[Entry], direction: str, cell) -> tuple[list[Step], list[str]]:
    rows = cell_table(cell)
    if direction == "ms_to_torch":
        table = {ms: (pt, tshape or shape) for ms, pt, shape, tshape in rows}
    else:
        table = {pt: (ms, shape) for ms, pt, shape, _ in rows}
    return _match(entries, table)


def plan_from_torch(entries: list[Entry], direction: str, model) -> tuple[list[Step], list[str]]:
    rows = torch_table(model)
    if direction == "ms_to_torch":
        table = {ms: (pt, shape) for pt, ms, shape, _ in rows}
    else:
        table = {pt: (ms, msshape or shape) for pt, ms, shape, msshape in rows}
    return _match(entries, table)


def check_against_torch(steps: list[Step], entries: list[Entry], direction: str,
                        model) -> tuple[list[Step], list[str]]:
    """Rule-made ms_to_torch steps checked against ``model.state_dict()``: every output name must exist there
    with the same element count (a reshape is added where only the shape differs)."""
    if direction != "ms_to_torch":
        return steps, []
    state = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    shapes = {e.name: tuple(e.shape) for e in entries}
    out, unmatched = [], []
    for s in steps:
        src_shape = s.reshape or shapes[s.src]
        if s.transpose:
            src_shape = tuple(src_shape[i] for i in s.transpose)
        want = state.get(s.dst)
        if want is None:
            unmatched.append(f"{s.src} -> {s.dst} (not in the model)")
        elif want == src_shape:
            out.append(s)
        elif s.transpose is None and math.prod(want) == math.prod(src_shape):
            out.append(Step(s.src, s.dst, reshape=want))
        else:
            unmatched.append(f"{s.src} -> {s.dst} (shape {src_shape}, model has {want})")
    done = {s.dst for s in steps}
    unmatched += [f"{k} (missing from source)" for k in state
                  if k not in done and split(k)[1] != "num_batches_tracked"]
    return out, unmatched
