"""Read a MindSpore ``.ckpt`` into ``[(name, numpy array | str | list of arrays), ...]`` in file order.

Files are memory-mapped copy-on-write: arrays are ``np.frombuffer`` views of the mapping (writable, nothing
is read until touched, nothing is written back) and only entries MindSpore split into several Values
(> 512 MiB) are copied when their slices are joined.  Encrypted files are decrypted frame by frame into one
buffer that the arrays then share.  Everything is validated before any allocation.

MindSpore 2.10 semantics kept (``serialization.py`` ``_parse_ckpt_proto`` / ``_load_ckpt_into_param_dict``):
the ``crc_num`` footer is always stripped and checked only with ``crc_check``; consecutive Values with the
same tag are joined (the last one's dims and tensor_type win); 1.x scalars (``dims == [0]`` with one element)
become shape ``()``; ``tensor_type "str"`` is UTF-32LE text; maptensor Values become ``[keys, values,
status]`` arrays joined along axis 0.  A name that comes back later (not consecutively) appears twice in
the list; ``dict(entries)`` then keeps the first position and the last value, like MindSpore's dict.
Stricter than MindSpore (which reads past or short of the content): dims must match the content size.
"""
from __future__ import annotations

import io
import mmap
import os
from typing import Callable, Union

import numpy as np

from . import crc as _crc
from .crypto import cipher_magic_mode, decrypt_frames
from .dtypes import MAP_TENSOR_TYPES, STR_TYPE, numpy_dtype
from .errors import CheckpointCrcError, CheckpointEntryError, CheckpointNeedsKeyError, CheckpointTypeError
from .wire import TensorRecord, ValueRecord, iter_values

__all__ = ["CheckpointEntries", "read_checkpoint", "MAX_NDIM"]

Source = Union[str, os.PathLike, bytes, bytearray, memoryview]
Value = Union[np.ndarray, str, list]
MAX_NDIM = 32  # numpy 1.x's limit; MindSpore tensors never get close


class CheckpointEntries(list):
    """``list[(name, value)]`` plus what the loader needs to warn about.

    ``crc_footer``: the file had a ``crc_num`` footer (MindSpore warns "the ckpt file do not contain the crc
    code" when ``crc_check=True`` and this is False).  ``crc_checked``: the footer's crc was verified.
    """
    crc_footer: bool = False
    crc_checked: bool = False


def read_checkpoint(source: Source, *, dec_key: bytes | None = None, dec_mode: str = "AES-GCM",
                    crc_check: bool = False, choice: Callable[[str], bool] | None = None,
                    strict_types: bool = False) -> CheckpointEntries:
    """Parse a checkpoint file (path) or its bytes.

    ``choice(name) -> bool`` drops entries before their arrays are built (and before their tensor_type is
    looked at, as in MindSpore).  ``strict_types=True`` accepts only the tensor_type strings MindSpore 2.10
    loads; by default 1.x's ``"Uint8"``-style spellings and ``"Complex64/128"`` are read too.
    Raises :class:`~msshim.train.ckpt_format.errors.CheckpointFormatError` subclasses only (plus ``OSError``
    from opening the file, ``ImportError`` when decrypting without ``cryptography``).

    Arrays may be unaligned (protobuf puts content at any offset; numpy and ``torch.from_numpy`` accept
    that) and keep the mapping alive while referenced; with ``bytes`` input they are read-only views of it.
    """
    buf, end, trailer_crc = _load(source, dec_key, dec_mode)
    body_end, stored = _crc.split_footer(buf, end)
    if trailer_crc is not None:
        stored = trailer_crc
    entries = CheckpointEntries()
    entries.crc_footer = stored is not None
    if crc_check and stored is not None:
        computed = _crc.crc32(memoryview(buf)[:body_end])
        if computed != stored:
            raise CheckpointCrcError(stored, computed)
        entries.crc_checked = True
    group: list[ValueRecord] = []
    keep = False
    for rec in iter_values(buf, 0, body_end):
        if group and rec.tag != group[0].tag:
            if keep:
                entries.append((group[0].tag, _build(buf, group, strict_types)))
            group = []
        if not group:
            keep = choice is None or bool(choice(rec.tag))
        group.append(rec)
    if group and keep:
        entries.append((group[0].tag, _build(buf, group, strict_types)))
    return entries


# ------------------------------------------------------------------------------------------- loading
def _load(source: Source, dec_key, dec_mode: str):
    """``(buffer, end, crc from a footer after the ciphertext or None)``."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = memoryview(source).cast("B")
        if dec_key is None:
            _refuse_cipher(bytes(data[:4]))
            return data, len(data), None
        return _decrypt(io.BytesIO(data), len(data), dec_key, dec_mode)
    with open(source, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        if dec_key is not None:
            return _decrypt(f, size, dec_key, dec_mode)
        _refuse_cipher(f.read(4))
        if size == 0:
            return b"", 0, None
        # Copy-on-write: arrays are writable, pages come from the page cache, the file is never modified.
        return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_COPY), size, None


def _refuse_cipher(head: bytes) -> None:
    mode = cipher_magic_mode(head)
    if mode is not None:
        raise CheckpointNeedsKeyError(mode)


def _decrypt(f, size: int, dec_key, dec_mode: str):
    out, n, trailer = decrypt_frames(f, size, dec_key, dec_mode)
    return out, n, (int.from_bytes(trailer[7:], "big") if trailer else None)


# ------------------------------------------------------------------------------------------- entries
def _build(buf, group: list[ValueRecord], strict_types: bool) -> Value:
    tag = group[0].tag
    if all(r.tensor is not None for r in group):
        return _tensor_value(buf, tag, [r.tensor for r in group], strict_types)
    if all(r.map_tensors is not None for r in group):
        return _map_value(buf, tag, [r.map_tensors for r in group])
    raise CheckpointEntryError(tag, "consecutive Values mix tensor and maptensor", offset=group[0].offset)


def _content_len(parts: list[TensorRecord]) -> int:
    return sum(p.content_end - p.content_start for p in parts)


def _check_dims(tag: str, dims: tuple[int, ...], offset: int) -> None:
    if len(dims) > MAX_NDIM:
        raise CheckpointEntryError(tag, f"{len(dims)} dims (at most {MAX_NDIM} supported)", offset=offset)
    if any(d < 0 for d in dims):
        raise CheckpointEntryError(tag, f"negative dimension in dims {list(dims)}",
                                   detail="All shape elements of the Parameter must be positive.", offset=offset)


def _join(buf, parts: list[TensorRecord], total: int) -> np.ndarray:
    """uint8 array of the parts' contents: a view for one part, one copy for several."""
    if len(parts) == 1:
        return np.frombuffer(buf, np.uint8, total, parts[0].content_start)
    out = np.empty(total, np.uint8)
    pos = 0
    for p in parts:
        for a in range(p.content_start, p.content_end, _COPY_STEP):  # in steps, releasing what was copied
            n = min(_COPY_STEP, p.content_end - a)
            out[pos:pos + n] = np.frombuffer(buf, np.uint8, n, a)
            pos += n
            _drop_pages(buf, a, a + n)
    return out


_COPY_STEP = 64 << 20


_DONTNEED = getattr(mmap, "MADV_DONTNEED", None)


def _drop_pages(buf, start: int, end: int) -> None:
    """Release the mapped pages of slice content just copied, so joining a > 512 MiB entry peaks at about its
    size (+ 64 MiB) rather than twice its size.  Only pages wholly inside a slice (nothing else views them);
    on this private mapping they are clean, so dropping them loses nothing (they would be re-read)."""
    if _DONTNEED is None or not isinstance(buf, mmap.mmap):
        return
    lo = -(-start // mmap.PAGESIZE) * mmap.PAGESIZE
    hi = end // mmap.PAGESIZE * mmap.PAGESIZE
    if hi > lo:
        try:
            buf.madvise(_DONTNEED, lo, hi - lo)
        except OSError:
            pass


def _tensor_value(buf, tag: str, parts: list[TensorRecord], strict_types: bool) -> np.ndarray | str:
    last = parts[-1]
    total = _content_len(parts)
    if last.tensor_type == STR_TYPE:
        return _str_value(buf, tag, parts, total)
    dtype = numpy_dtype(last.tensor_type, strict=strict_types)
    if dtype is None:
        raise CheckpointTypeError(tag, last.tensor_type, offset=last.offset)
    dims = last.dims
    _check_dims(tag, dims, last.offset)
    if dims == (0,) and total != 0:
        dims = ()  # MindSpore 1.x wrote scalars as dims [0]
    count = 1
    for d in dims:
        count *= d
    if count * dtype.itemsize != total:
        raise CheckpointEntryError(
            tag, f"dims {list(last.dims)} of {last.tensor_type} need {count * dtype.itemsize} bytes "
                 f"but the content has {total}", offset=last.offset)
    return _join(buf, parts, total).view(dtype).reshape(dims)


def _str_value(buf, tag: str, parts: list[TensorRecord], total: int) -> str:
    if total % 4:
        raise CheckpointEntryError(tag, f"str content of {total} bytes is not UTF-32", offset=parts[-1].offset)
    raw = bytes(_join(buf, parts, total))
    try:
        # numpy's U dtype (what MindSpore decodes with) drops trailing NULs and keeps lone surrogates.
        return raw.decode("utf-32-le", "surrogatepass").rstrip("\x00")
    except UnicodeDecodeError as e:
        raise CheckpointEntryError(tag, f"str content is not UTF-32LE: {e.reason}", offset=parts[-1].offset) from None


def _map_value(buf, tag: str, slices: list[tuple[TensorRecord, ...]]) -> list[np.ndarray]:
    """MapParameter: per component, join the slices along axis 0 (``_load_map_parameter``)."""
    n = len(slices[-1])
    if any(len(s) != n for s in slices):
        raise CheckpointEntryError(tag, "maptensor slices have different numbers of tensors", offset=slices[0][0].offset
                                   if slices[0] else None)
    out = []
    for i in range(n):
        parts = [s[i] for s in slices]
        last = parts[-1]
        dtype = MAP_TENSOR_TYPES.get(last.tensor_type)
        if dtype is None:
            raise CheckpointTypeError(tag, last.tensor_type, offset=last.offset)
        for p in parts:
            _check_dims(tag, p.dims, p.offset)
            if not p.dims or p.dims[1:] != last.dims[1:]:
                raise CheckpointEntryError(tag, "maptensor slices disagree on dims", offset=p.offset)
        shape = (sum(p.dims[0] for p in parts),) + last.dims[1:]
        count = 1
        for d in shape:
            count *= d
        total = _content_len(parts)
        if count * dtype.itemsize != total:
            raise CheckpointEntryError(tag, f"maptensor dims {list(shape)} disagree with {total} content bytes",
                                       offset=last.offset)
        out.append(_join(buf, parts, total).view(dtype).reshape(shape))
    return out
