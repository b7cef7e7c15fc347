"""Protobuf wire format of ``checkpoint.proto``, walked and written by hand.

Reading walks a buffer (``bytes`` or an ``mmap``) without building message objects, so tensor contents stay
where they are (the reader wraps them with ``np.frombuffer``).  The walk is strict: truncated varints or
lengths, unknown fields, wrong wire types, repeated singular fields and missing required fields raise
:class:`CheckpointCorruptError` with the byte offset.  (protobuf itself would skip unknown fields; a
MindSpore checkpoint never has any, so they mean the file is not one.)

Writing emits the exact bytes protobuf's ``SerializeToString`` gives for one ``Checkpoint`` with one
``Value``: fields in number order, non-packed ``dims``, lengths as minimal varints.
"""
from __future__ import annotations

from typing import Iterator, NamedTuple, Sequence

from .errors import CheckpointCorruptError

__all__ = ["TensorRecord", "ValueRecord", "iter_values", "encode_varint", "tensor_value_header"]

_VARINT, _LEN = 0, 2
_MAX_FIELD = (1 << 29) - 1


class TensorRecord(NamedTuple):
    """A ``TensorProto``: content is ``buf[content_start:content_end]``; ``offset`` is where the message starts."""
    dims: tuple[int, ...]
    tensor_type: str
    content_start: int
    content_end: int
    offset: int


class ValueRecord(NamedTuple):
    """A ``Checkpoint.Value``: exactly one of ``tensor`` / ``map_tensors`` is set."""
    tag: str
    tensor: TensorRecord | None
    map_tensors: tuple[TensorRecord, ...] | None
    offset: int


def _corrupt(what: str, pos: int) -> CheckpointCorruptError:
    return CheckpointCorruptError(what, offset=pos)


def _varint(buf, pos: int, end: int) -> tuple[int, int]:
    """Decode an unsigned varint of at most 10 bytes (a 64-bit value) in ``buf[pos:end]``."""
    result = 0
    shift = 0
    start = pos
    while True:
        if pos >= end:
            raise _corrupt("truncated varint", start)
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            break
        shift += 7
        if shift >= 70:
            raise _corrupt("varint longer than 10 bytes", start)
    if result >> 64:
        raise _corrupt("varint does not fit in 64 bits", start)
    return result, pos


def _key(buf, pos: int, end: int) -> tuple[int, int, int]:
    start = pos
    key, pos = _varint(buf, pos, end)
    field, wire_type = key >> 3, key & 7
    if field == 0 or field > _MAX_FIELD:
        raise _corrupt(f"invalid field number {field}", start)
    return field, wire_type, pos


def _length(buf, pos: int, end: int) -> tuple[int, int]:
    start = pos
    n, pos = _varint(buf, pos, end)
    if n > end - pos:
        raise _corrupt(f"length {n} runs past the end of its message", start)
    return pos, pos + n


def _text(buf, start: int, end: int, what: str) -> str:
    try:
        return bytes(buf[start:end]).decode("utf-8")
    except UnicodeDecodeError:
        raise _corrupt(f"{what} is not valid UTF-8", start) from None


def _unexpected(field: int, wire_type: int, message: str, pos: int) -> CheckpointCorruptError:
    return _corrupt(f"unexpected field {field} with wire type {wire_type} in {message}", pos)


def _int64(u: int) -> int:
    return u - (1 << 64) if u >> 63 else u


def _tensor(buf, pos: int, end: int) -> TensorRecord:
    offset = pos
    dims: list[int] = []
    tensor_type: str | None = None
    content: tuple[int, int] | None = None
    while pos < end:
        at = pos
        field, wire_type, pos = _key(buf, pos, end)
        if field == 1 and wire_type == _VARINT:
            d, pos = _varint(buf, pos, end)
            dims.append(_int64(d))
        elif field == 1 and wire_type == _LEN:  # packed dims: legal on the wire for any repeated scalar
            a, pos = _length(buf, pos, end)
            while a < pos:
                d, a = _varint(buf, a, pos)
                dims.append(_int64(d))
        elif field == 2 and wire_type == _LEN and tensor_type is None:
            a, pos = _length(buf, pos, end)
            tensor_type = _text(buf, a, pos, "tensor_type")
        elif field == 3 and wire_type == _LEN and content is None:
            content = _length(buf, pos, end)
            pos = content[1]
        else:
            raise _unexpected(field, wire_type, "TensorProto", at)
    if tensor_type is None or content is None:
        missing = "tensor_type" if tensor_type is None else "tensor_content"
        raise _corrupt(f"TensorProto without its required {missing}", offset)
    return TensorRecord(tuple(dims), tensor_type, content[0], content[1], offset)


def _map_tensor(buf, pos: int, end: int) -> tuple[TensorRecord, ...]:
    tensors = []
    while pos < end:
        at = pos
        field, wire_type, pos = _key(buf, pos, end)
        if field != 1 or wire_type != _LEN:
            raise _unexpected(field, wire_type, "MapTensorProto", at)
        a, pos = _length(buf, pos, end)
        tensors.append(_tensor(buf, a, pos))
    return tuple(tensors)


def _value(buf, pos: int, end: int) -> ValueRecord:
    offset = pos
    tag: str | None = None
    tensor: TensorRecord | None = None
    maps: tuple[TensorRecord, ...] | None = None
    while pos < end:
        at = pos
        field, wire_type, pos = _key(buf, pos, end)
        if wire_type != _LEN or field > 3:
            raise _unexpected(field, wire_type, "Checkpoint.Value", at)
        a, pos = _length(buf, pos, end)
        if field == 1 and tag is None:
            tag = _text(buf, a, pos, "tag")
        elif field == 2 and tensor is None and maps is None:
            tensor = _tensor(buf, a, pos)
        elif field == 3 and tensor is None and maps is None:
            maps = _map_tensor(buf, a, pos)
        else:
            raise _corrupt(f"repeated field {field} in Checkpoint.Value", at)
    if tag is None:
        raise _corrupt("Checkpoint.Value without its required tag", offset)
    if tensor is None and maps is None:
        raise _corrupt(f"Checkpoint.Value {tag!r} has neither tensor nor maptensor", offset)
    return ValueRecord(tag, tensor, maps, offset)


def iter_values(buf, start: int = 0, end: int | None = None) -> Iterator[ValueRecord]:
    """Yield every ``Checkpoint.value`` in ``buf[start:end]`` in file order (concatenated messages included)."""
    pos = start
    end = len(buf) if end is None else end
    while pos < end:
        at = pos
        field, wire_type, pos = _key(buf, pos, end)
        if field != 1 or wire_type != _LEN:
            raise _unexpected(field, wire_type, "Checkpoint", at)
        a, pos = _length(buf, pos, end)
        yield _value(buf, a, pos)


# ------------------------------------------------------------------------------------------------ writing
def encode_varint(value: int) -> bytes:
    """Minimal varint; negative numbers as 10-byte two's complement (protobuf's int64 encoding)."""
    if value < 0:
        value += 1 << 64
    out = bytearray()
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def tensor_value_header(tag: bytes, dims: Sequence[int], tensor_type: bytes, content_len: int) -> bytes:
    """Bytes of ``Checkpoint{value: Value{tag, tensor: TensorProto{dims, tensor_type, tensor_content}}}``
    up to (not including) the ``content_len`` content bytes, which the caller writes right after."""
    tensor_head = b"".join(b"\x08" + encode_varint(int(d)) for d in dims)
    tensor_head += b"\x12" + encode_varint(len(tensor_type)) + tensor_type
    tensor_head += b"\x1a" + encode_varint(content_len)
    tensor_len = len(tensor_head) + content_len
    value_head = b"\x0a" + encode_varint(len(tag)) + tag + b"\x12" + encode_varint(tensor_len)
    value_len = len(value_head) + tensor_len
    return b"\x0a" + encode_varint(value_len) + value_head + tensor_head
