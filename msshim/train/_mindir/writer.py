"""Writes a ``mind_ir.ModelProto`` to disk as MindSpore 2.10's ``export`` does (serialization.py
``_save_mindir_together`` / ``_split_save``).

* The directory is created with mode 0o700; the file ends read-only (0o400).  Unlike MindSpore the bytes go to
  a temporary file in the same directory that is renamed over the target, so a failure never leaves a partial
  or truncated ``.mindir`` behind.
* ``enc_key``/``enc_mode``: the whole serialized model in MindSpore's cipher frames (ckpt_format/crypto.py, the
  framing its C++ ``_encrypt`` writes); ``enc_mode`` may also be a callable ``f(data, key) -> bytes``.
* Parameters whose total ``sys.getsizeof(bytes) / 1024`` exceeds ``TOTAL_SAVE`` KiB (1 GiB) are split out:
  the graph goes to ``<prefix>_graph.mindir`` and the parameters, sorted by name, to
  ``<prefix>_variables/data_0`` after a 64-byte header (byte 0 = 1 on little-endian machines), each one
  zero-padded to a multiple of 64 bytes and referenced by ``external_data {location, offset, length}``
  (``raw_data`` emptied).  A new ``data_N`` file starts past ``PARAMETER_SPLIT_SIZE`` KiB (1 TiB).
"""
from __future__ import annotations

import os
import shutil
import stat
import sys
import tempfile
from typing import Callable

from msshim._proto import mind_ir_pb2 as pb
from msshim.train.ckpt_format.crypto import FrameEncryptor

TOTAL_SAVE = 1024 * 1024  # KiB, serialization.TOTAL_SAVE
PARAMETER_SPLIT_SIZE = 1024 * 1024 * 1024  # KiB, serialization.PARAMETER_SPLIT_SIZE
_BYTES_OBJECT_OVERHEAD = sys.getsizeof(b"")  # MindSpore sums sys.getsizeof(bytes): length + this
_HEADER = 64
_ALIGN = 64


def _encrypt(data: bytes, enc_key, enc_mode) -> bytes:
    if enc_key is None:
        return data
    if callable(enc_mode):
        return enc_mode(data, enc_key)
    out = bytearray()
    encryptor = FrameEncryptor(enc_key, enc_mode, out.extend)
    encryptor.feed(data)
    encryptor.close()
    return bytes(out)


def _atomic_write(path: str, chunks, mode: int = stat.S_IRUSR) -> None:
    """Writes ``chunks`` (bytes pieces) to ``path`` through a temporary file + rename; final mode ``mode``."""
    directory = os.path.dirname(path) or "."
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            for chunk in chunks:
                f.write(chunk)
        os.chmod(tmp, mode)
        if os.path.exists(path):
            os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _make_dir(directory: str) -> None:
    if not os.path.isdir(directory):
        os.makedirs(directory, mode=0o700, exist_ok=True)


def _params_kib(model: pb.ModelProto) -> float:
    return sum((len(p.raw_data) + _BYTES_OBJECT_OVERHEAD) / 1024 for p in model.graph.parameter)


def write_model(model: pb.ModelProto, file_name: str, enc_key: bytes | None = None,
                enc_mode: str | Callable = "AES-GCM") -> list[str]:
    """Writes ``model`` to ``file_name`` (".mindir" appended when missing); returns the paths written.

    The model's parameters must carry their ``raw_data``; in split mode ``model`` is modified (external_data
    set, raw_data cleared) as MindSpore does.
    """
    if not file_name.endswith(".mindir"):
        file_name += ".mindir"
    file_name = os.path.realpath(file_name)
    _make_dir(os.path.dirname(file_name))
    if _params_kib(model) > TOTAL_SAVE:
        return _split_save(model, file_name, enc_key, enc_mode)
    _atomic_write(file_name, [_encrypt(model.SerializeToString(), enc_key, enc_mode)])
    return [file_name]


def _split_save(model: pb.ModelProto, file_name: str, enc_key, enc_mode) -> list[str]:
    """MindSpore's ``_split_save`` layout (see the module docstring)."""
    prefix = os.path.basename(file_name)[:-len(".mindir")]
    dirname = os.path.dirname(file_name)
    data_dir = os.path.join(dirname, prefix + "_variables")
    tmp_dir = tempfile.mkdtemp(prefix="." + prefix + "_variables.", dir=dirname)
    written = []
    try:
        header = bytes([1 if sys.byteorder == "little" else 0]) + bytes(_HEADER - 1)
        index, size_kib, offset = 0, _HEADER / 1024, _HEADER
        files: list[list[bytes]] = [[_encrypt(header, enc_key, enc_mode)]]
        for name, proto in sorted(((p.name[p.name.find(":") + 1:], p) for p in model.graph.parameter),
                                  key=lambda item: item[0]):
            raw = proto.raw_data
            append = (-len(raw)) % _ALIGN
            size_kib += (len(raw) + append) / 1024
            if size_kib > PARAMETER_SPLIT_SIZE:
                index += 1
                files.append([_encrypt(header, enc_key, enc_mode)])
                size_kib, offset = _HEADER / 1024 + (len(raw) + append) / 1024, _HEADER
            proto.external_data.location = os.path.join(prefix + "_variables", f"data_{index}")
            proto.external_data.offset = offset
            proto.external_data.length = len(raw)
            files[-1].append(_encrypt(raw + bytes(append), enc_key, enc_mode))
            offset += len(raw) + append
            proto.ClearField("raw_data")
        for i, chunks in enumerate(files):
            _atomic_write(os.path.join(tmp_dir, f"data_{i}"), chunks)
        os.chmod(tmp_dir, stat.S_IRWXU)
        if os.path.exists(data_dir):
            shutil.rmtree(data_dir)
        os.replace(tmp_dir, data_dir)
        written += [os.path.join(data_dir, f"data_{i}") for i in range(len(files))]
    except BaseException:
        shutil.rmtree(tmp_dir, ignore_errors=True)
        raise
    graph_file = os.path.join(dirname, prefix + "_graph.mindir")
    _atomic_write(graph_file, [_encrypt(model.SerializeToString(), enc_key, enc_mode)])
    return [graph_file] + written
