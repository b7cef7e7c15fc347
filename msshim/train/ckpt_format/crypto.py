"""MindSpore's cipher framing for checkpoints and MindIR (``enc_key`` / ``dec_key``).

The plaintext (the exact unencrypted file) is cut into blocks of at most 64 MiB; each becomes one frame of
little-endian int32 fields::

    AES-GCM : u32 0x7F3A5ED8 | tag[16] | i32 L | i32 16 | iv[16] | i32 clen | ciphertext   (L = 24 + clen)
    AES-CBC : u32 0x7F3A5ED9 |           i32 L | i32 16 | iv[16] | i32 clen | ciphertext   (PKCS#7 padded)
    SM4-CBC : u32 0x7F3A5EDA |           i32 L | i32 16 | iv[16] | i32 clen | ciphertext   (PKCS#7, 16 B key)

The key is the raw ``enc_key`` (AES: 16/24/32 bytes; SM4: 16).  Each frame has a fresh random 16-byte IV;
for GCM only its first 12 bytes are the nonce (no AAD, 16-byte tag).  MindSpore's C++ accepts a frame
length ``L`` up to 64 MiB + 50 bytes.
"""
from __future__ import annotations

import os
import struct
from typing import BinaryIO, Callable

from .errors import CheckpointDecryptError

__all__ = ["MODES", "FRAME_PLAINTEXT", "cipher_magic_mode", "FrameEncryptor", "decrypt_frames"]

MODES = {"AES-GCM": 0x7F3A5ED8, "AES-CBC": 0x7F3A5ED9, "SM4-CBC": 0x7F3A5EDA}
_MODE_OF_MAGIC = {v: k for k, v in MODES.items()}
FRAME_PLAINTEXT = 64 * 1024 * 1024
_MAX_FRAME_LEN = FRAME_PLAINTEXT + 50
_IV_LEN = 16


def cipher_magic_mode(head: bytes) -> str | None:
    """The mode whose magic the first 4 bytes are, or ``None``."""
    if len(head) < 4:
        return None
    return _MODE_OF_MAGIC.get(struct.unpack_from("<I", head)[0])


def _check_key(key: bytes, mode: str) -> str | None:
    if mode not in MODES:
        return "mode only supports AES-GCM|AES-CBC|SM4-CBC, got %r" % (mode,)
    if not isinstance(key, (bytes, bytearray)):
        return "the key must be bytes"
    if mode == "SM4-CBC" and len(key) != 16:
        return f"the key length must be 16, but got key length is {len(key)}"
    if mode != "SM4-CBC" and len(key) not in (16, 24, 32):
        return f"the key length must be 16, 24 or 32, but got key length is {len(key)}"
    return None


def _algorithm(key: bytes, mode: str):
    try:
        from cryptography.hazmat.primitives.ciphers import algorithms
    except ImportError as e:  # an optional dependency (msshim[crypto])
        raise ImportError("encrypted checkpoints need the 'cryptography' package: pip install cryptography") from e
    return algorithms.SM4(bytes(key)) if mode == "SM4-CBC" else algorithms.AES(bytes(key))


class FrameEncryptor:
    """Streams plaintext into cipher frames: ``feed()`` bytes, frames go to ``sink`` every 64 MiB, ``close()``
    flushes the last (shorter) frame.  Memory stays at one block whatever the file size."""

    def __init__(self, key: bytes, mode: str, sink: Callable[[bytes], object],
                 frame_plaintext: int = FRAME_PLAINTEXT) -> None:
        problem = _check_key(key, mode)
        if problem:
            raise ValueError(f"Encrypt failed: {problem}.")
        self._algorithm = _algorithm(key, mode)
        self._mode = mode
        self._sink = sink
        self._frame = frame_plaintext
        self._buf = bytearray()

    def feed(self, data) -> None:
        view = memoryview(data).cast("B")
        while len(view):
            take = min(self._frame - len(self._buf), len(view))
            self._buf += view[:take]
            view = view[take:]
            if len(self._buf) == self._frame:
                self._emit()

    def close(self) -> None:
        if self._buf:
            self._emit()

    def _emit(self) -> None:
        from cryptography.hazmat.primitives.ciphers import Cipher, modes

        iv = os.urandom(_IV_LEN)
        plain, self._buf = self._buf, bytearray()
        if self._mode == "AES-GCM":
            enc = Cipher(self._algorithm, modes.GCM(iv[:12])).encryptor()
            ct = enc.update(plain) + enc.finalize()
            head = struct.pack("<I", MODES["AES-GCM"]) + enc.tag
        else:
            pad = 16 - len(plain) % 16  # PKCS#7: always 1..16 bytes
            plain += bytes([pad]) * pad
            enc = Cipher(self._algorithm, modes.CBC(iv)).encryptor()
            ct = enc.update(plain) + enc.finalize()
            head = struct.pack("<I", MODES[self._mode])
        self._sink(head + struct.pack("<ii", 24 + len(ct), _IV_LEN) + iv + struct.pack("<i", len(ct)))
        self._sink(ct)


def _read_exact(f: BinaryIO, n: int) -> bytes:
    data = f.read(n)
    return data if data is not None else b""


def decrypt_frames(f: BinaryIO, size: int, key: bytes, mode: str) -> tuple[bytearray, int, bytes]:
    """Decrypt the frames of a file object of ``size`` bytes.

    Returns ``(buffer, plaintext_len, trailer)``: the plaintext is ``buffer[:plaintext_len]``; ``trailer`` is a
    17-byte ``crc_num`` footer found after the last frame (MindSpore writes one after the ciphertext when both
    enc_key and crc_check are given), else ``b""``.  Frames are validated before anything is allocated.
    """
    start = f.tell()
    magic_mode = cipher_magic_mode(_read_exact(f, 4))
    f.seek(start)

    def fail(reason: str, offset: int | None = None) -> CheckpointDecryptError:
        return CheckpointDecryptError(reason, magic_mode=magic_mode, offset=offset)

    problem = _check_key(key, mode)
    if problem:
        raise fail(problem)
    if magic_mode != mode:
        raise fail(f"the file is not an encrypted {mode} file")
    gcm = mode == "AES-GCM"
    head_len = 4 + (16 if gcm else 0) + 12 + _IV_LEN
    # Pass 1: walk the frame headers to validate the layout and size the plaintext buffer.
    frames: list[tuple[int, bytes, bytes, int]] = []  # (ciphertext offset, tag, iv, clen)
    pos, total, trailer = 0, 0, b""
    while pos < size:
        f.seek(start + pos)
        if size - pos == 17:
            tail = _read_exact(f, 17)
            if tail[:7] == b"crc_num":
                trailer = tail
                break
            f.seek(start + pos)
        head = _read_exact(f, head_len)
        if len(head) < head_len:
            raise fail("truncated cipher frame header", pos)
        (magic,) = struct.unpack_from("<I", head)
        if magic != MODES[mode]:
            raise fail(f"the file is not an encrypted {mode} file (bad frame magic)", pos)
        tag = head[4:20] if gcm else b""
        q = 20 if gcm else 4
        frame_len, iv_len = struct.unpack_from("<ii", head, q)
        iv = head[q + 8:q + 8 + _IV_LEN]
        (clen,) = struct.unpack_from("<i", head, q + 8 + _IV_LEN)
        if not 0 <= frame_len <= _MAX_FRAME_LEN or iv_len != _IV_LEN or clen != frame_len - 24 or clen < 0:
            raise fail("invalid cipher frame header", pos)
        if not gcm and (clen == 0 or clen % 16):
            raise fail("CBC ciphertext length is not a positive multiple of 16", pos)
        if clen > size - pos - head_len:
            raise fail("truncated cipher frame", pos)
        frames.append((start + pos + head_len, tag, iv, clen))
        total += clen
        pos += head_len + clen
    return _decrypt_all(f, frames, total, key, mode, fail) + (trailer,)


def _decrypt_all(f: BinaryIO, frames, total: int, key: bytes, mode: str, fail) -> tuple[bytearray, int]:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers import Cipher, modes

    algorithm = _algorithm(key, mode)
    out = bytearray(total + 16)  # update_into needs block_size - 1 spare bytes
    view = memoryview(out)
    ct_buf = memoryview(bytearray(max((c for *_, c in frames), default=0)))  # one reused read buffer
    n = 0
    for ct_offset, tag, iv, clen in frames:
        f.seek(ct_offset)
        ct = ct_buf[:clen]
        if f.readinto(ct) != clen:
            raise fail("truncated cipher frame", ct_offset)
        if mode == "AES-GCM":
            dec = Cipher(algorithm, modes.GCM(iv[:12], tag)).decryptor()
            try:
                got = dec.update_into(ct, view[n:])
                dec.finalize()
            except InvalidTag:
                raise fail("AES-GCM authentication failed: wrong dec_key or tampered file", ct_offset) from None
            n += got
        else:
            dec = Cipher(algorithm, modes.CBC(iv)).decryptor()
            got = dec.update_into(ct, view[n:])
            got += len(dec.finalize())  # CBC without padding emits whole blocks: nothing is left over
            pad = out[n + got - 1]
            if not 1 <= pad <= 16 or got != clen or out[n + got - pad:n + got] != bytes([pad]) * pad:
                raise fail(f"{mode} padding check failed: wrong dec_key or tampered file", ct_offset)
            n += got - pad
        ct.release()
    ct_buf.release()
    view.release()
    return out, n
