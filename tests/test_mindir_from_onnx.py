"""ONNX -> MindIR (``from_onnx``): real MindSpore 2.10 loaded the converted files and its outputs are recorded in
tests/fixtures/mindir/from_onnx/<case>.npz with the sha256 of the file it ran (make_onnx_to_mindir.py).  Here
the same ONNX is converted again: same bytes as the file MindSpore ran, and MindSpore's outputs of it match
MindSpore's eager outputs (the five nets, MindSpore's own lenet5.onnx/tutorial.onnx) or onnxruntime's (the
hand-built op-coverage models)."""
from __future__ import annotations

import hashlib
import json

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

from conftest import FIXTURES, load_fixture_script
from msshim.train._mindir.from_onnx import from_onnx

MINDIR = FIXTURES / "mindir"
MANIFEST = json.loads((MINDIR / "manifest.json").read_text())


GEN = load_fixture_script("mindir/make_onnx_to_mindir.py")


def _convert(case):
    return from_onnx(onnx.load(GEN.onnx_path(case)))


@pytest.mark.parametrize("case", GEN.CASES)
def test_mindspore_runs_the_converted_file(samples, case):
    recorded = np.load(MINDIR / "from_onnx" / f"{case}.npz")
    data = _convert(case).SerializeToString()
    assert hashlib.sha256(data).hexdigest() == str(recorded["sha256"]), "converted file changed: rerun the generator"
    mindspore_outputs = [recorded[f"g{i}"] for i in range(len([k for k in recorded.files if k.startswith("g")]))]
    expected = GEN.reference_outputs(case)
    if expected is None:
        model = onnx.load(GEN.onnx_path(case))
        session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
        inputs = GEN.case_inputs(case)
        expected = session.run(None, {i.name: x for i, x in zip(session.get_inputs(), inputs)})
        for index, value in GEN.onnx_models.reference_overrides(case, inputs).items():
            expected[index] = value
        tolerance = dict(rtol=1e-5, atol=1e-5)
    else:
        tolerance = dict(rtol=1e-4, atol=1e-4)  # samples' lenet5.onnx: MindSpore's GraphCell vs its PyNative
    assert len(mindspore_outputs) == len(expected)
    for got, want in zip(mindspore_outputs, expected):
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, **tolerance)


@pytest.mark.parametrize("case", GEN.NETS)
def test_parameters_keep_mindspore_names(case):
    model = _convert(case)
    names = {p.ref_key: tuple(p.dims) for p in model.graph.parameter}
    assert names == {name: tuple(shape) for name, shape in MANIFEST[case]["params"]}
    assert all(p.name == f"{model.graph.name}:{p.ref_key}" for p in model.graph.parameter)


def test_mindspore_sample_names(samples):
    model = _convert("ms_tutorial")
    assert [p.ref_key for p in model.graph.parameter] == ["1.weight", "1.bias", "3.weight", "3.bias", "5.weight",
                                                          "5.bias"]
    assert [i.name for i in model.graph.input] == [f"{model.graph.name}:input_data"]


def test_shape_arithmetic_is_folded():
    """torch writes Shape/Gather/Unsqueeze/Concat chains for reshapes: they become constants."""
    model = _convert("embed_ln")
    ops = {p.op_type for p in model.primitives}
    assert not ops & {"Concat", "ExpandDims", "Shape", "Unsqueeze"}
    assert {"Gather", "LayerNorm", "MatMul", "Softmax"} <= ops


def _model(nodes, inputs, inits=(), opset=17):
    graph = helper.make_graph(nodes, "g", inputs, [helper.make_tensor_value_info("y", TensorProto.UNDEFINED, None)],
                              initializer=list(inits))
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


def test_unsupported_operators_listed_together():
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])
    nodes = [helper.make_node("Cast", ["x"], ["h"], to=TensorProto.STRING),
             helper.make_node("Hardmax", ["x"], ["m"]),
             helper.make_node("Hardmax", ["x"], ["m2"]),
             helper.make_node("Add", ["m", "m2"], ["s"]),
             helper.make_node("Relu", ["s"], ["y"])]
    with pytest.raises(ValueError) as info:
        from_onnx(_model(nodes, [x]))
    message = str(info.value)
    assert message.startswith("The ONNX model cannot be converted to MindIR, unsupported operators: ")
    assert "Cast (1 node" in message and "Hardmax (2 nodes" in message and "Add" not in message


def test_dynamic_input_refused():
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 3])
    with pytest.raises(ValueError, match="ONNX input 'x' has no static shape"):
        from_onnx(_model([helper.make_node("Relu", ["x"], ["y"])], [x]))


def test_identity_and_constants_fold_into_parameters():
    """Identity of an initializer is the parameter itself; a non-float initializer is a constant."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])
    w = numpy_helper.from_array(np.ones((3, 4), np.float32), "fc.weight")
    shape = numpy_helper.from_array(np.array([4, 2], np.int64), "shape")
    nodes = [helper.make_node("Identity", ["fc.weight"], ["w"]), helper.make_node("MatMul", ["x", "w"], ["m"]),
             helper.make_node("Reshape", ["m", "shape"], ["y"])]
    model = from_onnx(_model(nodes, [x], [w, shape]))
    assert [p.ref_key for p in model.graph.parameter] == ["fc.weight"]
    assert sorted(p.op_type for p in model.primitives) == ["MatMul", "Reshape"]


def test_not_a_model():
    with pytest.raises(TypeError, match="from_onnx expects an onnx.ModelProto, but got bytes"):
        from_onnx(b"\x08\x07")
