"""Networks rebuilt with msshim match what real MindSpore 2.10 recorded in ../shared/reference/samples:
parameter names, shapes, dtypes, requires_grad and order (report.json), and eager outputs (y_*.npy) for
the same deterministic weights."""
from __future__ import annotations

import json
import pathlib
import sys

import numpy as np
import pytest

import mindspore as ms
from mindspore import Tensor

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent / "fixtures" / "serialization"))
from sample_nets import LeNet5, Mixed, Network, fill_deterministic, half_net, tutorial_seq  # noqa: E402


def names_of(net):
    return [[n, list(p.shape), str(p.dtype), bool(p.requires_grad)] for n, p in net.parameters_and_names()]


NETS = {"tutorial_seq_names": tutorial_seq, "tutorial_network_names": Network, "mixed_names": Mixed,
        "lenet_names": LeNet5, "half_names": half_net}


@pytest.fixture(scope="module")
def report(samples):
    return json.loads((samples / "report.json").read_text())


@pytest.mark.parametrize("key", sorted(NETS))
def test_parameter_names_shapes_dtypes_order(report, key):
    assert names_of(NETS[key]()) == report[key]


@pytest.mark.parametrize("key", sorted(NETS))
def test_param_name_equals_checkpoint_key(key):
    """Checkpoint keys are Parameter.name; for nets built this way they equal the attribute paths."""
    net = NETS[key]()
    assert [p.name for _, p in net.parameters_and_names()] == [n for n, _ in net.parameters_and_names()]
    assert list(net.state_dict().keys()) == [n for n, _ in net.parameters_and_names()]


@pytest.mark.parametrize("make, seed, x, y", [(tutorial_seq, 0, "x_tutorial.npy", "y_tutorial.npy"),
                                              (LeNet5, 2, "x_lenet.npy", "y_lenet.npy")])
def test_eager_output_matches_mindspore(samples, make, seed, x, y):
    net = make()
    fill_deterministic(net, seed)
    net.set_train(False)
    out = net(Tensor(np.load(samples / x))).asnumpy()
    ref = np.load(samples / y)
    assert out.shape == ref.shape == (1, 10)
    assert np.abs(out - ref).max() <= 1e-5 * max(1.0, np.abs(ref).max())


def test_tutorial_network_matches_flat_sequential(samples):
    """The official tutorial Network and the flat SequentialCell compute the same thing for the same weights."""
    seq, net = tutorial_seq(), Network()
    fill_deterministic(seq, 0)
    fill_deterministic(net, 0)
    x = Tensor(np.load(samples / "x_tutorial.npy"))
    assert np.array_equal(seq(x).asnumpy(), net(x).asnumpy())
    assert ms.__version__ == "2.10.0"
