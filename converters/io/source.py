"""What a reader hands the pipeline: tensors as lazy numpy views, plus non-tensor values, in file order."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from msshim.train.ckpt_format import tensor_type_of

from ..plan import Entry

__all__ = ["Extra", "Source", "entry_of"]


@dataclass(frozen=True)
class Extra:
    """A value carried by name, never renamed or reshaped: a ``str`` / Python scalar (MindSpore's
    ``append_dict``, or a non-tensor value of a torch checkpoint), a 0-d array that looks like an append_dict
    scalar, or a MapParameter's ``[keys, values, status]`` list."""
    value: Any


@dataclass
class Source:
    """``family`` is ``"ms"`` (MindSpore names) or ``"torch"``; ``items`` maps name -> array or :class:`Extra`
    in file order; ``path`` for messages; ``keep`` holds what must stay alive while the arrays are used;
    ``mappings``: address ranges mapped from the file whose pages may be released once written
    (:func:`.release.release`; the ckpt/safetensors readers' ``mmap.mmap`` objects need none)."""
    path: str
    family: str
    items: dict[str, np.ndarray | Extra]
    keep: list = field(default_factory=list)
    mappings: tuple[tuple[int, int], ...] = ()

    def entries(self) -> list[Entry]:
        """Tensors only, without reading their data."""
        return [entry_of(name, v) for name, v in self.items.items() if not isinstance(v, Extra)]

    def extras(self) -> dict[str, Extra]:
        return {name: v for name, v in self.items.items() if isinstance(v, Extra)}


def entry_of(name: str, arr: np.ndarray) -> Entry:
    try:
        dtype = tensor_type_of(arr.dtype)
    except TypeError as e:
        raise ValueError(f"Cannot convert {name!r}: {e}") from None
    return Entry(name, tuple(int(d) for d in arr.shape), dtype)
