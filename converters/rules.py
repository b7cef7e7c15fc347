"""Regex rename rules, from a JSON file or one of the built-in sets in ``converters/rules/``.

A rule set is a JSON list of rules, applied in the direction asked for, or an object
``{"ms_to_torch": [...], "torch_to_ms": [...], "strict": false, "description": "..."}``.  A rule is
``{"pattern": regex, "replace": str, "transpose": [perm] (optional), "reshape": [dims] (optional)}``; the pattern
must match the whole name, ``replace`` uses ``re`` group syntax (``\\1``), and the first matching rule wins.
``reshape`` may hold one ``-1``.  Names no rule matches get the default renames of :mod:`converters.names`
(kept as they are with ``keep_names``), or, with ``"strict": true``, are reported as unmatched.
"""
from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .names import default_plan
from .plan import Entry, Step

RULES_DIR = Path(__file__).with_name("rules")


@dataclass(frozen=True)
class Rule:
    pattern: re.Pattern
    replace: str
    transpose: tuple[int, ...] | None = None
    reshape: tuple[int, ...] | None = None


@dataclass(frozen=True)
class RuleSet:
    ms_to_torch: tuple[Rule, ...]
    torch_to_ms: tuple[Rule, ...]
    strict: bool = False


def builtin_rule_sets() -> list[str]:
    return sorted(p.stem for p in RULES_DIR.glob("*.json"))


def _rule(obj, where: str) -> Rule:
    if not isinstance(obj, dict) or "pattern" not in obj or "replace" not in obj:
        raise ValueError(f"{where}: a rule must be an object with 'pattern' and 'replace', but got {obj!r}.")
    try:
        pattern = re.compile(obj["pattern"])
    except re.error as exc:
        raise ValueError(f"{where}: bad 'pattern' {obj['pattern']!r}: {exc}.") from None
    perm = tuple(obj["transpose"]) if obj.get("transpose") is not None else None
    if perm is not None and sorted(perm) != list(range(len(perm))):
        raise ValueError(f"{where}: 'transpose' must be a permutation, but got {list(perm)}.")
    shape = tuple(obj["reshape"]) if obj.get("reshape") is not None else None
    return Rule(pattern, obj["replace"], perm, shape)


def _rules(objs, where: str) -> tuple[Rule, ...]:
    if not isinstance(objs, list):
        raise ValueError(f"{where}: rules must be a list, but got {type(objs).__name__}.")
    return tuple(_rule(o, f"{where}[{i}]") for i, o in enumerate(objs))


def load_rules(name_or_path) -> RuleSet:
    """A RuleSet from a built-in set name (``torchvision_resnet`` for ResNet50/101/152, ``torchvision_resnet_basic``
    for ResNet18/34, ``hf_bert``, ``hf_llama_mindformers``), a JSON file path, a list of rule dicts (both directions), a dict
    as in a file, or a RuleSet (returned as is)."""
    if isinstance(name_or_path, RuleSet):
        return name_or_path
    where = "rules"
    data = name_or_path
    if isinstance(name_or_path, (str, os.PathLike)):
        path = Path(name_or_path)
        if not path.suffix and (RULES_DIR / f"{path}.json").is_file():
            path = RULES_DIR / f"{path}.json"
        if not path.is_file():
            raise ValueError(f"'rules' {str(name_or_path)!r} is neither a file nor a built-in rule set "
                             f"({', '.join(builtin_rule_sets())}).")
        where = str(path)
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    if isinstance(data, list):
        both = _rules(data, where)
        return RuleSet(both, both)
    if isinstance(data, dict):
        return RuleSet(_rules(data.get("ms_to_torch", []), f"{where}.ms_to_torch"),
                       _rules(data.get("torch_to_ms", []), f"{where}.torch_to_ms"), bool(data.get("strict")))
    raise ValueError(f"'rules' must be a name, a path, a list or a dict, but got {type(data).__name__}.")


def _resolve(shape: tuple[int, ...], src: tuple[int, ...]) -> tuple[int, ...] | None:
    if shape.count(-1) > 1:
        return None
    known = math.prod(d for d in shape if d != -1)
    total = math.prod(src)
    if -1 in shape:
        if known == 0 or total % known:
            return None
        shape = tuple(total // known if d == -1 else d for d in shape)
    return shape if math.prod(shape) == total else None


def plan_from_rules(entries: list[Entry], direction: str, ruleset: RuleSet, *,
                    keep_names: bool = False) -> tuple[list[Step], list[str]]:
    rules = ruleset.ms_to_torch if direction == "ms_to_torch" else ruleset.torch_to_ms
    # defaults see every entry, so a norm layer's siblings are found even when a rule takes some of them
    default = {s.src: s for s in default_plan(entries, direction, keep_names=keep_names)[0]}
    steps, unmatched = [], []
    for e in entries:
        for r in rules:
            m = r.pattern.fullmatch(e.name)
            if m is None:
                continue
            reshape = None
            if r.reshape is not None:
                reshape = _resolve(r.reshape, tuple(e.shape))
                if reshape is None:
                    unmatched.append(f"{e.name} (shape {tuple(e.shape)} cannot be reshaped to {list(r.reshape)})")
                    break
            ndim = len(reshape if reshape is not None else e.shape)
            if r.transpose is not None and len(r.transpose) != ndim:
                unmatched.append(f"{e.name} ({ndim}-D, transpose {list(r.transpose)})")
                break
            steps.append(Step(e.name, m.expand(r.replace), reshape, r.transpose))
            break
        else:
            if ruleset.strict:
                unmatched.append(e.name)
            else:
                steps.append(default[e.name])
    return steps, unmatched
