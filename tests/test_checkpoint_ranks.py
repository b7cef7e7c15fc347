"""Checkpoints of distributed training against real MindSpore 2.10.

Fixtures (tests/fixtures/distributed/): ckpt_merge.json/.npz (ckpt_make_merge.py: MindSpore's
``merge_sliced_parameter`` on the slice lists of merge_cases.py: results, or exception type and text).
ckpt_ranks.json/.npz (ckpt_make_ranks.py: ckpt_rank_cases.py's data-parallel Model.train with ModelCheckpoint
into ``ckpt_<rank>`` in 2 MindSpore CPU workers started by msrun: files, entries, append values, rank 0's eval
outputs and a sample of its latest checkpoint).  msshim runs the same calls in ckpt_rank_worker.py, 2 gloo
workers through ``msshim run --nproc 2``.
"""
from __future__ import annotations

import json
import pathlib
import subprocess
import sys

import numpy as np
import pytest

import mindspore as ms

HERE = pathlib.Path(__file__).resolve().parent
DIST = HERE / "fixtures" / "distributed"
if str(DIST) not in sys.path:
    sys.path.insert(0, str(DIST))

import ckpt_rank_cases  # noqa: E402
import dp_cases  # noqa: E402
import merge_cases  # noqa: E402

MERGE = json.loads((DIST / "ckpt_merge.json").read_text())
MERGE_ARRAYS = np.load(DIST / "ckpt_merge.npz")
RANKS = json.loads((DIST / "ckpt_ranks.json").read_text())
RANK_ARRAYS = np.load(DIST / "ckpt_ranks.npz")
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


# ------------------------------------------------------------------ per-rank checkpoints, 2 gloo workers
@pytest.fixture(scope="module")
def workers(tmp_path_factory):
    """One ``msshim run --nproc 2`` of ckpt_rank_worker.py: the out directory, per-rank facts and arrays."""
    out = tmp_path_factory.mktemp("ckpt_ranks")
    proc = subprocess.run([sys.executable, "-m", "msshim", "run", "--nproc", "2",
                           str(DIST / "ckpt_rank_worker.py"), str(out)],
                          cwd=HERE.parent, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    facts = [json.loads((out / f"rank{r}.json").read_text()) for r in (0, 1)]
    arrays = [dict(np.load(out / f"rank{r}.npz")) for r in (0, 1)]
    return out, facts, arrays


def test_each_rank_writes_mindspore_files_and_entries(workers):
    out, facts, _ = workers
    assert RANKS["ranks"][0]["files"] == RANKS["ranks"][1]["files"]
    for rank in (0, 1):
        expected = RANKS["ranks"][rank]
        assert sorted(p.name for p in (out / f"ckpt_{rank}").iterdir()) == expected["files"]
        assert facts[rank]["files"] == expected["files"] and facts[rank]["latest"] == expected["latest"]
        assert facts[rank]["entries"] == expected["entries"]  # names in order, dtypes, shapes
        assert facts[rank]["append"] == expected["append"]


def test_ranks_hold_identical_replicas(workers):
    _, _, arrays = workers
    assert RANKS["ranks_checkpoints_equal"]  # MindSpore's two ranks saved the same values too
    keys = [k for k in arrays[0] if k.startswith("ckpt/")]
    assert keys == [k for k in arrays[1] if k.startswith("ckpt/")] and keys
    for key in keys:
        np.testing.assert_array_equal(arrays[0][key], arrays[1][key], err_msg=key)
    np.testing.assert_array_equal(arrays[0]["eval"], arrays[1]["eval"])


def test_rank0_checkpoint_values_match_mindspore(workers):
    _, _, arrays = workers
    for key in (k for k in RANK_ARRAYS.files if k.startswith("ckpt/")):
        np.testing.assert_allclose(dp_cases.sample_of(arrays[0][key]), RANK_ARRAYS[key], rtol=1e-4, atol=1e-5,
                                   err_msg=key)
    np.testing.assert_allclose(arrays[0]["eval"], RANK_ARRAYS["eval_rank0"], rtol=1e-4, atol=1e-5)


def test_rank0_checkpoint_loads_into_fresh_single_process_network(workers):
    out, facts, arrays = workers
    net = dp_cases.load_network_class()()
    params = ms.load_checkpoint(str(out / "ckpt_0" / facts[0]["latest"]))
    not_loaded, _ = ms.load_param_into_net(net, params)
    assert not_loaded == []
    net.set_train(False)
    out0 = net(ms.Tensor(ckpt_rank_cases.eval_images())).asnumpy()
    np.testing.assert_array_equal(out0, arrays[0]["eval"])
