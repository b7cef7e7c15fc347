"""mindspore.export(..., file_format="MINDIR") against real MindSpore 2.10.

Evidence comes from tests/fixtures/mindir/make_mindir.py: `msshim` mode exported these nets with msshim, `verify`
mode loaded those files in real MindSpore (mindspore.load + nn.GraphCell) and stored its outputs together with
the sha256 of the file it ran (fixtures/mindir/msshim/*.npz).  Here each net is exported again and must be
byte-identical to what MindSpore ran, so MindSpore's recorded outputs belong to today's exporter; they are then
compared with msshim's eager outputs and MindSpore's own eager outputs (fixtures/mindir/ms/*.npz).
"""
from __future__ import annotations

import builtins
import hashlib
import json
import logging
import os
import stat

import numpy as np
import pytest

import mindspore as ms
from mindspore import Tensor

from msshim._proto import mind_ir_pb2 as pb
from msshim.train._mindir import writer

from conftest import FIXTURES, load_fixture_script

MINDIR = FIXTURES / "mindir"
CASES = ["tutorial_mlp", "lenet5", "basic_block", "embed_ln", "grouped_deconv"]
ENC_KEY = b"0123456789abcdef"
PLUMBING = {"Load", "UpdateState", "Depend", "MakeTuple"}
RERUN = ("re-run `venv/bin/python tests/fixtures/mindir/make_mindir.py msshim` then "
         "`venv-ms/bin/python tests/fixtures/mindir/make_mindir.py verify` (the exporter changed)")


@pytest.fixture(scope="module")
def make_mindir():
    """The fixture script as a module (its ``build(case)``: the net with the fixture weights, and inputs)."""
    return load_fixture_script("mindir/make_mindir.py", "msshim")


def _sha(path) -> str:
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def _model(path) -> pb.ModelProto:
    model = pb.ModelProto()
    model.ParseFromString(open(path, "rb").read())
    return model


def _ops(model: pb.ModelProto) -> list[str]:
    """Primitive op types of the graph's nodes in order, without MindSpore's side-effect plumbing."""
    kinds = {p.name: p.op_type for p in model.primitives}
    ops = [kinds[n.op_type[len("REF::"):]] for n in model.graph.node if n.op_type != "Constant"]
    return [op for op in ops if op not in PLUMBING]


def _outputs(result):
    return [r.asnumpy() for r in result] if isinstance(result, (tuple, list)) else [result.asnumpy()]


def _rel(a, b) -> float:
    return float(np.max(np.abs(a - b)) / max(float(np.max(np.abs(b))), 1e-12))


def _export(make_mindir, case, path, **kwargs):
    net, inputs = make_mindir.build(case)
    ms.export(net, *[Tensor(x) for x in inputs], file_name=str(path), file_format="MINDIR", **kwargs)
    return net, inputs


# --------------------------------------------------------------------------------------------- the five nets
@pytest.mark.parametrize("case", CASES)
def test_mindspore_runs_msshim_export(make_mindir, case, tmp_path):
    net, inputs = _export(make_mindir, case, tmp_path / case)
    path = tmp_path / (case + ".mindir")
    ran = np.load(MINDIR / "msshim" / (case + ".npz"))
    assert _sha(path) == str(ran["sha256"]), f"{case}: the file differs from the one MindSpore ran; {RERUN}"
    eager = _outputs(net(*[Tensor(x) for x in inputs]))
    ms_ref = np.load(MINDIR / "ms" / (case + ".npz"))
    graph = [ran[f"g{i}"] for i in range(len(eager))]
    assert f"g{len(eager)}" not in ran.files
    for i, (g, e) in enumerate(zip(graph, eager)):
        assert g.shape == e.shape and g.dtype == e.dtype
        assert _rel(g, e) <= 1e-5, f"{case} output {i}: MindSpore(msshim file) vs msshim eager"
        assert _rel(g, ms_ref[f"y{i}"]) <= 1e-5, f"{case} output {i}: MindSpore(msshim file) vs MindSpore eager"


@pytest.mark.parametrize("case", CASES)
def test_graph_layout_matches_mindspore_file(make_mindir, case, tmp_path):
    """Same inputs, parameters (names, ref_keys, dtypes, shapes, order of first use), primitive sequence and
    output arity as the file MindSpore itself exported for the same net."""
    net, _ = _export(make_mindir, case, tmp_path / case)
    ours, theirs = _model(tmp_path / (case + ".mindir")), _model(MINDIR / "ms" / (case + ".mindir"))
    assert ours.mind_ir_version == 3 and ours.ir_version == theirs.ir_version
    assert ours.producer_name == theirs.producer_name and ours.model_version == theirs.model_version

    def inputs(m):
        return [(i.name.split(":")[-1], list(i.tensor[0].dims), i.tensor[0].data_type) for i in m.graph.input]

    def params(m):
        return [(p.ref_key, p.name.split(":", 1)[1], list(p.dims), p.data_type) for p in m.graph.parameter]

    assert inputs(ours) == inputs(theirs)
    assert params(ours) == params(theirs)
    state = {name: p.asnumpy() for name, p in net.parameters_and_names()}
    for p in ours.graph.parameter:
        assert p.name == f"{ours.graph.name}:{p.ref_key}"
        np.testing.assert_array_equal(np.frombuffer(p.raw_data, np.float32).reshape(list(p.dims)), state[p.ref_key])
    ops, ms_ops = _ops(ours), _ops(theirs)
    assert sorted(ops) == sorted(ms_ops)
    if case != "embed_ln":  # MindSpore's Dense applies its activation before reshaping 3-D results back
        assert ops == ms_ops
    assert [o.denotation for o in ours.graph.output] == [o.denotation for o in theirs.graph.output]


@pytest.mark.parametrize("case", ["conv_zoo", "math_zoo", "pad_zoo", "transformer_layer", "resnet_stem",
                                  "dense_fp16", "dense_f64"])
def test_mindspore_runs_more_translated_ops(make_mindir, case, tmp_path):
    """fixtures/mindir/export_nets.py: strided and asymmetric same conv / max pool, dilated and grouped conv,
    strided transposed convs, avg pool, ReLU6/LeakyReLU/SiLU/HSwish,
    exact (erf) GELU, BatchNorm1d, scalar arithmetic, transpose, concat, BatchMatMul, reductions, log-softmax,
    a TransformerEncoderLayer (scaled_dot_product_attention, chunk), an image-classifier stem (adaptive average
    pool) and float16 / float64 Dense (parameters and inputs FLOAT16 / DOUBLE as in MindSpore's samples); only msshim
    exported these, MindSpore ran msshim's file."""
    net, inputs = _export(make_mindir, case, tmp_path / case)
    ran = np.load(MINDIR / "msshim" / (case + ".npz"))
    assert _sha(tmp_path / (case + ".mindir")) == str(ran["sha256"]), f"{case}: {RERUN}"
    eager = _outputs(net(*[Tensor(x) for x in inputs]))
    assert f"g{len(eager)}" not in ran.files
    for i, e in enumerate(eager):
        assert ran[f"g{i}"].shape == e.shape and ran[f"g{i}"].dtype == e.dtype
        assert _rel(ran[f"g{i}"], e) <= 1e-5, f"{case} output {i}"


def test_export_is_deterministic(make_mindir, tmp_path):
    _export(make_mindir, "basic_block", tmp_path / "a")
    _export(make_mindir, "basic_block", tmp_path / "b")
    assert (tmp_path / "a.mindir").read_bytes() == (tmp_path / "b.mindir").read_bytes()


# ------------------------------------------------------------------------------------------------ the file
def test_file_mode_directory_and_suffix(make_mindir, tmp_path):
    target = tmp_path / "new" / "dir" / "lenet"
    _export(make_mindir, "lenet5", target)
    path = tmp_path / "new" / "dir" / "lenet.mindir"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o400
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    assert sorted(os.listdir(path.parent)) == ["lenet.mindir"]
    _export(make_mindir, "lenet5", str(path))  # ".mindir" given: not doubled; a read-only file is replaced
    assert sorted(os.listdir(path.parent)) == ["lenet.mindir"]


def test_failed_write_leaves_no_partial_file(make_mindir, tmp_path, monkeypatch):
    path = tmp_path / "m.mindir"
    path.write_bytes(b"previous")

    def boom(self, *args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pb.ModelProto, "SerializeToString", boom)
    with pytest.raises(OSError, match="disk full"):
        _export(make_mindir, "lenet5", path)
    monkeypatch.undo()
    assert path.read_bytes() == b"previous"
    assert sorted(os.listdir(tmp_path)) == ["m.mindir"]


def test_custom_func_edits_the_model(make_mindir, tmp_path):
    def custom(model):
        model.user_info["version"] = "11.0"
        model.producer_version = "11.0"

    _export(make_mindir, "tutorial_mlp", tmp_path / "u", custom_func=custom)
    model = _model(tmp_path / "u.mindir")
    assert dict(model.user_info) == {"version": "11.0"} and model.producer_version == "11.0"


# ------------------------------------------------------------------------------------------- encryption
def test_encrypted_export_is_what_mindspore_decrypted(make_mindir, tmp_path):
    from msshim.train.ckpt_format.crypto import MODES, decrypt_frames

    _export(make_mindir, "lenet5", tmp_path / "enc", enc_key=ENC_KEY, enc_mode="AES-GCM")
    path = tmp_path / "enc.mindir"
    data = path.read_bytes()
    assert int.from_bytes(data[:4], "little") == MODES["AES-GCM"]
    with open(path, "rb") as f:
        buf, n, _ = decrypt_frames(f, len(data), ENC_KEY, "AES-GCM")
    ran = np.load(MINDIR / "msshim" / "lenet5_enc.npz")
    assert hashlib.sha256(bytes(buf[:n])).hexdigest() == str(ran["plaintext_sha256"]), RERUN
    assert str(ran["plaintext_sha256"]) == str(np.load(MINDIR / "msshim" / "lenet5.npz")["sha256"])
    ms_ref = np.load(MINDIR / "ms" / "lenet5.npz")
    assert _rel(ran["g0"], ms_ref["y0"]) <= 1e-5
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o400


@pytest.mark.parametrize("mode", ["AES-CBC", "SM4-CBC"])
def test_other_cipher_modes_frame_the_plain_file(make_mindir, tmp_path, mode):
    from msshim.train.ckpt_format.crypto import MODES, decrypt_frames

    _export(make_mindir, "lenet5", tmp_path / "enc", enc_key=ENC_KEY, enc_mode=mode)
    _export(make_mindir, "lenet5", tmp_path / "plain")
    data = (tmp_path / "enc.mindir").read_bytes()
    assert int.from_bytes(data[:4], "little") == MODES[mode]
    with open(tmp_path / "enc.mindir", "rb") as f:
        buf, n, _ = decrypt_frames(f, len(data), ENC_KEY, mode)
    assert bytes(buf[:n]) == (tmp_path / "plain.mindir").read_bytes()


# -------------------------------------------------------------------------------------- large-model split
def test_split_layout_matches_mindspore(make_mindir, tmp_path, monkeypatch):
    monkeypatch.setattr(writer, "TOTAL_SAVE", 0)
    _export(make_mindir, "lenet5", tmp_path / "lenet5_split")
    assert sorted(os.listdir(tmp_path)) == ["lenet5_split_graph.mindir", "lenet5_split_variables"]
    data = tmp_path / "lenet5_split_variables" / "data_0"
    assert os.listdir(data.parent) == ["data_0"]
    assert stat.S_IMODE(os.stat(data).st_mode) == 0o400
    assert stat.S_IMODE(os.stat(data.parent).st_mode) == 0o700
    ms_dir = MINDIR / "ms"
    assert data.read_bytes() == (ms_dir / "lenet5_split_variables" / "data_0").read_bytes()
    ours, theirs = _model(tmp_path / "lenet5_split_graph.mindir"), _model(ms_dir / "lenet5_split_graph.mindir")

    def external(m):
        return {p.ref_key: (p.external_data.location, p.external_data.offset, p.external_data.length, p.raw_data)
                for p in m.graph.parameter}

    assert external(ours) == external(theirs)
    ran = np.load(MINDIR / "msshim" / "lenet5_split.npz")
    assert _sha(tmp_path / "lenet5_split_graph.mindir") == str(ran["sha256"]), RERUN
    assert _sha(data) == str(ran["data_0_sha256"]), RERUN
    assert _rel(ran["g0"], np.load(ms_dir / "lenet5.npz")["y0"]) <= 1e-5


def test_encrypted_split_decrypts_to_the_plain_split(make_mindir, tmp_path, monkeypatch):
    """Graph file and data_0 in cipher frames (header and each parameter framed separately, as MindSpore
    does); MindSpore loaded such a file with dec_key and ran it (fixtures/mindir/msshim/lenet5_enc_split.npz)."""
    from msshim.train.ckpt_format.crypto import decrypt_frames

    monkeypatch.setattr(writer, "TOTAL_SAVE", 0)
    _export(make_mindir, "lenet5", tmp_path / "e", enc_key=ENC_KEY)
    _export(make_mindir, "lenet5", tmp_path / "p")

    def plain(path):
        with open(path, "rb") as f:
            buf, n, _ = decrypt_frames(f, os.path.getsize(path), ENC_KEY, "AES-GCM")
        return bytes(buf[:n])

    assert plain(tmp_path / "e_variables" / "data_0") == (tmp_path / "p_variables" / "data_0").read_bytes()
    graph = _model(tmp_path / "p_graph.mindir")
    enc_graph = pb.ModelProto()
    enc_graph.ParseFromString(plain(tmp_path / "e_graph.mindir"))
    assert [p.external_data.offset for p in enc_graph.graph.parameter] == [
        p.external_data.offset for p in graph.graph.parameter]
    ran = np.load(MINDIR / "msshim" / "lenet5_enc_split.npz")
    assert _rel(ran["g0"], np.load(MINDIR / "ms" / "lenet5.npz")["y0"]) <= 1e-5


def test_no_split_below_threshold(make_mindir, tmp_path):
    _export(make_mindir, "tutorial_mlp", tmp_path / "m")  # 2.6 MB < 1 GiB
    assert os.listdir(tmp_path) == ["m.mindir"]
    assert all(p.raw_data and not p.HasField("external_data") for p in _model(tmp_path / "m.mindir").graph.parameter)


# ---------------------------------------------------------------------------------------- argument errors
def _recorded_errors():
    with open(MINDIR / "export_errors.json") as f:
        return json.load(f)


@pytest.mark.parametrize("name", sorted(k for k in _recorded_errors() if k != "format_missing"))
def test_argument_errors_match_mindspore(name, tmp_path):
    record = _recorded_errors()[name]
    kwargs = dict(record["kwargs"])
    for key in record["bytes_kwargs"]:
        kwargs[key] = kwargs[key].encode("latin1")
    name_ = kwargs["file_name"]
    if isinstance(name_, str):
        kwargs["file_name"] = name_.replace("{dir}", str(tmp_path)) if "{dir}" in name_ else str(tmp_path / name_)
    if kwargs.get("custom_func") == "callable":
        kwargs["custom_func"] = lambda model: None
    net = ms.nn.Dense(3, 2)
    x = Tensor(np.ones((1, 3), np.float32))
    kind, message = record["error"]
    with pytest.raises(getattr(builtins, kind)) as info:
        ms.export(net, x, **kwargs)
    assert type(info.value).__name__ == kind
    assert str(info.value).splitlines()[0].replace(str(tmp_path), "{dir}") == message
    assert os.listdir(tmp_path) == [], "msshim leaves no file behind on an argument error (MindSpore may)"


def test_file_format_is_a_required_keyword():
    record = _recorded_errors()["format_missing"]["error"]
    with pytest.raises(TypeError) as info:
        ms.export(ms.nn.Dense(3, 2), Tensor(np.ones((1, 3), np.float32)), file_name="x")
    assert str(info.value) == record[1]


def test_unsupported_operators_are_listed_together(tmp_path):
    from mindspore import nn, ops

    class Odd(nn.Cell):
        def construct(self, x):
            return ops.cumsum(x, 0) + ops.sort(x)[0]

    with pytest.raises(RuntimeError) as info:
        ms.export(Odd(), Tensor(np.ones((3,), np.float32)), file_name=str(tmp_path / "o"), file_format="MINDIR")
    message = str(info.value)
    assert "cumsum" in message and "sort" in message
    assert os.listdir(tmp_path) == []


def test_onnx_format_delegates_with_mindspore_warning(make_mindir, tmp_path, caplog):
    import onnx

    net, inputs = make_mindir.build("lenet5")
    with caplog.at_level(logging.WARNING, logger="msshim"):
        ms.export(net, Tensor(inputs[0]), file_name=str(tmp_path / "n"), file_format="ONNX")
    assert "mindspore.export(file_format='ONNX') will be deleted, please use mindspore.onnx.export()" in caplog.text
    model = onnx.load(str(tmp_path / "n.onnx"))
    assert {i.name for i in model.graph.initializer} >= {"conv1.weight", "fc3.bias"}


# ------------------------------------------------------------------------------------------------- devices
@pytest.mark.cuda
def test_export_from_cuda_resident_net(make_mindir, tmp_path):
    import torch

    net, inputs = make_mindir.build("basic_block")
    net.to("cuda")
    from msshim.common.tensor import wrap

    x = wrap(torch.from_numpy(inputs[0]).cuda())
    ms.export(net, x, file_name=str(tmp_path / "basic_block"), file_format="MINDIR")
    assert next(net.parameters()).device.type == "cuda"
    ran = np.load(MINDIR / "msshim" / "basic_block.npz")
    # the same bytes as the CPU export that MindSpore ran
    assert _sha(tmp_path / "basic_block.mindir") == str(ran["sha256"])
    assert torch.cuda.is_available()


# --------------------------------------------------------------------------------------- parameter names
def _recorded_names():
    with open(MINDIR / "export_names.json") as f:
        return json.load(f)


@pytest.mark.parametrize("case", sorted(_recorded_names()))
def test_parameter_names_and_order_match_mindspore(case, tmp_path):
    """Parameter.name, not the attribute path: explicit names ('kk', 'top_weight'), update_parameters_name
    prefixes, shared cells/parameters; order of first use, unused parameters left out (MindSpore's files)."""
    import nets

    record = _recorded_names()[case]
    builders = {"inner": nets.Inner, "outer": nets.Outer, "renamed": nets._renamed, "shared": nets.Shared}
    net = builders[case]()
    ms.export(net, Tensor(np.ones(record["input_shape"], np.float32)), file_name=str(tmp_path / case),
              file_format="MINDIR")
    model = _model(tmp_path / (case + ".mindir"))
    assert [p.ref_key for p in model.graph.parameter] == record["params"]
