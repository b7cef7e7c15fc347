"""``msshim convert model.mindir model.onnx``, ``msshim convert model.onnx model.mindir`` and
``msshim inspect model.mindir`` (the converters package's subcommands, through ``msshim.cli.main``).

* MindIR -> ONNX of MindSpore's own files (tests/fixtures/mindir/ms, plain, encrypted, split) runs in
  onnxruntime and reproduces MindSpore's outputs;
* ONNX -> MindIR writes exactly the files real MindSpore 2.10 ran in make_onnx_to_mindir.py (sha256);
* inspect lists the inputs and parameters of MindSpore's dumps (samples/dumps/*.mindir.summary.txt).
"""
from __future__ import annotations

import ast
import hashlib
import json
import re
import subprocess
import sys

import numpy as np
import onnxruntime as ort
import pytest

from conftest import FIXTURES, load_fixture_script
from msshim.cli import main
from msshim.train._mindir.reader import read_model

MINDIR = FIXTURES / "mindir"
KEY = "0123456789abcdef"  # the key of ms/lenet5_enc.mindir and samples/lenet5_enc.mindir
NETS = ["tutorial_mlp", "lenet5", "basic_block", "embed_ln", "grouped_deconv"]


GEN = load_fixture_script("mindir/make_onnx_to_mindir.py")


def _ort(path, inputs):
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(None, {i.name: x for i, x in zip(session.get_inputs(), inputs)})


def _close(got, want):
    """Within 1e-5 of the output's scale (float32 accumulation order differs between runtimes)."""
    assert got.shape == want.shape
    assert float(np.max(np.abs(got - want))) <= 1e-5 * float(np.max(np.abs(want))) + 1e-6


def _ref(case):
    data = np.load(MINDIR / "ms" / f"{case}.npz")
    count = len([k for k in data.files if k.startswith("x")]), len([k for k in data.files if k.startswith("y")])
    return [data[f"x{i}"] for i in range(count[0])], [data[f"y{i}"] for i in range(count[1])]


# --------------------------------------------------------------------------------------- mindir -> onnx
@pytest.mark.parametrize("case", NETS)
def test_mindir_to_onnx_runs_mindspore_files(tmp_path, capsys, case):
    dst = tmp_path / f"{case}.onnx"
    assert main(["convert", str(MINDIR / "ms" / f"{case}.mindir"), str(dst)]) == 0
    assert f"wrote {dst}" in capsys.readouterr().err
    inputs, expected = _ref(case)
    outputs = _ort(dst, inputs)
    assert len(outputs) == len(expected)
    for got, want in zip(outputs, expected):
        _close(got, want)


@pytest.mark.parametrize("source, extra", [("lenet5_enc.mindir", ["--dec-key", KEY]),
                                           ("lenet5_split_graph.mindir", [])])
def test_mindir_to_onnx_encrypted_and_split(tmp_path, source, extra):
    dst = tmp_path / "l.onnx"
    assert main(["convert", str(MINDIR / "ms" / source), str(dst), *extra]) == 0
    inputs, expected = _ref("lenet5")
    _close(_ort(dst, inputs)[0], expected[0])


def test_mindir_to_onnx_wrong_key(tmp_path, capsys):
    assert main(["convert", str(MINDIR / "ms" / "lenet5_enc.mindir"), str(tmp_path / "l.onnx"),
                 "--dec-key", "fedcba9876543210"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("msshim convert: error: Load MindIR failed. The file may be encrypted and decrypt failed")
    assert not list(tmp_path.iterdir())


# --------------------------------------------------------------------------------------- onnx -> mindir
@pytest.mark.parametrize("case", GEN.CASES)
def test_onnx_to_mindir_writes_the_files_mindspore_ran(tmp_path, samples, case):
    dst = tmp_path / f"{case}.mindir"
    assert main(["convert", GEN.onnx_path(case), str(dst)]) == 0
    recorded = np.load(MINDIR / "from_onnx" / f"{case}.npz")
    assert hashlib.sha256(dst.read_bytes()).hexdigest() == str(recorded["sha256"])


def test_onnx_to_mindir_encrypted(tmp_path):
    plain, enc = tmp_path / "p.mindir", tmp_path / "e.mindir"
    assert main(["convert", GEN.onnx_path("lenet5"), str(plain)]) == 0
    assert main(["convert", GEN.onnx_path("lenet5"), str(enc), "--enc-key", KEY]) == 0
    assert enc.read_bytes() != plain.read_bytes()
    assert read_model(str(enc), dec_key=KEY.encode()) == read_model(str(plain))


def test_onnx_to_mindir_bad_sources(tmp_path, capsys):
    garbage = tmp_path / "g.onnx"
    garbage.write_bytes(b"\x00\xffnot an onnx model" * 10)
    assert main(["convert", str(garbage), str(tmp_path / "g.mindir")]) == 1
    assert capsys.readouterr().err.startswith(f"msshim convert: error: '{garbage}' is not a readable ONNX model")
    assert main(["convert", str(tmp_path / "missing.onnx"), str(tmp_path / "m.mindir")]) == 1
    assert "does not exist" in capsys.readouterr().err
    assert main(["convert", str(MINDIR / "ms" / "lenet5.mindir"), str(tmp_path / "x.mindir")]) == 1
    assert "converts between .mindir and .onnx" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.onnx"]


# --------------------------------------------------------------------------------------- inspect
def _summary(name):
    """INPUT / PARAM / OUTPUT lines of MindSpore's dump of ``name``."""
    text = (GEN_SAMPLES_DUMPS / f"{name}.summary.txt").read_text()
    inputs = [(m[1], [tuple(d) for _, d in ast.literal_eval(m[2])][0])
              for m in re.finditer(r"^  INPUT  (\S+) (\[.*\])$", text, re.M)]
    params = [(m[1], tuple(ast.literal_eval(m[3])), m[2]) for m in re.finditer(
        r"^  PARAM  (\S+) (\w+) (\[[^\]]*\]) ref_key=", text, re.M)]
    outputs = [[tuple(d) for _, d in ast.literal_eval(m[1])] for m in re.finditer(
        r"^  OUTPUT \S+ (\[.*\])$", text, re.M)]
    return inputs, params, outputs


GEN_SAMPLES_DUMPS = FIXTURES.parents[2] / "shared" / "reference" / "samples" / "dumps"
_MS_DTYPE = {"FLOAT": "Float32", "INT32": "Int32", "FLOAT16": "Float16", "BFLOAT16": "BFloat16",
             "DOUBLE": "Float64"}


@pytest.mark.parametrize("name", ["lenet5.mindir", "lenet5_userinfo.mindir", "mixed.mindir", "tutorial.mindir",
                                  "tutorial_network.mindir"])
def test_inspect_lists_what_mindspore_dumped(samples, capsys, name):
    assert main(["inspect", str(samples / name), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    inputs, params, outputs = _summary(name)
    assert [(t["name"], tuple(t["shape"])) for t in info["inputs"]] == inputs
    assert [(p["name"], tuple(p["shape"]), p["dtype"]) for p in info["parameters"]] == [
        (n, s, _MS_DTYPE[d]) for n, s, d in params]
    assert all(p["bytes"] == 4 * int(np.prod(p["shape"])) for p in info["parameters"])
    if outputs[0]:
        assert [tuple(t["shape"]) for t in info["outputs"]] == outputs[0]
    assert info["encrypted"] is None and info["external_data"] == []
    if name == "lenet5_userinfo.mindir":
        assert info["user_info"] == {"version": "11.0"}


def test_inspect_text_primitives(capsys):
    assert main(["inspect", str(MINDIR / "ms" / "basic_block.mindir")]) == 0
    out = capsys.readouterr().out
    counts = dict(re.findall(r"^  (\w+)\s+(\d+)$", out.split("primitives")[1].split("parameters")[0], re.M))
    assert counts["Conv2D"] == "3" and counts["BatchNorm"] == "3" and counts["MaxPool"] == "1"
    assert re.search(r"^  x\s+2x3x16x16\s+Float32$", out, re.M)
    assert re.search(r"^  down_sample_layer\.1\.moving_variance\s+8\s+Float32\s+32$", out, re.M)
    assert "total: 15 parameters" in out


def test_inspect_encrypted_and_external(samples, capsys):
    assert main(["inspect", str(samples / "lenet5_enc.mindir"), "--dec-key", KEY, "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["encrypted"] == "AES-GCM" and [p["name"] for p in info["parameters"]][:2] == ["conv1.weight",
                                                                                                "conv2.weight"]
    assert main(["inspect", str(samples / "lenet5_enc.mindir")]) == 1
    assert "decrypt failed" in capsys.readouterr().err
    assert main(["inspect", str(MINDIR / "ms" / "lenet5_split_graph.mindir"), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    manifest = json.loads((MINDIR / "manifest.json").read_text())["lenet5_split"]["files"]
    assert info["external_data"] == [f for f in manifest if not f.endswith(".mindir")]
    assert info["parameter_bytes"] == 246736


def test_inspect_subprocess():
    """The installed entry point, as a user runs it."""
    r = subprocess.run([sys.executable, "-c", "import sys; from msshim.cli import main; sys.exit(main())",
                        "inspect", str(MINDIR / "ms" / "embed_ln.mindir")], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert re.search(r"^  ids\s+2x5\s+Int32$", r.stdout, re.M)
    assert re.search(r"^  embedding\.embedding_table\s+20x8\s+Float32\s+640$", r.stdout, re.M)


def test_mindir_to_onnx_bfloat16_kept_or_float32(tmp_path, samples):
    import onnx

    kept, lowered = tmp_path / "k.onnx", tmp_path / "f.onnx"
    assert main(["convert", str(samples / "dense_bf16.mindir"), str(kept)]) == 0
    assert {t.data_type for t in onnx.load(str(kept)).graph.initializer} == {onnx.TensorProto.BFLOAT16}
    assert main(["convert", str(samples / "dense_bf16.mindir"), str(lowered), "--float32"]) == 0
    model = onnx.load(str(lowered))
    assert {t.data_type for t in model.graph.initializer} == {onnx.TensorProto.FLOAT}
    session = ort.InferenceSession(str(lowered), providers=["CPUExecutionProvider"])
    shape = [int(d) for d in session.get_inputs()[0].shape]
    assert session.run(None, {session.get_inputs()[0].name: np.ones(shape, np.float32)})[0].shape == (1, 3)


def test_garbage_mindir(tmp_path, capsys):
    """MindSpore's own message for a file that is not MindIR; nothing written."""
    bad = tmp_path / "bad.mindir"
    bad.write_bytes((MINDIR / "ms" / "lenet5.mindir").read_bytes()[:1000])
    assert main(["convert", str(bad), str(tmp_path / "bad.onnx")]) == 1
    assert capsys.readouterr().err == "msshim convert: error: Load MindIR failed.\n"
    assert main(["inspect", str(bad)]) == 1
    assert capsys.readouterr().err == "msshim inspect: error: Load MindIR failed.\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.mindir"]


def test_unsupported_onnx_reports_every_operator(tmp_path, capsys):
    from onnx import TensorProto, helper

    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])
    graph = helper.make_graph([helper.make_node("Hardmax", ["x"], ["h"]), helper.make_node("Round", ["h"], ["y"])],
                              "g", [x], [y])
    src = tmp_path / "u.onnx"
    src.write_bytes(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]).SerializeToString())
    assert main(["convert", str(src), str(tmp_path / "u.mindir")]) == 1
    err = capsys.readouterr().err
    assert "unsupported operators: Hardmax (1 node" in err
    assert "Round (1 node" in err  # reported although it only sees Hardmax's (untranslated) output
    assert not (tmp_path / "u.mindir").exists()
