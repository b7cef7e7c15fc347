"""``mindspore.train.serialization``: save_checkpoint / load_checkpoint with MindSpore 2.10's files and rules.

The bytes come from :mod:`msshim.train.ckpt_format` (framework-free); this module turns Cells, Parameters
and dicts into ordered ``(name, array)`` entries and back, with MindSpore's argument checks, file naming
(``.ckpt`` appended), error messages and filters.  Loading memory-maps the file and hands the arrays to
torch without copying.
"""
from __future__ import annotations

import logging
import numbers
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO

import numpy as np
import torch

from msshim.common import _convert
from msshim.common.parameter import Parameter
from msshim.common.tensor import Tensor
from msshim.train import ckpt_format as fmt
from msshim.train._param_loading import load_param_into_net

logger = logging.getLogger("msshim")

__all__ = ["save_checkpoint", "load_checkpoint", "load_checkpoint_async", "load_param_into_net",
           "ckpt_to_safetensors", "safetensors_to_ckpt"]

_ASYNC_LOCK = threading.Lock()
_ASYNC_SAVE: dict = {"thread": None, "error": None}


# ------------------------------------------------------------------------------------------------ saving
def _check_save_target(save_obj, ckpt_file_name, format: str) -> str:
    from msshim.nn.cell import Cell

    if format not in ("safetensors", "ckpt"):
        raise ValueError(f"For 'save_checkpoint', the format must be 'safetensors' or 'ckpt', but got {format}.")
    if not isinstance(save_obj, (Cell, list, dict)):
        raise TypeError(f"For 'save_checkpoint', the parameter 'save_obj' must be nn.Cell, list or dict, but got "
                        f"{type(save_obj)}.")
    if not isinstance(ckpt_file_name, str):
        raise TypeError(f"For 'save_checkpoint', the parameter {ckpt_file_name} for checkpoint file name is invalid,"
                        f"'ckpt_file_name' must be string, but got {type(ckpt_file_name)}.")
    name = os.path.realpath(ckpt_file_name)
    if os.path.isdir(name):
        raise IsADirectoryError(f"For 'save_checkpoint', the parameter `ckpt_file_name`: {name} is a directory, it "
                                f"must be a file name.")
    if not name.endswith(format):
        name += "." + format
    return name


def _array(value) -> np.ndarray:
    """Host numpy data of a Tensor / Parameter / torch tensor / ndarray (bf16 kept exact)."""
    if isinstance(value, np.ndarray):
        return value
    t = _convert.to_torch(value)
    if not isinstance(t, torch.Tensor):
        raise TypeError(f"For 'save_checkpoint', the data to save must be a Tensor, but got {type(value)}.")
    return _convert.torch_to_numpy(t)


def _append_value(value):
    """append_dict values as MindSpore stores them: int -> Int64, float -> Float32, bool -> Bool scalars."""
    if isinstance(value, bool):
        return np.array(value, np.bool_)
    if isinstance(value, int):
        return np.array(value, np.int64)
    if isinstance(value, float):
        return np.array(value, np.float32)
    if isinstance(value, str):
        return value
    return _array(value)


def _check_append_dict(append_dict):
    if append_dict is None:
        return {}
    if not isinstance(append_dict, dict):
        raise TypeError(f"For 'save_checkpoint', the argument 'append_dict' must be dict, but got {type(append_dict)}.")
    for key, value in append_dict.items():
        if not isinstance(key, str) or not isinstance(value, (numbers.Number, str, Tensor, torch.Tensor)) \
                or isinstance(value, complex):
            raise TypeError(f"For 'save_checkpoint', the type of dict 'append_info' must be key: string, value: int, "
                            f"float, bool or Generator, but got key: {type(key)}, value: {type(value)}")
    return append_dict


def _entries(save_obj, choice_func) -> list:
    """``(name, value)`` pairs in MindSpore's order for a Cell, a list of Parameters/dicts, or a dict."""
    from msshim.nn.cell import Cell

    keep = choice_func if choice_func is not None else (lambda _name: True)
    pairs = []
    if isinstance(save_obj, Cell):
        pairs = [(p.name, p) for _, p in save_obj.parameters_and_names()]
    elif isinstance(save_obj, list):
        for item in save_obj:
            if isinstance(item, Parameter):
                pairs.append((item.name, item))
                continue
            if not isinstance(item, dict) or "name" not in item or "data" not in item:
                raise TypeError(f"For 'save_checkpoint', when 'save_obj' is a list, its elements must be Parameter or "
                                f"dict of {{'name': str, 'data': Tensor}}, but got {type(item)}.")
            if not isinstance(item["name"], str):
                raise TypeError(f"For save_checkpoint, the element of 'name' must be str, but got "
                                f"{type(item['name'])}.")
            if not isinstance(item["data"], (Tensor, torch.Tensor, np.ndarray)):
                raise TypeError(f"For save_checkpoint, the element of 'data' must be Tensor, but got "
                                f"{type(item['data'])}.")
            pairs.append((item["name"], item["data"]))
    else:
        for name, value in save_obj.items():
            if not isinstance(value, (Tensor, torch.Tensor, np.ndarray, str)):
                raise TypeError(f"For 'save_checkpoint', the value of dict 'save_obj' must be Parameter, Tensor, str "
                                f"or numpy.ndarray, but got {type(value)} for {name!r}.")
            pairs.append((name, value))
    return [(name, value if isinstance(value, str) else _array(value)) for name, value in pairs if keep(name)]


def _wait_async_save() -> None:
    """Block until a previous asynchronous save has finished (MindSpore serialises saves the same way)."""
    thread = _ASYNC_SAVE["thread"]
    if thread is not None:
        thread.join()
        _ASYNC_SAVE["thread"] = None
    error, _ASYNC_SAVE["error"] = _ASYNC_SAVE["error"], None
    if error is not None:
        raise error


_wait_async_thread_save_ckpt = _wait_async_save


def _write(name: str, entries: list, format: str, crc_check: bool, enc_key, enc_mode, split: str, redundancy):
    try:
        if format == "safetensors":
            fmt.write_safetensors(name, [(k, v) for k, v in entries if not isinstance(v, str)], crc_check=crc_check,
                                  remove_redundancy=redundancy)
        else:
            fmt.write_checkpoint(name, entries, crc_check=crc_check, enc_key=enc_key, enc_mode=enc_mode, split=split)
    except Exception:
        logger.critical("Failed to save the checkpoint file %s. Maybe don't have the permission to write files, or "
                        "the disk space is insufficient and so on.", name)
        raise


def save_checkpoint(save_obj, ckpt_file_name, integrated_save=True, async_save=False, append_dict=None,
                    enc_key=None, enc_mode="AES-GCM", choice_func=None, crc_check=False, format="ckpt", **kwargs):
    """Save ``save_obj`` (Cell, list of Parameters or ``{"name", "data"}`` dicts, or a dict) as MindSpore does.

    For the same data the ``.ckpt`` bytes equal MindSpore 2.10's; the file is written to ``<stem>.tmp``, renamed
    and made read-only (0o400).  ``async_save`` (True, "thread" or "process") writes from a background thread
    on a copy of the data; the next save waits for it.
    """
    name = _check_save_target(save_obj, ckpt_file_name, format)
    if not (isinstance(async_save, bool) or async_save in ("thread", "process")):
        raise ValueError(f"For 'save_checkpoint', the argument 'async_save' must be bool, 'thread' or 'process', but "
                         f"got {async_save}.")
    if enc_key is not None and not isinstance(enc_key, bytes):
        raise TypeError(f"For 'save_checkpoint', the argument 'enc_key' must be bytes, but got {type(enc_key)}.")
    if enc_mode not in ("AES-GCM", "AES-CBC", "SM4-CBC"):
        raise ValueError(f"For 'save_checkpoint', the argument 'enc_mode' must be 'AES-GCM', 'AES-CBC' or 'SM4-CBC', "
                         f"but got {enc_mode}.")
    if format == "safetensors" and (enc_key is not None or enc_mode != "AES-GCM"):
        raise ValueError("For 'save_checkpoint', when format is 'safetensors', 'enc_key' and 'enc_mode' are not "
                         "supported.")
    append = _check_append_dict(append_dict)
    entries = _entries(save_obj, choice_func)
    entries += [(key, _append_value(value)) for key, value in append.items()]
    redundancy = kwargs.get("remove_redundancy")
    _wait_async_save()
    if not async_save:
        _write(name, entries, format, crc_check, enc_key, enc_mode, "bytes", redundancy)
        return
    owned = [(k, v if isinstance(v, str) else np.array(v, copy=True)) for k, v in entries]

    def run():
        try:
            _write(name, owned, format, crc_check, enc_key, enc_mode, "rows", redundancy)
        except Exception as e:  # reported by the next save or by _wait_async_save
            _ASYNC_SAVE["error"] = e

    thread = threading.Thread(target=run, name="msshim-async-save", daemon=False)
    _ASYNC_SAVE["thread"] = thread
    thread.start()


# ----------------------------------------------------------------------------------------------- loading
def _check_file(file, file_format: str):
    if file_format not in ("ckpt", "safetensors"):
        raise ValueError("For 'load_checkpoint', the checkpoint file should end with '.ckpt' or '.safetensors', "
                         "please input the correct 'format'.")
    if isinstance(file, BytesIO):
        if file_format == "ckpt":
            raise TypeError("ckpt don't support BytesIO as input type, please change to safetensors.")
        return file
    if not isinstance(file, str):
        raise TypeError(f"For 'load_checkpoint', the argument 'ckpt_file_name' must be string, but got {type(file)}.")
    if not file.endswith(file_format):
        raise ValueError(f"For 'load_checkpoint', the checkpoint file format must same with 'format', but got "
                         f"file_name:'{file}', format:'{file_format}'")
    path = os.path.realpath(file)
    if not os.path.exists(path):
        raise ValueError(f"For 'load_checkpoint', the checkpoint file: {path} does not exist, please check whether "
                         f"the 'ckpt_file_name' is correct.")
    return path


def _check_prefix(prefix):
    if prefix is None:
        return None
    if not isinstance(prefix, (str, list, tuple)):
        raise TypeError(f"For 'load_checkpoint', the type of 'specify_prefix' or 'filter_prefix' must be string, "
                        f"list[string] or tuple[string], but got {type(prefix)}.")
    prefix = (prefix,) if isinstance(prefix, str) else tuple(prefix)
    if not prefix:
        raise ValueError("For 'load_checkpoint', the argument 'specify_prefix' or 'filter_prefix' can't be empty when "
                         "'specify_prefix' or 'filter_prefix' is list or tuple.")
    for index, pre in enumerate(prefix):
        if not isinstance(pre, str):
            raise TypeError(f"For 'load_checkpoint', when 'specify_prefix' or 'filter_prefix' is list or tuple, the "
                            f"element in it must be string, but got {type(pre)} at index {index}.")
        if pre == "":
            raise ValueError("For 'load_checkpoint', the value of 'specify_prefix' or 'filter_prefix' can't include ''.")
    return prefix


def _choice(specify_prefix, filter_prefix, choice_func):
    """MindSpore's filter: the deprecated prefixes, when given, take precedence over ``choice_func``."""
    specify, filt = _check_prefix(specify_prefix), _check_prefix(filter_prefix)
    if specify or filt:
        logger.warning("For load_checkpoint, this parameter `filter_prefix` or `specify_prefix` will be deprecated, "
                       "please use `choice_func` instead.")

        def by_prefix(name: str) -> bool:
            keep = not specify or any(name.startswith(p) for p in specify)
            return keep and not (filt and any(name.startswith(p) for p in filt))

        return by_prefix
    return choice_func


def _read(path, format: str, dec_key, dec_mode, crc_check: bool, choice):
    """Entries of the file, with the format layer's errors turned into MindSpore's messages."""
    if format == "safetensors":
        try:
            return fmt.read_safetensors(path, crc_check=crc_check, choice=choice)
        except fmt.CheckpointCrcError:
            raise ValueError("For 'load_checkpoint', the crc check has failed. Please check whether the ckpt file is "
                             "damaged.") from None
        except fmt.CheckpointFormatError:
            raise ValueError(f"Fail to parse the input safetensors: '{path}'. Please check the correctness of the "
                             f"file.") from None
    try:
        return fmt.read_checkpoint(path, dec_key=dec_key, dec_mode=dec_mode, crc_check=crc_check, choice=choice,
                                   strict_types=True)
    except fmt.CheckpointEntryError as e:
        raise ValueError(f"{e.detail}\nFor 'load_checkpoint', failed to load the checkpoint file {path}.") from None
    except fmt.CheckpointDecryptError as e:
        if e.magic_mode in ("AES-GCM", "AES-CBC"):
            raise ValueError(f"Failed to read the checkpoint file {path}. The file may be encrypted or tempered with, "
                             f"please pass in the correct 'dec_key' or check the file integrity.") from None
        raise ValueError(f"Failed to read the checkpoint file {path}. May not have permission to read it, please "
                         f"check the correct of the file.") from None
    except fmt.CheckpointCrcError as e:
        raise ValueError(f"Failed to read the checkpoint file {path}. May not have permission to read it, please "
                         f"check the correct of the file.") from ValueError(
            "For 'load_checkpoint', the crc check is failed, please check whether the ckpt file is damaged.")
    except fmt.CheckpointFormatError:
        raise ValueError(f"Failed to read the checkpoint file {path}. The file may be corrupted, and the content "
                         f"cannot be parsed.") from None
    except OSError as e:
        raise ValueError(f"Failed to read the checkpoint file {path}. May not have permission to read it, please "
                         f"check the correct of the file.") from e


def _parameter(name: str, arr: np.ndarray) -> Parameter:
    # The array views the (copy-on-write) memory map: torch shares it, so loading copies nothing.
    return Parameter(_convert.numpy_to_torch(arr, copy=False), name=name)


def load_checkpoint(ckpt_file_name, net=None, strict_load=False, filter_prefix=None, dec_key=None,
                    dec_mode="AES-GCM", specify_prefix=None, choice_func=None, crc_check=False,
                    remove_redundancy=False, format="ckpt"):
    """Load a ``.ckpt`` (or ``.safetensors``) file into ``{name: Parameter | str}`` in file order.

    Slices are merged, 1.x scalars (dims [0]) become shape (), append_dict strings come back as ``str``; when
    ``net`` is given the dict is also loaded into it with :func:`load_param_into_net`.
    """
    path = _check_file(ckpt_file_name, format)
    if dec_key is not None and not isinstance(dec_key, bytes):
        raise TypeError(f"For 'load_checkpoint', the argument 'dec_key' must be bytes, but got {type(dec_key)}.")
    choice = _choice(specify_prefix, filter_prefix, choice_func)
    entries = _read(path, format, dec_key, dec_mode, bool(crc_check), choice)
    if crc_check and not getattr(entries, "crc_footer", True) and format == "ckpt":
        logger.warning("For load_checkpoint, the ckpt file do not contain the crc code, please check the file.")
    params: dict = {}
    for name, value in entries:
        if isinstance(value, str):
            params[name] = value
        elif isinstance(value, np.ndarray):
            params[name] = _parameter(name, value)
    if not params:
        raise ValueError("The loaded parameter dict is empty after filter or specify, please check whether "
                         "'filter_prefix' or 'specify_prefix' are set correctly.")
    if net is not None:
        load_param_into_net(net, params, strict_load, remove_redundancy)
    return params


class ParamDictFuture:
    """What :func:`load_checkpoint_async` returns: ``result()`` waits and gives the parameter dict."""

    def __init__(self, executor: ThreadPoolExecutor, future):
        self._executor = executor
        self._future = future

    def result(self):
        params = self._future.result()
        self._executor.shutdown()
        return params


def load_checkpoint_async(ckpt_file_name, net=None, strict_load=False, filter_prefix=None, dec_key=None,
                          dec_mode="AES-GCM", specify_prefix=None, choice_func=None):
    """Start :func:`load_checkpoint` in a background thread; ``.result()`` returns its dict."""
    format = "safetensors" if str(ckpt_file_name).endswith(".safetensors") else "ckpt"
    executor = ThreadPoolExecutor(max_workers=2)
    future = executor.submit(load_checkpoint, ckpt_file_name, net, strict_load, filter_prefix, dec_key, dec_mode,
                             specify_prefix, choice_func, False, False, format)
    return ParamDictFuture(executor, future)


# ---------------------------------------------------------------------------------------------- converting
def _convert_file(src: str, dst_dir: str | None, name_map, src_format: str, dst_format: str) -> None:
    params = load_checkpoint(src, format=src_format)
    if name_map is not None:
        params = {name_map.get(k, k): v for k, v in params.items()}
    base = os.path.basename(src).replace("." + src_format, "." + dst_format)
    save_checkpoint(params, os.path.join(dst_dir or os.path.dirname(src), base), format=dst_format)


def _convert_files(file_path, save_path, name_map, file_name_regex, src_format: str, dst_format: str,
                   func_name: str) -> None:
    import re

    if not os.path.isdir(file_path) and not os.path.isfile(file_path):
        raise ValueError(f"For {func_name}, the input path must be a valid path or file, but got {file_path}")
    if save_path and os.path.splitext(save_path)[1]:
        raise ValueError(f"For {func_name}, the save_path must be a directory, but got '{save_path}'")
    if name_map is not None and not isinstance(name_map, dict):
        raise ValueError(f"For {func_name}, the type of 'name_map' must be a directory, but got '{type(name_map)}'")
    if os.path.isfile(file_path):
        if not file_path.endswith("." + src_format):
            raise ValueError(f"For {func_name}, the input file must be a .{src_format} file, but got {file_path}")
        if file_name_regex is not None and not re.findall(file_name_regex, file_path):
            raise ValueError(f"For {func_name}, the input file does not match the regular expression.")
        if save_path:
            os.makedirs(save_path, exist_ok=True)
        _convert_file(file_path, save_path, name_map, src_format, dst_format)
        return
    rank_dirs = sorted(d for d in os.listdir(file_path)
                       if d.startswith("rank") and os.path.isdir(os.path.join(file_path, d)))
    if not rank_dirs:
        raise ValueError(f"For '{func_name}', no directories starting with 'rank' found in {file_path}.")
    for rank_dir in rank_dirs:
        src_dir = os.path.join(file_path, rank_dir)
        dst_dir = os.path.join(save_path, rank_dir) if save_path else src_dir
        os.makedirs(dst_dir, exist_ok=True)
        for file in sorted(os.listdir(src_dir)):
            if file.endswith("." + src_format) and (file_name_regex is None or re.findall(file_name_regex, file)):
                _convert_file(os.path.join(src_dir, file), dst_dir, name_map, src_format, dst_format)


def ckpt_to_safetensors(file_path, save_path=None, name_map=None, file_name_regex=None, processes_num=1):
    """Convert a ``.ckpt`` file (or ``rank*/`` directories of them) to ``.safetensors``; ``name_map`` renames."""
    _convert_files(file_path, save_path, name_map, file_name_regex, "ckpt", "safetensors", "ckpt_to_safetensors")


def safetensors_to_ckpt(file_path, save_path=None, name_map=None, file_name_regex=None, processes_num=1):
    """Convert a ``.safetensors`` file (or ``rank*/`` directories of them) to ``.ckpt``; ``name_map`` renames."""
    _convert_files(file_path, save_path, name_map, file_name_regex, "safetensors", "ckpt", "safetensors_to_ckpt")
