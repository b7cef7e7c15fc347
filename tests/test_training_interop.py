"""Training objects with torch tools and MindSpore's optimizer-state loading rules.

The MindSpore results asserted here were observed with real MindSpore 2.10 (load_param_into_net on a Momentum
optimizer): a missing state entry is reported, not raised, with or without strict_load; a dtype mismatch raises
RuntimeError only under strict_load."""
import os

import numpy as np
import pytest
import torch

import mindspore as ms
from mindspore import Parameter, Tensor, nn


def _optimizer():
    net = nn.Dense(3, 2)
    return net, nn.Momentum(net.trainable_params(), 0.1, 0.9)


def test_optimizer_names_in_mindspore_order():
    _, opt = _optimizer()
    assert [n for n, _ in opt.parameters_and_names()] == [
        "global_step", "learning_rate", "weight", "bias", "momentum", "moments.weight", "moments.bias"]


@pytest.mark.parametrize("strict", [False, True])
def test_missing_optimizer_state_is_reported(strict):
    _, opt = _optimizer()
    state = {n: p.clone() for n, p in opt.parameters_and_names() if n != "moments.weight"}
    assert ms.load_param_into_net(opt, state, strict_load=strict) == (["moments.weight"], [])


def test_state_dtype_mismatch_raises_only_under_strict_load():
    _, opt = _optimizer()
    state = {n: p.clone() for n, p in opt.parameters_and_names()}
    state["moments.weight"] = Parameter(Tensor(np.ones((2, 3), np.float64)), name="moments.weight")
    assert ms.load_param_into_net(opt, state, strict_load=False) == ([], [])
    assert opt.moments[0].dtype == ms.float32 and np.all(opt.moments[0].asnumpy() == 1)
    with pytest.raises(RuntimeError, match="same type"):
        ms.load_param_into_net(opt, state, strict_load=True)


def test_torch_state_dict_round_trip_with_dotted_state_names():
    net, opt = _optimizer()
    train = nn.TrainOneStepCell(nn.WithLossCell(net, nn.MSELoss()), opt)
    train(Tensor(np.ones((4, 3), np.float32)), Tensor(np.zeros((4, 2), np.float32)))
    saved = {k: v.clone() for k, v in opt.state_dict().items()}
    assert "moments.weight" in saved and int(saved["global_step"][0]) == 1
    _, fresh = _optimizer()
    assert not fresh.load_state_dict(saved).unexpected_keys  # strict=True accepts the dotted own names
    assert torch.equal(fresh.moments[0]._t, saved["moments.weight"])
    result = train.load_state_dict(train.state_dict())
    assert not result.missing_keys and not result.unexpected_keys


def test_torch_optimizer_trains_a_cell_with_torch_tensors():
    """A Cell called with torch tensors follows torch autograd, so torch.optim works on it unchanged."""
    net = nn.Dense(3, 1)
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    x, y = torch.ones(8, 3), torch.zeros(8, 1)
    losses = []
    for _ in range(5):
        opt.zero_grad()
        loss = ((net(x) - y) ** 2).mean()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < losses[0] * 0.5


@pytest.mark.parametrize("statement", [
    "import msshim as m; m.ops", "import msshim.train.metrics", "import msshim.ops.function.loss_func",
    "import msshim.nn.loss", "import msshim as m; m.Accuracy", "import msshim.nn.optim", "import msshim.amp",
    "import msshim.train.callback", "import msshim.dataset", "import msshim.nn.metrics"])
def test_every_entry_point_imports_first(statement):
    """Training modules reach across nn, ops and train: each must import in a fresh interpreter on its own."""
    import subprocess
    import sys

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    done = subprocess.run([sys.executable, "-c", statement], cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]


def test_primitive_sparse_softmax_cross_entropy_rejects_negative_labels():
    """MindSpore's kernel raises for a label outside [0, C) (torch would skip -100 as its ignore_index)."""
    x = Tensor(np.ones((2, 3), np.float32))
    with pytest.raises(RuntimeError, match="label"):
        ms.ops.SparseSoftmaxCrossEntropyWithLogits()(x, Tensor(np.array([0, -100], np.int32)))


def test_parameter_unique_defaults_to_false():
    """MindSpore 2.10: Parameter(...).unique and its clone's are False until set."""
    p = Parameter(Tensor(np.ones(2, np.float32)), name="a")
    assert p.unique is False and p.clone().unique is False
    p.unique = True
    assert p.unique is True
