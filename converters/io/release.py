"""Give back the resident pages of a memory-mapped tensor once it is written, so converting a file keeps
about one tensor resident instead of the whole file.  Only for arrays whose buffer is a file mapping nobody
wrote to: a copy-on-write ``mmap.mmap`` (the checkpoint readers'), or an address range that
:func:`file_mappings` found mapped from the source file (``torch.load(mmap=True)``'s storages).  Dropping such
clean pages loses nothing: touching them again reads the file."""
from __future__ import annotations

import ctypes
import mmap
import os

import numpy as np

__all__ = ["release", "file_mappings"]

_DONTNEED = getattr(mmap, "MADV_DONTNEED", None)
_libc = None


def _mapping(arr: np.ndarray):
    base = arr
    while isinstance(base, np.ndarray):
        base = base.base
    if isinstance(base, memoryview):  # np.frombuffer keeps a memoryview of the mapping
        base = base.obj
    return base if isinstance(base, mmap.mmap) else None


def file_mappings(path: str | os.PathLike) -> tuple[tuple[int, int], ...]:
    """Address ranges of this process mapped from ``path`` (by device and inode), from /proc/self/maps."""
    try:
        st = os.stat(path)
        with open("/proc/self/maps") as f:
            lines = f.readlines()
    except OSError:
        return ()
    out = []
    for line in lines:
        parts = line.split(None, 5)
        if len(parts) < 5 or int(parts[4]) != st.st_ino:
            continue
        major, minor = (int(x, 16) for x in parts[3].split(":"))
        if os.makedev(major, minor) != st.st_dev:
            continue
        lo, hi = (int(x, 16) for x in parts[0].split("-"))
        out.append((lo, hi))
    return tuple(out)


def _madvise(addr: int, length: int) -> None:
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
        _libc.madvise.argtypes = (ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int)
    _libc.madvise(addr, length, _DONTNEED)


def release(arr, mappings: tuple[tuple[int, int], ...] = ()) -> None:
    """Drop the pages wholly inside ``arr``'s bytes when they belong to an ``mmap.mmap`` or lie inside one of
    ``mappings`` (arrays of other buffers are left alone)."""
    if _DONTNEED is None or not isinstance(arr, np.ndarray) or arr.nbytes == 0 or not arr.flags.c_contiguous:
        return
    addr = arr.ctypes.data
    mm = _mapping(arr)
    if mm is not None:
        if mm.closed:
            return
        start = addr - np.frombuffer(mm, np.uint8, 1).ctypes.data
        end = start + arr.nbytes
        if start < 0 or end > len(mm):
            return
        lo = -(-start // mmap.PAGESIZE) * mmap.PAGESIZE
        hi = end // mmap.PAGESIZE * mmap.PAGESIZE
        if hi > lo:
            try:
                mm.madvise(_DONTNEED, lo, hi - lo)
            except (OSError, ValueError):
                pass
        return
    end = addr + arr.nbytes
    if not any(m_lo <= addr and end <= m_hi for m_lo, m_hi in mappings):
        return
    lo = -(-addr // mmap.PAGESIZE) * mmap.PAGESIZE
    hi = end // mmap.PAGESIZE * mmap.PAGESIZE
    if hi > lo:
        _madvise(lo, hi - lo)
