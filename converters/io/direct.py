"""An output file written with ``O_DIRECT`` (bypassing the page cache) through page-aligned buffers.

Why: writing a fresh GiB through the page cache costs this kind of VM ~3 s just to fault in new cache pages,
while direct writes of 16 MiB aligned chunks run at the disk's speed.  Bytes are copied into one of two
``mmap``-allocated (so page-aligned) buffers; each full buffer is written, at an aligned offset, by a worker
thread (``os.pwrite`` releases the GIL) while the other one fills.  What cannot be aligned goes through a
second, ordinary descriptor on the same file: the final partial block, and :meth:`patch` of bytes already
written (a zip header's CRC).  Where ``O_DIRECT`` is refused (``EINVAL``: tmpfs, some network or FUSE file
systems, at open or at the first write) every write goes through the ordinary descriptor instead; the file's
bytes are the same either way."""
from __future__ import annotations

import errno
import mmap
import os
from concurrent.futures import Future, ThreadPoolExecutor

__all__ = ["DirectOutput", "BUFFER"]

BUFFER = 16 << 20
_BLOCK = 4096  # the alignment O_DIRECT asks of offsets, sizes and addresses (logical block size <= page)


def _open_direct(path: str) -> int:
    """An ``O_DIRECT`` write descriptor on ``path`` (already created); ``OSError`` where unsupported."""
    flag = getattr(os, "O_DIRECT", 0)
    if not flag:
        raise OSError(errno.EINVAL, "O_DIRECT is not available on this platform")
    return os.open(path, os.O_WRONLY | flag)


class DirectOutput:
    """A write-only, sequential binary file with ``write``/``tell``/``patch``/``close`` (a context manager).
    ``path`` is created (truncated) with mode 0o666 & ~umask, like ``open(path, "wb")``."""

    def __init__(self, path: str | os.PathLike, buffer_size: int | None = None):
        buffer_size = BUFFER if buffer_size is None else buffer_size
        if buffer_size <= 0 or buffer_size % _BLOCK:
            raise ValueError(f"buffer_size must be a positive multiple of {_BLOCK}, got {buffer_size}")
        path = os.fspath(path)
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0), 0o666)
        self._dfd = -1
        try:
            self._dfd = _open_direct(path)
        except OSError as e:
            if e.errno not in (errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP):
                os.close(self._fd)
                raise
        self._size = buffer_size
        self._use_direct = self._dfd >= 0
        self._bufs = [mmap.mmap(-1, buffer_size), mmap.mmap(-1, buffer_size)] if self._use_direct else []
        self._cur = 0          # which buffer fills
        self._n = 0            # bytes in it
        self._base = 0         # file offset of its first byte (a multiple of buffer_size)
        self._pending: Future | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._pos = 0

    @property
    def direct(self) -> bool:
        """Whether writes bypass the page cache (False after a fallback)."""
        return self._use_direct

    def tell(self) -> int:
        return self._pos

    def write(self, data) -> int:
        view = memoryview(data).cast("B")
        size = view.nbytes
        if not self._bufs:
            self._pwrite_all(self._fd, view, self._pos)
            self._pos += size
            return size
        done = 0
        while done < size:
            buf = self._bufs[self._cur]
            k = min(self._size - self._n, size - done)
            buf[self._n:self._n + k] = view[done:done + k]
            self._n += k
            done += k
            if self._n == self._size:
                self._submit()
        self._pos += size
        return size

    def patch(self, offset: int, data: bytes) -> None:
        """Overwrite ``data`` at ``offset`` (before :meth:`tell`) without moving the write position."""
        end = offset + len(data)
        if end > self._pos or offset < 0:
            raise ValueError(f"patch [{offset}, {end}) outside the {self._pos} bytes written")
        if self._bufs and offset < self._base:
            # reaches into a flushed buffer: wait for it so the patch is not overwritten by the direct write
            self._wait()
        if not self._bufs or end <= self._base:
            self._pwrite_all(self._fd, memoryview(data), offset)
            return
        split = max(offset, self._base)
        if split > offset:
            self._pwrite_all(self._fd, memoryview(data)[:split - offset], offset)
        self._bufs[self._cur][split - self._base:end - self._base] = data[split - offset:]

    def close(self) -> None:
        """Write what is buffered and close (the file has exactly :meth:`tell` bytes)."""
        try:
            if self._bufs:
                self._wait()
                aligned = self._n - self._n % _BLOCK
                buf = memoryview(self._bufs[self._cur])
                if aligned:
                    self._direct_write(buf[:aligned], self._base)
                if self._n > aligned:  # the final partial block: a direct write would need padding
                    self._pwrite_all(self._fd, buf[aligned:self._n], self._base + aligned)
                buf.release()
                self._n = 0
        finally:
            self._release()

    def abort(self) -> None:
        """Close without writing what is buffered (the caller discards the file)."""
        try:
            self._wait()
        except OSError:
            pass
        finally:
            self._release()

    def _release(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None
        for b in self._bufs:
            b.close()
        self._bufs = []
        if self._dfd >= 0:
            os.close(self._dfd)
            self._dfd = -1
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __enter__(self) -> "DirectOutput":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()

    # ---------------------------------------------------------------------------------------------- internals
    def _submit(self) -> None:
        """Hand the full buffer to the worker; continue in the other one once its previous write is done."""
        self._wait()
        if self._pool is None:
            self._pool = ThreadPoolExecutor(1, thread_name_prefix="direct-out")
        self._pending = self._pool.submit(self._direct_write, self._bufs[self._cur], self._base)
        self._cur ^= 1
        self._base += self._size
        self._n = 0

    def _wait(self) -> None:
        if self._pending is not None:
            pending, self._pending = self._pending, None
            pending.result()

    def _direct_write(self, buf, offset: int) -> None:
        view = memoryview(buf)
        if self._use_direct:
            try:
                while view.nbytes:
                    n = os.pwrite(self._dfd, view, offset)
                    view, offset = view[n:], offset + n
                return
            except OSError as e:  # accepted at open, refused on write (some FUSE / network file systems)
                if e.errno != errno.EINVAL:
                    raise
                self._use_direct = False
        self._pwrite_all(self._fd, view, offset)

    @staticmethod
    def _pwrite_all(fd: int, view: memoryview, offset: int) -> None:
        while view.nbytes:
            n = os.pwrite(fd, view, offset)
            view = view[n:]
            offset += n
