"""The built-in rule sets against real name lists: each maps the MindSpore model's parameter names and shapes
exactly onto the PyTorch model's ``state_dict()`` (and back), with nothing unmatched.

Name lists: ``fixtures/convert/family_names.json``; the PyTorch half written by ``make_family_names.py``
(torchvision, transformers), the MindSpore half by ``make_ms_family_names.py`` under real MindSpore (model_zoo
ResNet and BERT cells) and from mindformers' LLaMA source.
"""
import json
import os

import pytest

from converters.plan import Entry, plan
from converters.rules import builtin_rule_sets

FIX = os.path.join(os.path.dirname(__file__), "fixtures", "convert")
with open(os.path.join(FIX, "family_names.json"), encoding="utf-8") as _f:
    NAMES = json.load(_f)

# (rule set, family); resnet18/34 blocks are named bn1d/bn2d by model_zoo, bn1/bn2 by torchvision
CASES = [("torchvision_resnet", "resnet50"), ("torchvision_resnet_basic", "resnet18"), ("hf_bert", "bert"),
         ("hf_llama_mindformers", "llama")]


def entries(names: dict) -> list[Entry]:
    return [Entry(k, tuple(v), "Int64" if k.endswith("num_batches_tracked") else "Float32")
            for k, v in names.items()]


def converted(steps, src: dict) -> dict:
    """Output name -> output shape (reshape first, then transpose)."""
    out = {}
    for s in steps:
        shape = tuple(s.reshape) if s.reshape is not None else tuple(src[s.src])
        out[s.dst] = tuple(shape[i] for i in s.transpose) if s.transpose is not None else shape
    return out


def torch_side(family: str) -> dict:
    # MindSpore's BatchNorm has no num_batches_tracked; torch_to_ms drops it, ms_to_torch cannot make it
    return {k: tuple(v) for k, v in NAMES["torch"][family].items() if not k.endswith("num_batches_tracked")}


def test_every_builtin_rule_set_is_checked():
    assert sorted({r for r, _ in CASES}) == builtin_rule_sets()


@pytest.mark.parametrize("rules,family", CASES)
def test_ms_to_torch_matches_real_state_dict(rules, family):
    ms = NAMES["mindspore"][family]
    steps = plan(entries(ms), "ms_to_torch", rules=rules)
    assert len(steps) == len(ms)
    assert converted(steps, ms) == torch_side(family)


@pytest.mark.parametrize("rules,family", CASES)
def test_torch_to_ms_matches_real_ms_names(rules, family):
    pt = NAMES["torch"][family]
    steps = plan(entries(pt), "torch_to_ms", rules=rules)
    assert converted(steps, pt) == {k: tuple(v) for k, v in NAMES["mindspore"][family].items()}


@pytest.mark.parametrize("rules,family", CASES)
def test_round_trip_is_identity(rules, family):
    ms = NAMES["mindspore"][family]
    there = {s.src: s.dst for s in plan(entries(ms), "ms_to_torch", rules=rules)}
    back = {s.src: s.dst for s in plan(entries(torch_side(family)), "torch_to_ms", rules=rules)}
    assert {k: back[v] for k, v in there.items()} == {k: k for k in ms}


def test_resnet_rule_sets_read_both_block_kinds_from_mindspore():
    # ms_to_torch of either set accepts both the Bottleneck (bn1..bn3) and the basic-block (bn1d, bn2d) names
    for rules in ("torchvision_resnet", "torchvision_resnet_basic"):
        for family in ("resnet50", "resnet18"):
            ms = NAMES["mindspore"][family]
            assert converted(plan(entries(ms), "ms_to_torch", rules=rules), ms) == torch_side(family)


def test_bottleneck_set_does_not_name_basic_blocks():
    # torch names alone cannot tell a BasicBlock bn1 from a Bottleneck bn1: the sets differ on purpose
    pt = NAMES["torch"]["resnet18"]
    got = converted(plan(entries(pt), "torch_to_ms", rules="torchvision_resnet"), pt)
    assert "layer1.0.bn1.gamma" in got and "layer1.0.bn1d.gamma" in NAMES["mindspore"]["resnet18"]


def test_llama_strict_refuses_unknown_names():
    ms = dict(NAMES["mindspore"]["llama"], **{"model.layers.0.attention.w_qkv.weight": [64, 32]})
    with pytest.raises(ValueError, match="w_qkv"):
        plan(entries(ms), "ms_to_torch", rules="hf_llama_mindformers")
