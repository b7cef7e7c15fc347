"""Real MindSpore 2.10 reads what msshim writes.

``fixtures/serialization/make_roundtrip.py`` had msshim's save_checkpoint write append_dicts of every kind,
crc, three encryptions, async (thread / process) saves, list and dict save_obj, safetensors and converted
files, and a 600 MiB tensor (sliced at 512 MiB; plain, async and encrypted); real MindSpore loaded them and
``roundtrip.json`` records what it got (names, dtypes, shapes, sha256 of the values).  Here the same data is
regenerated and must match that record, and msshim must still write the very bytes MindSpore read.
"""
from __future__ import annotations

import hashlib
import json
import pathlib
import sys

import numpy as np
import pytest

import mindspore as ms
from mindspore import Parameter, Tensor, nn
from msshim.common.tensor import Tensor as _Tensor
from msshim.train import serialization as ser

FIX = pathlib.Path(__file__).resolve().parent / "fixtures" / "serialization"
sys.path.insert(0, str(FIX))
import make_roundtrip as mk  # noqa: E402
import sample_nets as sn  # noqa: E402

RECORD = json.loads((FIX / "roundtrip.json").read_text(encoding="utf-8"))
READ = RECORD["mindspore_read"]


def _sha(arr: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(arr).tobytes()).hexdigest()


def _describe(name: str, value) -> list:
    """make_roundtrip.describe for what msshim was asked to save (MindSpore's append_dict conversions)."""
    if isinstance(value, str):
        return [name, "str", value]
    if not isinstance(value, _Tensor):
        value = Tensor(value)  # int -> Int64, float -> Float32, np.float64 -> Float64, bool -> Bool
    arr = value.asnumpy()
    return [name, str(value.dtype), list(arr.shape), _sha(arr)]


def _saved_entries(obj, kwargs) -> list:
    """The (name, value) pairs save_checkpoint was given, in the order it writes them."""
    if isinstance(obj, nn.Cell):
        pairs = [(p.name, p) for _, p in obj.parameters_and_names()]
    elif isinstance(obj, list):
        pairs = [(d["name"], d["data"]) for d in obj]
    else:
        pairs = list(obj.items())
    pairs += list((kwargs.get("append_dict") or {}).items())
    if kwargs.get("format") == "safetensors":
        pairs.sort()
    return pairs


@pytest.fixture(scope="module")
def built():
    return mk.cases(ms, with_big=False)


@pytest.fixture(scope="module")
def big_sha() -> str:
    return _sha(mk.big_array())


def _expected(name, built, big_sha=None) -> list:
    obj, kwargs = built[name]
    out = []
    for key, value in _saved_entries(obj, kwargs):
        if key == "big" and name in mk.BIG:
            out.append(["big", "Float32", list(mk.BIG_SHAPE), big_sha])
            continue
        if not kwargs.get("async_save") and isinstance(value, _Tensor) and value.size == 0:
            continue  # MindSpore's byte path writes nothing for a zero-size tensor
        out.append(_describe(key, value))
    return out


SMALL = [n for n in mk.FILES if n not in mk.BIG and not n.startswith("converted")]


def test_record_covers_every_file():
    assert set(READ) == set(mk.FILES) | {"load_param_into_net(LeNet5, append.ckpt)"}
    assert RECORD["big_included"]


@pytest.mark.parametrize("name", SMALL)
def test_mindspore_read_what_msshim_saved(built, name):
    assert READ[name] == _expected(name, built)


def test_mindspore_read_the_append_dict_types(built):
    kinds = {row[0]: row[1:3] if row[1] != "str" else row[1:] for row in READ["append.ckpt"]}
    assert kinds["epoch_num"] == ["Int64", []] and kinds["lr"] == ["Float32", []]
    assert kinds["flag"] == ["Bool", []] and kinds["f64"] == ["Float64", []] and kinds["bf"] == ["BFloat16", [2]]
    assert kinds["note"] == ["str", mk.NOTE] and kinds["blank"] == ["str", ""]


@pytest.mark.parametrize("name", mk.BIG)
def test_mindspore_read_the_600mib_tensor(built, big_sha, name):
    assert READ[name] == _expected(name, built, big_sha)


def test_mindspore_read_the_converted_files(built):
    lenet = [(mk.CONVERT_MAP.get(p.name, p.name), p) for _, p in built["append.ckpt"][0].parameters_and_names()]
    assert READ["converted.safetensors"] == [_describe(k, v) for k, v in sorted(lenet)]
    dtypes = sorted((k, v) for k, v in built["dtypes.ckpt"][0].items() if k != "empty")
    assert READ["converted.ckpt"] == [_describe(k, v) for k, v in dtypes]


def test_load_param_into_net_like_mindspore(built, tmp_path):
    obj, kwargs = built["append.ckpt"]
    ms.save_checkpoint(obj, str(tmp_path / "a.ckpt"), **kwargs)
    got = ms.load_param_into_net(sn.LeNet5(), ms.load_checkpoint(str(tmp_path / "a.ckpt")))
    assert [list(x) for x in got] == READ["load_param_into_net(LeNet5, append.ckpt)"]


@pytest.mark.parametrize("name", sorted(RECORD["msshim_file_sha256"]))
def test_msshim_still_writes_the_bytes_mindspore_read(built, tmp_path, name):
    if name == "converted.ckpt":
        st = tmp_path / "dtypes.safetensors"
        ms.save_checkpoint(*built["dtypes.safetensors"][:1], str(st), **built["dtypes.safetensors"][1])
        ms.safetensors_to_ckpt(str(st), save_path=str(tmp_path / "out"))
        path = tmp_path / "out" / "dtypes.ckpt"
    else:
        obj, kwargs = built[name]
        path = tmp_path / name
        ms.save_checkpoint(obj, str(path), **kwargs)
        ser._wait_async_save()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == RECORD["msshim_file_sha256"][name]


def test_msshim_reads_its_own_files_like_mindspore(built, tmp_path):
    """msshim's load_checkpoint gives what MindSpore gave (encrypted ones included: fresh IVs each time)."""
    for name in SMALL:
        obj, kwargs = built[name]
        ms.save_checkpoint(obj, str(tmp_path / name), **kwargs)
        ser._wait_async_save()
        loaded = ms.load_checkpoint(str(tmp_path / name), **mk.FILES[name])
        assert [_describe(k, v) for k, v in loaded.items()] == READ[name], name
        for value in loaded.values():
            assert isinstance(value, (Parameter, str))
