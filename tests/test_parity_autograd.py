"""msshim's gradient functions (grad, value_and_grad, GradOperation, WithGradCell, ForwardValueAndGrad,
HyperMap/MultitypeFuncGraph) against real MindSpore 2.10 (tests/fixtures/autograd/autograd.json, made by
make_autograd.py from autograd_cases.py): same result structure, dtypes, shapes and values, or the same
exception type."""
import json
import os
import sys

import numpy as np
import pytest

import mindspore as ms
from mindspore import Parameter, ParameterTuple, Tensor, nn, ops
import mindspore.common.dtype as mstype

HERE = os.path.dirname(os.path.abspath(__file__))
AUTOGRAD = os.path.join(HERE, "fixtures", "autograd")
sys.path.insert(0, AUTOGRAD)

from parity_helpers import check_entry, fixture_params  # noqa: E402
from make_autograd import namespace  # noqa: E402

with open(os.path.join(AUTOGRAD, "autograd.json")) as _f:
    FIXTURE = json.load(_f)

XFAIL = {}


@pytest.mark.parametrize("entry", fixture_params(FIXTURE["cases"], XFAIL))
def test_autograd_matches_mindspore(entry):
    check_entry(entry, namespace(ms), False, Tensor, Parameter, mstype)


def test_fixture_names_the_apis_it_covers():
    assert FIXTURE["mindspore"] == "2.10.0"
    assert len(FIXTURE["cases"]) >= 60


def test_gradients_do_not_leak_graphs_outside():
    """MindSpore returns plain values: neither the value nor the gradients keep an autograd graph."""
    net = nn.Dense(3, 2)
    out, grads = ms.value_and_grad(lambda a: net(a).sum(), None, net.trainable_params())(Tensor(np.ones((2, 3),
                                                                                                  np.float32)))
    assert not out._t.requires_grad and out._t.grad_fn is None
    assert all(g._t.grad_fn is None for g in grads)
    assert net.weight._t.grad is None  # torch's .grad accumulators stay untouched


def test_cell_call_outside_grad_records_no_graph():
    net = nn.Dense(3, 2)
    assert net(Tensor(np.ones((2, 3), np.float32)))._t.grad_fn is None


def test_parameter_tuple_weights_are_accepted():
    net = nn.Dense(3, 2)
    grads = ms.grad(lambda a: net(a).sum(), None, ParameterTuple(net.trainable_params()))(
        Tensor(np.ones((2, 3), np.float32)))
    assert [g.shape for g in grads] == [(2, 3), (2,)]
    assert np.allclose(grads[0].asnumpy(), 2.0) and np.allclose(grads[1].asnumpy(), 2.0)


def test_ops_grad_alias_is_the_same_function():
    assert ops.grad is ms.grad and ops.value_and_grad is ms.value_and_grad
