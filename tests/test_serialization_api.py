"""The checkpoint API beyond the MindSpore samples: memory-mapped loading, load_param_into_net on cells and
optimizer-like cells, async save / load, safetensors both ways and the converters.

(MindSpore-recorded outcomes of most of these are compared in test_serialization_errors.py; here are the
properties MindSpore's own behaviour does not pin down: no copies, no shared state with the file, etc.)
"""
from __future__ import annotations

import logging
import os
import pathlib
import stat
import subprocess
import sys
import threading
from io import BytesIO

import numpy as np
import pytest
import torch

import mindspore as ms
from mindspore import Parameter, ParameterTuple, Tensor, nn
from mindspore.common import dtype as mstype
from msshim.train import serialization as ser

FIX = pathlib.Path(__file__).resolve().parent / "fixtures" / "serialization"
sys.path.insert(0, str(FIX))
import sample_nets as sn  # noqa: E402


def _copy_sample(samples, tmp_path, name) -> str:
    path = tmp_path / name
    path.write_bytes((samples / name).read_bytes())
    return str(path)


# ------------------------------------------------------------------------------------------- memory-mapped loading
def test_loaded_net_gives_mindspore_eager_output(samples):
    """Load into a fresh net (every tensor used) and run it: MindSpore's recorded output for these weights."""
    net = sn.tutorial_seq()
    loaded = ms.load_checkpoint(str(samples / "tutorial.ckpt"), net=net)
    x = Tensor(np.load(samples / "x_tutorial.npy"))
    np.testing.assert_allclose(net(x).asnumpy(), np.load(samples / "y_tutorial.npy"), rtol=1e-5, atol=1e-5)
    for _, p in net.parameters_and_names():  # shared with the dict, as in MindSpore: nothing copied
        assert p._t.data_ptr() == loaded[p.name]._t.data_ptr()
    lenet = sn.LeNet5()
    ms.load_param_into_net(lenet, ms.load_checkpoint(str(samples / "lenet5.ckpt")))
    y = lenet(Tensor(np.load(samples / "x_lenet.npy"))).asnumpy()
    np.testing.assert_allclose(y, np.load(samples / "y_lenet.npy"), rtol=1e-5, atol=1e-5)


def test_writing_loaded_parameters_never_touches_the_file(samples, tmp_path):
    path = _copy_sample(samples, tmp_path, "tutorial.ckpt")
    before = pathlib.Path(path).read_bytes()
    loaded = ms.load_checkpoint(path)
    net = sn.tutorial_seq()
    ms.load_param_into_net(net, loaded)
    with torch.no_grad():
        for _, p in net.parameters_and_names():
            p._t.add_(1.0)  # an optimizer step, in place
    assert pathlib.Path(path).read_bytes() == before
    again = ms.load_checkpoint(path)
    assert torch.equal(again["1.bias"]._t + 1.0, net[1].bias._t)


def test_saving_over_a_loaded_file_keeps_the_loaded_values(samples, tmp_path):
    path = _copy_sample(samples, tmp_path, "tutorial.ckpt")
    loaded = ms.load_checkpoint(path)
    reference = {k: v._t.clone() for k, v in loaded.items()}
    ms.save_checkpoint(sn.built(sn.tutorial_seq, 9), path)  # new inode: the old mapping stays valid
    assert all(torch.equal(loaded[k]._t, reference[k]) for k in reference)
    ms.save_checkpoint(loaded, path)
    assert pathlib.Path(path).read_bytes() == (samples / "tutorial.ckpt").read_bytes()


def test_encrypted_and_sliced_loads_are_ordinary_tensors(samples):
    dec = ms.load_checkpoint(str(samples / "enc_aes_gcm.ckpt"), dec_key=b"0123456789abcdef")
    with torch.no_grad():
        dec["w"]._t.mul_(2)
    assert dec["w"].asnumpy().tolist() == [0.0, 2.0, 4.0]
    sliced = ms.load_checkpoint(str(samples / "sliced_patched.ckpt"))["w"]
    assert sliced._t.is_contiguous() and sliced.requires_grad and sliced._t.requires_grad


# ------------------------------------------------------------------------------------------- load_param_into_net
class OptimizerLike(nn.Cell):
    """What MindSpore's Momentum holds: ``parameters`` and their ``moments.*`` clones."""

    def __init__(self, net):
        super().__init__()
        self.parameters = ParameterTuple(net.trainable_params())
        self.moments = self.parameters.clone(prefix="moments", init="zeros")

    def construct(self, x):
        return x


def test_optimizer_state_round_trip(tmp_path):
    net = sn.built(sn.LeNet5, 2)
    opt = OptimizerLike(net)
    for i, m in enumerate(opt.moments):
        m.set_data(Tensor(np.full(m.shape, i, np.float32)))
    names = [p.name for _, p in opt.parameters_and_names()]
    assert "moments.fc1.weight" in names and names.index("fc1.weight") < names.index("moments.conv1.weight")
    ms.save_checkpoint(opt, str(tmp_path / "opt.ckpt"), append_dict={"epoch_num": 4})
    fresh = OptimizerLike(sn.LeNet5())
    not_loaded, unused = ms.load_param_into_net(fresh, ms.load_checkpoint(str(tmp_path / "opt.ckpt")))
    assert (not_loaded, unused) == ([], ["epoch_num"])
    assert float(fresh.moments[4].asnumpy()[0, 0]) == 4.0  # moments.fc2.weight... in order
    for (_, a), (_, b) in zip(opt.parameters_and_names(), fresh.parameters_and_names()):
        assert a.name == b.name and torch.equal(a._t, b._t)
    # a net saved alone loads into the optimizer's parameters; the moments are reported missing
    ms.save_checkpoint(net, str(tmp_path / "net.ckpt"))
    net_only = ms.load_checkpoint(str(tmp_path / "net.ckpt"))
    not_loaded, unused = ms.load_param_into_net(OptimizerLike(sn.LeNet5()), net_only)
    assert not_loaded == ["moments." + n for n in [p.name for p in net.trainable_params()]] and unused == []


def test_prefix_retry_with_string_values_terminates():
    d = {"x.weight": "text", "y.weight": Parameter(Tensor(np.ones((3, 4), np.float32)), name="y.weight"),
         "bias": "text"}
    not_loaded, unused = ms.load_param_into_net(nn.Dense(4, 3), d)
    assert not_loaded == [] and unused == ["x.weight", "y.weight", "bias"]  # bias skipped (str), not missing


def test_conversions_warn_and_convert(caplog):
    n16 = nn.Dense(4, 3, dtype=mstype.float16)
    d = {"weight": Parameter(Tensor(np.full((3, 4), 1 / 3, np.float64)), name="weight"),
         "bias": Parameter(Tensor(np.array([1, 2, 3], np.float32), mstype.bfloat16), name="bias")}
    with caplog.at_level(logging.WARNING, logger="msshim"):
        assert ms.load_param_into_net(n16, d) == ([], [])
    assert "The type of weight:Float64 in 'parameter_dict' is different from the type of it in 'net':Float16" in \
        caplog.text
    assert n16.weight.dtype == mstype.float16 and n16.weight._t.dtype == torch.float16
    assert n16.weight.asnumpy()[0, 0] == np.float16(1 / 3) and n16.bias.asnumpy().tolist() == [1, 2, 3]
    assert d["weight"].dtype == mstype.float64  # the dict keeps its own value


def test_trailing_ones_reshape_gives_a_working_net():
    net = nn.Dense(4, 3)
    d = {"weight": Parameter(Tensor(np.arange(12, dtype=np.float32).reshape(3, 4, 1, 1)), name="weight"),
         "bias": Parameter(Tensor(np.zeros((3, 1), np.float16)), name="bias")}
    assert ms.load_param_into_net(net, d) == ([], [])
    assert net.weight.shape == (3, 4) and net.bias.shape == (3,) and net.bias.dtype == mstype.float32
    out = net(Tensor(np.ones((1, 4), np.float32))).asnumpy()
    assert out.tolist() == [[6.0, 22.0, 38.0]]
    with pytest.raises(RuntimeError, match="should have the same type"):  # strict: no conversion after reshape
        ms.load_param_into_net(nn.Dense(4, 3), {"bias": d["bias"]}, strict_load=True)


def test_load_into_a_net_on_load_checkpoint(samples):
    net = sn.Network()
    out = ms.load_checkpoint(str(samples / "tutorial_network.ckpt"), net=net, choice_func=lambda n: "bias" in n)
    assert list(out) == ["dense_relu_sequential.0.bias", "dense_relu_sequential.2.bias", "dense_relu_sequential.4.bias"]
    assert torch.equal(net.dense_relu_sequential[0].bias._t, out["dense_relu_sequential.0.bias"]._t)


# ------------------------------------------------------------------------------------------- async
def test_load_checkpoint_async(samples):
    future = ms.load_checkpoint_async(str(samples / "tutorial.ckpt"), choice_func=lambda n: n.startswith("5"))
    assert list(future.result()) == ["5.weight", "5.bias"]
    net = sn.tutorial_seq()
    ms.load_checkpoint_async(str(samples / "tutorial.ckpt"), net=net).result()
    assert torch.equal(net[5].bias._t, ms.load_checkpoint(str(samples / "tutorial.ckpt"))["5.bias"]._t)
    assert sorted(ms.load_checkpoint_async(str(samples / "tutorial.safetensors")).result())[0] == "1.bias"
    with pytest.raises(ValueError, match="The file may be corrupted"):
        ms.load_checkpoint_async(str(samples / "enc_aes_gcm.ckpt")).result()


@pytest.mark.parametrize("mode", [True, "thread", "process"])
def test_async_save_snapshots_and_serialises(tmp_path, mode):
    net = sn.built(sn.LeNet5, 2)
    expected = tmp_path / "sync.ckpt"
    ms.save_checkpoint(net, str(expected), append_dict={"note": "é"})
    ms.save_checkpoint(net, str(tmp_path / "a1"), async_save=mode, append_dict={"note": "é"})
    with torch.no_grad():
        net.fc1.weight._t.zero_()  # after the call: not in the file
    ms.save_checkpoint(net, str(tmp_path / "a2"), async_save=mode)  # waits for a1 first
    ser._wait_async_save()
    first = ms.load_checkpoint(str(tmp_path / "a1.ckpt"))
    assert [k for k in first] == [k for k in ms.load_checkpoint(str(expected))]
    assert first["note"] == "é" and float(first["fc1.weight"].asnumpy().sum()) != 0.0
    assert float(ms.load_checkpoint(str(tmp_path / "a2.ckpt"))["fc1.weight"].asnumpy().sum()) == 0.0
    assert stat.S_IMODE(os.stat(tmp_path / "a1.ckpt").st_mode) == 0o400
    assert not [t for t in threading.enumerate() if t.name == "asyn_save_ckpt"]


@pytest.mark.parametrize("mode", ["thread", "process"])
def test_pending_async_save_completes_at_exit(tmp_path, mode):
    """As MindSpore's atexit hook: the interpreter waits for the writer (a daemonic process included)."""
    repo = str(pathlib.Path(__file__).resolve().parents[1])
    script = (f"import sys; sys.path.insert(0, {repo!r})\n"
              "import numpy as np, msshim\n"
              "w = msshim.Parameter(msshim.Tensor(np.arange(8_000_000, dtype=np.float32)), name='w')\n"
              f"msshim.save_checkpoint({{'w': w}}, {str(tmp_path / 'x')!r}, async_save={mode!r})\n")
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120)
    w = ms.load_checkpoint(str(tmp_path / "x.ckpt"))["w"]
    assert w.shape == (8_000_000,) and float(w.asnumpy()[-1]) == 7_999_999.0


# ------------------------------------------------------------------------------------------- safetensors
def test_safetensors_both_ways(tmp_path, caplog):
    params = sn.dtype_params()
    del params["empty_f32"]
    ms.save_checkpoint(params, str(tmp_path / "d"), format="safetensors", crc_check=False)
    path = tmp_path / "d.safetensors"
    assert stat.S_IMODE(path.stat().st_mode) == 0o400
    loaded = ms.load_checkpoint(str(path), format="safetensors")
    assert list(loaded) == sorted(params)
    for k, v in params.items():
        assert loaded[k].dtype == v.dtype and torch.equal(loaded[k]._t, v._t.detach())
    with caplog.at_level(logging.WARNING, logger="msshim"):
        ms.load_checkpoint(str(path), format="safetensors", crc_check=True)
    assert "the safetensors file do not contain the crc code" in caplog.text
    from_bytes = ms.load_checkpoint(BytesIO(path.read_bytes()), format="safetensors")
    assert torch.equal(from_bytes["bf16"]._t, params["bf16"]._t.detach())
    with torch.no_grad():
        from_bytes["bf16"]._t.add_(1)  # a private copy: the BytesIO's bytes are read-only
        from_bytes["f32"]._t.add_(1)
    net = sn.built(sn.tutorial_seq, 3)
    ms.save_checkpoint(net, str(tmp_path / "n.safetensors"), format="safetensors", remove_redundancy=False)
    fresh = sn.tutorial_seq()
    ms.load_checkpoint(str(tmp_path / "n.safetensors"), net=fresh, format="safetensors")
    assert all(torch.equal(a._t, b._t) for (_, a), (_, b) in zip(net.parameters_and_names(),
                                                                   fresh.parameters_and_names()))


def test_converters(samples, tmp_path):
    ckpt = _copy_sample(samples, tmp_path, "lenet5.ckpt")
    ms.ckpt_to_safetensors(ckpt, name_map={"fc1.weight": "head.weight"})
    st = ms.load_checkpoint(str(tmp_path / "lenet5.safetensors"), format="safetensors")
    ref = ms.load_checkpoint(ckpt)
    assert "head.weight" in st and "fc1.weight" not in st and torch.equal(st["head.weight"]._t, ref["fc1.weight"]._t)
    ms.safetensors_to_ckpt(str(tmp_path / "lenet5.safetensors"), save_path=str(tmp_path / "back"),
                           name_map={"head.weight": "fc1.weight"})
    back = ms.load_checkpoint(str(tmp_path / "back" / "lenet5.ckpt"))
    assert list(back) == [{"head.weight": "fc1.weight"}.get(k, k) for k in st]  # safetensors order, renamed
    assert all(torch.equal(back[k]._t, ref[k]._t) for k in ref)
    # directory mode: rank*/ sub-directories, optionally filtered by a regular expression
    for rank in ("rank0", "rank1"):
        (tmp_path / "dist" / rank).mkdir(parents=True)
        for name in ("net-1_1.ckpt", "other.ckpt"):
            (tmp_path / "dist" / rank / name).write_bytes((samples / "small.ckpt").read_bytes())
    (tmp_path / "dist" / "notes").mkdir()
    ms.ckpt_to_safetensors(str(tmp_path / "dist"), save_path=str(tmp_path / "out"), file_name_regex=r"net-\d")
    assert sorted(str(p.relative_to(tmp_path / "out")) for p in (tmp_path / "out").rglob("*.safetensors")) == \
        ["rank0/net-1_1.safetensors", "rank1/net-1_1.safetensors"]
    ms.safetensors_to_ckpt(str(tmp_path / "out"))  # no save_path: beside the sources
    assert (tmp_path / "out" / "rank1" / "net-1_1.ckpt").read_bytes() == (samples / "small.ckpt").read_bytes()
