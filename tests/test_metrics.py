"""``mindspore.train.metrics`` against real MindSpore 2.10 (tests/fixtures/metrics/make_metrics.py wrote
metrics.json + metrics.npz): each scenario builds a metric, replays its update / eval / clear / call steps and
compares every eval result (value and Python/numpy type) or the first exception (type and step)."""
import json
import math
import os
import sys

import numpy as np
import pytest

import mindspore as ms
from mindspore import Tensor, nn, train
from mindspore.train import metrics as M

HERE = os.path.join(os.path.dirname(__file__), "fixtures", "metrics")
sys.path.insert(0, HERE)

from make_metrics import registry_error_calls, replay  # noqa: E402  (the generator's own code, run on msshim)

ARRAYS = np.load(os.path.join(HERE, "metrics.npz"))
with open(os.path.join(HERE, "metrics.json")) as _f:
    FIXTURE = json.load(_f)

# MindSpore's _decrease_metric returns the function itself for 'mean_batch', so update() fails with TypeError
# when unpacking it; msshim computes the per-class batch mean, which update() then rejects like every other
# per-class decrease ('none', 'sum_batch', ...): ValueError from ndarray.item().  Either way update() fails.
ERROR_TYPE_DIFFERS = {"cmm_calc_mean_batch": ("TypeError", "ValueError")}


# Dice takes np.dot of float32 vectors, whose summation order differs between numpy/BLAS builds (~1e-8).
LOOSE = {"dice": 1e-6}


def _same_values(a, b, rtol) -> bool:
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return a.shape == b.shape and np.allclose(a, b, rtol=rtol, atol=rtol, equal_nan=True)


def _compare(ours, ref, path="result", tol=1e-12):
    assert ours["kind"] == ref["kind"], (path, ours, ref)
    if ref["kind"] in ("tuple", "list"):
        assert len(ours["items"]) == len(ref["items"]), path
        for i, (o, r) in enumerate(zip(ours["items"], ref["items"])):
            _compare(o, r, f"{path}[{i}]", tol)
        return
    if ref["kind"] == "ndarray":
        assert (ours["dtype"], ours["shape"]) == (ref["dtype"], ref["shape"]), (path, ours["dtype"], ref["dtype"])
        rtol = 1e-6 if ref["dtype"] == "float32" else tol
        assert _same_values(ours["values"], ref["values"], rtol), (path, ours["values"], ref["values"])
        return
    assert ours["type"] == ref["type"], (path, ours["type"], ref["type"])
    if isinstance(ref["value"], float) and not math.isinf(ref["value"]):
        assert _same_values(ours["value"], ref["value"], 1e-6 if ref["type"] == "float32" else tol), path
    else:
        assert ours["value"] == ref["value"], (path, ours["value"], ref["value"])


@pytest.mark.parametrize("sc", [pytest.param(s, id=s["id"]) for s in FIXTURE["scenarios"]])
def test_metric_scenario(sc):
    results, error, step = replay(sc, ARRAYS)
    assert len(results) == len(sc["results"]), (results, sc.get("error"), error)
    for ours, ref in zip(results, sc["results"]):
        _compare(ours, ref, tol=LOOSE.get(sc["id"], 1e-12))
    if "error" not in sc:
        assert error is None, repr(error)
        return
    assert error is not None, f"MindSpore raised {sc['error']}: {sc['message']}"
    expected = ERROR_TYPE_DIFFERS.get(sc["id"], (sc["error"], sc["error"]))[1]
    assert expected in [k.__name__ for k in type(error).__mro__], (sc["message"], repr(error))
    assert step == sc["step"]


REG = FIXTURE["registry"]


def test_names_and_factory():
    assert M.names() == REG["names"]
    for name, kind in REG["factory"].items():
        if kind.startswith("error: "):
            with pytest.raises(Exception) as info:
                M.get_metric_fn(name)
            assert type(info.value).__name__ == kind[len("error: "):]
        else:
            assert type(M.get_metric_fn(name)).__name__ == kind
    assert type(M.get_metric_fn("topk", 3)).__name__ == REG["topk"]
    assert type(M.get_metric_fn("confusion_matrix", num_classes=2)).__name__ == REG["confusion_matrix"]


def test_get_metrics():
    got = M.get_metrics({"accuracy", "loss", "top_5_accuracy"})
    assert {k: type(v).__name__ for k, v in sorted(got.items())} == REG["get_metrics_set"]
    assert M.get_metrics(None) is REG["get_metrics_none"]
    acc = M.Accuracy()
    assert M.get_metrics({"a": acc})["a"] is acc
    calls = registry_error_calls(M)
    for label, expected in REG["errors"].items():
        with pytest.raises(Exception) as info:
            calls[label]()
        assert type(info.value).__name__ == expected, label


def test_exports():
    assert sorted(n for n in M.__all__ if hasattr(train, n)) == REG["train_exports"]
    assert sorted(n for n in M.__all__ + ["get_metrics"] if hasattr(nn, n)) == REG["nn_exports"]
    assert nn.Accuracy is train.Accuracy is ms.Accuracy is M.Accuracy
    assert nn.metrics.Loss is M.Loss


def test_metric_accepts_torch_tensors():
    """An msshim extension: a cell called with torch tensors returns torch tensors, which metrics accept."""
    import torch

    acc = M.Accuracy()
    acc.update(torch.tensor(ARRAYS["s64"]), torch.tensor(ARRAYS["y6"]))
    ref = next(s for s in FIXTURE["scenarios"] if s["id"] == "acc_classification")["results"][0]["value"]
    assert acc.eval() == ref


def test_custom_metric_with_rearrange_inputs():
    class Mean(M.Metric):
        def __init__(self):
            super().__init__()
            self.clear()

        def clear(self):
            self.total, self.count = 0.0, 0

        @M.rearrange_inputs
        def update(self, *inputs):
            self.total += float(self._convert_data(inputs[0]).sum())
            self.count += 1

        def eval(self):
            return self.total / self.count

    m = Mean().set_indexes([1])
    m.update(Tensor(np.ones(2, np.float32)), Tensor(np.full(3, 2.0, np.float32)))
    assert m.eval() == 6.0
    assert m(np.ones(1), np.zeros(4)) == 0.0
    with pytest.raises(TypeError):
        M.Metric()  # abstract
