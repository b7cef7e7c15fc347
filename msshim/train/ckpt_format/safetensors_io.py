"""``save_checkpoint(format="safetensors")`` / ``load_checkpoint(format="safetensors")`` file layer.

Writing uses the ``safetensors`` library (``safetensors.numpy.save_file``) exactly as MindSpore 2.10 does,
so the layout is the library's: entries sorted by name, metadata ``{"format": "ms"}`` plus
``"remove_redundancy"`` when given, ``name: "Int4"`` for qint4x2 entries and ``"crc_num"`` (crc32 chained
over ``name.encode()`` then the array bytes, per sorted name); no metadata at all for an empty file.

Reading mirrors MindSpore's own mmap reader (``mindspore.parallel.transform_safetensors._fast_safe_open``),
not the library: the library's numpy backend cannot return bfloat16.  Same validation (header size, offsets
contiguous in header order, sizes matching shapes, no trailing bytes), keys returned sorted, arrays are
views of a copy-on-write mapping (copied only when misaligned, as MindSpore does).
"""
from __future__ import annotations

import json
import mmap
import os
from typing import Any, Callable, Iterable, Union

import ml_dtypes
import numpy as np

from . import crc as _crc
from .atomic import atomic_output
from .dtypes import QINT4X2, tensor_type_of
from .errors import CheckpointCrcError, SafetensorsFormatError
from .reader import CheckpointEntries

__all__ = ["read_safetensors", "write_safetensors", "safetensors_crc"]

_HEADER_SIZE = 8
_MAX_HEADER = 100 * 1000 * 1000
_DTYPES = {"BOOL": np.dtype(np.bool_), "U8": np.dtype("<u1"), "I8": np.dtype("<i1"), "I16": np.dtype("<i2"),
           "U16": np.dtype("<u2"), "I32": np.dtype("<i4"), "U32": np.dtype("<u4"), "I64": np.dtype("<i8"),
           "U64": np.dtype("<u8"), "F16": np.dtype("<f2"), "BF16": np.dtype(ml_dtypes.bfloat16),
           "F32": np.dtype("<f4"), "F64": np.dtype("<f8")}
Source = Union[str, os.PathLike, bytes, bytearray, memoryview]


class _Object(list):
    """A JSON object as its (key, value) pairs, in order (JSON arrays stay plain lists)."""


_ZEROS = bytes(1 << 20)
_MAX_INDEX_BYTES = 1 << 32


def _c_order(arr: np.ndarray) -> np.ndarray:
    return arr if arr.flags.c_contiguous else arr.copy(order="C")  # (np.ascontiguousarray makes 0-d 1-d)


def _ms_bytes_crc(arr: np.ndarray, crc: int) -> int:
    """crc32 of ``bytes(arr)`` continued from ``crc``, as MindSpore computes it.

    ``bytes()`` of a 0-d *integer* array uses ``__index__``: ``bytes(np.array(7))`` is seven zero bytes, not
    the element.  MindSpore's safetensors crc inherits that, so it is reproduced here (verified: the crc of
    ``dtypes_crc.safetensors`` only matches this way).  A negative scalar makes MindSpore fail.
    """
    if arr.ndim == 0 and arr.dtype.kind in "iu":
        n = int(arr)
        if n < 0 or n > _MAX_INDEX_BYTES:
            raise ValueError(f"MindSpore's safetensors crc of the integer scalar {n} is bytes({n}), which "
                             "cannot be computed")
        for _ in range(n >> 20):
            crc = _crc.crc32(_ZEROS, crc)
        return _crc.crc32(_ZEROS[:n & ((1 << 20) - 1)], crc)
    return _crc.crc32(_c_order(arr).reshape(-1).view(np.uint8), crc)


def safetensors_crc(items: Iterable[tuple[str, np.ndarray]]) -> int:
    """MindSpore's safetensors crc: crc32 chained over ``name.encode()`` then ``bytes(array)``, in order."""
    crc = 0
    for name, arr in items:
        crc = _ms_bytes_crc(np.asarray(arr), _crc.crc32(name.encode("utf-8"), crc))
    return crc


def write_safetensors(path: str | os.PathLike, entries: Iterable[tuple[str, np.ndarray]], *,
                      crc_check: bool = False, remove_redundancy: bool | None = None) -> None:
    """Write ``entries`` like MindSpore: sorted, ``{"format": "ms"}`` metadata, tmp file + rename, ``0o400``.

    (MindSpore itself cannot compute the crc of a bfloat16 entry: ``bytes(ndarray)`` rejects the dtype; here
    it works and MindSpore loads such a file fine without ``crc_check``.)
    """
    data = dict(entries)
    meta = {"format": "ms"}
    if isinstance(remove_redundancy, bool):
        meta["remove_redundancy"] = str(remove_redundancy)
    save: dict[str, np.ndarray] = {}
    for name in sorted(data):
        arr = data[name]
        if not isinstance(arr, (np.ndarray, np.generic)):
            raise TypeError(f"Cannot save {name!r} as safetensors: expected a numpy array, got {type(arr).__name__}")
        arr = np.asarray(arr)
        if tensor_type_of(arr.dtype) == "Int4":
            meta[name] = "Int4"
            arr = arr.view(np.int8)
        if arr.dtype.byteorder == ">":
            arr = arr.astype(arr.dtype.newbyteorder("<"))
        save[name] = _c_order(arr)
    if crc_check:
        meta["crc_num"] = str(safetensors_crc(save.items()))
    from safetensors.numpy import save_file

    with atomic_output(path, "safetensors") as tmp:
        if save:
            save_file(save, tmp, metadata=meta)
        else:
            save_file(save, tmp)


def _fail(reason: str) -> SafetensorsFormatError:
    return SafetensorsFormatError(reason)


def _parse_header(buf, size: int) -> tuple[int, list[tuple[str, dict]], dict | None]:
    if size < _HEADER_SIZE:
        raise _fail("SafeTensorError::HeaderTooSmall")
    n = int.from_bytes(bytes(buf[:_HEADER_SIZE]), "little")
    if n > _MAX_HEADER:
        raise _fail("SafeTensorError::HeaderTooLarge")
    if n > size - _HEADER_SIZE:
        raise _fail("SafeTensorError::InvalidHeaderLength")
    try:
        pairs = json.loads(bytes(buf[_HEADER_SIZE:_HEADER_SIZE + n]).decode("utf-8"), object_pairs_hook=_Object)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise _fail("SafeTensorError::InvalidHeaderDeserialization") from None
    if not isinstance(pairs, _Object):
        raise _fail("SafeTensorError::InvalidHeaderDeserialization")
    metadata, tensors = None, []
    for key, info in pairs:
        if key == "__metadata__":
            if not (isinstance(info, _Object) and all(isinstance(v, str) for _, v in info)):
                raise _fail("SafeTensorError::InvalidMetadata")
            metadata = dict(info)
        else:
            tensors.append((key, _tensor_info(key, info)))
    start = 0
    for key, info in tensors:  # offsets must tile the data area in header order
        s, e = info["data_offsets"]
        if s != start or e < s:
            raise _fail(f"SafeTensorError::InvalidOffset({key})")
        count = 1
        for d in info["shape"]:
            count *= d
        if e - s != count * info["dtype"].itemsize:
            raise _fail("SafeTensorError::TensorInvalidInfo")
        start = e
    if start + _HEADER_SIZE + n != size:
        raise _fail("SafeTensorError::MetadataIncompleteBuffer")
    return _HEADER_SIZE + n, tensors, metadata


def _tensor_info(key: str, info: Any) -> dict:
    if not isinstance(info, _Object):
        raise _fail(f"SafeTensorError::InvalidTensorInfo({key})")
    info = dict(info)
    dtype = _DTYPES.get(info.get("dtype")) if isinstance(info.get("dtype"), str) else None
    shape, offsets = info.get("shape"), info.get("data_offsets")
    ok_shape = type(shape) is list and len(shape) <= 32 and all(
        type(d) is int and d >= 0 for d in shape)
    ok_offsets = type(offsets) is list and len(offsets) == 2 and all(
        type(o) is int and o >= 0 for o in offsets)
    if dtype is None or not ok_shape or not ok_offsets:
        raise _fail(f"SafeTensorError::InvalidTensorInfo({key})")
    return {"dtype": dtype, "shape": tuple(shape), "data_offsets": tuple(offsets)}


def _open(source: Source):
    if isinstance(source, (bytes, bytearray, memoryview)):
        buf = memoryview(source).cast("B")
        return buf, len(buf)
    with open(source, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        if size == 0:
            return b"", 0
        return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_COPY), size


def read_safetensors(source: Source, *, crc_check: bool = False,
                     choice: Callable[[str], bool] | None = None) -> CheckpointEntries:
    """``[(name, array), ...]`` sorted by name, like MindSpore's safetensors ``load_checkpoint``.

    ``crc_footer`` on the result tells whether the metadata had a ``crc_num`` (MindSpore warns when
    ``crc_check`` and it has none); a mismatch raises :class:`CheckpointCrcError`.  The crc covers every entry,
    ``choice`` only selects what is returned.  Entries named ``"Int4"`` in the metadata come back as
    :data:`~msshim.train.ckpt_format.dtypes.QINT4X2` arrays.
    """
    buf, size = _open(source)
    base, tensors, metadata = _parse_header(buf, size)
    info = dict(tensors)
    entries = CheckpointEntries()
    entries.crc_footer = bool(metadata) and "crc_num" in metadata
    calc = 0
    for name in sorted(info):
        spec = info[name]
        start = base + spec["data_offsets"][0]
        count = (spec["data_offsets"][1] - spec["data_offsets"][0]) // spec["dtype"].itemsize
        arr = np.frombuffer(buf, spec["dtype"], count, start).reshape(spec["shape"])
        if crc_check:
            try:
                calc = _ms_bytes_crc(arr, _crc.crc32(name.encode("utf-8"), calc))
            except ValueError as e:
                raise _fail(str(e)) from None
        if choice is not None and not choice(name):
            continue
        if not arr.flags.aligned:
            arr = arr.copy()
        if metadata and metadata.get(name) == "Int4":
            arr = arr.view(QINT4X2)
        entries.append((name, arr))
    if crc_check and entries.crc_footer:
        try:
            stored = int(metadata["crc_num"])
        except ValueError:
            raise _fail("crc_num in the metadata is not a number") from None
        if stored != calc:
            raise CheckpointCrcError(stored, calc)
        entries.crc_checked = True
    return entries
