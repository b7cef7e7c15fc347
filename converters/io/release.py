"""Give back the resident pages of a memory-mapped tensor once it is written, so converting a file keeps
about one tensor resident instead of the whole file.  Only for arrays whose buffer is a copy-on-write
``mmap.mmap`` nobody wrote to (the checkpoint readers'): dropping such clean pages loses nothing."""
from __future__ import annotations

import mmap

import numpy as np

_DONTNEED = getattr(mmap, "MADV_DONTNEED", None)


def _mapping(arr: np.ndarray):
    base = arr
    while isinstance(base, np.ndarray):
        base = base.base
    if isinstance(base, memoryview):  # np.frombuffer keeps a memoryview of the mapping
        base = base.obj
    return base if isinstance(base, mmap.mmap) else None


def release(arr) -> None:
    """Drop the pages wholly inside ``arr``'s bytes (arrays of other buffers are left alone)."""
    if _DONTNEED is None or not isinstance(arr, np.ndarray) or arr.nbytes == 0 or not arr.flags.c_contiguous:
        return
    mm = _mapping(arr)
    if mm is None or mm.closed:
        return
    start = arr.ctypes.data - np.frombuffer(mm, np.uint8, 1).ctypes.data
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
