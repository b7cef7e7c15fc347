"""The ``crc_num`` footer of ``save_checkpoint(..., crc_check=True)``.

MindSpore appends ``b"crc_num" + crc32(body).to_bytes(10, "big")`` (17 bytes) after the protobuf body, where
crc32 is ``binascii.crc32`` chained over every serialized Value, i.e. the crc32 of the whole body.  On load
the footer is recognised by ``content[-17:-10] == b"crc_num"`` and stripped whether or not the crc is
checked.  With encryption MindSpore never updates the crc, so the footer after the ciphertext holds 0.
"""
from __future__ import annotations

import zlib

__all__ = ["FOOTER_MAGIC", "FOOTER_LEN", "make_footer", "split_footer", "crc32"]

FOOTER_MAGIC = b"crc_num"
FOOTER_LEN = len(FOOTER_MAGIC) + 10


def make_footer(crc: int) -> bytes:
    return FOOTER_MAGIC + int(crc).to_bytes(10, "big")


def split_footer(buf, end: int | None = None) -> tuple[int, int | None]:
    """``(body_end, stored_crc)`` for ``buf[:end]``; ``stored_crc`` is ``None`` when there is no footer."""
    end = len(buf) if end is None else end
    if end >= FOOTER_LEN and bytes(buf[end - FOOTER_LEN:end - 10]) == FOOTER_MAGIC:
        return end - FOOTER_LEN, int.from_bytes(bytes(buf[end - 10:end]), "big")
    return end, None


def crc32(data, crc: int = 0) -> int:
    """``binascii.crc32`` (same polynomial as zlib), fed in 256 MiB pieces to bound any internal copies."""
    view = memoryview(data).cast("B") if not isinstance(data, (bytes, bytearray)) else memoryview(data)
    step = 256 << 20
    for i in range(0, len(view), step):
        crc = zlib.crc32(view[i:i + step], crc)
    return crc
