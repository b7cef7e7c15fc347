"""Per-format readers and writers for the converters: every reader returns a :class:`~.source.Source` whose
tensors are memory-mapped views (nothing read until touched); every writer streams tensor by tensor into a
temporary file renamed into place (:func:`msshim.train.ckpt_format.atomic.atomic_output`)."""
from __future__ import annotations

import os

from .source import Extra, Source

__all__ = ["FORMATS", "format_of", "open_source", "Extra", "Source"]

FORMATS = {".ckpt": "ckpt", ".pt": "pt", ".pth": "pt", ".bin": "pt", ".safetensors": "safetensors"}


def format_of(path: str | os.PathLike) -> str:
    """``"ckpt"``, ``"pt"`` or ``"safetensors"`` from the file extension (``ValueError`` otherwise)."""
    ext = os.path.splitext(os.fspath(path))[1].lower()
    fmt = FORMATS.get(ext)
    if fmt is None:
        raise ValueError(f"Cannot tell the format of {os.fspath(path)!r} from its extension {ext!r}: expected one "
                         f"of {', '.join(sorted(FORMATS))}.")
    return fmt


def open_source(path: str | os.PathLike, *, dec_key: bytes | None = None, dec_mode: str = "AES-GCM") -> Source:
    """Open ``path`` lazily (memory-mapped) in the format its extension names."""
    fmt = format_of(path)
    if fmt == "ckpt":
        from .ckpt import read_ckpt
        return read_ckpt(path, dec_key=dec_key, dec_mode=dec_mode)
    if dec_key is not None:
        raise ValueError(f"dec_key only applies to .ckpt inputs, not {os.fspath(path)!r}.")
    if fmt == "pt":
        from .torch_pt import read_pt
        return read_pt(path)
    from .safetensors import read_st
    return read_st(path)
