"""``mindspore.export(net, *inputs, file_name, file_format, **kwargs)`` (MindSpore 2.10 serialization.py
``export`` / ``_export`` / ``_save_mindir``).

Argument checks, in MindSpore's order and with its exception types and messages:
``obf_func`` -> NotImplementedError; ``file_format`` not in ['AIR', 'ONNX', 'MINDIR'] -> ValueError (it is a
required keyword, so omitting it is Python's TypeError); ``file_name`` through
``Validator.check_file_name_by_regular`` (TypeError for non-str, ValueError for a directory path or characters
outside ``^[0-9a-zA-Z@\\_\\-\\.\\:\\/\\\\]+$``); ``enc_key`` must be bytes and ``enc_mode`` a str among
AES-GCM/AES-CBC/SM4-CBC or a callable (ValueError); ONNX/AIR accept only callable encryption; ``custom_func`` is
MINDIR-only.  Other keyword arguments are ignored, as MindSpore ignores them.

MINDIR: the Cell is traced by torch.export and translated into MindSpore primitives (from_aten/); the
ModelProto is passed to ``custom_func`` (MindSpore's hook, e.g. to set ``user_info``) and written by writer.py
(".mindir" appended, read-only file, split above 1 GiB, encrypted with ``enc_key``).
ONNX: delegated to ``mindspore.onnx.export`` after MindSpore's deprecation warning.
AIR: needs Ascend; MindSpore on CPU raises ValueError("Only support export file in 'AIR' format with Ascend
backend.") after the argument checks, and so does msshim.
"""
from __future__ import annotations

import logging
import os
import re

import torch

logger = logging.getLogger("msshim")

SUPPORTED_FORMATS = ["AIR", "ONNX", "MINDIR"]
_FILE_NAME_REGULAR = r"^[0-9a-zA-Z@\_\-\.\:\/\\]+$"
_AIR_ERROR = "Only support export file in 'AIR' format with Ascend backend."


def check_file_name(file_name) -> None:
    """MindSpore's ``Validator.check_file_name_by_regular``."""
    if not isinstance(file_name, str):
        raise TypeError(f"The '{file_name}' must be string, but got {type(file_name)}.")
    if file_name.endswith("\\") or file_name.endswith("/"):
        raise ValueError(f"The '{file_name}' cannot be a directory path.")
    if re.match(_FILE_NAME_REGULAR, file_name) is None:
        raise ValueError(f"The '{file_name}' is illegal, it must be match regular '{_FILE_NAME_REGULAR}'.")


def _check_key_mode_type(file_format: str, kwargs: dict):
    """MindSpore's ``_check_key_mode_type``: returns (enc_key, enc_mode)."""
    enc_key = kwargs.get("enc_key")
    if not isinstance(enc_key, bytes):
        raise ValueError(f"The parameter 'enc_key' must be isinstance of {bytes}, but got {enc_key}.")
    enc_mode = kwargs.get("enc_mode")
    if callable(enc_mode):
        return enc_key, enc_mode
    enc_mode = "AES-GCM"
    if "enc_mode" in kwargs:
        enc_mode = kwargs.get("enc_mode")
        if not isinstance(enc_mode, str):
            raise ValueError(f"The parameter 'enc_mode' must be isinstance of {str}, but got {enc_mode}.")
    if file_format in ("AIR", "ONNX"):
        raise ValueError(f"AIR/ONNX only support customized encryption, but got {enc_mode}.")
    if enc_mode in ("AES-CBC", "AES-GCM", "SM4-CBC"):
        return enc_key, enc_mode
    raise ValueError(f"MindIR only support AES-GCM/AES-CBC/SM4-CBC encryption, but got {enc_mode}")


def _check_cipher_key(enc_key: bytes, enc_mode) -> None:
    """MindSpore's C++ encryptor rejects bad key lengths with ValueError("Encrypt failed") (before writing)."""
    if callable(enc_mode):
        return
    valid = (16,) if enc_mode == "SM4-CBC" else (16, 24, 32)
    if len(enc_key) not in valid:
        logger.error("The key length must be %s, but got key length is %d.",
                     "16" if enc_mode == "SM4-CBC" else "16, 24 or 32", len(enc_key))
        raise ValueError("Encrypt failed")


def _torch_inputs(inputs) -> tuple:
    from msshim.common._convert import to_torch

    out = []
    for x in inputs:
        if isinstance(x, torch.Tensor):
            out.append(x)
            continue
        try:
            out.append(to_torch(x))
        except Exception:  # noqa: BLE001 - reported as MindSpore's argument error below
            raise TypeError(f"For 'export', the inputs of the network must be Tensor, but got {type(x).__name__}.")\
                from None
    return tuple(out)


def export(net, *inputs, file_name, file_format, **kwargs) -> None:
    if "obf_func" in kwargs:
        raise NotImplementedError("Dynamic model structure obfuscation is no longer supported.")
    if file_format not in SUPPORTED_FORMATS:
        raise ValueError(f"For 'export', 'file_format' must be one of {SUPPORTED_FORMATS}, but got {file_format}.")
    if file_format == "AIR":
        logger.warning("AIR format is deprecated, and will be removed in a future version, please use other format "
                       "or use MindSpore Lite to do offline inference")
    check_file_name(file_name)
    file_name = os.path.realpath(file_name)
    if "enc_key" in kwargs:
        kwargs["enc_key"], kwargs["enc_mode"] = _check_key_mode_type(file_format, kwargs)
    if "custom_func" in kwargs and file_format != "MINDIR" and kwargs["custom_func"] is not None:
        raise ValueError(f"Currently only support custom_func for MindIR format, but got {file_format} format.")
    if file_format == "AIR":
        raise ValueError(_AIR_ERROR)
    if file_format == "ONNX":
        logger.warning("mindspore.export(file_format='ONNX') will be deleted, please use mindspore.onnx.export()")
        from msshim.onnx.onnx_export import export as onnx_export

        onnx_export(net, *inputs, file_name=file_name)
        return
    _save_mindir(net, file_name, *inputs, **kwargs)


def _save_mindir(net, file_name: str, *inputs, **kwargs) -> None:
    from msshim.nn.cell import Cell
    from msshim.train._mindir.from_aten import build_model
    from msshim.train._mindir.writer import write_model

    if not isinstance(net, Cell):
        raise TypeError(f"For 'export', msshim exports MindIR from an nn.Cell only, but got {type(net).__name__}.")
    if kwargs.get("dataset") is not None:
        raise NotImplementedError("For 'export', serializing a dataset's preprocessing into MindIR is not supported.")
    enc_key = kwargs.get("enc_key")
    enc_mode = kwargs.get("enc_mode", "AES-GCM")
    if enc_key is not None:
        _check_cipher_key(enc_key, enc_mode)
    model = build_model(net, _torch_inputs(inputs))
    custom_func = kwargs.get("custom_func")
    if custom_func is not None:
        custom_func(model)
    write_model(model, file_name, enc_key=enc_key, enc_mode=enc_mode)
