"""The zip container of torch's serialization format, written in Python: what ``torch._C.PyTorchFileWriter``
(miniz) writes, minus its slow CRC.  Stored (uncompressed) entries named ``archive/<record>``; each record's
data starts on a 64-byte boundary (torch's ``kFieldAlignment``: the gap is an ``FB`` extra field in the local
header filled with ``Z``, as miniz's writer does); ZIP64 fields and end records when a size or an offset
reaches 4 GiB.  The CRC-32 (``zlib.crc32``, which releases the GIL) of a large record runs in a worker thread
while the main thread writes the same bytes, then is patched into the local header; readers (torch's,
Python's ``zipfile``) check the central directory's."""
from __future__ import annotations

import os
import struct
import zlib
from concurrent.futures import ThreadPoolExecutor
from typing import Any, BinaryIO

__all__ = ["PtZipWriter", "ALIGNMENT", "serialization_id"]

ALIGNMENT = 64
_CHUNK = 16 << 20
_THREADED = 1 << 20  # below this a thread hand-off costs more than the CRC
_MAX32 = 0xFFFFFFFF
_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")


class PtZipWriter:
    """``write_record(name, data)`` for each record in order, then ``finish()``; ``f`` is a seekable binary
    file positioned at 0, or a :class:`~.direct.DirectOutput` (whose ``patch`` replaces seeking back)."""

    def __init__(self, f: BinaryIO | Any, prefix: str = "archive"):
        self._f = f
        self._prefix = prefix
        self._pos = 0
        self._records: list[tuple[bytes, int, int, int]] = []  # name, crc, size, local header offset
        self._pool: ThreadPoolExecutor | None = None

    def write_record(self, name: str, data) -> None:
        """``data``: bytes-like (a C-contiguous buffer, written without a copy)."""
        view = memoryview(data).cast("B")
        size = view.nbytes
        raw_name = f"{self._prefix}/{name}".encode("ascii")
        offset = self._pos
        zip64 = size >= _MAX32 or offset >= _MAX32
        extra = struct.pack("<HHQQ", 1, 16, size, size) if zip64 else b""
        start = offset + _LOCAL.size + len(raw_name) + len(extra) + 4  # + the FB field's own header
        pad = -start % ALIGNMENT
        extra += struct.pack("<2sH", b"FB", pad) + b"Z" * pad
        version = 45 if zip64 else 20
        local_size = _MAX32 if zip64 else size
        head = _LOCAL.pack(0x04034B50, version, 0, 0, 0, 0, 0, local_size, local_size, len(raw_name), len(extra))
        f = self._f
        f.write(head + raw_name + extra)
        if size < _THREADED:
            crc = zlib.crc32(view)
            f.write(view)
        else:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(1, thread_name_prefix="pt-zip-crc")
            pending = self._pool.submit(zlib.crc32, view)
            try:
                for i in range(0, size, _CHUNK):
                    f.write(view[i:i + _CHUNK])
            finally:
                crc = pending.result()
        end = offset + len(head) + len(raw_name) + len(extra) + size
        crc_field = struct.pack("<I", crc)
        if hasattr(f, "patch"):  # a DirectOutput: no seeking back into what may already be on disk
            f.patch(offset + 14, crc_field)
        else:
            f.seek(offset + 14)  # the local header's CRC field
            f.write(crc_field)
            f.seek(end)
        self._pos = end
        self._records.append((raw_name, crc, size, offset))

    def finish(self) -> None:
        """The central directory and end records."""
        f = self._f
        cd_start = self._pos
        out = bytearray()
        for raw_name, crc, size, offset in self._records:
            fields = ([size, size] if size >= _MAX32 else []) + ([offset] if offset >= _MAX32 else [])
            extra = struct.pack("<HH", 1, 8 * len(fields)) + struct.pack(f"<{len(fields)}Q", *fields) if fields else b""
            out += _CENTRAL.pack(0x02014B50, 45 if fields else 20, 45 if fields else 20, 0, 0, 0, 0, crc,
                                 min(size, _MAX32), min(size, _MAX32), len(raw_name), len(extra), 0, 0, 0, 0,
                                 min(offset, _MAX32))
            out += raw_name + extra
        cd_size = len(out)
        count = len(self._records)
        if cd_start >= _MAX32 or cd_size >= _MAX32 or count >= 0xFFFF:
            eocd64 = cd_start + cd_size
            out += struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, count, count, cd_size, cd_start)
            out += struct.pack("<IIQI", 0x07064B50, 0, eocd64, 1)
        out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, min(count, 0xFFFF), min(count, 0xFFFF),
                           min(cd_size, _MAX32), min(cd_start, _MAX32), 0)
        f.write(out)
        self._pos += len(out)
        self.close()

    def close(self) -> None:
        """Stop the CRC thread (``finish`` does; call it when giving up on the file)."""
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None


def serialization_id() -> str:
    """40 decimal digits, like torch's writer (a random id per file)."""
    return "".join(str(b % 10) for b in os.urandom(40))
