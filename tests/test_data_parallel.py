"""Data-parallel training on torch.distributed (2 gloo workers) against real MindSpore 2.10.

Fixtures (tests/fixtures/distributed/): dp_context.json (dp_make_context.py: the auto-parallel context's keys,
defaults and argument errors), dp_training.json/.npz (dp_make_training.py: the same dp_cases.py calls in 2
MindSpore CPU workers started by msrun, and in one process on the concatenated batches), dp_shards.json
(dp_make_shards.py: which rows each shard of a sharded dataset gets).
"""
from __future__ import annotations

import json
import pathlib
import subprocess
import sys

import numpy as np
import pytest

import mindspore as ms
from mindspore import nn

HERE = pathlib.Path(__file__).resolve().parent
DIST = HERE / "fixtures" / "distributed"
REPO = HERE.parent
if str(DIST) not in sys.path:
    sys.path.insert(0, str(DIST))

import dp_cases  # noqa: E402

CONTEXT = json.loads((DIST / "dp_context.json").read_text())
TRAINING = json.loads((DIST / "dp_training.json").read_text())
ORACLE = np.load(DIST / "dp_training.npz")
CASES = ("dp_cell_sgd", "dp_cell_momentum", "dp_model_sgd", "dp_loss_scale_sgd")


@pytest.fixture(autouse=True)
def _fresh_context():
    ms.reset_auto_parallel_context()
    yield
    ms.reset_auto_parallel_context()
    ms.set_context(mode=ms.PYNATIVE_MODE)


# ------------------------------------------------------------------ context (single process)
def test_context_keys_and_defaults_match_mindspore():
    from msshim.parallel import _auto_parallel_context as ctx

    assert sorted(ctx.SET_KEYS) == CONTEXT["set_keys"]
    assert sorted(ctx.GET_KEYS) == CONTEXT["get_keys"]
    for key, value in CONTEXT["defaults"].items():
        got = ms.get_auto_parallel_context(key)
        assert (list(got) if isinstance(got, tuple) else got) == value, key
    for name, value in CONTEXT["parallel_mode_values"].items():
        assert getattr(ms.ParallelMode, name) == value


@pytest.mark.parametrize("label", sorted(CONTEXT["set_cases"]))
def test_set_auto_parallel_context_as_mindspore(label):
    case = CONTEXT["set_cases"][label]
    kwargs = {key: case["kwargs"][key] for key in case["order"]}  # MindSpore applies them in this order
    if label == "all_reduce_fusion_config_tuple":
        kwargs["all_reduce_fusion_config"] = tuple(kwargs["all_reduce_fusion_config"])
    if case["ok"]:
        ms.set_auto_parallel_context(**kwargs)
    else:
        with pytest.raises({"TypeError": TypeError, "ValueError": ValueError}[case["error"]]) as info:
            ms.set_auto_parallel_context(**kwargs)
        assert str(info.value) == case["message"]
    for key, value in case["after"].items():
        got = ms.get_auto_parallel_context(key)
        assert (list(got) if isinstance(got, tuple) else got) == value, key


@pytest.mark.parametrize("key", sorted(CONTEXT["get_cases"]))
def test_get_auto_parallel_context_unknown_key(key):
    case = CONTEXT["get_cases"][key]
    with pytest.raises(ValueError) as info:
        ms.get_auto_parallel_context(key)
    assert case["error"] == "ValueError" and str(info.value) == case["message"]


def test_reset_auto_parallel_context():
    ms.set_auto_parallel_context(device_num=4, global_rank=3, gradients_mean=True, parameter_broadcast=True,
                                 parallel_mode="data_parallel")
    ms.reset_auto_parallel_context()
    for key, value in CONTEXT["after_reset"].items():
        assert ms.get_auto_parallel_context(key) == value


def test_reducer_degree_errors_as_mindspore():
    params = [ms.Parameter(ms.Tensor(np.zeros(2, np.float32)), name="a")]
    for label, degree in (("zero", 0), ("negative", -1), ("str", "2"), ("float", 2.0)):
        expected = TRAINING["ranks"][0]["reducer_degree_errors"][label]
        with pytest.raises(ValueError) as info:
            nn.DistributedGradReducer(params, True, degree)
        assert f"ValueError: {info.value}" == expected


def test_train_one_step_cell_needs_no_reducer_stand_alone():
    net = dp_cases.make_network()
    train = nn.TrainOneStepCell(nn.WithLossCell(net, nn.MSELoss()), nn.SGD(net.trainable_params()))
    assert train.reducer_flag is False


# ------------------------------------------------------------------ 2 gloo workers
@pytest.fixture(scope="module")
def workers(tmp_path_factory):
    """One ``msshim run --nproc 2`` of dp_train_worker.py; per-rank arrays and facts."""
    out = tmp_path_factory.mktemp("dp")
    proc = subprocess.run([sys.executable, "-m", "msshim", "run", "--nproc", "2",
                           str(DIST / "dp_train_worker.py"), str(out)],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    arrays = [dict(np.load(out / f"rank{r}.npz")) for r in (0, 1)]
    infos = [json.loads((out / f"rank{r}.json").read_text()) for r in (0, 1)]
    return arrays, infos


@pytest.fixture(scope="module")
def single_process():
    """The same cases in this process, one rank training on the concatenated batches."""
    ms.reset_auto_parallel_context()
    out = {}
    for kind in ("sgd", "momentum"):
        out[f"dp_cell_{kind}"] = dp_cases.train_one_step_cell(0, 1, kind)[0]
    out["dp_model_sgd"] = dp_cases.model_train(0, 1)
    out["dp_loss_scale_sgd"] = dp_cases.loss_scale_cell(0, 1)
    return out


@pytest.mark.parametrize("case", CASES)
def test_two_workers_match_one_process_and_mindspore(workers, single_process, case):
    arrays, _ = workers
    names = list(single_process[case])
    assert names == [k.split("/", 1)[1] for k in arrays[0] if k.startswith(case + "/")]
    for name in names:
        rank0, rank1 = arrays[0][f"{case}/{name}"], arrays[1][f"{case}/{name}"]
        np.testing.assert_array_equal(rank0, rank1)  # every rank applied the same reduced gradients
        assert np.abs(rank0 - single_process[case][name]).max() <= 1e-6, name
        # real MindSpore: the same 2-worker run (rank 0; its ranks agreed bitwise) and the one-process run
        assert TRAINING["max_abs_diff_between_ranks"].get(case, 0.0) == 0.0
        if f"{case}/{name}" not in ORACLE:  # loss scale: MindSpore's CPU wheel cannot run that cell
            continue
        sample = dp_cases.sample_of(rank0)
        np.testing.assert_allclose(sample, ORACLE[f"{case}/{name}"], rtol=0, atol=1e-6)
        np.testing.assert_allclose(sample, ORACLE[f"single_{case[3:]}/{name}"], rtol=0, atol=1e-6)
    # the weights moved: the test would notice a reducer that did nothing
    start = dp_cases.weights_of(dp_cases.make_network())
    assert max(np.abs(arrays[0][f"{case}/{n}"] - start[n]).max() for n in names) > 1e-4


def test_two_workers_losses_match_mindspore(workers):
    _, infos = workers
    for rank in (0, 1):
        for kind in ("sgd", "momentum"):
            np.testing.assert_allclose(infos[rank][f"losses_{kind}"], TRAINING["ranks"][rank][f"losses_{kind}"],
                                       rtol=1e-5)


def test_grad_reducer_outputs_and_dtypes_match_mindspore(workers):
    arrays, infos = workers
    for key in ORACLE.files:
        if key.startswith("reducer_"):
            rank = int(key[-1])
            got = arrays[rank][key[:-len("_rank0")]]
            assert got.dtype == ORACLE[key].dtype
            np.testing.assert_array_equal(got, ORACLE[key])
    assert infos[0]["reducer_mean_default_dtypes"] == ["Float32", "Float16"]


def test_context_after_init_matches_mindspore(workers):
    _, infos = workers
    for rank in (0, 1):
        for key in ("group_size", "device_num_after_init", "global_rank_after_init", "device_num_data_parallel",
                    "global_rank_data_parallel"):
            assert infos[rank][key] == TRAINING["ranks"][rank][key], key


@pytest.mark.parametrize("mode", ["pynative", "graph"])
def test_parameter_broadcast_as_mindspore(workers, mode):
    """MindSpore broadcasts rank 0's parameters when it compiles the train network: in GRAPH_MODE the ranks
    start equal, in PyNative each keeps its own initial weights."""
    arrays, _ = workers
    diff = max(np.abs(arrays[0][k] - arrays[1][k]).max() for k in arrays[0] if k.startswith(f"broadcast_{mode}/"))
    recorded = TRAINING["max_abs_diff_between_ranks"][f"broadcast_{mode}"]
    if recorded == 0.0:
        assert diff == 0.0
    else:
        assert diff > 0.01
    if mode == "graph":  # rank 0's own weights (lr 0) survive
        own = dp_cases.weights_of(dp_cases.make_network(seed=100))
        for name, value in own.items():
            np.testing.assert_array_equal(arrays[1][f"broadcast_graph/{name}"], value)


# ------------------------------------------------------------------ sharded datasets (single process)
SHARDS = json.loads((DIST / "dp_shards.json").read_text())


def _shard_rows(name):
    import mindspore.dataset as ds
    import dp_shard_cases

    _, num_shards, build = dp_shard_cases.CASES[name]
    shards = []
    for shard_id in range(num_shards):
        ds.config.set_seed(dp_shard_cases.SEED)
        data = build(ds, num_shards, shard_id)
        it = data.create_tuple_iterator(num_epochs=2, output_numpy=True)
        shards.append(([[int(row[0]) for row in it] for _ in range(2)], data.get_dataset_size()))
    return shards


@pytest.mark.parametrize("name", sorted(SHARDS["cases"]))
def test_shards_as_mindspore(name):
    """Unshuffled: every shard yields MindSpore's rows (rows shard_id, shard_id + num_shards, ..., wrapping to
    pad the last shards).  Shuffled: msshim's permutation is its own (MindSpore's shuffle generator is not
    reproduced), but as in MindSpore every shard has the same size, the shards of one epoch together cover every
    row, only the padding repeats rows, and each epoch reshuffles."""
    case = SHARDS["cases"][name]
    got = _shard_rows(name)
    expected = [(s["epochs"], s["get_dataset_size"]) for s in case["shards"]]
    if "shuffle" not in name:
        assert got == expected
        return
    assert [size for _, size in got] == [size for _, size in expected]
    for epoch in (0, 1):
        for shards in (got, expected):
            rows = [r for epochs, _ in shards for r in epochs[epoch]]
            assert set(rows) == set(range(case["num_rows"]))
            assert len(rows) - case["num_rows"] == len(rows) - len(set(rows))  # repeats = padding only
    assert [e[0] for e, _ in got] != [e[1] for e, _ in got]


def test_even_shards_cover_every_sample_once():
    for name in ("slices_12_by_2", "slices_12_by_3", "generator_12_by_2", "slices_16_by_2_shuffle"):
        for epoch in (0, 1):
            rows = [r for epochs, _ in _shard_rows(name) for r in epochs[epoch]]
            assert sorted(rows) == list(range(SHARDS["cases"][name]["num_rows"])), name


def test_data_parallel_step_without_init_is_a_clear_error():
    """MindSpore builds the cell (degree = get_group_size() = 1 before init) and then crashes the process
    (segmentation fault) at the first step; msshim raises the not-initialised RuntimeError instead."""
    ms.set_auto_parallel_context(parallel_mode=ms.ParallelMode.DATA_PARALLEL, gradients_mean=True)
    net = nn.Dense(3, 2)
    train = nn.TrainOneStepCell(nn.WithLossCell(net, nn.MSELoss()), nn.SGD(net.trainable_params()))
    assert (train.reducer_flag, train.mean, train.degree) == (True, True, 1)
    with pytest.raises(RuntimeError, match="has not been inited"):
        train(ms.Tensor(np.ones((2, 3), np.float32)), ms.Tensor(np.ones((2, 2), np.float32)))
