"""Bad input for msshim.train.ckpt_format: truncations, garbage, wrong keys, crc, inconsistent dims, hand-made
wire-format errors and a hypothesis fuzz.  The reader may only ever raise CheckpointFormatError subclasses
(MindSpore 2.10's messages for them are in report.json "corrupt_tests"), validates sizes before allocating,
and never hangs."""
from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from msshim._proto import checkpoint_pb2
from msshim.train.ckpt_format import (CheckpointCorruptError, CheckpointCrcError, CheckpointDecryptError,
                                      CheckpointEntryError, CheckpointFormatError, CheckpointNeedsKeyError,
                                      CheckpointTypeError, SafetensorsFormatError, read_checkpoint, read_safetensors,
                                      serialize_checkpoint)
from msshim.train.ckpt_format.wire import encode_varint, iter_values, tensor_value_header

KEY = b"0123456789abcdef"
SMALL_FILES = ["small.ckpt", "crc_small.ckpt", "dtypes.ckpt", "append_types.ckpt", "half.ckpt", "list_of_dicts.ckpt",
               "v1style_scalar.ckpt", "sliced_patched.ckpt", "mixed.ckpt"]
ENC = {"enc_aes_gcm.ckpt": "AES-GCM", "enc_aes_cbc.ckpt": "AES-CBC", "enc_sm4_cbc.ckpt": "SM4-CBC"}


def r_len(data: bytes, value_start: int) -> int:
    """Bytes from a Value's payload start to its end (the payload length varint sits just before it)."""
    p = value_start - 1
    while p > 0 and data[p - 1] >= 0x80:
        p -= 1
    n = shift = 0
    for b in data[p:value_start]:
        n |= (b & 0x7F) << shift
        shift += 7
    return n


def raw_value(tag: bytes, dims, ttype: bytes, content: bytes) -> bytes:
    return tensor_value_header(tag, dims, ttype, len(content)) + content


def ld(field: int, payload: bytes) -> bytes:
    return encode_varint(field << 3 | 2) + encode_varint(len(payload)) + payload


def checkpoint_of(*values: bytes) -> bytes:
    return b"".join(ld(1, v) for v in values)


def value_msg(tag: bytes, tensor: bytes) -> bytes:
    return ld(1, tag) + ld(2, tensor)


# ------------------------------------------------------------------------------------- truncation, garbage
@pytest.mark.parametrize("name", SMALL_FILES)
def test_every_prefix(samples, name):
    """A prefix parses only if it ends on a message boundary (then it is a shorter checkpoint, which MindSpore
    would load too, unless a sliced entry lost slices: size mismatch); every other prefix is corrupt."""
    data = (samples / name).read_bytes()
    body = len(data) - 17 if data[-17:-10] == b"crc_num" else len(data)
    full = read_checkpoint(data)
    bounds = {0, body} | {r.offset + r_len(data, r.offset) for r in iter_values(data, 0, body)}
    for cut in range(len(data)):
        blob = data[:cut]
        if cut in bounds:
            try:
                got = read_checkpoint(blob)
            except CheckpointEntryError:
                assert name == "sliced_patched.ckpt"
                continue
            assert [k for k, _ in got] == [k for k, _ in full][:len(got)]
        else:
            with pytest.raises(CheckpointCorruptError):
                read_checkpoint(blob)


def test_empty_and_garbage(samples, tmp_path):
    assert read_checkpoint(b"") == []
    (tmp_path / "empty.ckpt").write_bytes(b"")
    e = read_checkpoint(tmp_path / "empty.ckpt", crc_check=True)
    assert e == [] and not e.crc_footer
    for junk in (b"\xff" * 64, b"\x00" * 10, b"garbage!", bytes(range(256))):
        with pytest.raises(CheckpointCorruptError):
            read_checkpoint(junk)


# ------------------------------------------------------------------------------------- keys
@pytest.mark.parametrize("name", sorted(ENC))
def test_wrong_key_and_mode(samples, name):
    data = (samples / name).read_bytes()
    mode = ENC[name]
    with pytest.raises(CheckpointDecryptError) as ei:
        read_checkpoint(data, dec_key=b"x" * 16, dec_mode=mode)
    assert ei.value.magic_mode == mode
    other = "AES-CBC" if mode == "AES-GCM" else "AES-GCM"
    with pytest.raises(CheckpointDecryptError, match="not an encrypted"):
        read_checkpoint(data, dec_key=KEY, dec_mode=other)
    with pytest.raises(CheckpointNeedsKeyError) as ei:  # MindSpore: the "corrupted" message
        read_checkpoint(samples / name)
    assert isinstance(ei.value, CheckpointCorruptError) and ei.value.magic_mode == mode
    for bad_key, bad_mode in ((b"k" * 8, mode), (KEY + b"x", mode), (KEY, "AES-XTS"), (KEY * 2, "SM4-CBC")):
        with pytest.raises(CheckpointDecryptError):
            read_checkpoint(data, dec_key=bad_key, dec_mode=bad_mode)
    for cut in range(len(data)):
        with pytest.raises(CheckpointDecryptError):
            read_checkpoint(data[:cut], dec_key=KEY, dec_mode=mode)
    for extra in (b"x", b"\0" * 16, b"crc_num" + b"\0" * 9):  # trailing bytes that are not a crc footer
        with pytest.raises(CheckpointDecryptError):
            read_checkpoint(data + extra, dec_key=KEY, dec_mode=mode)
    # A second copy of the frames decrypts fine; the plaintext then holds "w" twice in a row: joined, too big.
    with pytest.raises(CheckpointEntryError):
        read_checkpoint(data + data, dec_key=KEY, dec_mode=mode)


def test_key_on_plain_file(samples):
    with pytest.raises(CheckpointDecryptError) as ei:  # MindSpore: "... May not have permission to read it"
        read_checkpoint(samples / "small.ckpt", dec_key=KEY)
    assert ei.value.magic_mode is None


def test_tampered_ciphertext(samples):
    for name, mode in ENC.items():
        data = bytearray((samples / name).read_bytes())
        data[-1] ^= 1
        with pytest.raises(CheckpointFormatError):
            read_checkpoint(bytes(data), dec_key=KEY, dec_mode=mode)


# ------------------------------------------------------------------------------------- crc
def test_crc_mismatch(samples):
    data = bytearray((samples / "crc.ckpt").read_bytes())
    data[200] ^= 0xFF
    with pytest.raises(CheckpointCrcError) as ei:
        read_checkpoint(bytes(data), crc_check=True)
    assert ei.value.stored == 4180571681 and ei.value.computed != ei.value.stored
    assert len(read_checkpoint(bytes(data))) == 6  # without crc_check MindSpore loads it silently too
    small = bytearray((samples / "crc_small.ckpt").read_bytes())
    small[-1] ^= 1  # damaged footer
    with pytest.raises(CheckpointCrcError):
        read_checkpoint(bytes(small), crc_check=True)


# ------------------------------------------------------------------------------------- entry validation
def test_dims_disagree_with_content():
    for dims, content in (([2, 3], b"\0" * 4), ([1], b"\0" * 8), ([], b"\0" * 8), ([0], b"\0" * 3),
                          ([4, 0], b"\0" * 4)):
        with pytest.raises(CheckpointEntryError) as ei:
            read_checkpoint(raw_value(b"a", dims, b"Float32", content))
        assert ei.value.tag == "a"
    (k, v), = read_checkpoint(raw_value(b"a", [0], b"Float32", b""))
    assert v.shape == (0,)
    (k, v), = read_checkpoint(raw_value(b"a", [0, 4], b"Int8", b""))
    assert v.shape == (0, 4)


def test_absurd_dims_rejected_before_allocation():
    tracemalloc.start()
    try:
        for dims in ([2 ** 31, 2 ** 31], [2 ** 62], [2 ** 63 - 1, 2 ** 63 - 1], [3] * 40):
            with pytest.raises(CheckpointEntryError):
                read_checkpoint(raw_value(b"a", dims, b"Float64", b"\0" * 8))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1 << 20
    with pytest.raises(CheckpointEntryError, match="negative"):
        read_checkpoint(raw_value(b"a", [-1], b"Float32", b"\0" * 4))


def test_unknown_tensor_type():
    with pytest.raises(CheckpointTypeError) as ei:
        read_checkpoint(raw_value(b"t", [1], b"Float128", b"\0" * 16))
    assert ei.value.detail == "'Float128'" and ei.value.tensor_type == "Float128"
    with pytest.raises(CheckpointTypeError):
        read_checkpoint(raw_value(b"t", [1], b"", b"\0"))


def test_str_content_errors():
    with pytest.raises(CheckpointEntryError):
        read_checkpoint(raw_value(b"s", [0], b"str", b"abc"))
    with pytest.raises(CheckpointEntryError):
        read_checkpoint(raw_value(b"s", [0], b"str", (0x110000).to_bytes(4, "little")))
    assert dict(read_checkpoint(raw_value(b"s", [0], b"str", b""))) == {"s": ""}


def test_slices_and_duplicates():
    a = np.arange(6, dtype=np.int32)
    blob = raw_value(b"a", [2, 3], b"Int32", a[:4].tobytes()) + raw_value(b"a", [2, 3], b"Int32", a[4:].tobytes())
    (k, v), = read_checkpoint(blob)
    assert v.tolist() == [[0, 1, 2], [3, 4, 5]]
    blob = raw_value(b"a", [1], b"Int32", b"\1\0\0\0") + raw_value(b"b", [], b"Int8", b"\7") + \
        raw_value(b"a", [1], b"Int32", b"\2\0\0\0")
    got = read_checkpoint(blob)
    assert [k for k, _ in got] == ["a", "b", "a"]  # MindSpore's dict: position of the first, last value wins
    assert dict(got)["a"].tolist() == [2] and list(dict(got)) == ["a", "b"]


def test_packed_dims_and_protobuf_made_file():
    tensor = ld(1, encode_varint(2) + encode_varint(2)) + ld(2, b"Int8") + ld(3, b"\1\2\3\4")
    (k, v), = read_checkpoint(checkpoint_of(value_msg(b"p", tensor)))
    assert v.tolist() == [[1, 2], [3, 4]]


def test_map_tensor_entries():
    msg = checkpoint_pb2.Checkpoint()
    for keys, vals in (([1, 5], [[1.0, 2.0], [3.0, 4.0]]), ([7], [[5.0, 6.0]])):
        m = msg.value.add()
        m.tag = "m"
        for arr in (np.array(keys, np.int32), np.array(vals, np.float32), np.zeros(len(keys), np.int32)):
            t = m.maptensor.tensor.add()
            t.dims.extend(arr.shape)
            t.tensor_type = str(arr.dtype)
            t.tensor_content = arr.tobytes()
    (k, parts), = read_checkpoint(msg.SerializeToString())
    assert [p.tolist() for p in parts] == [[1, 5, 7], [[1, 2], [3, 4], [5, 6]], [0, 0, 0]]
    msg.value[1].maptensor.tensor[0].tensor_type = "int64"
    with pytest.raises(CheckpointTypeError):
        read_checkpoint(msg.SerializeToString())
    mixed = msg.SerializeToString() + raw_value(b"m", [1], b"Int8", b"\0")
    with pytest.raises(CheckpointEntryError):
        read_checkpoint(mixed, choice=lambda n: True)


BAD_WIRE = {
    "unknown field in Checkpoint": ld(2, b"x"),
    "varint field in Checkpoint": b"\x08\x01",
    "unknown field in Value": ld(1, ld(1, b"a") + ld(4, b"")),
    "unknown field in TensorProto": checkpoint_of(value_msg(b"a", ld(2, b"Int8") + ld(3, b"\0") + ld(4, b""))),
    "fixed32 dims": checkpoint_of(value_msg(b"a", b"\x0d\0\0\0\0" + ld(2, b"Int8") + ld(3, b""))),
    "group wire type": b"\x0b\x0c",
    "field number 0": b"\x02\x00",
    "overlong varint": b"\x0a" + b"\x80" * 10 + b"\x00",
    "varint over 64 bits": b"\x0a" + b"\xff" * 9 + b"\x02",
    "length past end": b"\x0a\x10\x0a\x01a",
    "missing tag": checkpoint_of(ld(2, ld(2, b"Int8") + ld(3, b"\0"))),
    "missing tensor_type": checkpoint_of(value_msg(b"a", ld(3, b"\0"))),
    "missing content": checkpoint_of(value_msg(b"a", b"\x08\x01" + ld(2, b"Int8"))),
    "no tensor": checkpoint_of(ld(1, b"a")),
    "duplicate tag": checkpoint_of(ld(1, b"a") + ld(1, b"b") + ld(2, ld(2, b"Int8") + ld(3, b"\0"))),
    "two tensors": checkpoint_of(value_msg(b"a", ld(2, b"Int8") + ld(3, b"\0")) + ld(2, ld(2, b"Int8") + ld(3, b"\0"))),
    "invalid utf-8 tag": checkpoint_of(value_msg(b"\xff", ld(2, b"Int8") + ld(3, b"\0"))),
    "truncated packed dims": checkpoint_of(value_msg(b"a", ld(1, b"\x80") + ld(2, b"Int8") + ld(3, b""))),
}


@pytest.mark.parametrize("case", sorted(BAD_WIRE))
def test_bad_wire_format(case):
    with pytest.raises(CheckpointCorruptError):
        read_checkpoint(BAD_WIRE[case])


# ------------------------------------------------------------------------------------- safetensors
def _st(header: bytes, data: bytes = b"") -> bytes:
    return len(header).to_bytes(8, "little") + header + data


ST_BAD = {
    "header too large": (10 ** 9).to_bytes(8, "little") + b"{}",
    "header past end": (50).to_bytes(8, "little") + b"{}",
    "not json": _st(b"{nope"),
    "not utf-8": _st(b'{"\xff": 1}'),
    "json array": _st(b"[1, 2]"),
    "info not object": _st(b'{"a": [1]}'),
    "unknown dtype": _st(b'{"a": {"dtype": "F8", "shape": [1], "data_offsets": [0, 1]}}', b"\0"),
    "negative dim": _st(b'{"a": {"dtype": "U8", "shape": [-1], "data_offsets": [0, 1]}}', b"\0"),
    "float dim": _st(b'{"a": {"dtype": "U8", "shape": [1.0], "data_offsets": [0, 1]}}', b"\0"),
    "size mismatch": _st(b'{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 4]}}', b"\0" * 4),
    "gap": _st(b'{"a": {"dtype": "U8", "shape": [1], "data_offsets": [1, 2]}}', b"\0" * 2),
    "trailing data": _st(b'{"a": {"dtype": "U8", "shape": [1], "data_offsets": [0, 1]}}', b"\0" * 2),
    "absurd shape": _st(b'{"a": {"dtype": "F64", "shape": [4611686018427387904], "data_offsets": [0, 8]}}', b"\0" * 8),
    "bad metadata": _st(b'{"__metadata__": {"a": 1}}'),
}


@pytest.mark.parametrize("case", sorted(ST_BAD))
def test_safetensors_bad_input(case):
    with pytest.raises(SafetensorsFormatError):
        read_safetensors(ST_BAD[case])


def test_safetensors_prefixes_and_crc(samples):
    data = (samples / "dtypes_crc.safetensors").read_bytes()
    for cut in range(len(data)):
        with pytest.raises(SafetensorsFormatError):
            read_safetensors(data[:cut])
    bad = bytearray(data)
    bad[-1] ^= 1
    with pytest.raises(CheckpointCrcError):
        read_safetensors(bytes(bad), crc_check=True)
    assert len(read_safetensors(bytes(bad))) == 14
    assert read_safetensors(_st(b"{}")) == []


# ------------------------------------------------------------------------------------- fuzz
def _valid_blobs(samples):
    blobs = [(samples / n).read_bytes() for n in ("small.ckpt", "crc_small.ckpt", "dtypes.ckpt", "append_types.ckpt",
                                                  "half.ckpt", "v1style_scalar.ckpt")]
    blobs.append(serialize_checkpoint([("s", "hello"), ("q", np.arange(4, dtype=np.int8).reshape(2, 2))]))
    return blobs


def _only_format_errors(fn, *args, **kw):
    try:
        got = fn(*args, **kw)
    except CheckpointFormatError:
        return None
    for _, v in got:
        assert isinstance(v, (np.ndarray, str, list))
    return got


FUZZ = settings(max_examples=400, deadline=2000, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(st.binary(max_size=400))
def test_fuzz_random_bytes(data):
    _only_format_errors(read_checkpoint, data)
    _only_format_errors(read_checkpoint, b"\x0a" + data)
    _only_format_errors(read_checkpoint, data, dec_key=KEY)
    _only_format_errors(read_checkpoint, b"\xd8\x5e\x3a\x7f" + data, dec_key=KEY)
    _only_format_errors(read_safetensors, data)


@FUZZ
@given(st.data())
def test_fuzz_mutated_files(samples, data):
    blobs = _valid_blobs(samples)
    blob = bytearray(data.draw(st.sampled_from(blobs)))
    for _ in range(data.draw(st.integers(1, 4))):
        op = data.draw(st.sampled_from(["flip", "set", "insert", "delete", "truncate"]))
        i = data.draw(st.integers(0, max(len(blob) - 1, 0)))
        if op == "flip" and blob:
            blob[i] ^= 1 << data.draw(st.integers(0, 7))
        elif op == "set" and blob:
            blob[i] = data.draw(st.sampled_from([0x00, 0x7F, 0x80, 0xFF, 0x0A, 0x12, 0x1A, 0x08]))
        elif op == "insert":
            blob[i:i] = data.draw(st.binary(min_size=1, max_size=12))
        elif op == "delete":
            del blob[i:i + data.draw(st.integers(1, 12))]
        else:
            del blob[i:]
    _only_format_errors(read_checkpoint, bytes(blob), crc_check=data.draw(st.booleans()))
    _only_format_errors(read_checkpoint, bytes(blob), strict_types=True, choice=lambda n: len(n) % 2 == 0)
