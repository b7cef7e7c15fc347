"""RNN / LSTM / GRU layers and cells, MultiheadAttention and the Transformer layers against real MindSpore 2.10.

Expected values come from ``tests/fixtures/rnn_attention/make_rnn_attention.py`` (run under MindSpore); the
case list is shared through ``tests/fixtures/rnn_attention/spec.py``.
"""
from __future__ import annotations

import builtins
import json
import math
import pathlib
import sys

import numpy as np
import pytest
import torch

import msshim
from msshim import Tensor, nn

FIXTURES = pathlib.Path(__file__).resolve().parent / "fixtures" / "rnn_attention"
sys.path.insert(0, str(FIXTURES))
import spec  # noqa: E402

META = json.loads((FIXTURES / "rnn_attention.json").read_text())
ARRAYS = np.load(FIXTURES / "rnn_attention.npz")
CASES = {c["name"]: c for c in spec.CASES}
RTOL, ATOL = 1e-5, 1e-6


def _tensor(arr: np.ndarray) -> Tensor:
    return Tensor(arr)


def _flatten(out, keys):
    if isinstance(keys, list):
        assert isinstance(out, tuple), f"expected a tuple, got {type(out).__name__}"
        assert len(out) == len(keys)
        return [v for o, k in zip(out, keys) for v in _flatten(o, k)]
    assert isinstance(out, Tensor), f"expected a Tensor, got {type(out).__name__}"
    return [(keys, out.asnumpy())]


def _build(name: str):
    """The msshim layer of a case with the fixture's weights, plus its inputs."""
    case = CASES[name]
    seed = spec.case_seed(name)
    np.random.seed(seed)
    net = spec.make_net(nn, case["cls"], case["init"])
    net.set_train(False)
    rng = np.random.RandomState(seed)
    params = dict(net.parameters_and_names())
    for pname, *_ in META["cases"][name]["params"]:
        value = spec.param_values(rng, pname, tuple(params[pname].shape))
        np.testing.assert_array_equal(value, ARRAYS[f"{name}|param|{pname}"])
        params[pname].set_data(Tensor(value))
    args, kwargs = spec.build_call(case, rng, _tensor)
    return net, args, kwargs


@pytest.mark.parametrize("name", list(CASES))
def test_parameters_match_mindspore(name):
    """Names, order, shapes, dtypes and requires_grad of every parameter; print() text; child cells."""
    case = CASES[name]
    np.random.seed(spec.case_seed(name))
    net = spec.make_net(nn, case["cls"], case["init"])
    got = [[n, p.name, list(p.shape), str(p.dtype), bool(p.requires_grad)] for n, p in net.parameters_and_names()]
    assert got == META["cases"][name]["params"]
    assert list(net.state_dict()) == [n for n, *_ in got]
    assert repr(net) == META["cases"][name]["repr"]
    assert [n for n, _ in net.cells_and_names()] == META["cases"][name]["cells"]
    if case["cls"] in spec.RNN_LAYERS:
        # MindSpore draws RNN weights with the global np.random.uniform: same seed, same numbers.
        for pname, p in net.parameters_and_names():
            np.testing.assert_array_equal(p.asnumpy(), ARRAYS[f"{name}|init|{pname}"])


@pytest.mark.parametrize("name", list(CASES))
def test_outputs_match_mindspore(name):
    net, args, kwargs = _build(name)
    out = net(*args, **kwargs)
    for key, value in _flatten(out, META["cases"][name]["out"]):
        expected = ARRAYS[key]
        assert value.shape == expected.shape, key
        assert value.dtype == expected.dtype, key
        np.testing.assert_allclose(value, expected, rtol=RTOL, atol=ATOL, equal_nan=True, err_msg=key)


ERRORS = {e[0]: e for e in spec.ERROR_CASES}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors_match_mindspore(name):
    _, cls, init, inputs, kwargs, same_message = ERRORS[name]
    expected = META["errors"][name]
    # msshim reports failures inside built-in layers as ValueError where MindSpore's kernels raise RuntimeError
    exc_type = ValueError if expected["type"] == "RuntimeError" else getattr(builtins, expected["type"])
    with pytest.raises(exc_type) as info:
        net = spec.make_net(nn, cls, init)
        args, kw = spec.build_call({"inputs": inputs or [], "kwargs": kwargs}, np.random.RandomState(0), _tensor)
        net(*args, **kw)
    if same_message:
        assert str(info.value) == expected["msg"]


# ---------------------------------------------------------------------------------------------- beyond the fixtures
def test_cell_default_init_bounds():
    for cls, chunks in ((nn.RNNCell, 1), (nn.LSTMCell, 4), (nn.GRUCell, 3)):
        cell = cls(5, 16)
        bound = 1 / math.sqrt(16)
        for _, p in cell.parameters_and_names():
            assert p.shape[0] == chunks * 16
            values = p.asnumpy()
            assert np.abs(values).max() <= bound and values.std() > bound / 4


def test_mha_default_init():
    mha = nn.MultiheadAttention(16, 4, add_bias_kv=True)
    params = dict(mha.parameters_and_names())
    assert list(params) == ["in_proj_weight", "in_proj_bias", "bias_k", "bias_v", "out_proj.weight", "out_proj.bias"]
    assert np.all(params["in_proj_bias"].asnumpy() == 0)
    xavier = math.sqrt(6 / (16 + 48))
    assert np.abs(params["in_proj_weight"].asnumpy()).max() <= xavier
    assert np.abs(params["out_proj.bias"].asnumpy()).max() <= 1 / 4


def test_lstm_nested_names_and_transformer_copies_share_init():
    class Net(nn.Cell):
        def __init__(self):
            super().__init__()
            self.lstm = nn.LSTM(3, 4, bidirectional=True)
            self.attn = nn.MultiheadAttention(8, 2)

    names = [p.name for p in Net().get_parameters()]
    assert names[:4] == ["lstm.weight_ih_l0", "lstm.weight_ih_l0_reverse", "lstm.weight_hh_l0",
                         "lstm.weight_hh_l0_reverse"]
    assert names[-2:] == ["attn.out_proj.weight", "attn.out_proj.bias"]
    enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16), 3)
    p = dict(enc.parameters_and_names())
    np.testing.assert_array_equal(p["layers.0.dense1.weight"].asnumpy(), p["layers.2.dense1.weight"].asnumpy())
    assert p["layers.2.dense1.weight"] is not p["layers.0.dense1.weight"]


@pytest.mark.parametrize("mode", ["LSTM", "GRU", "RNN"])
def test_torch_autograd_through_seq_length(mode):
    """Torch tensors in: torch autograd reaches every parameter, padded steps included."""
    net = getattr(nn, mode)(3, 4, num_layers=2, bidirectional=True)
    x = torch.randn(6, 3, 3, requires_grad=True)
    out, _ = net(x, None, torch.tensor([6, 2, 0], dtype=torch.int32))
    assert isinstance(out, torch.Tensor)
    assert torch.all(out[2:, 1] == 0) and torch.all(out[:, 2] == 0)
    out.sum().backward()
    assert x.grad is not None and torch.all(x.grad[2:, 1] == 0)
    assert all(p.grad is not None for p in net.parameters())


def test_dropout_between_layers_in_training_only():
    torch.manual_seed(0)
    net = nn.LSTM(3, 8, num_layers=2, dropout=0.5)
    x = Tensor(np.random.RandomState(0).randn(5, 2, 3).astype(np.float32))
    net.set_train(False)
    a, b = net(x)[0].asnumpy(), net(x)[0].asnumpy()
    np.testing.assert_array_equal(a, b)
    net.set_train(True)
    assert not np.allclose(net(x)[0].asnumpy(), a)


def test_float16_input_keeps_dtype():
    net = nn.GRU(3, 4)
    x = Tensor(np.random.RandomState(0).randn(5, 2, 3).astype(np.float16))
    out, h = net(x)
    assert out.dtype == msshim.float16 and h.dtype == msshim.float16


def test_mha_need_weights_false_is_one_tuple():
    mha = nn.MultiheadAttention(8, 2)
    q = Tensor(np.random.RandomState(0).randn(4, 2, 8).astype(np.float32))
    out = mha(q, q, q, need_weights=False)
    assert isinstance(out, tuple) and len(out) == 1
    np.testing.assert_allclose(out[0].asnumpy(), mha(q, q, q)[0].asnumpy(), rtol=1e-5, atol=1e-6)


def test_rnn_cell_wrong_types():
    with pytest.raises(TypeError, match="'hx' must be 'Tuple'"):
        nn.LSTMCell(3, 4)(Tensor(np.zeros((2, 3), np.float32)), Tensor(np.zeros((2, 4), np.float32)))
    with pytest.raises(TypeError, match="should be one of"):
        nn.GRUCell(3, 4)(Tensor(np.zeros((2, 3), np.float64)), Tensor(np.zeros((2, 4), np.float32)))
    with pytest.raises(TypeError, match="'x' must be 'Tensor'"):
        nn.LSTM(3, 4)(np.zeros((5, 2, 3), np.float32))
    with pytest.raises(TypeError, match="should be same as 'x'"):
        nn.GRU(3, 4)(Tensor(np.zeros((5, 2, 3), np.float32)), Tensor(np.zeros((1, 2, 4), np.float16)))


@pytest.fixture
def no_tf32():
    """torch lets cuDNN's RNN kernels use TF32 by default (0.3% differences from the CPU on an H100): compare the
    computation itself in full float32."""
    saved = torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32
    torch.backends.cudnn.allow_tf32 = torch.backends.cuda.matmul.allow_tf32 = False
    yield
    torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32 = saved


@pytest.mark.cuda
def test_cuda_matches_cpu(no_tf32):
    torch.manual_seed(0)
    for net, args in ((nn.LSTM(3, 4, num_layers=2, bidirectional=True), (None, [5, 2, 0])),
                      (nn.GRU(3, 4, batch_first=True), (None, None))):
        x = torch.randn(5, 3, 3)
        lengths = None if args[1] is None else torch.tensor(args[1])
        ref = net(x, None, lengths)
        net.to("cuda")
        got = net(x.cuda(), None, None if lengths is None else lengths.cuda())
        net.to("cpu")
        for r, g in zip(torch.utils._pytree.tree_leaves(ref), torch.utils._pytree.tree_leaves(got)):
            torch.testing.assert_close(g.cpu(), r, rtol=1e-4, atol=1e-5)
    mha = nn.MultiheadAttention(8, 2)
    q = torch.randn(4, 2, 8)
    ref = mha(q, q, q, need_weights=False)[0]
    mha.to("cuda")
    torch.testing.assert_close(mha(q.cuda(), q.cuda(), q.cuda(), need_weights=False)[0].cpu(), ref, rtol=1e-4,
                               atol=1e-5)


@pytest.mark.parametrize("name", ["LSTM_seq", "GRU_seq", "RNN_relu_seq"])
def test_inner_rnn_child_runs_one_layer(name):
    """``net.rnn`` (MindSpore's _Dynamic* child) computes one layer with MindSpore's argument order."""
    net, args, _ = _build(name)
    x, _, lengths = args
    zeros = Tensor(np.zeros((spec.B, spec.HID), np.float32))
    h0 = (zeros, zeros) if isinstance(net, nn.LSTM) else zeros
    out, state = net.rnn(x, h0, lengths, net.weight_ih_l0, net.weight_hh_l0, net.bias_ih_l0, net.bias_hh_l0)
    ref_out, ref_state = net(x, None, lengths)
    np.testing.assert_allclose(out.asnumpy(), ref_out.asnumpy(), rtol=1e-6, atol=1e-7)
    ref_h = ref_state[0] if isinstance(net, nn.LSTM) else ref_state
    got_h = state[0] if isinstance(net, nn.LSTM) else state
    np.testing.assert_allclose(got_h.asnumpy(), ref_h.asnumpy()[0], rtol=1e-6, atol=1e-7)

