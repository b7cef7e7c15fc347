"""``inspect(path)``: names, shapes, dtypes and byte sizes of a checkpoint's entries without reading tensor
data (the readers only map the file; ``.pt`` files go through ``torch.load(weights_only=True, mmap=True)``)."""
from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from .io import format_of, open_source

__all__ = ["InspectEntry", "Inspection", "inspect", "format_inspection"]


@dataclass(frozen=True)
class InspectEntry:
    """``dtype`` is MindSpore's name ("Float32", "BFloat16"), or the Python type name of a plain value."""
    name: str
    shape: tuple[int, ...] | None
    dtype: str
    nbytes: int


@dataclass(frozen=True)
class Inspection:
    path: str
    format: str
    family: str
    entries: list[InspectEntry]
    tensors: int
    elements: int
    nbytes: int
    file_bytes: int


def inspect(path: str | os.PathLike, *, dec_key: bytes | None = None, dec_mode: str = "AES-GCM") -> Inspection:
    path = os.fspath(path)
    source = open_source(path, dec_key=dec_key, dec_mode=dec_mode)
    entries = []
    for e in source.entries():
        arr = source.items[e.name]
        entries.append(InspectEntry(e.name, e.shape, e.dtype, int(arr.nbytes)))
    for name, extra in source.extras().items():
        v = extra.value
        if isinstance(v, np.ndarray):
            from .io.source import entry_of
            e = entry_of(name, v)
            entries.append(InspectEntry(name, e.shape, e.dtype, int(v.nbytes)))
        else:
            entries.append(InspectEntry(name, None, type(v).__name__, 0))
    order = {n: i for i, n in enumerate(source.items)}
    entries.sort(key=lambda e: order[e.name])
    tensors = [e for e in entries if e.shape is not None]
    return Inspection(path, format_of(path), source.family, entries, len(tensors),
                      sum(int(np.prod(e.shape, dtype=np.int64)) for e in tensors), sum(e.nbytes for e in entries),
                      os.path.getsize(path))


def format_inspection(ins: Inspection) -> str:
    """The table ``msshim inspect`` prints."""
    rows = [(e.name, "x".join(map(str, e.shape)) if e.shape else ("()" if e.shape == () else "-"), e.dtype,
             str(e.nbytes)) for e in ins.entries]
    head = ("name", "shape", "dtype", "bytes")
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(head)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(head, widths)).rstrip()]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines.append(f"total: {ins.tensors} tensors, {ins.elements} elements, {ins.nbytes} bytes "
                 f"({ins.format}, {ins.family} names, file {ins.file_bytes} bytes)")
    return "\n".join(lines)
