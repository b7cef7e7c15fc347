"""MindIR -> ONNX translation contract (msshim.train._mindir.to_onnx): what `msshim convert` writes and what
GraphCell runs.  Outputs are checked against real MindSpore's GraphCell outputs (fixtures/mindir/ms*/)."""
from __future__ import annotations

import json

import numpy as np
import onnx
import onnxruntime as ort
import pytest

from msshim._proto import mind_ir_pb2 as pb
from msshim.train._mindir.builder import PRIMITIVE, MindIRBuilder
from msshim.train._mindir.reader import read_model
from msshim.train._mindir.to_onnx import TRANSLATORS, UnsupportedPrimitivesError, to_onnx

from conftest import FIXTURES

MS = FIXTURES / "mindir" / "ms"
OPS = FIXTURES / "mindir" / "ms_ops"
MANIFEST = json.loads((FIXTURES / "mindir" / "manifest.json").read_text())


def _run(model: onnx.ModelProto, *xs):
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, {i.name: x for i, x in zip(session.get_inputs(), xs)})


@pytest.mark.parametrize("case", ["tutorial_mlp", "lenet5", "basic_block", "embed_ln", "grouped_deconv"])
def test_names_and_outputs(case):
    model = to_onnx(read_model(str(MS / f"{case}.mindir")))
    onnx.checker.check_model(model, full_check=True)
    names = [t.name for t in model.graph.initializer if not t.name.startswith("_const_")]  # translator constants
    assert sorted(names) == sorted(n for n, _ in MANIFEST[case]["params"])
    data = np.load(MS / f"{case}.npz")
    outs = _run(model, *[data[f"x{i}"] for i in range(len(model.graph.input))])
    assert len(outs) == len(MANIFEST[case]["outputs"])  # a tuple output is several ONNX outputs, in order
    for i, out in enumerate(outs):
        np.testing.assert_allclose(out, data[f"g{i}"], rtol=1e-5, atol=1e-6 * float(np.abs(data[f"g{i}"]).max()))
    for vi, (shape, dtype) in zip(model.graph.output, MANIFEST[case]["outputs"]):
        assert [d.dim_value for d in vi.type.tensor_type.shape.dim] == shape


def test_input_names_are_construct_argument_names():
    assert [i.name for i in to_onnx(read_model(str(MS / "embed_ln.mindir"))).graph.input] == ["ids"]
    model = to_onnx(read_model(str(OPS / "batch_matmul.mindir")))
    assert [i.name for i in model.graph.input] == ["x", "y"]


def test_initializers_keep_the_parameter_bytes():
    mindir = read_model(str(MS / "lenet5.mindir"))
    model = to_onnx(mindir)
    inits = {t.name: onnx.numpy_helper.to_array(t) for t in model.graph.initializer}
    for p in mindir.graph.parameter:
        np.testing.assert_array_equal(inits[p.ref_key], np.frombuffer(p.raw_data, np.float32).reshape(p.dims))


def test_plumbing_is_dropped():
    ops = {n.op_type for n in to_onnx(read_model(str(MS / "basic_block.mindir"))).graph.node}
    assert ops <= {"Conv", "BatchNormalization", "Relu", "Add", "MaxPool", "ReduceMean", "Reshape"}


def _dense_builder(old_style: bool, bare: bool) -> pb.ModelProto:
    """A Dense+ReLU graph in the forms MindSpore accepts: PRIMITIVE_FUNCTION args, old-style attributes, or a
    bare op_type without a primitives table (formats doc 4.2, "minimal form")."""
    rs = np.random.RandomState(0)
    w = rs.uniform(-1, 1, (3, 4)).astype(np.float32)
    b = MindIRBuilder("g")
    x = b.add_input("x", (2, 4), np.float32)
    wp = b.add_parameter("dense.weight", w)
    if old_style:
        y = b.node("MatMul", [x, wp], {"transpose_a": False, "transpose_b": True}, prim_type=PRIMITIVE)
    else:
        y = b.node("MatMul", [x, wp, b.constant(False), b.constant(True)])
    y = b.node("ReLU", [y])
    b.set_outputs([y], [((2, 3), np.float32)])
    model = b.finish()
    if bare:
        kinds = {p.name: p.op_type for p in model.primitives}
        for node in model.graph.node:
            if node.op_type.startswith("REF::"):
                node.op_type = kinds[node.op_type[5:]]
        del model.primitives[:]
    return model, w


@pytest.mark.parametrize("old_style,bare", [(False, False), (True, False), (False, True)])
def test_primitive_forms(old_style, bare):
    model, w = _dense_builder(old_style, bare)
    x = np.random.RandomState(1).uniform(-1, 1, (2, 4)).astype(np.float32)
    (out,) = _run(to_onnx(model), x)
    np.testing.assert_allclose(out, np.maximum(x @ w.T, 0), rtol=1e-6)


def test_every_unsupported_primitive_is_listed():
    b = MindIRBuilder("g")
    x = b.add_input("x", (2, 3), np.float32)
    y = b.node("NoSuchOp", [x])
    y = b.node("ReLU", [y])
    y = b.node("AlsoMissing", [y], {"k": 1}, prim_type=PRIMITIVE)
    b.set_outputs([b.node("NoSuchOp", [y])], [((2, 3), np.float32)])
    with pytest.raises(UnsupportedPrimitivesError) as e:
        to_onnx(b.finish())
    assert e.value.primitives == ["NoSuchOp", "AlsoMissing"]
    assert isinstance(e.value, RuntimeError)


def test_table_covers_what_mindspore_and_msshim_write():
    """Every primitive in MindSpore's fixture files and every primitive msshim's exporter can emit."""
    import re

    from msshim.train._mindir import primitives

    used = set()
    for path in list(MS.glob("*.mindir")) + list(OPS.glob("*.mindir")):
        model = read_model(str(path), dec_key=b"0123456789abcdef") if "_enc" in path.name else read_model(str(path))
        used |= {p.op_type for p in model.primitives}
    source = open(primitives.__file__).read()
    used |= set(re.findall(r'_(?:unary|binary|reduce)\("(\w+)"', source))
    used |= set(re.findall(r'_fn\(b, "(\w+)"', source)) | set(re.findall(r'b\.node\("(\w+)"', source))
    assert used - set(TRANSLATORS) == set()


def test_conv_transpose_padding_modes():
    """nn.Conv2dTranspose valid (k < s gives extra output), same and pad modes: shapes and values are
    MindSpore's (convs fixture), here checked on the ONNX pads chosen."""
    model = to_onnx(read_model(str(OPS / "convs.mindir")))
    convt = [n for n in model.graph.node if n.op_type == "ConvTranspose"]
    assert len(convt) == 3
    attrs = [{a.name: onnx.helper.get_attribute_value(a) for a in n.attribute} for n in convt]
    assert [a["pads"] for a in attrs] == [[0, 0, 0, 0], [0, 0, 1, 1], [1, 1, 1, 1]]
