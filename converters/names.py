"""Default MindSpore <-> PyTorch parameter renames without layer knowledge.

A parameter's layer is inferred from its siblings (the other leaves under the same prefix):

* ``moving_mean`` / ``moving_variance`` present: BatchNorm; ``gamma, beta, moving_mean, moving_variance`` become
  ``weight, bias, running_mean, running_var``.
* ``gamma`` / ``beta`` without moving statistics: LayerNorm or GroupNorm; ``weight, bias``.
* ``embedding_table``: Embedding; ``weight``.
* ``w`` as the only leaf: PReLU (MindSpore 2.10 names its slope ``w``); ``weight``.

Back from PyTorch: ``running_mean`` / ``running_var`` siblings mean BatchNorm; a 1-D ``weight`` with a 1-D
``bias`` and no running statistics means LayerNorm/GroupNorm (a Linear weight is 2-D); a 3-D ``weight`` is a
Conv1d/ConvTranspose1d kernel, which MindSpore stores 4-D with a unit dim 2.  Embedding and PReLU weights cannot
be told from Linear / RMSNorm weights by name and shape, so they keep ``weight`` here: plan from a Cell or a torch
model for those.
"""
from __future__ import annotations

from .plan import Entry, Step

BN_MS_TO_TORCH = {"gamma": "weight", "beta": "bias", "moving_mean": "running_mean",
                  "moving_variance": "running_var"}
NORM_MS_TO_TORCH = {"gamma": "weight", "beta": "bias"}
BN_TORCH_TO_MS = {v: k for k, v in BN_MS_TO_TORCH.items()}
NORM_TORCH_TO_MS = {v: k for k, v in NORM_MS_TO_TORCH.items()}


def split(name: str) -> tuple[str, str]:
    """(prefix, leaf); the prefix keeps its trailing dot so ``prefix + leaf`` rebuilds the name."""
    head, dot, leaf = name.rpartition(".")
    return head + dot, leaf


def _siblings(entries: list[Entry]) -> dict[str, dict[str, Entry]]:
    groups: dict[str, dict[str, Entry]] = {}
    for e in entries:
        prefix, leaf = split(e.name)
        groups.setdefault(prefix, {})[leaf] = e
    return groups


def ms_to_torch_leaf(leaf: str, siblings: dict[str, Entry]) -> str:
    if "moving_mean" in siblings or "moving_variance" in siblings:
        return BN_MS_TO_TORCH.get(leaf, leaf)
    if "gamma" in siblings or "beta" in siblings:
        return NORM_MS_TO_TORCH.get(leaf, leaf)
    if leaf == "embedding_table":
        return "weight"
    if leaf == "w" and len(siblings) == 1:
        return "weight"
    return leaf


def torch_to_ms_step(entry: Entry, siblings: dict[str, Entry]) -> Step:
    prefix, leaf = split(entry.name)
    if "running_mean" in siblings or "running_var" in siblings:
        return Step(entry.name, prefix + BN_TORCH_TO_MS.get(leaf, leaf))
    weight, bias = siblings.get("weight"), siblings.get("bias")
    if (weight is not None and bias is not None and len(weight.shape) == 1 and len(bias.shape) == 1
            and leaf in NORM_TORCH_TO_MS):
        return Step(entry.name, prefix + NORM_TORCH_TO_MS[leaf])
    if leaf == "weight" and len(entry.shape) == 3:
        o, i, k = entry.shape
        return Step(entry.name, entry.name, reshape=(o, i, 1, k))
    return Step(entry.name, entry.name)


def default_plan(entries: list[Entry], direction: str, *, keep_names: bool = False) -> tuple[list[Step], list[str]]:
    """Steps for every entry (nothing is unmatched by default renames)."""
    if keep_names:
        return [Step(e.name, e.name) for e in entries], []
    groups = _siblings(entries)
    steps = []
    for e in entries:
        prefix, leaf = split(e.name)
        if direction == "ms_to_torch":
            steps.append(Step(e.name, prefix + ms_to_torch_leaf(leaf, groups[prefix])))
        else:
            steps.append(torch_to_ms_step(e, groups[prefix]))
    return steps, []
