"""save_checkpoint / load_checkpoint / load_param_into_net against the files real MindSpore 2.10 wrote
(../shared/reference/samples, report.json = what MindSpore itself read back and raised).

* every sample loads with MindSpore's names (in file order), dtypes, shapes and values (bf16 exact);
* every non-encrypted sample is written again through the public API — from a Cell with the same
  deterministic weights, from the dict load_checkpoint returned, from lists — with the same bytes;
* report.json's ``load_param_into_net`` and ``corrupt_tests`` outcomes, messages included.
"""
from __future__ import annotations

import json
import os
import pathlib
import stat
import sys

import numpy as np
import pytest
import torch

import mindspore as ms
from mindspore import Parameter, Tensor, nn
from mindspore.common import dtype as mstype
from msshim.train import serialization as ser

FIX = pathlib.Path(__file__).resolve().parent / "fixtures" / "serialization"
sys.path.insert(0, str(FIX))
import sample_nets as sn  # noqa: E402

KEY = b"0123456789abcdef"
LOADED = ["tutorial.ckpt", "mixed.ckpt", "dtypes.ckpt", "append.ckpt", "append_types.ckpt", "crc.ckpt",
          "list_of_dicts.ckpt", "half.ckpt", "noext.ckpt"]


@pytest.fixture(scope="module")
def report(samples):
    return json.loads((samples / "report.json").read_text(encoding="utf-8"))


def _describe(value):
    if isinstance(value, Parameter):
        return ["Parameter", str(value.dtype), list(value.shape)]
    return [type(value).__name__, repr(value)]


# ------------------------------------------------------------------------------------------- loading
@pytest.mark.parametrize("name", LOADED)
def test_load_matches_mindspore(samples, report, name):
    loaded = ms.load_checkpoint(str(samples / name))
    assert list(loaded) == list(report["load_report"][name])  # file order
    assert {k: _describe(v) for k, v in loaded.items()} == report["load_report"][name]
    for k, v in loaded.items():
        if isinstance(v, Parameter):
            assert v.name == k and v.requires_grad is True


def test_values_match_mindspore(samples, report):
    for name, key in (("dtypes.ckpt", "dtypes_values"), ("append_types.ckpt", "append_types_values")):
        loaded = ms.load_checkpoint(str(samples / name))
        got = {k: (v if isinstance(v, str) else
                   (v.float() if v.dtype == mstype.bfloat16 else v).asnumpy().tolist()) for k, v in loaded.items()}
        assert got == report["load_report"][key]


def test_bfloat16_is_exact_torch_bfloat16(samples):
    loaded = ms.load_checkpoint(str(samples / "dtypes.ckpt"))
    f = np.random.RandomState(3).uniform(-2, 2, size=(2, 3)).astype(np.float32)
    t = loaded["bf16"]._t
    assert t.dtype == torch.bfloat16
    assert torch.equal(t.view(torch.int16), torch.from_numpy(f).to(torch.bfloat16).view(torch.int16))
    half = ms.load_checkpoint(str(samples / "half.ckpt"))
    assert half["1.weight"]._t.dtype == torch.bfloat16 and half["0.weight"]._t.dtype == torch.float16


@pytest.mark.parametrize("name", sorted(sn.NETS))
def test_weights_are_the_deterministic_ones(samples, name):
    make, seed = sn.NETS[name]
    net = sn.built(make, seed)
    loaded = ms.load_checkpoint(str(samples / name))
    assert list(loaded) == [p.name for _, p in net.parameters_and_names()]
    for _, p in net.parameters_and_names():
        assert loaded[p.name].dtype == p.dtype
        assert torch.equal(loaded[p.name]._t, p._t.detach())


@pytest.mark.parametrize("name", ["enc_aes_gcm.ckpt", "enc_aes_cbc.ckpt", "enc_sm4_cbc.ckpt", "py_enc_aes_gcm.ckpt",
                                  "py_enc_aes_cbc.ckpt", "py_enc_sm4_cbc.ckpt"])
def test_three_decryptions(samples, report, name):
    mode = {"gcm": "AES-GCM", "cbc": "AES-CBC"}.get(name.split("_")[-1][:-5], "SM4-CBC")
    mode = "SM4-CBC" if "sm4" in name else mode
    loaded = ms.load_checkpoint(str(samples / name), dec_key=KEY, dec_mode=mode)
    assert {k: v.asnumpy().tolist() for k, v in loaded.items()} == report["load_enc_aes_gcm.ckpt"]


def test_crc_checked_and_missing_crc_warns(samples, report, caplog):
    assert str(list(ms.load_checkpoint(str(samples / "crc.ckpt"), crc_check=True))) == report["load_crc_true"]
    caplog.clear()
    names = list(ms.load_checkpoint(str(samples / "tutorial.ckpt"), crc_check=True))
    assert str(names) == report["load_nocrc_with_crc_true"]
    assert "the ckpt file do not contain the crc code" in caplog.text


def test_slices_and_v1_files(samples):
    for name in ("sliced_patched.ckpt", "sliced_patched_np.ckpt"):
        w = ms.load_checkpoint(str(samples / name))["w"]
        assert w.shape == (7, 100) and np.array_equal(w.asnumpy(), np.arange(700, dtype=np.float32).reshape(7, 100))
    v1 = ms.load_checkpoint(str(samples / "v1style_scalar.ckpt"))
    assert [(k, v.shape) for k, v in v1.items()] == [("epoch_num", ()), ("lr", ()), ("w", (2,))]  # dims [0] -> ()
    assert int(v1["epoch_num"].asnumpy()) == 3 and v1["lr"].asnumpy() == np.float32(0.01)


def test_safetensors_samples(samples, report):
    got = ms.load_checkpoint(str(samples / "tutorial.safetensors"), format="safetensors")
    assert {k: [str(v.dtype), list(v.shape)] for k, v in got.items()} == report["load_safetensors"]
    assert list(got) == sorted(got)
    net = sn.built(sn.tutorial_seq, 0)
    for _, p in net.parameters_and_names():
        assert torch.equal(got[p.name]._t, p._t.detach())
    got = ms.load_checkpoint(str(samples / "dtypes_crc.safetensors"), format="safetensors", crc_check=True)
    assert {k: [str(v.dtype), list(v.shape)] for k, v in got.items()} == report["load_dtypes_crc.safetensors"]
    bf16 = ms.load_checkpoint(str(samples / "dtypes.safetensors"), format="safetensors")["bf16"]
    assert bf16._t.dtype == torch.bfloat16


# ------------------------------------------------------------------------------------------- writing
def _cell(name):
    make, seed = sn.NETS[name]
    return lambda: sn.built(make, seed)


def _loaded(samples, name, **kw):
    return lambda: ms.load_checkpoint(str(samples / name), **kw)


REWRITES = {
    # id: (sample, save_obj builder(samples), save kwargs)
    "tutorial-cell": ("tutorial.ckpt", lambda s: _cell("tutorial.ckpt")(), {}),
    "tutorial_network-cell": ("tutorial_network.ckpt", lambda s: _cell("tutorial_network.ckpt")(), {}),
    "mixed-cell": ("mixed.ckpt", lambda s: _cell("mixed.ckpt")(), {}),
    "lenet5-cell": ("lenet5.ckpt", lambda s: _cell("lenet5.ckpt")(), {}),
    "half-cell": ("half.ckpt", lambda s: _cell("half.ckpt")(), {}),
    "trainable_params-list": ("trainable_params.ckpt", lambda s: _cell("lenet5.ckpt")().trainable_params(), {}),
    "tutorial-param-list": ("tutorial.ckpt", lambda s: list(_cell("tutorial.ckpt")().get_parameters()), {}),
    "tutorial-dict-list": ("tutorial.ckpt", lambda s: [{"name": k, "data": v} for k, v in
                                                        _loaded(s, "tutorial.ckpt")().items()], {}),
    "list_of_dicts": ("list_of_dicts.ckpt", lambda s: [
        {"name": "a.weight", "data": Tensor(np.arange(6, dtype=np.float32).reshape(2, 3))},
        {"name": "b", "data": Parameter(Tensor(np.arange(4, dtype=np.int32)), name="zzz_ignored")}], {}),
    "dtypes-dict": ("dtypes.ckpt", lambda s: sn.dtype_params(), {}),
    "append-cell": ("append.ckpt", lambda s: _cell("tutorial.ckpt")(), {"append_dict": {"epoch_num": 3, "lr": 0.01}}),
    "append_types": ("append_types.ckpt", lambda s: {"w": Parameter(Tensor(np.ones((2,), np.float32)), name="w")},
                     {"append_dict": dict(sn.APPEND_TYPES, t=Tensor(np.array([1, 2], np.int32)))}),
    "crc-cell": ("crc.ckpt", lambda s: _cell("tutorial.ckpt")(), {"crc_check": True}),
    "crc_small": ("crc_small.ckpt", lambda s: sn.small(), {"crc_check": True}),
    "small": ("small.ckpt", lambda s: sn.small(), {}),
}
for _sample in ("tutorial.ckpt", "tutorial_network.ckpt", "mixed.ckpt", "lenet5.ckpt", "trainable_params.ckpt",
                "dtypes.ckpt", "half.ckpt", "list_of_dicts.ckpt", "append.ckpt", "append_types.ckpt", "small.ckpt",
                "noext.ckpt"):
    REWRITES[_sample[:-5] + "-loaded"] = (_sample, lambda s, n=_sample: _loaded(s, n)(), {})
for _sample in ("crc.ckpt", "crc_small.ckpt"):
    REWRITES[_sample[:-5] + "-loaded"] = (_sample, lambda s, n=_sample: _loaded(s, n, crc_check=True)(),
                                          {"crc_check": True})


@pytest.mark.parametrize("case", sorted(REWRITES))
def test_rewrite_gives_mindspore_bytes(samples, tmp_path, case):
    sample, build, kwargs = REWRITES[case]
    target = tmp_path / sample
    ms.save_checkpoint(build(samples), str(target), **kwargs)
    assert target.read_bytes() == (samples / sample).read_bytes()
    assert stat.S_IMODE(target.stat().st_mode) == 0o400  # as report.json's "*:perm"
    assert sorted(os.listdir(tmp_path)) == [sample]


@pytest.mark.parametrize("source", ["param", "loaded"])
@pytest.mark.parametrize("async_save", [False, True, "thread", "process"])
def test_sliced_rewrites(samples, tmp_path, monkeypatch, async_save, source):
    """MindSpore's SLICE_SIZE (KB) patched to 1: the byte path cuts 1024-byte chunks, async_save splits rows
    (the loaded file's 3 slices are joined into one Parameter first)."""
    monkeypatch.setattr(ser, "SLICE_SIZE", 1)
    if source == "param":
        w = Parameter(Tensor(np.arange(700, dtype=np.float32).reshape(7, 100)), name="w")
    else:
        w = ms.load_checkpoint(str(samples / "sliced_patched.ckpt"))["w"]
    ms.save_checkpoint({"w": w}, str(tmp_path / "s.ckpt"), async_save=async_save)
    w.set_data(Tensor(np.zeros((7, 100), np.float32)))  # the asynchronous writer works on its own snapshot
    ser._wait_async_save()
    expected = "sliced_patched_np.ckpt" if async_save else "sliced_patched.ckpt"
    assert (tmp_path / "s.ckpt").read_bytes() == (samples / expected).read_bytes()


def test_noext_and_other_names(samples, tmp_path):
    ms.save_checkpoint(sn.small(), str(tmp_path / "noext"))
    assert (tmp_path / "noext.ckpt").read_bytes() == (samples / "noext.ckpt").read_bytes()
    ms.save_checkpoint(sn.small(), str(tmp_path / "x_ckpt"))  # MindSpore tests endswith("ckpt"), no dot
    assert (tmp_path / "x_ckpt").read_bytes() == (samples / "small.ckpt").read_bytes()
    ms.save_checkpoint(sn.small(), str(tmp_path / "sub" / ".." / "rel.ckpt"))
    assert (tmp_path / "rel.ckpt").exists()


def _safetensors_parts(data: bytes):
    """(header entries in order with the metadata as a dict, data bytes): the safetensors library writes the
    metadata from a Rust HashMap, so with two keys their order changes from run to run (in MindSpore too)."""
    n = int.from_bytes(data[:8], "little")
    pairs = json.loads(data[8:8 + n], object_pairs_hook=list)
    return [(k, dict(v) if k == "__metadata__" else v) for k, v in pairs], n, data[8 + n:]


@pytest.mark.parametrize("sample, kwargs", [("tutorial.safetensors", {}), ("dtypes.safetensors", {}),
                                            ("dtypes_crc.safetensors", {"crc_check": True})])
def test_safetensors_rewrites(samples, tmp_path, sample, kwargs):
    obj = (sn.built(sn.tutorial_seq, 0) if sample == "tutorial.safetensors" else
           {k: v for k, v in sn.dtype_params().items() if sample == "dtypes.safetensors" or
            (k != "bf16" and not k.startswith("empty"))})
    ms.save_checkpoint(obj, str(tmp_path / sample), format="safetensors", **kwargs)
    expected = _safetensors_parts((samples / sample).read_bytes())
    assert _safetensors_parts((tmp_path / sample).read_bytes()) == expected
    loaded = ms.load_checkpoint(str(samples / sample), format="safetensors")
    ms.save_checkpoint(loaded, str(tmp_path / ("re_" + sample)), format="safetensors", **kwargs)
    assert _safetensors_parts((tmp_path / ("re_" + sample)).read_bytes()) == expected


def test_choice_func_and_repeated_names(samples, tmp_path):
    """choice_func filters parameters but not append_dict; a repeated name keeps its first place and its last
    value, an append_dict key equal to a parameter name replaces it in place (MindSpore's OrderedDict)."""
    net = sn.built(sn.tutorial_seq, 0)
    ms.save_checkpoint(net, str(tmp_path / "c.ckpt"), choice_func=lambda n: n.startswith("3."),
                       append_dict={"epoch_num": 3, "1.bias": 2.5})
    loaded = ms.load_checkpoint(str(tmp_path / "c.ckpt"))
    assert list(loaded) == ["3.weight", "3.bias", "epoch_num", "1.bias"]
    ms.save_checkpoint(net, str(tmp_path / "r.ckpt"), append_dict={"epoch_num": 3, "1.bias": 2.5})
    loaded = ms.load_checkpoint(str(tmp_path / "r.ckpt"))
    assert list(loaded)[:3] == ["1.weight", "1.bias", "3.weight"] and loaded["1.bias"].shape == ()
    a, b = Parameter(Tensor(np.ones(2, np.float32)), name="a"), Parameter(Tensor(np.zeros(3, np.int32)), name="b")
    ms.save_checkpoint([{"name": "x", "data": a}, {"name": "y", "data": a}, {"name": "x", "data": b}],
                       str(tmp_path / "d.ckpt"))
    loaded = ms.load_checkpoint(str(tmp_path / "d.ckpt"))
    assert list(loaded) == ["x", "y"] and loaded["x"].dtype == mstype.int32


# ------------------------------------------------------------------------------------------- report.json
def test_load_param_into_net_report(samples, report):
    expected = report["load_param_into_net"]
    appended = ms.load_checkpoint(str(samples / "append.ckpt"))
    assert list(ms.load_param_into_net(sn.tutorial_seq(), appended)) == expected["append_into_seq"]
    d2 = ms.load_checkpoint(str(samples / "tutorial_network.ckpt"))

    def seq():
        return nn.SequentialCell(nn.Dense(784, 512), nn.ReLU(), nn.Dense(512, 512), nn.ReLU(), nn.Dense(512, 10))

    net = seq()
    assert list(ms.load_param_into_net(net, d2)) == expected["prefix_nonstrict"]
    assert torch.equal(net[0].weight._t, d2["dense_relu_sequential.0.weight"]._t)
    assert list(ms.load_param_into_net(seq(), d2, strict_load=True)) == expected["prefix_strict"]
    n16 = nn.Dense(4, 3, dtype=mstype.float16)
    d3 = {"weight": Parameter(Tensor(np.ones((3, 4), np.float32)), name="weight"),
          "bias": Parameter(Tensor(np.ones((3,), np.float32)), name="bias")}
    assert [list(ms.load_param_into_net(n16, d3)), str(n16.weight.dtype)] == expected["f32_into_f16_nonstrict"]
    with pytest.raises(RuntimeError) as info:
        ms.load_param_into_net(nn.Dense(4, 3, dtype=mstype.float16), d3, strict_load=True)
    assert f"RuntimeError: {info.value}" == expected["f32_into_f16_strict"]
    with pytest.raises(RuntimeError) as info:
        ms.load_param_into_net(nn.Dense(4, 3), {"weight": Parameter(Tensor(np.ones((4, 4), np.float32)),
                                                                    name="weight")})
    assert f"RuntimeError: {info.value}" == expected["shape_mismatch"]
    with pytest.raises(ValueError) as info:
        ms.load_checkpoint(str(samples / "tutorial.ckpt"), choice_func=lambda n: False)
    assert f"ValueError: {info.value}" == expected["empty_after_filter"]


def test_corrupt_tests_report(samples, report, tmp_path):
    """report.json's corrupt_tests (MindSpore's paths were printed relative to its output directory)."""
    crc = (samples / "crc.ckpt").read_bytes()
    flipped = crc[:200] + bytes([crc[200] ^ 0xFF]) + crc[201:]
    cases = {"flipped_byte_crc.ckpt": (flipped, True), "flipped_byte_nocrc_check.ckpt": (flipped, False),
             "truncated.ckpt": ((samples / "tutorial.ckpt").read_bytes()[:1000], False),
             "garbage.ckpt": (b"\xff" * 64, False), "empty.ckpt": (b"", False)}
    (tmp_path / "_corrupt").mkdir()
    (tmp_path / "tutorial.safetensors").write_bytes(b"")
    root = os.path.realpath(tmp_path) + os.sep
    for name, (blob, crc_check) in cases.items():
        path = tmp_path / "_corrupt" / name
        path.write_bytes(blob)
        try:
            got = "loaded OK: %d entries" % len(ms.load_checkpoint(str(path), crc_check=crc_check))
        except ValueError as e:
            got = f"ValueError: {e}".replace(root, "")
        assert got == report["corrupt_tests"][name]
    for key, name in (("missing", "does_not_exist.ckpt"), ("wrong_ext", "tutorial.safetensors")):
        with pytest.raises(ValueError) as info:
            ms.load_checkpoint(str(tmp_path / name))
        assert f"ValueError: {info.value}".replace(root, "") == report["corrupt_tests"][key]


# ------------------------------------------------------------------------------------------- tests/fixtures/ckpt
CKPT_FIX = pathlib.Path(__file__).resolve().parent / "fixtures" / "ckpt"
# MindSpore's qint4x2 has no torch dtype: msshim hands the packed bytes over as Int8.  MindSpore cannot decrypt a
# file saved with both enc_key and crc_check (footer after the ciphertext); msshim strips the footer and can.
_CKPT_FIX_DIFF = {"int4.ckpt": "Int4 -> Int8", "int4.safetensors": "Int4 -> Int8", "enc_gcm_crc.ckpt": "readable"}


def _ckpt_fix_expected():
    return json.loads((CKPT_FIX / "expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(set(_ckpt_fix_expected()) - set(_CKPT_FIX_DIFF)))
def test_format_fixtures_through_the_api(name):
    """tests/fixtures/ckpt (made by real MindSpore, with what its load_checkpoint returned or raised)."""
    expected = _ckpt_fix_expected()[name]
    fmt = "safetensors" if name.endswith(".safetensors") else "ckpt"
    crc = expected["write"].get("crc_check", False)
    if "error" in expected:
        with pytest.raises(ValueError) as info:
            ms.load_checkpoint(str(CKPT_FIX / name), format=fmt, crc_check=crc)
        assert f"ValueError: {info.value}".replace(str(CKPT_FIX) + os.sep, "") == expected["error"]
        return
    loaded = ms.load_checkpoint(str(CKPT_FIX / name), format=fmt, crc_check=crc)
    got = []
    for key, value in loaded.items():
        if isinstance(value, str):
            got.append([key, {"kind": "str", "value": value}])
            continue
        arr = (value.float() if value.dtype == mstype.bfloat16 else value).asnumpy()
        got.append([key, {"dtype": str(value.dtype), "kind": "param", "shape": list(value.shape),
                          "values": arr.tolist()}])
    assert json.loads(json.dumps(got)) == expected["load"]
