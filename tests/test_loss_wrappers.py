"""MSELoss / L1Loss reductions and WithLossCell against real MindSpore 2.10 (tests/fixtures/loss/loss.npz)."""
import os

import numpy as np
import pytest

from mindspore import Tensor, nn

DATA = np.load(os.path.join(os.path.dirname(__file__), "fixtures", "loss", "loss.npz"))


@pytest.mark.parametrize("cls", ["MSELoss", "L1Loss"])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_loss_reductions(cls, reduction):
    got = getattr(nn, cls)(reduction=reduction)(Tensor(DATA["logits"]), Tensor(DATA["labels"])).asnumpy()
    ref = DATA[f"{cls}_{reduction}"]
    assert got.shape == ref.shape and np.allclose(got, ref, rtol=1e-6, atol=1e-7)


def test_with_loss_cell():
    net = nn.Dense(4, 2)
    for p in net.get_parameters():
        p.set_data(Tensor(DATA["w." + p.name]))
    got = nn.WithLossCell(net, nn.MSELoss())(Tensor(DATA["logits"]), Tensor(DATA["target"])).asnumpy()
    assert np.allclose(got, DATA["with_loss"], rtol=1e-6)


def test_bad_reduction():
    with pytest.raises(ValueError, match="reduction"):
        nn.MSELoss(reduction="avg")
