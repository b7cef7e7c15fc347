"""Checkpoints of distributed training against real MindSpore 2.10.

Fixtures (tests/fixtures/distributed/): ckpt_merge.json/.npz (ckpt_make_merge.py: MindSpore's
``merge_sliced_parameter`` on the slice lists of merge_cases.py: results, or exception type and text).
The per-rank test runs ckpt_rank_worker.py in 2 gloo workers through ``msshim run --nproc 2``.
"""
from __future__ import annotations

import json
import pathlib
import sys

import numpy as np
import pytest

import mindspore as ms

HERE = pathlib.Path(__file__).resolve().parent
DIST = HERE / "fixtures" / "distributed"
if str(DIST) not in sys.path:
    sys.path.insert(0, str(DIST))

import merge_cases  # noqa: E402

MERGE = json.loads((DIST / "ckpt_merge.json").read_text())
MERGE_ARRAYS = np.load(DIST / "ckpt_merge.npz")
ERRORS = {"TypeError": TypeError, "ValueError": ValueError, "KeyError": KeyError}


def _as_msshim(message: str) -> str:
    """MindSpore's texts name its own classes (``<class 'mindspore.common.tensor.Tensor'>``): msshim's here."""
    return message.replace("<class 'mindspore.common.tensor.Tensor'>", str(ms.Tensor))


@pytest.mark.parametrize("label", sorted(MERGE))
def test_merge_sliced_parameter_as_mindspore(label):
    sliced, strategy = merge_cases.cases()[label]
    expected = MERGE[label]
    if "error" in expected:
        with pytest.raises(ERRORS[expected["error"]]) as info:
            ms.merge_sliced_parameter(sliced, strategy)
        assert info.value.args[0] == _as_msshim(expected["message"])
        return
    merged = ms.merge_sliced_parameter(sliced, strategy)
    assert isinstance(merged, ms.Parameter)
    assert (merged.name, list(merged.shape), str(merged.dtype)) == (expected["name"], expected["shape"],
                                                                  expected["dtype"])
    assert merged.requires_grad == expected["requires_grad"]
    assert merged.layerwise_parallel == expected["layerwise_parallel"]
    np.testing.assert_array_equal(merged.asnumpy(), MERGE_ARRAYS[label])


def test_merge_sliced_parameter_exported_from_train():
    from mindspore import train
    assert train.merge_sliced_parameter is ms.merge_sliced_parameter
