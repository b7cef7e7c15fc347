"""Read a MindIR file into a ``mind_ir.ModelProto`` the way MindSpore 2.10's ``mindspore.load`` accepts it.

MindSpore's checks and messages (``train/serialization.py`` ``load`` + C++ ``load_model.cc``), all verified
against real 2.10:

* ``file_name`` not a str -> ``ValueError``; not ending in ``.mindir`` / missing -> its ``ValueError`` texts;
* a ``dec_key`` that is not bytes / a ``dec_mode`` that is neither str nor callable -> ``ValueError``
  (``Validator.check_isinstance``);
* anything that does not parse, or parses without ``producer_name`` / ``model_version`` / a graph (empty
  files, ONNX or checkpoint files renamed, truncations) -> ``RuntimeError("Load MindIR failed.")``; a plain
  file loaded *with* a ``dec_key`` fails the same way;
* a cipher file (first 4 bytes are one of the cipher magics) without a key, with a wrong key or mode ->
  the long "The file may be encrypted and decrypt failed" ``RuntimeError``.

Encryption uses the checkpoint framing (``ckpt_format/crypto.py``); a callable ``dec_mode`` is called as
``dec_mode(cipher_bytes, dec_key) -> plain_bytes`` like MindSpore's customized decryption.
Split models (``<name>_graph.mindir`` + ``<name>_variables/data_N``) carry ``TensorProto.external_data``
``{location, offset, length}`` with ``location`` relative to the graph file's directory; the data is read
into ``raw_data`` (data files of an encrypted export are themselves cipher frames: decrypted whole, the
offsets index the plaintext).
"""
from __future__ import annotations

import io
import os
from typing import Callable, Union

import numpy as np

from msshim._proto import mind_ir_pb2
from msshim.train._mindir.dtypes import numpy_dtype
from msshim.train.ckpt_format.crypto import cipher_magic_mode, decrypt_frames

__all__ = ["read_model", "LOAD_FAILED", "DECRYPT_FAILED", "check_load_args"]

LOAD_FAILED = "Load MindIR failed."
DECRYPT_FAILED = ("Load MindIR failed. The file may be encrypted and decrypt failed, you can check whether the "
                  "values of the arguments 'dec_key' and 'dec_mode' are the same as when exported MindIR file, "
                  "or check the file integrity.")

DecMode = Union[str, Callable[[bytes, bytes], bytes]]


def check_load_args(file_name) -> None:
    """MindSpore's argument checks on ``file_name`` (type, suffix, existence), in its order."""
    if not isinstance(file_name, str):
        raise ValueError("For 'load', the argument 'file_name' must be string, but got {}.".format(type(file_name)))
    if not file_name.endswith(".mindir"):
        raise ValueError("For 'load', the argument 'file_name'(MindIR file) should end with '.mindir', "
                         "please input the correct 'file_name'.")
    if not os.path.exists(file_name):
        raise ValueError("For 'load', the argument 'file_name'(MindIR file) does not exist, "
                         "please check whether the 'file_name' is correct.")


def _check_isinstance(arg_name: str, value, classes):
    if not isinstance(value, classes):
        raise ValueError(f"The parameter '{arg_name}' must be isinstance of {classes}, but got {value}.")
    return value


def _decrypt(data: bytes, key: bytes, mode: DecMode) -> bytes | None:
    """Plaintext of ``data`` or ``None`` when decryption fails (MindSpore only reports failure)."""
    if callable(mode):
        try:
            out = mode(data, key)
        except Exception:  # a user decrypt function failing is a failed decryption, as in MindSpore
            return None
        return bytes(out) if isinstance(out, (bytes, bytearray, memoryview)) else None
    try:
        buf, n, _ = decrypt_frames(io.BytesIO(data), len(data), key, mode)
    except Exception:  # wrong key/mode, bad frames, missing 'cryptography': all are "decrypt failed"
        return None
    return bytes(memoryview(buf)[:n])


def _parse(data: bytes) -> mind_ir_pb2.ModelProto | None:
    model = mind_ir_pb2.ModelProto()
    try:
        model.ParseFromString(data)
    except Exception:  # DecodeError, RuntimeWarning-as-error, recursion limits...
        return None
    # load_model.cc CheckModelConfigureInfo: producer name and version must be present.
    if not model.HasField("producer_name") or not model.HasField("model_version") or not model.HasField("graph"):
        return None
    if not _text_is_valid(model) or not _references_resolve(model):
        return None
    return model


def _text_is_valid(model: mind_ir_pb2.ModelProto) -> bool:
    """Names are valid UTF-8: protobuf's Python runtime hands a corrupted string field back as ``bytes``
    (a flipped byte in a name), which MindSpore's loader rejects as an unloadable file."""
    texts = [model.graph.name]
    texts += [p.name for p in model.primitives] + [p.op_type for p in model.primitives]
    for graph in (model.graph, *model.functions):
        texts += [p.name for p in graph.parameter] + [p.ref_key for p in graph.parameter]
        texts += [v.name for v in graph.input] + [v.name for v in graph.output]
        for node in graph.node:
            texts.append(node.op_type)
            texts.append(node.name)
            texts.extend(node.input)
            texts.extend(node.output)
    return all(type(text) is str for text in texts)


def _references_resolve(model: mind_ir_pb2.ModelProto) -> bool:
    """Every ``REF::name`` op_type names a primitive or a function graph (a file cut at a field boundary
    can parse but lose its primitives table)."""
    names = {p.name for p in model.primitives} | {g.name for g in model.functions} | {model.graph.name}
    for graph in (model.graph, *model.functions):
        for node in graph.node:
            op = node.op_type
            if op.startswith("REF::") and op[5:] not in names:
                return False
    return True


def _external_arrays(model: mind_ir_pb2.ModelProto, base_dir: str, dec_key: bytes | None,
                     dec_mode: DecMode) -> dict[str, np.ndarray]:
    """The externally stored parameters (TensorProto name -> writable array viewing its data file's buffer):
    each data file is read once, and the arrays are never copied through protobuf."""
    files: dict[str, np.ndarray] = {}
    arrays: dict[str, np.ndarray] = {}
    for graph in (model.graph, *model.functions):
        for tensor in graph.parameter:
            if not tensor.HasField("external_data") or tensor.raw_data:
                continue
            ext = tensor.external_data
            path = os.path.join(base_dir, ext.location)
            if path not in files:
                files[path] = _read_data_file(path, dec_key, dec_mode)
            data = files[path]
            if ext.offset < 0 or ext.length < 0 or ext.offset + ext.length > len(data):
                raise RuntimeError(f"{LOAD_FAILED} The external data of parameter '{tensor.name}' lies outside "
                                   f"its data file '{path}' (offset {ext.offset}, length {ext.length}, file has "
                                   f"{len(data)} bytes).")
            try:
                dtype = numpy_dtype(tensor.data_type)
                arrays[tensor.name] = data[ext.offset:ext.offset + ext.length].view(dtype).reshape(tuple(tensor.dims))
            except ValueError:  # unknown data type, or a length that does not fit the dims
                raise RuntimeError(LOAD_FAILED) from None
    return arrays


def _read_data_file(path: str, dec_key: bytes | None, dec_mode: DecMode) -> np.ndarray:
    """The data file's bytes as a writable uint8 array (decrypted when a key is given)."""
    try:
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            data = np.empty(size, dtype=np.uint8)
            read = f.readinto(memoryview(data))
    except OSError as e:
        raise RuntimeError(f"{LOAD_FAILED} The parameter data file '{path}' of this split MindIR cannot be read: "
                           f"{e.strerror or e}.") from None
    data = data[:read]
    if dec_key is not None and (callable(dec_mode) or cipher_magic_mode(bytes(data[:4])) is not None):
        plain = _decrypt(data.tobytes(), dec_key, dec_mode)
        if plain is None:
            raise RuntimeError(DECRYPT_FAILED)
        return np.frombuffer(bytearray(plain), dtype=np.uint8)
    return data


def read_model(file_name: str, dec_key: bytes | None = None, dec_mode: DecMode = "AES-GCM",
               **kwargs) -> mind_ir_pb2.ModelProto:
    """Parse ``file_name`` (decrypting with ``dec_key``/``dec_mode`` when given) into a ModelProto with all
    parameter data inline.  Raises MindSpore's exceptions for bad arguments and unloadable files."""
    model, external = read_model_and_data(file_name, dec_key, dec_mode, **kwargs)
    for graph in (model.graph, *model.functions):
        for tensor in graph.parameter:
            if tensor.name in external:
                tensor.raw_data = external[tensor.name].tobytes()
    return model


def read_model_and_data(file_name: str, dec_key: bytes | None = None, dec_mode: DecMode = "AES-GCM",
                        **kwargs) -> tuple[mind_ir_pb2.ModelProto, dict[str, np.ndarray]]:
    """As ``read_model``, but the parameters a split MindIR keeps in ``<prefix>_variables/`` come back as arrays
    (TensorProto name -> array) instead of being copied into ``raw_data`` (a 1 GiB model loads with one read)."""
    if "obf_func" in kwargs:
        raise NotImplementedError("Dynamic model structure obfuscation is no longer supported.")
    check_load_args(file_name)
    if dec_key is not None:
        _check_isinstance("dec_key", dec_key, bytes)
        if not callable(dec_mode):
            _check_isinstance("dec_mode", dec_mode, str)
    path = os.path.realpath(file_name)
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:  # a directory named x.mindir, no read permission: MindSpore cannot load it either
        raise RuntimeError(LOAD_FAILED) from None
    is_cipher = cipher_magic_mode(data[:4]) is not None
    if dec_key is not None:
        plain = _decrypt(data, dec_key, dec_mode)
        model = _parse(plain) if plain is not None else None
    else:
        model = _parse(data)
    if model is None:
        raise RuntimeError(DECRYPT_FAILED if is_cipher else LOAD_FAILED)
    return model, _external_arrays(model, os.path.dirname(path), dec_key, dec_mode)
