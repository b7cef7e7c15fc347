"""``.safetensors`` in (msshim's MindSpore-compatible mmap reader) and out (streamed: the header from the
shapes alone, then each tensor's bytes; the ``safetensors`` library would first copy every tensor into
memory).  ``{"format": "ms"}`` metadata marks MindSpore names (what MindSpore's ``save_checkpoint`` writes);
anything else (Hugging Face writes ``"pt"``) means torch names."""
from __future__ import annotations

import json
import os
from typing import Iterable, Iterator

import numpy as np

from msshim.train.ckpt_format import read_safetensors
from msshim.train.ckpt_format.atomic import atomic_output

from .direct import DirectOutput
from .source import Extra, Source

__all__ = ["read_st", "write_st", "ST_DTYPES"]

ST_DTYPES = {"Bool": "BOOL", "UInt8": "U8", "Int8": "I8", "Int16": "I16", "UInt16": "U16", "Int32": "I32",
             "UInt32": "U32", "Int64": "I64", "UInt64": "U64", "Float16": "F16", "BFloat16": "BF16",
             "Float32": "F32", "Float64": "F64", "Int4": "I8"}


def _metadata(path: str) -> dict | None:
    with open(path, "rb") as f:
        n = int.from_bytes(f.read(8), "little")
        if n > 100_000_000:
            return None  # read_safetensors reports the error
        try:
            return json.loads(f.read(n)).get("__metadata__")
        except (ValueError, AttributeError):
            return None


def read_st(path: str | os.PathLike) -> Source:
    path = os.fspath(path)
    entries = read_safetensors(path)
    meta = _metadata(path) or {}
    return Source(path, "ms" if meta.get("format") == "ms" else "torch", dict(entries))


def write_st(path: str | os.PathLike, specs: list[tuple[str, tuple[int, ...], str]],
             arrays: Iterator[tuple[str, np.ndarray]], *, family: str) -> None:
    """``specs`` are ``(name, shape, MindSpore dtype)`` in output order; ``arrays`` then yields each tensor,
    in the same order, as a C-order array.  Header keys stay in that order with contiguous offsets (what
    MindSpore's reader requires)."""
    header: dict = {"__metadata__": {"format": family if family == "ms" else "pt"}}
    offset = 0
    for name, shape, dtype in specs:
        nbytes = int(np.prod(shape, dtype=np.int64)) * np.dtype(_np(dtype)).itemsize
        header[name] = {"dtype": ST_DTYPES[dtype], "shape": list(shape), "data_offsets": [offset, offset + nbytes]}
        if dtype == "Int4":
            header["__metadata__"][name] = "Int4"
        offset += nbytes
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)
    with atomic_output(path, "safetensors") as tmp:
        with DirectOutput(tmp) as f:
            f.write(len(raw).to_bytes(8, "little"))
            f.write(raw)
            for (name, shape, dtype), (got, arr) in zip(specs, _exact(arrays, len(specs))):
                if got != name or tuple(arr.shape) != tuple(shape):
                    raise RuntimeError(f"safetensors writer: expected {name} {shape}, got {got} {arr.shape}")
                f.write(memoryview(np.ascontiguousarray(arr).reshape(-1).view(np.uint8)))


def _np(dtype: str):
    from msshim.train.ckpt_format import numpy_dtype
    return numpy_dtype(dtype)


def _exact(it: Iterable, n: int):
    count = 0
    for x in it:
        count += 1
        yield x
    if count != n:
        raise RuntimeError(f"safetensors writer: {n} tensors announced, {count} given")


def scalar_array(name: str, extra: Extra) -> np.ndarray | None:
    """An append_dict-like value as a 0-d tensor (None for what safetensors cannot hold: str, maps)."""
    from .ckpt import to_ckpt_value
    value = to_ckpt_value(extra.value)
    return value if isinstance(value, np.ndarray) else None
