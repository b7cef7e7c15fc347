"""``.ckpt`` in and out through msshim's MindSpore-exact checkpoint layer (memory-mapped reader, streaming
writer whose bytes equal MindSpore's ``save_checkpoint``)."""
from __future__ import annotations

import os
from typing import Any, Iterable

import numpy as np

from msshim.train.ckpt_format import read_checkpoint, write_checkpoint

from .source import Extra, Source

__all__ = ["read_ckpt", "write_ckpt", "APPEND_DICT_TYPES", "looks_appended", "to_ckpt_value"]

# MindSpore's save_checkpoint(append_dict=...) stores int as Int64, float as Float32, bool as Bool (0-d).
APPEND_DICT_TYPES = {np.dtype("<i8"): int, np.dtype("<f4"): float, np.dtype(np.bool_): bool}
_HYPER = frozenset({"learning_rate", "momentum", "beta1_power", "beta2_power", "global_step"})


def looks_appended(name: str, arr: np.ndarray) -> bool:
    """A 0-d Int64/Float32/Bool entry with a dot-free name that is not optimizer state: what
    ``append_dict={"epoch_num": 3, ...}`` writes (parameters of a Cell have dotted names)."""
    return arr.ndim == 0 and arr.dtype in APPEND_DICT_TYPES and "." not in name and name not in _HYPER


def read_ckpt(path: str | os.PathLike, *, dec_key: bytes | None = None, dec_mode: str = "AES-GCM") -> Source:
    items: dict[str, Any] = {}
    for name, value in read_checkpoint(path, dec_key=dec_key, dec_mode=dec_mode):
        if isinstance(value, np.ndarray) and not looks_appended(name, value):
            items[name] = value
        else:
            items[name] = Extra(value)
    return Source(os.fspath(path), "ms", items)


def to_ckpt_value(value):
    """An Extra's value as MindSpore's append_dict would store it."""
    if isinstance(value, bool):
        return np.array(value, np.bool_)
    if isinstance(value, int):
        return np.array(value, np.int64)
    if isinstance(value, float):
        return np.array(value, np.float32)
    return value


def write_ckpt(path: str | os.PathLike, items: Iterable[tuple[str, Any]], *, enc_key: bytes | None = None,
               enc_mode: str = "AES-GCM") -> None:
    """``items`` yields ``(name, array | Extra)`` lazily; written in that order, atomically."""
    def values():
        for name, value in items:
            if isinstance(value, Extra):
                value = to_ckpt_value(value.value)
                if isinstance(value, list) and len(value) == 3:
                    raise ValueError(f"Cannot write the MapParameter {name!r}: not supported by the converter.")
            yield name, value
    write_checkpoint(path, values(), enc_key=enc_key, enc_mode=enc_mode)
