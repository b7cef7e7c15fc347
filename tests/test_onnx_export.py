"""``mindspore.onnx.export``: onnxruntime runs msshim's ONNX of the issue-6 nets and reproduces real MindSpore's
outputs (tests/fixtures/mindir/ms/<case>.npz); initializers carry MindSpore's parameter names (manifest.json,
recorded from MindSpore); argument errors are MindSpore's (texts recorded from MindSpore 2.10)."""
from __future__ import annotations

import json
import os

import numpy as np
import onnx
import onnxruntime as ort
import pytest

import mindspore as ms
from mindspore import Tensor, nn

from conftest import FIXTURES, load_fixture_script

MINDIR = FIXTURES / "mindir"
CASES = ["tutorial_mlp", "lenet5", "basic_block", "embed_ln", "grouped_deconv"]
MANIFEST = json.loads((MINDIR / "manifest.json").read_text())


BUILD = load_fixture_script("mindir/make_mindir.py", "msshim").build


def _run(path, inputs):
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(None, {i.name: x for i, x in zip(session.get_inputs(), inputs)})


def _check_outputs(outputs, case):
    ref = np.load(MINDIR / "ms" / f"{case}.npz")
    expected = [ref[f"y{i}"] for i in range(len(outputs))]
    assert f"y{len(outputs)}" not in ref
    for got, want in zip(outputs, expected):
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=2e-4)


@pytest.mark.parametrize("case", CASES)
def test_onnxruntime_reproduces_mindspore(tmp_path, case):
    net, inputs = BUILD(case)
    ms.onnx.export(net, *[Tensor(x) for x in inputs], file_name=str(tmp_path / case))
    path = tmp_path / f"{case}.onnx"
    model = onnx.load(str(path))
    onnx.checker.check_model(model)
    names = [t.name for t in model.graph.initializer]
    assert sorted(names) == sorted(name for name, _ in MANIFEST[case]["params"])
    shapes = {t.name: list(t.dims) for t in model.graph.initializer}
    assert shapes == {name: shape for name, shape in MANIFEST[case]["params"]}
    _check_outputs(_run(path, inputs), case)


def test_input_names_are_construct_arguments(tmp_path):
    net, inputs = BUILD("embed_ln")
    ms.onnx.export(net, Tensor(inputs[0]), file_name=str(tmp_path / "m.onnx"))
    assert [i.name for i in onnx.load(str(tmp_path / "m.onnx")).graph.input] == ["ids"]
    ms.onnx.export(net, Tensor(inputs[0]), file_name=str(tmp_path / "n"), input_names=["tokens"],
                   output_names=["probs"])
    graph = onnx.load(str(tmp_path / "n.onnx")).graph
    assert [i.name for i in graph.input] == ["tokens"] and [o.name for o in graph.output] == ["probs"]


def test_identical_parameters_keep_their_own_initializers(tmp_path):
    """torch's exporter merges equal-valued parameters; each must stay an initializer under its name."""
    net, inputs = BUILD("basic_block")
    for name, p in net.parameters_and_names():
        if name.endswith(".beta") or name.endswith(".moving_mean"):
            p.set_data(Tensor(np.zeros(p.shape, np.float32)))
        if name.endswith(".gamma") or name.endswith(".moving_variance"):
            p.set_data(Tensor(np.ones(p.shape, np.float32)))
    ms.onnx.export(net, Tensor(inputs[0]), file_name=str(tmp_path / "bb"))
    model = onnx.load(str(tmp_path / "bb.onnx"))
    assert sorted(t.name for t in model.graph.initializer) == sorted(n for n, _ in MANIFEST["basic_block"]["params"])
    assert not [n for n in model.graph.node if n.op_type in ("Identity", "Cast")]
    expected = net(Tensor(inputs[0]))
    for got, want in zip(_run(tmp_path / "bb.onnx", inputs), expected):
        np.testing.assert_allclose(got, want.asnumpy(), rtol=1e-5, atol=1e-5)


def test_eval_mode_and_training_flag_restored(tmp_path):
    net, inputs = BUILD("basic_block")
    net.set_train(True)
    ms.onnx.export(net, Tensor(inputs[0]), file_name=str(tmp_path / "bb"))
    assert net.training
    _check_outputs(_run(tmp_path / "bb.onnx", inputs), "basic_block")  # moving statistics, not batch ones


def test_external_data_above_limit(tmp_path, monkeypatch):
    from msshim.onnx import onnx_export

    monkeypatch.setattr(onnx_export, "PROTO_LIMIT_SIZE", 0)
    net, inputs = BUILD("lenet5")
    ms.onnx.export(net, Tensor(inputs[0]), file_name=str(tmp_path / "big"))
    assert sorted(os.listdir(tmp_path)) == ["big.onnx", "big.onnx.data"]
    model = onnx.load(str(tmp_path / "big.onnx"), load_external_data=False)
    assert all(t.data_location == onnx.TensorProto.EXTERNAL for t in model.graph.initializer)
    _check_outputs(_run(tmp_path / "big.onnx", inputs), "lenet5")


# Texts recorded from MindSpore 2.10's mindspore.onnx.export.
@pytest.mark.parametrize("kwargs, exc, message", [
    ({"input_names": "x"}, ValueError, "The parameter 'input_names' must be isinstance of <class 'list'>, but got x."),
    ({"output_names": ("y",)}, ValueError,
     "The parameter 'output_names' must be isinstance of <class 'list'>, but got ('y',)."),
    ({"dynamic_axes": [1]}, ValueError,
     "The parameter 'dynamic_axes' must be isinstance of <class 'dict'>, but got [1]."),
])
def test_argument_errors(tmp_path, kwargs, exc, message):
    with pytest.raises(exc) as info:
        ms.onnx.export(nn.Dense(3, 2), Tensor(np.ones((1, 3), np.float32)), file_name=str(tmp_path / "o"), **kwargs)
    assert str(info.value) == message
    assert not os.listdir(tmp_path)


def test_file_name_and_net_errors(tmp_path):
    x = Tensor(np.ones((1, 3), np.float32))
    with pytest.raises(TypeError, match=r"^The '3' must be string, but got <class 'int'>\.$"):
        ms.onnx.export(nn.Dense(3, 2), x, file_name=3)
    bad = str(tmp_path / "a*b?")
    with pytest.raises(ValueError) as info:
        ms.onnx.export(nn.Dense(3, 2), x, file_name=bad)
    assert str(info.value) == f"The '{bad}' is illegal, it must be match regular '^[0-9a-zA-Z@\\_\\-\\.\\:\\/\\\\]+$'."
    net_message = r"^The parameter 'net' must be isinstance of <class 'mindspore\.nn\.cell\.Cell'>, but got <function"
    with pytest.raises(ValueError, match=net_message):
        ms.onnx.export(lambda a: a, x, file_name=str(tmp_path / "f"))
    assert not os.listdir(tmp_path)


@pytest.mark.cuda
def test_cuda_resident_net(tmp_path):
    import torch

    net, inputs = BUILD("grouped_deconv")
    net.to(torch.device("cuda"))
    x = Tensor(inputs[0])
    x._t = x._t.cuda()
    ms.onnx.export(net, x, file_name=str(tmp_path / "gd"))
    _check_outputs(_run(tmp_path / "gd.onnx", inputs), "grouped_deconv")
    ms.onnx.export(net, inputs[0], file_name=str(tmp_path / "cpu_input"))  # a host array: moved to the net
    _check_outputs(_run(tmp_path / "cpu_input.onnx", inputs), "grouped_deconv")
    assert next(net.parameters()).device.type == "cuda"


def _conv_bn():
    net = nn.SequentialCell(nn.Conv2d(3, 4, 3, has_bias=True), nn.BatchNorm2d(4), nn.ReLU())
    net.set_train(False)
    return net, Tensor(np.random.RandomState(0).uniform(-1, 1, (1, 3, 8, 8)).astype(np.float32))


PARAMS = ["0.weight", "0.bias", "1.moving_mean", "1.moving_variance", "1.gamma", "1.beta"]


def test_keep_initializers_as_inputs(tmp_path):
    net, x = _conv_bn()
    ms.onnx.export(net, x, file_name=str(tmp_path / "k"), keep_initializers_as_inputs=True)
    graph = onnx.load(str(tmp_path / "k.onnx")).graph
    assert [i.name for i in graph.input] == ["input_data"] + PARAMS
    assert sorted(t.name for t in graph.initializer) == sorted(PARAMS)


def test_export_params_false_makes_parameters_inputs(tmp_path):
    net, x = _conv_bn()
    ms.onnx.export(net, x, file_name=str(tmp_path / "p"), export_params=False)
    graph = onnx.load(str(tmp_path / "p.onnx")).graph
    assert sorted(i.name for i in graph.input) == sorted(["input_data"] + PARAMS) and not graph.initializer
    assert [n.op_type for n in graph.node] == ["Conv", "BatchNormalization", "Relu"]
    feeds = {"input_data": x.asnumpy(), **{name: p.asnumpy() for name, p in net.parameters_and_names()}}
    got = ort.InferenceSession(str(tmp_path / "p.onnx")).run(None, feeds)[0]
    np.testing.assert_allclose(got, net(x).asnumpy(), rtol=1e-5, atol=1e-5)


def test_dynamic_axes(tmp_path):
    net, x = _conv_bn()
    ms.onnx.export(net, x, file_name=str(tmp_path / "d"), dynamic_axes={"input_data": {0: "batch"}})
    session = ort.InferenceSession(str(tmp_path / "d.onnx"))
    assert session.get_inputs()[0].shape == ["batch", 3, 8, 8]
    batch = np.random.RandomState(1).uniform(-1, 1, (5, 3, 8, 8)).astype(np.float32)
    np.testing.assert_allclose(session.run(None, {"input_data": batch})[0], net(Tensor(batch)).asnumpy(),
                               rtol=1e-5, atol=1e-5)
