"""MindSpore's way of putting a checkpoint file in place (``serialization.py`` ``_exec_save``).

The data goes to a temporary file named like MindSpore's (``foo.ckpt`` -> ``foo.tmp``: the ``.ckpt`` /
``.safetensors`` extension replaced by ``.tmp``), which is then renamed over the target and made read-only
(``0o400``).  Unlike MindSpore (which deletes the old file *before* writing), the old file is only replaced
once the new one is complete, so a failed save leaves it intact; the temporary file is always removed.
"""
from __future__ import annotations

import contextlib
import os
import stat
import threading
from typing import Iterator

__all__ = ["tmp_name_for", "atomic_output", "SAVE_LOCK"]

SAVE_LOCK = threading.RLock()  # MindSpore serialises every save under one global lock (_ckpt_mutex)


def tmp_name_for(path: str, fmt: str = "ckpt") -> str:
    """``os.path.splitext`` with ``.{fmt}`` replaced by ``.tmp`` in the extension; ``path + ".tmp"`` if that
    would be the target itself (a target without the format's extension)."""
    root, ext = os.path.splitext(path)
    tmp = root + ext.replace(f".{fmt}", ".tmp")
    return tmp if tmp != path else path + ".tmp"


def _force_remove(path: str) -> None:
    if os.path.lexists(path):
        with contextlib.suppress(OSError):
            os.chmod(path, stat.S_IWUSR)
        os.remove(path)


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike, fmt: str = "ckpt") -> Iterator[str]:
    """Yield the temporary file name to write; on success rename it to ``path`` with mode ``0o400``."""
    path = os.fspath(path)
    tmp = tmp_name_for(path, fmt)
    with SAVE_LOCK:
        _force_remove(tmp)  # a stale tmp may be read-only
        try:
            yield tmp
            try:
                os.replace(tmp, path)  # atomic on POSIX even over a read-only file
            except PermissionError:
                _force_remove(path)  # Windows cannot replace a read-only file: remove it first
                os.rename(tmp, path)
            os.chmod(path, stat.S_IRUSR)
        except BaseException:
            with contextlib.suppress(OSError):
                _force_remove(tmp)
            raise
