"""torch ``state_dict`` files (``.pt`` / ``.pth`` / ``.bin``).

Reading never executes pickled code: ``torch.load(weights_only=True)`` (memory-mapped when the file is in
torch's zip format), whose restricted unpickler refuses any global outside torch's tensor allowlist; such a
file is refused with a ``ValueError`` naming it.  Writing produces what ``torch.save(state_dict)`` writes (a
zip with ``data.pkl`` + one ``data/<n>`` record per tensor, loadable with ``weights_only=True`` and
``mmap=True``), but incrementally: ``data.pkl`` is pickled from the shapes alone, then each tensor's bytes are
written as it is produced, so memory holds one tensor at a time instead of the whole state_dict.  The zip
container is written by :mod:`.pt_zip` (torch's own writer spends most of a conversion on its CRC)."""
from __future__ import annotations

import collections
import io
import os
import pickle
import sys
from typing import Any, Iterator

import ml_dtypes
import numpy as np
import torch

from msshim.train.ckpt_format import numpy_dtype
from msshim.train.ckpt_format.atomic import atomic_output

from .direct import DirectOutput
from .pt_zip import ALIGNMENT, PtZipWriter, serialization_id
from .release import file_mappings
from .source import Extra, Source

__all__ = ["read_pt", "write_pt", "load_state_dict", "TORCH_DTYPES"]

TORCH_DTYPES = {"Bool": torch.bool, "Int8": torch.int8, "Int16": torch.int16, "Int32": torch.int32,
                "Int64": torch.int64, "UInt8": torch.uint8, "UInt16": torch.uint16, "UInt32": torch.uint32,
                "UInt64": torch.uint64, "Float16": torch.float16, "Float32": torch.float32,
                "Float64": torch.float64, "BFloat16": torch.bfloat16, "Complex64": torch.complex64,
                "Complex128": torch.complex128}
_SCALARS = (bool, int, float, str)


def load_state_dict(path: str | os.PathLike) -> Any:
    """``torch.load(path, weights_only=True)``, memory-mapped when possible; ``ValueError`` naming the file
    when it needs anything beyond tensors and plain containers (code execution)."""
    return _load(os.fspath(path))[0]


def _load(path: str) -> tuple[Any, bool]:
    """``(object, memory-mapped?)``."""
    try:
        try:
            return torch.load(path, map_location="cpu", weights_only=True, mmap=True), True
        except RuntimeError as e:
            if "zip" not in str(e) and "mmap" not in str(e):
                raise
            return torch.load(path, map_location="cpu", weights_only=True), False  # legacy (pre-1.6) format
    except pickle.UnpicklingError as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise ValueError(f"Refusing to load {path!r}: it is not a plain tensor state_dict, loading it would "
                         f"execute code from the file (torch.load weights_only=True: {first})") from None


def _flatten(obj: Any, prefix: str, out: dict, skipped: list) -> None:
    for key, value in obj.items():
        name = f"{prefix}{key}"
        if isinstance(value, torch.Tensor):
            out[name] = to_numpy(value)
        elif isinstance(value, _SCALARS) or value is None:
            if value is not None:
                out[name] = Extra(value)
        elif isinstance(value, dict):
            _flatten(value, name + ".", out, skipped)
        else:
            skipped.append(name)


def read_pt(path: str | os.PathLike) -> Source:
    """Tensors of a (possibly nested, dotted-name-flattened) dict; Python scalars / str become Extras."""
    obj, mapped = _load(os.fspath(path))
    if not isinstance(obj, dict):
        raise ValueError(f"{os.fspath(path)!r} holds a {type(obj).__name__}, not a state_dict (dict of tensors).")
    items: dict = {}
    skipped: list[str] = []
    _flatten(obj, "", items, skipped)
    if skipped:
        import warnings
        warnings.warn(f"{os.fspath(path)}: skipped non-tensor entries {skipped}", stacklevel=2)
    # torch's storages are views of one read-only-used file mapping: their pages can be given back once written
    return Source(os.fspath(path), "torch", items, keep=[obj], mappings=file_mappings(path) if mapped else ())


def to_numpy(t: torch.Tensor) -> np.ndarray:
    """Zero-copy numpy view (bfloat16 as ``ml_dtypes.bfloat16`` bits, never through another float type)."""
    t = t.detach()
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().view(ml_dtypes.bfloat16)
    return t.numpy()


# ------------------------------------------------------------------------------------------- writing
class _StorageRef:
    __slots__ = ("key", "dtype", "numel")

    def __init__(self, key: str, dtype: torch.dtype, numel: int):
        self.key, self.dtype, self.numel = key, dtype, numel


class _TensorRef:
    """Pickles exactly like a contiguous CPU tensor (``torch._utils._rebuild_tensor_v2/_v3``)."""
    __slots__ = ("storage", "shape")

    def __init__(self, storage: _StorageRef, shape: tuple[int, ...]):
        self.storage, self.shape = storage, shape

    def __reduce_ex__(self, protocol):
        stride, acc = [], 1
        for d in reversed(self.shape):
            stride.append(acc)
            acc *= max(d, 1)
        stride = tuple(reversed(stride))
        hooks = collections.OrderedDict()
        if self.storage.dtype in _LEGACY:
            return torch._utils._rebuild_tensor_v2, (self.storage, 0, self.shape, stride, False, hooks)
        return torch._utils._rebuild_tensor_v3, (self.storage, 0, self.shape, stride, False, hooks, self.storage.dtype)


_LEGACY = torch.storage._dtype_to_storage_type_map()


class _Pickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, _StorageRef):
            if obj.dtype in _LEGACY:
                return ("storage", getattr(torch, _LEGACY[obj.dtype]), obj.key, "cpu", obj.numel)
            return ("storage", torch.storage.UntypedStorage, obj.key, "cpu", obj.numel * obj.dtype.itemsize)
        return None


def write_pt(path: str | os.PathLike, specs: list[tuple[str, Any]], arrays: Iterator[tuple[str, np.ndarray]]) -> None:
    """``specs``: ``(name, (shape, MindSpore dtype))`` for a tensor or ``(name, Extra)`` for a plain value, in
    output order; ``arrays`` then yields ``(name, array)`` for the tensors, in the same order."""
    state: dict = {}
    tensors: list[tuple[str, _StorageRef]] = []
    for name, spec in specs:
        if isinstance(spec, Extra):
            value = spec.value
            state[name] = value.item() if isinstance(value, np.ndarray) and value.ndim == 0 else value
            if not isinstance(state[name], _SCALARS):
                raise ValueError(f"Cannot write {name!r} to a torch file: {type(value).__name__} is not a tensor.")
            continue
        shape, dtype = spec
        tdtype = TORCH_DTYPES.get(dtype)
        if tdtype is None:
            raise ValueError(f"Cannot write {name!r} to a torch file: torch has no {dtype} dtype.")
        ref = _StorageRef(str(len(tensors)), tdtype, int(np.prod(shape, dtype=np.int64)))
        tensors.append((name, ref))
        state[name] = _TensorRef(ref, tuple(int(d) for d in shape))
    buf = io.BytesIO()
    _Pickler(buf, protocol=2).dump(state)
    data_pkl = buf.getvalue()
    with atomic_output(path, os.path.splitext(os.fspath(path))[1].lstrip(".") or "pt") as tmp:
        with DirectOutput(tmp) as f:  # bypasses the page cache: faulting in fresh cache pages is the cost here
            writer = PtZipWriter(f)
            try:
                writer.write_record("data.pkl", data_pkl)
                writer.write_record(".format_version", b"1")
                writer.write_record(".storage_alignment", str(ALIGNMENT).encode())
                writer.write_record("byteorder", sys.byteorder.encode())
                count = 0
                for (name, ref), (got, arr) in zip(tensors, arrays):
                    expect = np.dtype(numpy_dtype(_ms_name(ref.dtype)))
                    if got != name or arr.size != ref.numel or arr.dtype.itemsize != expect.itemsize:
                        raise RuntimeError(f"torch writer: expected {name}, got {got} {arr.shape} {arr.dtype}")
                    writer.write_record(f"data/{ref.key}", np.ascontiguousarray(arr).reshape(-1).view(np.uint8))
                    count += 1
                if count != len(tensors):
                    raise RuntimeError(f"torch writer: {len(tensors)} tensors announced, {count} given")
                writer.write_record("version", b"3\n")
                writer.write_record(".data/serialization_id", serialization_id().encode())
                writer.finish()
            finally:
                writer.close()


_MS_NAME = {v: k for k, v in TORCH_DTYPES.items()}


def _ms_name(tdtype: torch.dtype) -> str:
    return _MS_NAME[tdtype]
