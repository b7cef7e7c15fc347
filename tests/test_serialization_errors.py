"""Bad input through the public checkpoint API: MindSpore 2.10's exception types and messages, nothing else.

``fixtures/serialization/error_cases.py`` holds ~115 calls written against the public MindSpore API;
``make_messages.py`` ran them with real MindSpore 2.10 into ``messages.json`` and here msshim must return or
raise exactly the same (paths normalised).  Then what MindSpore cannot show: a failed save keeps the previous
file, asynchronous failures are reported, and a fuzz of load_checkpoint never leaks a parser error.
"""
from __future__ import annotations

import errno
import json
import os
import pathlib
import re
import stat
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mindspore as ms
from mindspore import Parameter, Tensor
from mindspore.common import dtype as mstype
from msshim.train import serialization as ser
from msshim.train.ckpt_format import RawTensor, serialize_checkpoint

FIX = pathlib.Path(__file__).resolve().parent / "fixtures" / "serialization"
sys.path.insert(0, str(FIX))
import error_cases  # noqa: E402

MESSAGES = json.loads((FIX / "messages.json").read_text(encoding="utf-8"))
KEY = b"0123456789abcdef"

# Where msshim knowingly differs from MindSpore 2.10: what msshim gives instead.
DIVERGENT = {
    # MindSpore reshapes, then set_data()s the *unreshaped* value: the Dense weight ends up (3, 4, 1, 1).
    "lpin_trailing_ok": "OK: ((['bias'], []), [('weight', 'Float32', (3, 4), [[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, "
                        "7.0], [8.0, 9.0, 10.0, 11.0]]), ('bias', 'Float32', (3,), None)])",
    # Loading shares memory as in MindSpore (ops.assign on the net shows in the dict), but msshim's core
    # Parameter.set_data writes in place where MindSpore's swaps the data: the dict's set_data reaches the net.
    "lpin_shares_memory": "OK: ([[5.0, 5.0, 5.0, 5.0], [5.0, 5.0, 5.0, 5.0], [5.0, 5.0, 5.0, 5.0]], [9.0, 9.0, 9.0], "
                          "[[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0], [8.0, 9.0, 10.0, 11.0]])",
    # MindSpore hands the str to the safetensors library, which fails with its own SafetensorError.
    "conv_str_entry": "TypeError: For 'save_checkpoint', the string value of 'note' cannot be saved in the "
                      "safetensors format.",
}


def _class_names(text: str) -> str:
    """``<class 'abc.Parameter'>`` / ``<class 'msshim.common.parameter.Parameter'>`` -> ``<class 'Parameter'>``."""
    return re.sub(r"<class '(?:[\w.]+\.)?(\w+)'>", r"<class '\1'>", text)


def test_every_case_was_recorded():
    assert set(MESSAGES) == set(error_cases.CASES)


@pytest.mark.parametrize("name", sorted(error_cases.CASES))
def test_same_outcome_as_mindspore(name, samples, tmp_path):
    got = error_cases.run(error_cases.CASES[name], error_cases.Ctx(str(tmp_path), str(samples)))
    expected = DIVERGENT.get(name, MESSAGES[name])
    assert _class_names(got) == _class_names(expected)


@pytest.mark.parametrize("name", sorted(DIVERGENT))
def test_divergences_are_still_divergences(name):
    """If MindSpore's recorded outcome ever matched msshim's, the DIVERGENT entry would be stale."""
    assert MESSAGES[name] != DIVERGENT[name]


# ----------------------------------------------------------------------------------- failed saves
def _existing(tmp_path) -> tuple[str, bytes]:
    path = str(tmp_path / "keep.ckpt")
    ms.save_checkpoint({"w": Parameter(Tensor(np.arange(4, dtype=np.float32)), name="w")}, path)
    return path, pathlib.Path(path).read_bytes()


def _left_intact(tmp_path, path: str, data: bytes) -> None:
    assert pathlib.Path(path).read_bytes() == data
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o400
    assert sorted(os.listdir(tmp_path)) == ["keep.ckpt"]  # no keep.tmp left behind


def test_unserialisable_entry_midway_keeps_old_file(tmp_path):
    path, data = _existing(tmp_path)
    bad = {"a": Parameter(Tensor(np.ones((64, 64), np.float32)), name="a"),
           "f8": Parameter(Tensor(np.ones(3, np.float32), mstype.float8_e4m3fn), name="f8"),
           "b": Parameter(Tensor(np.ones(3, np.float32)), name="b")}
    with pytest.raises(TypeError, match="Cannot save 'f8'"):
        ms.save_checkpoint(bad, path)
    _left_intact(tmp_path, path, data)


@pytest.mark.parametrize("where", ["write", "rename"])
def test_disk_failure_keeps_old_file(tmp_path, monkeypatch, where):
    path, data = _existing(tmp_path)
    from msshim.train.ckpt_format import writer, atomic

    def boom(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    if where == "write":
        real = writer.iter_value_chunks

        def chunks(name, value, **kw):
            if name == "second":
                boom()
            return real(name, value, **kw)

        monkeypatch.setattr(writer, "iter_value_chunks", chunks)
    else:
        monkeypatch.setattr(atomic.os, "replace", boom)
    new = {"first": Parameter(Tensor(np.zeros(8, np.float32)), name="first"),
           "second": Parameter(Tensor(np.zeros(8, np.float32)), name="second")}
    with pytest.raises(OSError, match="No space left"):
        ms.save_checkpoint(new, path)
    _left_intact(tmp_path, path, data)


@pytest.mark.parametrize("mode", [True, "thread", "process"])
def test_async_failure_is_raised_by_the_next_save(tmp_path, monkeypatch, mode):
    """The worker's error (a forked process only has its exit code) comes out of the next save, which then
    writes nothing; the file the failed save targeted is untouched."""
    path, data = _existing(tmp_path)

    def fail(*args, **kwargs):
        raise OSError("disk")

    monkeypatch.setattr(ser.fmt, "write_checkpoint", fail)  # a forked child inherits the patch
    ms.save_checkpoint({"w": Parameter(Tensor(np.zeros(2, np.float32)), name="w")}, path, async_save=mode)
    expected = "asynchronous save process failed" if mode == "process" else "disk"
    with pytest.raises((OSError, RuntimeError), match=expected):
        ms.save_checkpoint({"w": Parameter(Tensor(np.zeros(2, np.float32)), name="w")}, str(tmp_path / "next"))
    assert not (tmp_path / "next.ckpt").exists()
    _left_intact(tmp_path, path, data)
    ser._wait_async_save()  # nothing pending any more


def test_directory_and_bad_obj_errors(tmp_path):
    with pytest.raises(IsADirectoryError):
        ms.save_checkpoint(ms.nn.Dense(2, 2), str(tmp_path))
    with pytest.raises(TypeError):
        ms.save_checkpoint("not a cell", str(tmp_path / "x"))
    with pytest.raises(TypeError):
        ms.save_checkpoint(ms.nn.Dense(2, 2), str(tmp_path / "x"), append_dict={"a": object()})
    with pytest.raises(TypeError):  # msshim: any other dict value is refused before anything is written
        ms.save_checkpoint({"a": 1.5}, str(tmp_path / "x"))
    assert os.listdir(tmp_path) == []


def test_enc_checks_happen_before_writing(tmp_path):
    """MindSpore's C++ says "Encrypt failed" after it has already deleted the old file; msshim checks first."""
    path, data = _existing(tmp_path)
    with pytest.raises(ValueError, match="Encrypt failed: mode only supports"):
        ms.save_checkpoint(ms.nn.Dense(2, 2), path, enc_key=KEY, enc_mode="AES-XTS")
    with pytest.raises(ValueError, match="Encrypt failed: the key length must be 16, but got key length is 24"):
        ms.save_checkpoint(ms.nn.Dense(2, 2), path, enc_key=KEY + b"x" * 8, enc_mode="SM4-CBC")
    _left_intact(tmp_path, path, data)


# ----------------------------------------------------------------------------------- unknown dtypes
@pytest.mark.parametrize("tensor_type", ["Uint16", "Complex128", "Float8E4M3FN", "float32", "", "Int3", "String"])
def test_unknown_tensor_type_strings(tmp_path, tensor_type):
    """1.x spellings and types numpy knows but MindSpore 2.10 does not load are refused like MindSpore."""
    path = tmp_path / "t.ckpt"
    shape = {"Uint16": (8,), "Complex128": (1,), "float32": (4,)}.get(tensor_type, (16,))
    path.write_bytes(serialize_checkpoint([("ok", np.ones(2, np.float32)),
                                           ("bad", RawTensor(shape, tensor_type, b"\0" * 16))]))
    with pytest.raises(ValueError) as info:
        ms.load_checkpoint(str(path))
    assert str(info.value) == (f"{tensor_type!r}\nFor 'load_checkpoint', failed to load the checkpoint file "
                               f"{os.path.realpath(path)}.")
    assert sorted(ms.load_checkpoint(str(path), choice_func=lambda n: n == "ok")) == ["ok"]  # filtered first


# ----------------------------------------------------------------------------------- fuzz
_SEEDS = ["small.ckpt", "crc_small.ckpt", "append_types.ckpt", "dtypes.ckpt", "sliced_patched.ckpt",
          "enc_aes_gcm.ckpt", "enc_aes_cbc.ckpt", "enc_sm4_cbc.ckpt", "half.ckpt"]
_KNOWN = re.compile(r"Failed to read the checkpoint file .*|The loaded parameter dict is empty.*|"
                    r"'.*'\nFor 'load_checkpoint', failed to load the checkpoint file .*|"
                    r"[^\n]*\nFor 'load_checkpoint', failed to load the checkpoint file .*", re.S)


def _mutate(data: bytes, ops) -> bytes:
    buf = bytearray(data)
    for kind, pos, value in ops:
        pos = pos % (len(buf) + 1)
        if kind == "flip" and buf:
            buf[pos % len(buf)] ^= value or 1
        elif kind == "cut":
            del buf[pos:]
        elif kind == "insert":
            buf[pos:pos] = bytes([value])
        else:
            del buf[pos:pos + value % 8 + 1]
    return bytes(buf)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.sampled_from(_SEEDS),
       ops=st.lists(st.tuples(st.sampled_from(["flip", "cut", "insert", "delete"]), st.integers(0, 4000),
                              st.integers(0, 255)), min_size=1, max_size=4),
       crc=st.booleans(), with_key=st.booleans())
def test_load_checkpoint_fuzz_only_raises_mindspore_valueerrors(samples, tmp_path, seed, ops, crc, with_key):
    path = tmp_path / "fuzz.ckpt"
    if path.exists():
        path.chmod(0o600)
    path.write_bytes(_mutate((samples / seed).read_bytes(), ops))
    mode = {"enc_aes_cbc.ckpt": "AES-CBC", "enc_sm4_cbc.ckpt": "SM4-CBC"}.get(seed, "AES-GCM")
    try:
        out = ms.load_checkpoint(str(path), crc_check=crc, dec_key=KEY if with_key else None, dec_mode=mode)
    except ValueError as e:
        assert type(e) is ValueError  # not a subclass from the format layer or protobuf
        assert _KNOWN.fullmatch(str(e)), str(e)
        if "The loaded parameter dict is empty" not in str(e):
            assert str(path) in str(e) or os.path.realpath(path) in str(e)
        return
    assert out and all(isinstance(v, (Parameter, str, list)) for v in out.values())
    for v in out.values():
        if isinstance(v, Parameter):
            v.asnumpy().sum()  # every array is usable
