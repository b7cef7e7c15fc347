"""Write ``[(name, numpy array | str | RawTensor), ...]`` as the bytes MindSpore 2.10's ``save_checkpoint``
writes for the same data (``serialization.py`` ``_exec_save`` and ``_write_parameter_*``).

* Every entry is one ``Checkpoint`` message per slice, written back to back (which protobuf reads as one
  ``Checkpoint`` with all values in order).  Scalars have no dims; ``str`` is UTF-32LE with dims ``[0]``.
* ``split="bytes"`` (MindSpore's normal, synchronous path): the C-order bytes are cut into ``slice_bytes``
  chunks (512 MiB) each with the full dims; zero-size tensors are written as *nothing* (dropped).
* ``split="rows"`` (``async_save``; and always for str): ``np.array_split`` along axis 0 into
  ``ceil(nbytes / slice_bytes)`` pieces when ``nbytes > slice_bytes``; zero-size tensors are kept.
* ``crc_check`` appends ``b"crc_num" + crc32(body).to_bytes(10, "big")``; with ``enc_key`` the body is
  encrypted in 64 MiB frames and (as MindSpore does) a crc footer would hold 0, after the ciphertext.

Output is streamed tensor by tensor (and frame by frame when encrypting): memory stays at one chunk.
"""
from __future__ import annotations

import io
import math
import os
from typing import Any, Callable, Iterable, Iterator, NamedTuple

import numpy as np

from . import crc as _crc
from .atomic import atomic_output
from .crypto import FrameEncryptor
from .dtypes import STR_TYPE, numpy_dtype, tensor_type_of
from .wire import tensor_value_header

__all__ = ["SLICE_BYTES", "RawTensor", "write_checkpoint", "serialize_checkpoint", "iter_value_chunks"]

SLICE_BYTES = 512 * 1024 * 1024  # MindSpore: SLICE_SIZE = 512 * 1024 KB


class RawTensor(NamedTuple):
    """Pre-encoded tensor: ``data`` holds the C-order little-endian bytes of a ``shape`` tensor whose
    MindSpore ``tensor_type`` string is given (for types numpy cannot express, or bytes from another
    framework without a numpy conversion)."""
    shape: tuple
    tensor_type: str
    data: Any


def _as_bytes_view(arr: np.ndarray) -> np.ndarray:
    """1-D uint8 view of the C-order little-endian bytes (copying only when needed)."""
    if arr.dtype.byteorder == ">":
        arr = arr.astype(arr.dtype.newbyteorder("<"))
    if not arr.flags.c_contiguous:
        arr = arr.copy(order="C")
    return arr.reshape(-1).view(np.uint8)


def _normalise(name: str, value) -> tuple[list[int], str, np.ndarray]:
    """``(dims, tensor_type, uint8 content)`` for one entry."""
    if isinstance(value, str):
        # np.array(value).tobytes(): UTF-32LE, and "" becomes one NUL code point (dtype '<U1').
        data = value.encode("utf-32-le", "surrogatepass") if value else b"\0\0\0\0"
        return [0], STR_TYPE, np.frombuffer(data, np.uint8)
    if isinstance(value, RawTensor):
        content = np.frombuffer(memoryview(value.data).cast("B"), np.uint8)
        dims = [int(d) for d in value.shape]
        dtype = numpy_dtype(str(value.tensor_type))
        if dtype is not None and math.prod(dims) * dtype.itemsize != content.size:
            raise ValueError(f"Cannot save {name!r}: {content.size} bytes do not make a {value.tensor_type} "
                             f"tensor of shape {tuple(dims)}")
        return dims, str(value.tensor_type), content
    if isinstance(value, (np.ndarray, np.generic)):
        arr = np.asarray(value)
        try:
            tensor_type = tensor_type_of(arr.dtype)
        except TypeError as e:
            raise TypeError(f"Cannot save {name!r}: {e}") from None
        return list(arr.shape), tensor_type, _as_bytes_view(arr)
    raise TypeError(f"Cannot save {name!r}: expected a numpy array, str or RawTensor, got {type(value).__name__}")


def iter_value_chunks(name: str, value, *, slice_bytes: int = SLICE_BYTES, split: str = "bytes",
                      v1_scalars: bool = False) -> Iterator[tuple[bytes, memoryview]]:
    """``(protobuf header, content)`` pairs; each pair is one serialized ``Checkpoint`` message."""
    if split not in ("bytes", "rows"):
        raise ValueError(f"split must be 'bytes' or 'rows', got {split!r}")
    if slice_bytes <= 0:
        raise ValueError("slice_bytes must be positive")
    if not isinstance(name, str):
        raise TypeError(f"Checkpoint entry names must be str, got {type(name).__name__}")
    dims, tensor_type, content = _normalise(name, value)
    if v1_scalars and not dims:
        dims = [0]  # MindSpore 1.x wrote shape () as dims [0]
    tag, ttype = name.encode("utf-8"), tensor_type.encode("utf-8")
    nbytes = content.size
    if split == "bytes" and tensor_type != STR_TYPE:
        pieces: Iterable[np.ndarray] = (content[i:i + slice_bytes] for i in range(0, nbytes, slice_bytes))
    elif tensor_type != STR_TYPE and nbytes / 1024 > slice_bytes / 1024 and dims and dims[0] > 0:
        # _write_parameter_data: np.array_split(data, ceil(size_kb / SLICE_SIZE)) along axis 0.
        count = math.ceil((nbytes / 1024) / (slice_bytes / 1024))
        pieces = (p.reshape(-1) for p in np.array_split(content.reshape(dims[0], -1), count))
    else:
        pieces = (content,)
    for piece in pieces:
        yield tensor_value_header(tag, dims, ttype, piece.size), memoryview(piece)


def _stream(sink: Callable[[Any], object], entries: Iterable[tuple[str, Any]], crc_check: bool,
            enc_key: bytes | None, enc_mode: str, slice_bytes: int, split: str, v1_scalars: bool) -> None:
    out = sink
    encryptor = None
    if enc_key is not None:
        encryptor = FrameEncryptor(enc_key, enc_mode, sink)
        out = encryptor.feed
    crc = 0
    for name, value in entries:
        for header, content in iter_value_chunks(name, value, slice_bytes=slice_bytes, split=split,
                                                     v1_scalars=v1_scalars):
            out(header)
            out(content)
            if crc_check and encryptor is None:  # MindSpore never updates the crc when encrypting
                crc = _crc.crc32(content, _crc.crc32(header, crc))
    if encryptor is not None:
        encryptor.close()
    if crc_check:
        sink(_crc.make_footer(crc))


def write_checkpoint(path: str | os.PathLike, entries: Iterable[tuple[str, Any]], *, crc_check: bool = False,
                     enc_key: bytes | None = None, enc_mode: str = "AES-GCM", slice_bytes: int = SLICE_BYTES,
                     split: str = "bytes", v1_scalars: bool = False) -> None:
    """Write ``entries`` (in order) to ``path`` atomically: via ``<stem>.tmp``, then renamed, mode ``0o400``.

    ``split="rows"`` is the ``async_save`` layout; ``v1_scalars=True`` writes shape ``()`` as dims ``[0]``
    (MindSpore 1.x files; 2.10 reads both).
    ``path`` is used as given (the API layer appends ``.ckpt`` the way MindSpore does).  On any error the
    previous file at ``path`` is left as it was and the temporary file is removed.
    """
    with atomic_output(path, "ckpt") as tmp:
        with open(tmp, "wb") as f:
            _stream(f.write, entries, crc_check, enc_key, enc_mode, slice_bytes, split, v1_scalars)


def serialize_checkpoint(entries: Iterable[tuple[str, Any]], *, crc_check: bool = False,
                         enc_key: bytes | None = None, enc_mode: str = "AES-GCM",
                         slice_bytes: int = SLICE_BYTES, split: str = "bytes", v1_scalars: bool = False) -> bytes:
    """The bytes :func:`write_checkpoint` would write (built in memory: for small checkpoints and tools)."""
    buf = io.BytesIO()
    _stream(buf.write, entries, crc_check, enc_key, enc_mode, slice_bytes, split, v1_scalars)
    return buf.getvalue()
