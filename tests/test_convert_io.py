"""converters.convert / converters.inspect across .ckpt, .pt and .safetensors, on checkpoints written by real
MindSpore 2.10 (tests/fixtures/convert_io/make_convert_io.py, tests/fixtures/ckpt/make_ckpt.py)."""
import json
import os
import subprocess
import sys
import textwrap
import zipfile

import numpy as np
import pytest
import torch

import converters
from converters.io.torch_pt import load_state_dict
from msshim.train.ckpt_format import read_checkpoint

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, "fixtures", "convert_io")
ALL = os.path.join(FIX, "all_dtypes.ckpt")
ADAM = os.path.join(FIX, "adam.ckpt")
SCALARS = os.path.join(HERE, "fixtures", "ckpt", "scalars_names.ckpt")
APPEND = os.path.join(HERE, "fixtures", "ckpt", "append_values.ckpt")


def _bytes(path):
    with open(path, "rb") as f:
        return f.read()


def _raw(entries):
    """name -> (dtype name, shape, raw bytes) or the plain value."""
    out = {}
    for name, v in entries:
        out[name] = (str(v.dtype), v.shape, v.tobytes()) if isinstance(v, np.ndarray) else v
    return out


@pytest.mark.parametrize("src", [ALL, SCALARS])
def test_ckpt_pt_ckpt_byte_identical(tmp_path, src):
    converters.convert(src, tmp_path / "a.pt", keep_names=True)
    converters.convert(tmp_path / "a.pt", tmp_path / "b.ckpt", keep_names=True)
    assert _bytes(tmp_path / "b.ckpt") == _bytes(src)


def test_append_dict_values_round_trip(tmp_path):
    """MindSpore's append_dict strings (trailing NULs are stripped on load, by MindSpore too), negative ints,
    floats, bools and non-scalar tensors keep their values and dtypes through ckpt -> pt -> ckpt."""
    converters.convert(APPEND, tmp_path / "a.pt", keep_names=True)
    sd = torch.load(tmp_path / "a.pt", weights_only=True)
    assert type(sd["neg"]) is int and type(sd["f"]) is bool and isinstance(sd["accents"], str)
    assert sd["bf16"].dtype == torch.bfloat16 and sd["u64"].dtype == torch.uint64
    converters.convert(tmp_path / "a.pt", tmp_path / "b.ckpt", keep_names=True)
    assert _raw(read_checkpoint(tmp_path / "b.ckpt")) == _raw(read_checkpoint(APPEND))


def test_pt_dtypes_exact_and_plain_scalars(tmp_path):
    converters.convert(ALL, tmp_path / "a.pt", keep_names=True)
    sd = torch.load(tmp_path / "a.pt", weights_only=True)  # plain torch can read it, code-free
    src = dict(read_checkpoint(ALL))
    for name, arr in src.items():
        if isinstance(arr, np.ndarray) and name.startswith("layer."):
            t = sd[name]
            assert tuple(t.shape) == arr.shape
            raw = t.view(torch.int16) if t.dtype == torch.bfloat16 else t
            assert raw.numpy().tobytes() == arr.tobytes(), name
    assert sd["layer.bf16"].dtype == torch.bfloat16
    # bf16 values float16 cannot hold survive: never went through fp16/fp32 rounding
    assert sd["layer.bf16"][0, 0].item() == pytest.approx(1e30, rel=1e-2)
    assert sd["epoch_num"] == 7 and type(sd["epoch_num"]) is int
    assert sd["loss"] == 0.25 and type(sd["loss"]) is float
    assert sd["done"] is True and sd["tag"] == "run-1"


def test_pt_loadable_with_mmap(tmp_path):
    converters.convert(ALL, tmp_path / "a.pth", keep_names=True)
    sd = torch.load(tmp_path / "a.pth", weights_only=True, mmap=True)
    assert sd["layer.i64"].dtype == torch.int64 and sd["layer.u64"].dtype == torch.uint64
    src = dict(read_checkpoint(ALL))
    for name, arr in src.items():
        if isinstance(arr, np.ndarray) and name.startswith("layer."):
            t = sd[name]
            raw = t.view(torch.int16) if t.dtype == torch.bfloat16 else t
            assert tuple(t.shape) == arr.shape and raw.numpy().tobytes() == arr.tobytes(), name


def test_pt_zip_container(tmp_path):
    """The records torch.save writes, CRCs that Python's zipfile verifies, each record's data 64-byte aligned
    (torch's writer pads the local header's extra field the same way)."""
    import struct
    converters.convert(ALL, tmp_path / "a.pt", keep_names=True)
    with zipfile.ZipFile(tmp_path / "a.pt") as z:
        assert z.testzip() is None
        names = z.namelist()
        assert names[:4] == ["archive/data.pkl", "archive/.format_version", "archive/.storage_alignment",
                             "archive/byteorder"]
        assert names[-2:] == ["archive/version", "archive/.data/serialization_id"]
        assert names[4:-2] == [f"archive/data/{i}" for i in range(len(names) - 6)]
        assert z.read("archive/version") == b"3\n" and z.read("archive/byteorder") == b"little"
        raw = _bytes(tmp_path / "a.pt")
        for info in z.infolist():
            assert info.compress_type == zipfile.ZIP_STORED
            n, e = struct.unpack("<HH", raw[info.header_offset + 26:info.header_offset + 30])
            assert (info.header_offset + 30 + n + e) % 64 == 0, info.filename


def test_pt_ckpt_pt(tmp_path):
    sd = {"a.weight": torch.randn(3, 5).to(torch.bfloat16), "a.bias": torch.arange(4, dtype=torch.int32),
          "b.t": torch.randn(4, 6).t(), "b.h": torch.randn(2, 2, dtype=torch.float16), "step": 12, "name": "x"}
    torch.save(sd, tmp_path / "src.pt")
    converters.convert(tmp_path / "src.pt", tmp_path / "m.ckpt", keep_names=True)
    converters.convert(tmp_path / "m.ckpt", tmp_path / "back.pt", keep_names=True)
    back = torch.load(tmp_path / "back.pt", weights_only=True)
    assert list(back) == list(sd)
    for k, v in sd.items():
        if isinstance(v, torch.Tensor):
            assert back[k].dtype == v.dtype and torch.equal(back[k], v), k
        else:
            assert back[k] == v and type(back[k]) is type(v)
    # pt -> ckpt -> pt -> ckpt: the two .ckpt files are identical
    converters.convert(tmp_path / "back.pt", tmp_path / "m2.ckpt", keep_names=True)
    assert _bytes(tmp_path / "m2.ckpt") == _bytes(tmp_path / "m.ckpt")


@pytest.mark.parametrize("src", [ALL, SCALARS])
def test_ckpt_safetensors_ckpt(tmp_path, src):
    if src == ALL:
        with pytest.warns(UserWarning, match="dropped \\['tag'\\]"):
            converters.convert(src, tmp_path / "a.safetensors")
    else:
        converters.convert(src, tmp_path / "a.safetensors")
    converters.convert(tmp_path / "a.safetensors", tmp_path / "b.ckpt")
    want = {k: v for k, v in _raw(read_checkpoint(src)).items() if not isinstance(v, str)}  # str: no tensor
    assert _raw(read_checkpoint(tmp_path / "b.ckpt")) == want
    # MindSpore-compatible: msshim's MindSpore safetensors reader (MindSpore's validation) accepts it
    assert converters.inspect(tmp_path / "a.safetensors").family == "ms"


def test_safetensors_readable_by_library(tmp_path):
    from safetensors.numpy import load_file
    converters.convert(ADAM, tmp_path / "a.safetensors")
    got = load_file(str(tmp_path / "a.safetensors"))
    src = dict(read_checkpoint(ADAM))
    assert set(got) == set(src)
    for k, v in got.items():
        assert v.tobytes() == src[k].tobytes() and v.shape == src[k].shape


def test_weights_only(tmp_path):
    names = json.load(open(os.path.join(FIX, "adam_names.json")))
    assert len(names["all"]) > len(names["weights"])
    converters.convert(ADAM, tmp_path / "w.ckpt", weights_only=True)
    assert [n for n, _ in read_checkpoint(tmp_path / "w.ckpt")] == names["weights"]
    converters.convert(ADAM, tmp_path / "all.ckpt")
    assert _bytes(tmp_path / "all.ckpt") == _bytes(ADAM)  # kept without weights_only
    converters.convert(ADAM, tmp_path / "w.pt", weights_only=True, keep_names=True)
    assert list(torch.load(tmp_path / "w.pt", weights_only=True)) == names["weights"]


@pytest.mark.filterwarnings("ignore:.*safetensors holds tensors only")
def test_atomic_on_failure(tmp_path, monkeypatch):
    dst = tmp_path / "out.pt"
    dst.write_bytes(b"old")
    conv = sys.modules["converters.convert"]

    def boom(*a, **k):
        raise RuntimeError("disk full")

    calls = {"n": 0}
    real = conv._tensor

    def flaky(source, step):
        calls["n"] += 1
        if calls["n"] == 5:
            boom()
        return real(source, step)

    monkeypatch.setattr(conv, "_tensor", flaky)
    for name in ("out.pt", "out.ckpt", "out.safetensors"):
        calls["n"] = 0
        target = tmp_path / name
        if not target.exists():
            target.write_bytes(b"old")
        with pytest.raises(RuntimeError, match="disk full"):
            converters.convert(ALL, target, keep_names=True)
        assert target.read_bytes() == b"old"
        assert sorted(os.listdir(tmp_path)) == sorted(p for p in os.listdir(tmp_path) if not p.endswith(".tmp"))


class _Evil:
    def __reduce__(self):
        return os.system, ("echo pwned > PWNED",)


@pytest.mark.parametrize("legacy", [False, True])
def test_malicious_pt_refused(tmp_path, legacy, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "evil.pt"
    torch.save({"w": torch.ones(2), "x": _Evil()}, path, _use_new_zipfile_serialization=not legacy)
    with zipfile.ZipFile(path) if not legacy else open(path, "rb") as z:
        data = z.read(z.namelist()[0]) if not legacy else z.read()
    assert b"system" in data  # the pickle really has a GLOBAL posix/os system
    for call in (lambda: converters.convert(path, tmp_path / "o.ckpt"), lambda: converters.inspect(path)):
        with pytest.raises(ValueError, match="evil.pt"):
            call()
    assert not (tmp_path / "PWNED").exists() and not (tmp_path / "o.ckpt").exists()


def test_plain_pickle_global_refused(tmp_path):
    path = tmp_path / "raw.bin"
    path.write_bytes(b"cos\nsystem\n(S'echo pwned > " + str(tmp_path / "P").encode() + b"'\ntR.")
    with pytest.raises(ValueError, match="raw.bin"):
        load_state_dict(path)
    assert not (tmp_path / "P").exists()


def test_inspect(tmp_path):
    ins = converters.inspect(ALL)
    by = {e.name: e for e in ins.entries}
    assert by["layer.bf16"].dtype == "BFloat16" and by["layer.bf16"].shape == (2, 3) and by["layer.bf16"].nbytes == 12
    assert by["layer.u64"].dtype == "UInt64" and by["layer.u64"].nbytes == 96
    assert by["tag"].dtype == "str" and by["tag"].shape is None
    assert ins.nbytes == sum(e.nbytes for e in ins.entries) and ins.tensors == 17
    converters.convert(ALL, tmp_path / "a.pt", keep_names=True)
    with pytest.warns(UserWarning):
        converters.convert(ALL, tmp_path / "a.safetensors")
    for other in ("a.pt", "a.safetensors"):
        got = {e.name: (e.shape, e.dtype, e.nbytes) for e in converters.inspect(tmp_path / other).entries}
        for name, e in by.items():
            if e.shape is not None and e.shape != () or name.startswith("layer."):
                assert got[name] == (e.shape, e.dtype, e.nbytes), (other, name)
    text = converters.format_inspection(ins)
    assert "layer.bf16" in text and "BFloat16" in text and "total: 17 tensors" in text


def test_inspect_reads_no_tensor_data(tmp_path):
    """A checkpoint whose tensor pages are never touched: inspect maps the file, the resident size stays
    far below the data size."""
    script = textwrap.dedent(f"""
        import numpy as np, converters, sys
        from msshim.train.ckpt_format import write_checkpoint
        write_checkpoint({str(tmp_path / 'big.ckpt')!r}, [("w", np.ones((64, 1 << 20), np.uint8))])
        import os
        fd = os.open({str(tmp_path / 'big.ckpt')!r}, os.O_RDONLY); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        def rss():
            return int([l for l in open('/proc/self/status') if l.startswith('VmRSS')][0].split()[1])
        before = rss()
        ins = converters.inspect({str(tmp_path / 'big.ckpt')!r})
        assert ins.nbytes == 64 << 20
        print(rss() - before)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert int(out.stdout.split()[-1]) < 8 << 10  # KiB: well below the 64 MiB of data


def test_bad_extension(tmp_path):
    with pytest.raises(ValueError, match="extension"):
        converters.convert(ALL, tmp_path / "x.npz")


def test_progress_bar(tmp_path, capsys):
    converters.convert(ALL, tmp_path / "a.pt", keep_names=True, progress=True)
    assert "a.pt" in capsys.readouterr().err


PEAK = """
import os, sys, numpy as np
import torch, converters, converters.io.torch_pt  # imports (~200 MB for torch) before the baseline
src, dst = sys.argv[1], sys.argv[2]
def status(key):
    return int([l for l in open('/proc/self/status') if l.startswith(key)][0].split()[1]) * 1024
open('/proc/self/clear_refs', 'w').write('5')
base = status('VmRSS')
converters.convert(src, dst, keep_names=True, progress=False)
print(status('VmHWM') - base)
"""


@pytest.mark.parametrize("src_name, dst", [("big.ckpt", "big.pt"), ("big.ckpt", "big.safetensors"),
                                           ("big.ckpt", "big2.ckpt"), ("big.pt", "big2.ckpt")])
def test_peak_memory(tmp_path, src_name, dst):
    """A 256 MiB checkpoint (several tensors, one 96 MiB) converts with the peak RSS growth below the file size
    + 10% (measured in a subprocess with VmHWM); a .pt source's pages (torch.load mmap) are released too."""
    from msshim.train.ckpt_format import write_checkpoint
    src = tmp_path / "big.ckpt"
    sizes = [96, 64, 48, 32, 16]
    write_checkpoint(src, ((f"l{i}.w", np.full((m, 1 << 18), i, np.float32)) for i, m in enumerate(sizes)))
    if src_name == "big.pt":
        converters.convert(src, tmp_path / src_name, keep_names=True, progress=False)
        src.unlink()
        src = tmp_path / src_name
    size = os.path.getsize(src)
    out = subprocess.run([sys.executable, "-c", PEAK, str(src), str(tmp_path / dst)], capture_output=True, text=True,
                         check=True)
    peak = int(out.stdout.split()[-1])
    assert peak < size * 1.1, (peak, size)
    assert peak < size * 0.7, (peak, size)  # pages are released as tensors are written: ~ one tensor resident
    back = converters.inspect(tmp_path / dst)
    assert [e.shape for e in back.entries] == [(m, 1 << 18) for m in sizes]


# --------------------------------------------------------------------- O_DIRECT output (converters.io.direct)
def _einval(path):
    raise OSError(22, "Invalid argument")


@pytest.mark.parametrize("mode", ["direct", "fallback_open", "fallback_write"])
def test_direct_output_bytes(tmp_path, monkeypatch, mode):
    """Writes of every size across (small) buffer boundaries and patches of bytes already written, buffered or
    flushed, give exactly the bytes of a plain file, whether O_DIRECT works, is refused at open (tmpfs) or only
    at the first write."""
    from converters.io import direct
    if mode == "fallback_open":
        monkeypatch.setattr(direct, "_open_direct", _einval)
    elif mode == "fallback_write":
        fds = []
        real_open, real_pwrite = direct._open_direct, os.pwrite
        monkeypatch.setattr(direct, "_open_direct", lambda p: fds.append(real_open(p)) or fds[-1])

        def pwrite(fd, data, offset):
            if fd in fds:
                raise OSError(22, "Invalid argument")
            return real_pwrite(fd, data, offset)
        monkeypatch.setattr(os, "pwrite", pwrite)
    rng = np.random.default_rng(0)
    expect = bytearray()
    with direct.DirectOutput(tmp_path / "out.bin", buffer_size=8192) as f:
        for size in [0, 1, 4095, 4096, 8191, 8192, 8193, 3, 20000, 12288, 7, 40961, 5]:
            data = rng.integers(0, 256, size, dtype=np.uint8)
            f.write(data)
            expect += data.tobytes()
            assert f.tell() == len(expect)
            for off in {0, len(expect) // 2, max(len(expect) - 6, 0)}:
                patch = rng.integers(0, 256, min(6, len(expect) - off), dtype=np.uint8).tobytes()
                f.patch(off, patch)
                expect[off:off + len(patch)] = patch
        with pytest.raises(ValueError):
            f.patch(len(expect) - 1, b"ab")
        if mode != "direct":
            assert not f.direct
    assert _bytes(tmp_path / "out.bin") == bytes(expect)


def test_direct_output_is_direct_on_disk(tmp_path):
    """On a file system with O_DIRECT (not tmpfs) the writer does bypass the page cache."""
    from converters.io import direct
    with direct.DirectOutput(tmp_path / "x.bin") as f:
        if not f.direct:
            pytest.skip(f"{tmp_path} does not support O_DIRECT")
        f.write(b"a" * (direct.BUFFER + 4097))
        assert f.direct
    assert _bytes(tmp_path / "x.bin") == b"a" * (direct.BUFFER + 4097)


@pytest.mark.parametrize("dst", ["a.pt", "a.safetensors"])
def test_direct_and_fallback_conversions_identical(tmp_path, monkeypatch, dst):
    """The .pt / .safetensors writers give the same file with and without O_DIRECT (tiny buffers, so records
    and the CRC patches cross buffer boundaries)."""
    from converters.io import direct, torch_pt
    monkeypatch.setattr(torch_pt, "serialization_id", lambda: "7" * 40)
    monkeypatch.setattr(direct, "BUFFER", 4096)
    converters.convert(ALL, tmp_path / dst, keep_names=True)
    first = _bytes(tmp_path / dst)
    monkeypatch.setattr(direct, "_open_direct", _einval)
    converters.convert(ALL, tmp_path / ("b" + dst[1:]), keep_names=True)
    assert _bytes(tmp_path / ("b" + dst[1:])) == first
    if dst.endswith(".pt"):
        with zipfile.ZipFile(tmp_path / dst) as z:
            assert z.testzip() is None


@pytest.mark.parametrize("sample,mode", [("enc_aes_gcm.ckpt", "AES-GCM"), ("enc_sm4_cbc.ckpt", "SM4-CBC")])
def test_encrypted_checkpoints_convert_both_ways(samples, tmp_path, sample, mode):
    """MindSpore-encrypted checkpoints (../shared/reference/samples, key from make_samples.py) decrypt into a .pt,
    and a .pt converts into an encrypted .ckpt that loads back with the key and not without it."""
    import mindspore as ms

    key = b"0123456789abcdef"
    src = os.path.join(samples, sample)
    expected = {k: v.asnumpy() for k, v in ms.load_checkpoint(src, dec_key=key, dec_mode=mode).items()}
    pt = tmp_path / "plain.pt"
    converters.convert(src, pt, keep_names=True, progress=False, dec_key=key, dec_mode=mode)
    loaded = torch.load(pt, weights_only=True)
    assert set(loaded) == set(expected)
    for name, value in expected.items():
        assert np.array_equal(loaded[name].numpy(), value)
    back = tmp_path / "again.ckpt"
    converters.convert(pt, back, keep_names=True, progress=False, enc_key=key, enc_mode=mode)
    again = ms.load_checkpoint(str(back), dec_key=key, dec_mode=mode)
    assert all(np.array_equal(again[k].asnumpy(), v) for k, v in expected.items())
    with pytest.raises(ValueError):
        ms.load_checkpoint(str(back))
