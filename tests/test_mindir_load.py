"""mindspore.load on files real MindSpore 2.10 wrote (tests/fixtures/mindir/ms, ../shared/reference/samples):
parameters, signatures, encryption, external data, and every bad-input case with MindSpore's type and message
(messages recorded from real 2.10, see shared/reference/mindspore-2.10-formats.md section 4.3)."""
from __future__ import annotations

import io
import json
import os
import shutil

import numpy as np
import pytest

import mindspore as ms
from msshim.train._mindir.load import MindIRGraph
from msshim.train.ckpt_format.crypto import FrameEncryptor, decrypt_frames

from conftest import FIXTURES

MS = FIXTURES / "mindir" / "ms"
MANIFEST = json.loads((FIXTURES / "mindir" / "manifest.json").read_text())
KEY = b"0123456789abcdef"
CASES = ["tutorial_mlp", "lenet5", "basic_block", "embed_ln", "grouped_deconv"]

LOAD_FAILED = "Load MindIR failed."
DECRYPT_FAILED = ("Load MindIR failed. The file may be encrypted and decrypt failed, you can check whether the "
                  "values of the arguments 'dec_key' and 'dec_mode' are the same as when exported MindIR file, "
                  "or check the file integrity.")


def _copy(tmp_path, src, name):
    dst = tmp_path / name
    shutil.copyfile(src, dst)
    os.chmod(dst, 0o600)
    return dst


@pytest.mark.parametrize("case", CASES)
def test_parameters_and_signature_match_mindspore(case):
    graph = ms.load(str(MS / f"{case}.mindir"))
    assert isinstance(graph, MindIRGraph)
    info = MANIFEST[case]
    # MindSpore's own parameter list (names and shapes; the graph orders them by first use)
    assert sorted((n, list(a.shape)) for n, a in graph.parameters.items()) == sorted(
        (n, s) for n, s in info["params"])
    assert [(list(spec.shape), str(spec.dtype)) for _, spec in graph.inputs] == [
        (s, d) for s, d in info["inputs"]]
    for array in graph.parameters.values():
        assert array.dtype == np.float32 and np.isfinite(array).all() and array.any()


def test_input_names_are_construct_arguments():
    assert [n for n, _ in ms.load(str(MS / "embed_ln.mindir")).inputs] == ["ids"]
    assert [n for n, _ in ms.load(str(MS / "lenet5.mindir")).inputs] == ["x"]


def test_encrypted_file_loads_with_its_key():
    plain = ms.load(str(MS / "lenet5.mindir"))
    enc = ms.load(str(MS / "lenet5_enc.mindir"), dec_key=KEY)
    enc2 = ms.load(str(MS / "lenet5_enc.mindir"), dec_key=KEY, dec_mode="AES-GCM")
    assert list(enc.parameters) == list(plain.parameters) == list(enc2.parameters)
    for name, array in plain.parameters.items():
        np.testing.assert_array_equal(enc.parameters[name], array)


@pytest.mark.parametrize("kwargs", [
    {},                                              # no key
    {"dec_key": b"0123456789abcdeX"},                # wrong key
    {"dec_key": KEY, "dec_mode": "AES-CBC"},         # wrong mode
    {"dec_key": KEY, "dec_mode": "XYZ"},             # unknown mode
    {"dec_key": b"0123"},                            # bad key length
    {"dec_key": KEY, "dec_mode": lambda data, key: b"garbage"},
    {"dec_key": KEY, "dec_mode": lambda data, key: 1 / 0},
])
def test_encrypted_file_without_the_right_key(kwargs):
    with pytest.raises(RuntimeError) as e:
        ms.load(str(MS / "lenet5_enc.mindir"), **kwargs)
    assert str(e.value) == DECRYPT_FAILED


def test_plain_file_with_a_key_fails_like_mindspore():
    with pytest.raises(RuntimeError) as e:
        ms.load(str(MS / "lenet5.mindir"), dec_key=KEY)
    assert str(e.value) == LOAD_FAILED


def test_customized_decryption_function():
    def decrypt(data: bytes, key: bytes) -> bytes:
        buf, n, _ = decrypt_frames(io.BytesIO(data), len(data), key, "AES-GCM")
        return bytes(buf[:n])

    graph = ms.load(str(MS / "lenet5_enc.mindir"), dec_key=KEY, dec_mode=decrypt)
    np.testing.assert_array_equal(graph.parameters["fc3.bias"], ms.load(str(MS / "lenet5.mindir")).parameters["fc3.bias"])


@pytest.mark.parametrize("mode", ["AES-CBC", "SM4-CBC", "AES-GCM"])
def test_other_cipher_modes(tmp_path, mode):
    chunks = []
    enc = FrameEncryptor(KEY, mode, chunks.append)
    enc.feed((MS / "tutorial_mlp.mindir").read_bytes())
    enc.close()
    path = tmp_path / "enc.mindir"
    path.write_bytes(b"".join(chunks))
    graph = ms.load(str(path), dec_key=KEY, dec_mode=mode)
    assert list(graph.parameters) == list(ms.load(str(MS / "tutorial_mlp.mindir")).parameters)


@pytest.mark.parametrize("bad", ["0123456789abcdef", None, 16])
def test_dec_key_must_be_bytes(bad):
    with pytest.raises(ValueError) as e:
        ms.load(str(MS / "lenet5_enc.mindir"), dec_key=bad)
    assert str(e.value) == f"The parameter 'dec_key' must be isinstance of {bytes}, but got {bad}."


def test_dec_mode_must_be_str_or_callable():
    with pytest.raises(ValueError) as e:
        ms.load(str(MS / "lenet5_enc.mindir"), dec_key=KEY, dec_mode=3)
    assert str(e.value) == f"The parameter 'dec_mode' must be isinstance of {str}, but got 3."


def test_external_data_files():
    split = ms.load(str(MS / "lenet5_split_graph.mindir"))
    plain = ms.load(str(MS / "lenet5.mindir"))
    assert list(split.parameters) == list(plain.parameters)
    for name, array in plain.parameters.items():
        np.testing.assert_array_equal(split.parameters[name], array)


def test_external_data_relative_to_the_graph_file_not_the_cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    graph = ms.load(os.path.relpath(MS / "lenet5_split_graph.mindir", tmp_path))
    assert graph.parameters["conv1.weight"].shape == (6, 1, 5, 5)


def test_missing_external_data_file_is_named(tmp_path):
    path = _copy(tmp_path, MS / "lenet5_split_graph.mindir", "lenet5_split_graph.mindir")
    with pytest.raises(RuntimeError) as e:
        ms.load(str(path))
    assert str(e.value).startswith(LOAD_FAILED)
    assert "lenet5_split_variables/data_0" in str(e.value)


def test_truncated_external_data_file(tmp_path):
    path = _copy(tmp_path, MS / "lenet5_split_graph.mindir", "lenet5_split_graph.mindir")
    (tmp_path / "lenet5_split_variables").mkdir()
    data = (MS / "lenet5_split_variables" / "data_0").read_bytes()
    (tmp_path / "lenet5_split_variables" / "data_0").write_bytes(data[:1000])
    with pytest.raises(RuntimeError) as e:
        ms.load(str(path))
    assert "lies outside its data file" in str(e.value) and "data_0" in str(e.value)


def test_encrypted_split_model(tmp_path):
    """MindSpore encrypts the graph file and, frame by frame, the data files; offsets index the plaintext."""
    def encrypt(data: bytes) -> bytes:
        out = []
        enc = FrameEncryptor(KEY, "AES-GCM", out.append)
        enc.feed(data)
        enc.close()
        return b"".join(out)

    (tmp_path / "lenet5_split_variables").mkdir()
    (tmp_path / "m_graph.mindir").write_bytes(encrypt((MS / "lenet5_split_graph.mindir").read_bytes()))
    data = (MS / "lenet5_split_variables" / "data_0").read_bytes()
    (tmp_path / "lenet5_split_variables" / "data_0").write_bytes(encrypt(data[:64]) + encrypt(data[64:]))
    graph = ms.load(str(tmp_path / "m_graph.mindir"), dec_key=KEY)
    np.testing.assert_array_equal(graph.parameters["fc1.weight"],
                                  ms.load(str(MS / "lenet5.mindir")).parameters["fc1.weight"])


def test_file_name_must_be_str():
    with pytest.raises(ValueError) as e:
        ms.load(123)
    assert str(e.value) == "For 'load', the argument 'file_name' must be string, but got <class 'int'>."


def test_file_name_must_end_with_mindir(tmp_path):
    path = _copy(tmp_path, MS / "lenet5.mindir", "lenet5.bin")
    with pytest.raises(ValueError) as e:
        ms.load(str(path))
    assert str(e.value) == ("For 'load', the argument 'file_name'(MindIR file) should end with '.mindir', please "
                            "input the correct 'file_name'.")


def test_missing_file(tmp_path):
    with pytest.raises(ValueError) as e:
        ms.load(str(tmp_path / "nope.mindir"))
    assert str(e.value) == ("For 'load', the argument 'file_name'(MindIR file) does not exist, please check whether "
                            "the 'file_name' is correct.")


def test_obfuscation_is_not_supported():
    with pytest.raises(NotImplementedError) as e:
        ms.load(str(MS / "lenet5.mindir"), obf_func=lambda x: x)
    assert str(e.value) == "Dynamic model structure obfuscation is no longer supported."


def _bad_files():
    lenet = (MS / "lenet5.mindir").read_bytes()
    files = {
        "empty": b"",
        "garbage": bytes(np.random.RandomState(0).randint(0, 256, 300, dtype=np.uint8)),
        "truncated_head": lenet[:1000],
        "truncated_middle": lenet[:200000],
        "truncated_at_primitives": _cut_before_primitives(lenet),
        "text": b"this is not a MindIR file\n" * 20,
        "proto_descriptor": (FIXTURES / "mindir" / "mind_ir_descriptor.bin").read_bytes(),
    }
    return files


def _cut_before_primitives(data: bytes) -> bytes:
    """The file up to its primitives table: parses as protobuf but nodes reference missing primitives."""
    from msshim._proto import mind_ir_pb2 as pb

    model = pb.ModelProto()
    model.ParseFromString(data)
    del model.primitives[:]
    return model.SerializeToString()


@pytest.mark.parametrize("kind", list(_bad_files()))
def test_unloadable_files_fail_like_mindspore(tmp_path, kind):
    path = tmp_path / f"{kind}.mindir"
    path.write_bytes(_bad_files()[kind])
    with pytest.raises(RuntimeError) as e:
        ms.load(str(path))
    assert str(e.value) == LOAD_FAILED


@pytest.mark.parametrize("name", ["lenet5.onnx", "lenet5.ckpt"])
def test_other_formats_renamed_fail_like_mindspore(samples, tmp_path, name):
    path = _copy(tmp_path, samples / name, name + ".mindir")
    with pytest.raises(RuntimeError) as e:
        ms.load(str(path))
    assert str(e.value) == LOAD_FAILED


def test_directory_named_mindir(tmp_path):
    (tmp_path / "d.mindir").mkdir()
    with pytest.raises(RuntimeError) as e:
        ms.load(str(tmp_path / "d.mindir"))
    assert str(e.value) == LOAD_FAILED


def test_reference_samples_load(samples):
    for name in ["tutorial", "tutorial_network", "lenet5", "mixed", "lenet5_userinfo", "dense_fp16",
                 "dense_bf16", "dense_f64"]:
        graph = ms.load(str(samples / f"{name}.mindir"))
        assert graph.parameters and graph.inputs
    report = json.loads((samples / "report.json").read_text())["run_mindir"]
    assert [[n, list(a.shape)] for n, a in ms.load(str(samples / "tutorial.mindir")).parameters.items()] == \
        report["tutorial.mindir"]["graphcell_params"]
    assert ms.load(str(samples / "dense_bf16.mindir")).parameters["weight"].dtype.name == "bfloat16"
    assert ms.load(str(samples / "dense_f64.mindir")).parameters["weight"].dtype == np.float64


def test_primitives_listed():
    assert ms.load(str(MS / "lenet5.mindir")).primitives() == [
        "Load", "Conv2D", "ReLU", "MaxPool", "Flatten", "MatMul", "BiasAdd", "MakeTuple", "UpdateState", "Depend"]


@pytest.mark.parametrize("damage", ["short_raw_data", "unknown_data_type"])
def test_inconsistent_parameter_fails_like_mindspore(tmp_path, damage):
    from msshim._proto import mind_ir_pb2 as pb

    model = pb.ModelProto()
    model.ParseFromString((MS / "lenet5.mindir").read_bytes())
    param = model.graph.parameter[0]
    if damage == "short_raw_data":
        param.raw_data = param.raw_data[:-4]
    else:
        param.data_type = 99
    path = tmp_path / f"{damage}.mindir"
    path.write_bytes(model.SerializeToString())
    with pytest.raises(RuntimeError) as e:
        ms.load(str(path))
    assert str(e.value) == LOAD_FAILED
