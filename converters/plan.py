"""Conversion plans: which source tensor becomes which output tensor, decided from names, shapes and
(optionally) layer types, before any tensor data is read.

The I/O side reads :class:`Entry` records (name, shape, MindSpore dtype name) from a file, asks :func:`plan`
for a list of :class:`Step`, then applies each step lazily to one tensor: ``reshape`` first, then
``transpose``.  ``plan`` either returns a complete plan or raises ``ValueError`` naming every offending
name (unmatched or colliding), so nothing is written from a partial mapping.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable

DIRECTIONS = ("ms_to_torch", "torch_to_ms")


@dataclass(frozen=True)
class Entry:
    """What a reader reports without reading data.  ``dtype`` is MindSpore's name ("Float32", "BFloat16")."""
    name: str
    shape: tuple[int, ...]
    dtype: str


@dataclass(frozen=True)
class Step:
    """One output tensor: ``dst`` is ``src`` reshaped (first) then permuted by ``transpose``."""
    src: str
    dst: str
    reshape: tuple[int, ...] | None = None
    transpose: tuple[int, ...] | None = None


DropItem = str | Callable[[Entry], bool]


def _dropped(entry: Entry, drop: Iterable[DropItem]) -> bool:
    """``drop`` items are predicates on an Entry, or regular expressions matched against the whole name."""
    for item in drop:
        if callable(item):
            if item(entry):
                return True
        elif re.fullmatch(item, entry.name):
            return True
    return False


def plan(entries: list[Entry], direction: str, *, keep_names: bool = False, cell=None, torch_model=None,
         rules=None, drop: Iterable[DropItem] = ()) -> list[Step]:
    """Plan the conversion of ``entries`` in ``direction`` ("ms_to_torch" or "torch_to_ms").

    Name sources, most specific first: ``cell`` (an msshim Cell: its layer types decide), ``rules`` (a rule
    set name, a path to a JSON file, or a list of rules, see :mod:`converters.rules`), ``torch_model`` (a
    ``torch.nn.Module``: its module types decide and its ``state_dict`` shapes are checked), else the default
    sibling-based renames of :mod:`converters.names` (none with ``keep_names``).  torch_to_ms always drops
    ``num_batches_tracked`` (MindSpore's BatchNorm has no such parameter).  Raises ``ValueError`` listing every
    source name nothing maps, and every output name two sources map to.
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"For 'plan', 'direction' must be one of {DIRECTIONS}, but got {direction!r}.")
    drop = tuple(drop)
    kept = [e for e in entries if not _dropped(e, drop)]
    if direction == "torch_to_ms":
        kept = [e for e in kept if e.name.rsplit(".", 1)[-1] != "num_batches_tracked"]
    if cell is not None:
        from .layer_aware import plan_from_cell
        steps, unmatched = plan_from_cell(kept, direction, cell)
    elif rules is not None:
        from .rules import load_rules, plan_from_rules
        steps, unmatched = plan_from_rules(kept, direction, load_rules(rules), keep_names=keep_names)
        if torch_model is not None and not unmatched:
            from .layer_aware import check_against_torch
            steps, unmatched = check_against_torch(steps, kept, direction, torch_model)
    elif torch_model is not None:
        from .layer_aware import plan_from_torch
        steps, unmatched = plan_from_torch(kept, direction, torch_model)
    else:
        from .names import default_plan
        steps, unmatched = default_plan(kept, direction, keep_names=keep_names)
    _check(steps, unmatched)
    return steps


def _check(steps: list[Step], unmatched: list[str]) -> None:
    seen: dict[str, list[str]] = {}
    for s in steps:
        seen.setdefault(s.dst, []).append(s.src)
    collisions = {dst: srcs for dst, srcs in seen.items() if len(srcs) > 1}
    problems = []
    if unmatched:
        problems.append(f"{len(unmatched)} unmatched name(s): " + ", ".join(unmatched))
    if collisions:
        problems.append(f"{len(collisions)} colliding output name(s): "
                        + "; ".join(f"{dst} <- {', '.join(srcs)}" for dst, srcs in collisions.items()))
    if problems:
        raise ValueError("Conversion plan refused, nothing written. " + " | ".join(problems))
