"""``mindspore.train.serialization``: save_checkpoint / load_checkpoint with MindSpore 2.10's files and rules.

The bytes come from :mod:`msshim.train.ckpt_format` (framework-free); this module turns Cells, Parameters
and dicts into ordered ``(name, array)`` entries and back, with MindSpore's argument checks (same exception
types and texts), file naming (``.ckpt`` appended), error messages and filters.

Loading memory-maps the file copy-on-write and hands the arrays to torch without copying; a later
:func:`load_param_into_net` makes the net's parameters share that memory (as MindSpore's ``set_data`` shares
the loaded tensors), so a checkpoint is never copied on CPU.  Deliberate differences from MindSpore 2.10:
a failed save leaves the previous file intact (MindSpore deletes it first), content whose dims disagree with
its size is an error (MindSpore reads past or short of it), ``async_save`` errors are raised by the next
save instead of being only printed by the worker, str entries refused by the safetensors format are a
TypeError (MindSpore: the library's SafetensorError), and a file saved with both ``enc_key`` and
``crc_check`` (crc footer after the ciphertext) can be read (MindSpore cannot).
"""
from __future__ import annotations

import atexit
import logging
import multiprocessing
import multiprocessing.util  # registers its atexit hook (which kills daemonic children) before ours
import os
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO
from typing import Callable

import numpy as np
import torch

from msshim import _runtime
from msshim.common import _convert
from msshim.common.parameter import Parameter
from msshim.common.tensor import Tensor
from msshim.train import ckpt_format as fmt
from msshim.train._ckpt_convert import ckpt_to_safetensors, safetensors_to_ckpt
from msshim.train._param_loading import load_param_into_net

logger = logging.getLogger("msshim")

__all__ = ["save_checkpoint", "export", "load", "load_checkpoint", "load_checkpoint_async", "load_param_into_net",
           "ckpt_to_safetensors", "safetensors_to_ckpt", "merge_sliced_parameter"]

SLICE_SIZE = 512 * 1024  # KB, as MindSpore's module constant: entries are cut into 1024 * SLICE_SIZE bytes
_ASYNC: dict = {"thread": None, "process": None, "error": None}
_MODES = ("AES-GCM", "AES-CBC", "SM4-CBC")


def _isinstance_check(name: str, value, classes):
    """MindSpore's ``Validator.check_isinstance`` (a ValueError, with its exact text)."""
    if not isinstance(value, classes):
        raise ValueError(f"The parameter '{name}' must be isinstance of {classes}, but got {value}.")
    return value


def _check_bool(value) -> bool:
    """MindSpore's ``Validator.check_bool`` without an argument name (a TypeError)."""
    if not isinstance(value, bool):
        raise TypeError(f"The input value must be a bool, but got {type(value).__name__}.")
    return value


# ------------------------------------------------------------------------------------------------ saving
def _check_save_target(save_obj, ckpt_file_name, format: str) -> str:
    """``_check_save_obj_and_ckpt_file_name``: realpath, refuse directories, append ``.{format}`` if missing."""
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
    if not name.endswith(format):  # MindSpore's test has no dot: "x_ckpt" is kept as it is
        name += "." + format
    return name


def _check_async_save(async_save) -> bool | str:
    if not isinstance(async_save, (bool, str)):
        raise TypeError(f"For 'save_checkpoint', the parameter 'async_save' must be bool or str, but got "
                        f"{type(async_save)}.")
    if isinstance(async_save, str) and async_save not in ("process", "thread"):
        raise ValueError(f"For 'save_checkpoint', the argument 'async_save' can only be 'process' or 'thread',"
                         f"but got {async_save}.")
    return async_save


def _check_append_dict(append_dict) -> dict:
    """Keys str; values int, float, bool, str, Parameter or Tensor (numpy scalars other than np.float64, which
    is a float, are refused as in MindSpore)."""
    if append_dict is None:
        return {}
    if not isinstance(append_dict, dict):
        raise TypeError(f"For 'save_checkpoint', the argument 'append_dict' must be dict, but got {type(append_dict)}.")
    for key, value in append_dict.items():
        if not isinstance(key, str) or not isinstance(value, (int, float, bool, str, Tensor)):
            raise TypeError(f"For 'save_checkpoint', the type of dict 'append_info' must be key: string, value: int, "
                            f"float, bool or Generator, but got key: {type(key)}, value: {type(value)}")
    return append_dict


def _check_unsupported(format: str, enc_key, enc_mode, kwargs: dict) -> None:
    """``_check_save_checkpoint_unsupported_param``, and the key/mode checks MindSpore's C++ makes when it
    encrypts (done here first, so nothing is converted for a save that cannot succeed)."""
    if format == "safetensors":
        given = {"enc_key": enc_key, "enc_mode": enc_mode, "map_param_inc": kwargs.get("incremental", False),
                 "global_step_num": kwargs.get("global_step_num")}
        for param_name, default in (("enc_key", None), ("enc_mode", "AES-GCM"), ("map_param_inc", False),
                                    ("global_step_num", None)):
            if given[param_name] != default:
                raise ValueError(f"For 'save_checkpoint', when format is 'safetensors', the parameter '{param_name}' "
                                 f"must be set to default value '{default}', but got '{given[param_name]}'.")
    if enc_key is not None:
        if enc_mode not in _MODES:
            raise ValueError(f"Encrypt failed: mode only supports AES-GCM|AES-CBC|SM4-CBC, got {enc_mode!r}.")
        sizes, text = ((16,), "16") if enc_mode == "SM4-CBC" else ((16, 24, 32), "16, 24 or 32")
        if len(enc_key) not in sizes:
            raise ValueError(f"Encrypt failed: the key length must be {text}, but got key length is {len(enc_key)}.")


def _array(value) -> np.ndarray:
    """Host numpy data of a Tensor / Parameter / torch tensor / ndarray (shared on CPU; bf16 kept exact)."""
    if isinstance(value, np.ndarray):
        return value
    t = value._t if isinstance(value, Tensor) else value
    return _convert.torch_to_numpy(t)


def _list_entries(save_obj: list, choice_func) -> list:
    """``_convert_list_to_param_list``: the first element decides between dicts and Parameters."""
    pairs = []
    if save_obj and isinstance(save_obj[0], dict):
        for item in save_obj:
            if not (isinstance(item, dict) and "name" in item and "data" in item):
                raise TypeError(f"For save_checkpoint, save_obj should be a list of dict items, and the dict should "
                                f"have key values 'name' and 'value', but got {type(item)} and {item}.")
            if not isinstance(item["name"], str):
                raise TypeError(f"For save_checkpoint, when save_obj is a list of dict items, the name in dict "
                                f"should be string, but got {type(item['name'])}.")
            if not isinstance(item["data"], (Tensor, torch.Tensor)):
                raise TypeError(f"For save_checkpoint, when save_obj is a list of dict items, the data in dict "
                                f"should be parameter, but got {type(item['data'])}.")
            if choice_func is None or choice_func(item["name"]):
                pairs.append((item["name"], item["data"]))  # the dict's name wins over Parameter.name
        return pairs
    for item in save_obj:
        if not isinstance(item, Parameter):
            raise TypeError(f"For save_checkpoint, when save_obj is made up by list of Parameter,the param should be "
                            f"parameter, but got {type(item)}")
        if choice_func is None or choice_func(item.name):
            pairs.append((item.name, item))
    return pairs


def _dict_entries(save_obj: dict, choice_func) -> list:
    """``_convert_dict_to_param_dict``: values Parameter, str or ndarray; msshim also takes any Tensor
    (MindSpore 2.10 fails with UnboundLocalError on a plain non-buffer Tensor or silently repeats the
    previous entry) and refuses other values with a TypeError."""
    pairs = []
    for key, value in save_obj.items():
        if not isinstance(key, str) or not isinstance(value, (Tensor, torch.Tensor, np.ndarray, str)):
            raise TypeError(f"For save_checkpoint, when save_obj is made up by dict, the key should be str andvalue "
                            f"should be Parameter, but got the type of key is {type(key)} andthe type of value is "
                            f"{type(value)}")
        if choice_func is None or choice_func(key):
            pairs.append((key, value))
    return pairs


def _entries(save_obj, choice_func, append: dict) -> list:
    """``[(name, ndarray | str)]`` in MindSpore's order.  Names are keys of an OrderedDict there: a repeated
    name (or an append_dict key equal to a parameter name) keeps its first position and its last value."""
    from msshim.nn.cell import Cell

    if isinstance(save_obj, Cell):
        save_obj.init_parameters_data()
        pairs = [(p.name, p) for _, p in save_obj.parameters_and_names()
                 if choice_func is None or choice_func(p.name)]
    elif isinstance(save_obj, list):
        pairs = _list_entries(save_obj, choice_func)
    else:
        pairs = _dict_entries(save_obj, choice_func)
    for key, value in append.items():  # not filtered by choice_func; values become Tensor(value)
        pairs.append((key, value if isinstance(value, (str, Tensor)) else Tensor(value)))
    out: OrderedDict = OrderedDict()
    for name, value in pairs:
        out[name] = value if isinstance(value, str) else _array(value)
    return list(out.items())


def _wait_async_save() -> None:
    """Block until a previous asynchronous save has finished (MindSpore serialises saves the same way);
    re-raise the error it failed with."""
    thread, process = _ASYNC["thread"], _ASYNC["process"]
    if thread is not None:
        thread.join()
        _ASYNC["thread"] = None
    if process is not None:
        process.join()
        _ASYNC["process"] = None
        if process.exitcode != 0:
            _ASYNC["error"] = RuntimeError(f"The asynchronous save process failed (exit code {process.exitcode}).")
    error, _ASYNC["error"] = _ASYNC["error"], None
    if error is not None:
        raise error


_wait_async_thread_save_ckpt = _wait_async_process_save_ckpt = _wait_async_save


def _async_save_close() -> None:
    """At exit, like MindSpore's atexit hook: let a pending asynchronous save finish."""
    try:
        _wait_async_save()
    except Exception as e:  # nothing left to raise to
        logger.critical("Asynchronous checkpoint save failed: %s", e)


atexit.register(_async_save_close)  # after multiprocessing.util's hook, so it runs first (LIFO)


def _write(name: str, entries: list, format: str, crc_check: bool, enc_key, enc_mode, split: str,
           redundancy) -> None:
    try:
        if format == "safetensors":
            for key, value in entries:
                if isinstance(value, str):  # MindSpore: SafetensorError 'Unknown dtype "str..."'
                    raise TypeError(f"For 'save_checkpoint', the string value of '{key}' cannot be saved in the "
                                    f"safetensors format.")
            fmt.write_safetensors(name, entries, crc_check=crc_check, remove_redundancy=redundancy)
        else:
            fmt.write_checkpoint(name, entries, crc_check=crc_check, enc_key=enc_key, enc_mode=enc_mode, split=split,
                                 slice_bytes=1024 * SLICE_SIZE)
    except BaseException:
        logger.critical("Failed to save the checkpoint file %s. Maybe don't have the permission to write files, or "
                        "the disk space is insufficient and so on.", name)
        raise


def _process_write(*args) -> None:
    try:
        _write(*args)
    except BaseException:
        os._exit(1)  # the parent reports it; skip the atexit hooks inherited from it
    os._exit(0)


def save_checkpoint(save_obj, ckpt_file_name, integrated_save=True, async_save=False, append_dict=None,
                    enc_key=None, enc_mode="AES-GCM", choice_func=None, crc_check=False, format="ckpt",
                    **kwargs) -> None:
    """Save ``save_obj`` (Cell, list of Parameters or ``{"name", "data"}`` dicts, or a dict) as MindSpore does.

    Entry order: ``parameters_and_names()`` (key ``param.name``), list or dict order, then ``append_dict``
    (int -> Int64, float -> Float32, np.float64 -> Float64, bool -> Bool scalars; str -> UTF-32 "str"
    entries; not filtered by ``choice_func``).  Entries over 512 MiB (``1024 * SLICE_SIZE`` bytes) are cut
    into several Values; zero-size tensors are dropped (kept, as MindSpore does, with ``async_save``, which
    splits numpy rows instead).  For the same data the bytes equal MindSpore 2.10's.  The file goes to
    ``<stem>.tmp``, is renamed and made read-only (0o400); the previous file survives a failed save.
    ``async_save`` True / "thread" writes a copy of the data from a thread, "process" from a forked process
    (which sees a snapshot of memory); the next save (and interpreter exit) waits for it.
    """
    name = _check_save_target(save_obj, ckpt_file_name, format)
    _check_bool(integrated_save)
    async_save = _check_async_save(async_save)
    append = _check_append_dict(append_dict)
    enc_key = _isinstance_check("enc_key", enc_key, (type(None), bytes))
    enc_mode = _isinstance_check("enc_mode", enc_mode, str)
    crc_check = _isinstance_check("crc_check", crc_check, bool)
    redundancy = _isinstance_check("remove_redundancy", kwargs.get("remove_redundancy"), (type(None), bool))
    _check_unsupported(format, enc_key, enc_mode, kwargs)
    entries = _entries(save_obj, choice_func, append)
    _wait_async_save()
    if not async_save:
        _write(name, entries, format, crc_check, enc_key, enc_mode, "bytes", redundancy)
        return
    args = (name, entries, format, crc_check, enc_key, enc_mode, "rows", redundancy)
    if async_save == "process" and hasattr(os, "fork"):
        process = multiprocessing.get_context("fork").Process(target=_process_write, args=args, daemon=True,
                                                              name="asyn_save_ckpt")
        _ASYNC["process"] = process
        process.start()
        return
    owned = [(k, v if isinstance(v, str) else np.array(v, copy=True)) for k, v in entries]

    def run():
        try:
            _write(name, owned, *args[2:])
        except Exception as e:  # reported by the next save or by _wait_async_save
            _ASYNC["error"] = e

    thread = threading.Thread(target=run, name="asyn_save_ckpt", daemon=False)
    _ASYNC["thread"] = thread
    thread.start()


# ----------------------------------------------------------------------------------------------- loading
def _check_file(file, file_format: str) -> str | BytesIO:
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


def _check_prefix(prefix) -> tuple | None:
    if prefix is None:
        return None
    if not isinstance(prefix, (str, list, tuple)):
        raise TypeError(f"For 'load_checkpoint', the type of 'specify_prefix' or 'filter_prefix' must be string, "
                        f"list[string] or tuple[string], but got {type(prefix)}.")
    prefix = (prefix,) if isinstance(prefix, str) else prefix
    if not prefix:
        raise ValueError("For 'load_checkpoint', the argument 'specify_prefix' or 'filter_prefix' can't be empty when "
                         "'specify_prefix' or 'filter_prefix' is list or tuple.")
    for index, pre in enumerate(prefix):
        if not isinstance(pre, str):
            raise TypeError(f"For 'load_checkpoint', when 'specify_prefix' or 'filter_prefix' is list or tuple, the "
                            f"element in it must be string, but got {type(pre)} at index {index}.")
        if pre == "":
            raise ValueError("For 'load_checkpoint', the value of 'specify_prefix' or 'filter_prefix' can't "
                             "include ''.")
    return tuple(prefix)


def _choice(specify, filt, choice_func) -> Callable[[str], bool] | None:
    """MindSpore's ckpt filter: either deprecated prefix, when given, replaces ``choice_func``."""
    if specify:
        logger.warning("For load_checkpoint, this parameter `specity_prefix` will be deprecated, please use "
                       "`choice_func` instead.")
    if filt:
        logger.warning("For load_checkpoint, this parameter `filter_prefix` will be deprecated, please use "
                       "`choice_func` instead.")
    if specify is None and filt is None:
        return choice_func

    def by_prefix(name: str) -> bool:
        keep = not specify or any(name.startswith(p) for p in specify)
        return keep and not (filt and any(name.startswith(p) for p in filt))

    return by_prefix


def _read_safetensors(path, crc_check: bool, choice) -> fmt.CheckpointEntries:
    source = path.getvalue() if isinstance(path, BytesIO) else path
    try:
        entries = fmt.read_safetensors(source, crc_check=crc_check, choice=choice)
    except fmt.CheckpointCrcError:
        raise ValueError("For 'load_checkpoint', the crc check has failed. Please check whether the ckpt file is "
                         "damaged.") from None
    except fmt.CheckpointFormatError as e:
        raise ValueError(f"Fail to parse the input safetensors: '{path}'. Please check the correctness of the "
                         f"file.") from e
    if crc_check and not entries.crc_footer:
        logger.warning("For 'load_checkpoint', the safetensors file do not contain the crc code, please check the "
                       "file.")
    return entries


def _read_ckpt(path: str, dec_key, dec_mode: str, crc_check: bool, choice) -> fmt.CheckpointEntries:
    """Entries of a .ckpt, with the format layer's errors turned into MindSpore's messages (see
    :mod:`msshim.train.ckpt_format.errors`)."""
    no_permission = (f"Failed to read the checkpoint file {path}. May not have permission to read it, please check "
                     f"the correct of the file.")
    try:
        if dec_key is not None and os.path.getsize(path) == 0:
            entries = fmt.CheckpointEntries()  # MindSpore decrypts nothing into nothing: "dict is empty" below
        else:
            entries = fmt.read_checkpoint(path, dec_key=dec_key, dec_mode=dec_mode, crc_check=crc_check,
                                          choice=choice, strict_types=True)
    except fmt.CheckpointEntryError as e:
        raise ValueError(f"{e.detail}\nFor 'load_checkpoint', failed to load the checkpoint file {path}.") from e
    except fmt.CheckpointDecryptError as e:
        if e.magic_mode in ("AES-GCM", "AES-CBC"):  # MindSpore's _is_cipher_file does not know the SM4 magic
            raise ValueError(f"Failed to read the checkpoint file {path}. The file may be encrypted or tempered with, "
                             f"please pass in the correct 'dec_key' or check the file integrity.") from e
        raise ValueError(no_permission) from e
    except fmt.CheckpointCrcError as e:
        inner = ValueError("For 'load_checkpoint', the crc check is failed, please check whether the ckpt file is "
                           "damaged.")
        inner.__cause__ = e
        raise ValueError(no_permission) from inner
    except fmt.CheckpointFormatError as e:
        raise ValueError(f"Failed to read the checkpoint file {path}. The file may be corrupted, and the content "
                         f"cannot be parsed.") from e
    except OSError as e:
        raise ValueError(no_permission) from e
    if crc_check and not entries.crc_footer:
        logger.warning("For 'load_checkpoint', the ckpt file do not contain the crc code, please check the file.")
    return entries


def _parameter(name: str, arr: np.ndarray) -> Parameter:
    # The array views the copy-on-write memory map: torch shares it, so loading copies nothing on CPU.
    # Read-only arrays (a BytesIO's bytes) are copied by numpy_to_torch: torch tensors are always writable.
    t = _convert.numpy_to_torch(arr, copy=False)
    device = _runtime.current_device()
    return Parameter(t if device.type == "cpu" else t.to(device), name=name)


def load_checkpoint(ckpt_file_name, net=None, strict_load=False, filter_prefix=None, dec_key=None,
                    dec_mode="AES-GCM", specify_prefix=None, choice_func=None, crc_check=False,
                    remove_redundancy=False, format="ckpt") -> dict:
    """Load a ``.ckpt`` (or ``.safetensors``) file into ``{name: Parameter | str}`` in file order.

    MindSpore 2.10 rules: consecutive slices of one name are joined; 1.x scalars (dims [0]) become shape ();
    append_dict strings come back as ``str``, MapParameter entries as ``[keys, values, status]`` arrays; the
    ``crc_num`` footer is stripped and only checked with ``crc_check`` (a file without one only warns);
    ``specify_prefix`` / ``filter_prefix`` (deprecated) replace ``choice_func`` for .ckpt and are ignored for
    safetensors (sorted by name; a BytesIO is accepted).  Every problem with the file is a ValueError with
    MindSpore's message naming it.  Parameters are views of a copy-on-write memory map (on CPU; moved to the
    current device otherwise) named by their key (MindSpore leaves safetensors ones as "Parameter#N"); qint4x2
    entries come back as Int8 (torch has no int4).  When ``net`` is given the dict is also loaded into it with
    :func:`load_param_into_net`.
    """
    specify, filt = _check_prefix(specify_prefix), _check_prefix(filter_prefix)
    dec_key = _isinstance_check("dec_key", dec_key, (type(None), bytes))
    dec_mode = _isinstance_check("dec_mode", dec_mode, str)
    crc_check = _isinstance_check("crc_check", crc_check, bool)
    remove_redundancy = _isinstance_check("remove_redundancy", remove_redundancy, bool)
    if format == "safetensors":
        for param_name, value, default in (("dec_key", dec_key, None), ("dec_mode", dec_mode, "AES-GCM")):
            if value != default:
                raise ValueError(f"For 'load_checkpoint', when format is 'safetensors', the parameter '{param_name}' "
                                 f"must be set to default value '{default}', but got '{value}'.")
    path = _check_file(ckpt_file_name, format)
    if format == "safetensors":
        entries = _read_safetensors(path, crc_check, choice_func)
    else:
        entries = _read_ckpt(path, dec_key, dec_mode, crc_check, _choice(specify, filt, choice_func))
    params: dict = {}
    for name, value in entries:
        params[name] = _parameter(name, value) if isinstance(value, np.ndarray) else value
    if not params:
        raise ValueError("The loaded parameter dict is empty after filter or specify, please check whether "
                         "'filter_prefix' or 'specify_prefix' are set correctly.")
    if net is not None:
        load_param_into_net(net, params, strict_load, remove_redundancy)
    return params


class ParamDictFuture:
    """What :func:`load_checkpoint_async` returns: ``result()`` waits and gives the parameter dict."""

    def __init__(self, executor: ThreadPoolExecutor, future) -> None:
        self.executor = executor
        self.param_dict_future = future

    def result(self) -> dict:
        params = self.param_dict_future.result()
        self.executor.shutdown()
        return params


def load_checkpoint_async(ckpt_file_name, net=None, strict_load=False, filter_prefix=None, dec_key=None,
                          dec_mode="AES-GCM", specify_prefix=None, choice_func=None) -> ParamDictFuture:
    """Start :func:`load_checkpoint` in a background thread (format from the ``.safetensors`` suffix);
    ``.result()`` returns its dict or raises its error."""
    format = "safetensors" if str(ckpt_file_name).endswith(".safetensors") else "ckpt"
    executor = ThreadPoolExecutor(max_workers=2)
    future = executor.submit(load_checkpoint, ckpt_file_name, net, strict_load, filter_prefix, dec_key, dec_mode,
                             specify_prefix, choice_func, format=format)
    return ParamDictFuture(executor, future)


def export(net, *inputs, file_name, file_format, **kwargs) -> None:
    """``mindspore.export``: write ``net`` traced on ``inputs`` as MINDIR (or ONNX, deprecated here as in
    MindSpore: use ``mindspore.onnx.export``).  ``file_format`` is required, as in MindSpore 2.x."""
    from msshim.train._mindir.export import export as _export

    return _export(net, *inputs, file_name=file_name, file_format=file_format, **kwargs)


def load(file_name, **kwargs):
    """``mindspore.load``: read a MindIR file (``dec_key``/``dec_mode`` for encrypted ones) into a graph for
    ``nn.GraphCell``."""
    from msshim.train._mindir.load import load as _load

    return _load(file_name, **kwargs)


def merge_sliced_parameter(sliced_parameters, strategy=None):
    """``mindspore.merge_sliced_parameter``: merge parameter slices (in rank order) into one Parameter; see
    :func:`msshim.parallel.checkpoint_transform.merge_sliced_parameter`."""
    from msshim.parallel.checkpoint_transform import merge_sliced_parameter as _merge

    return _merge(sliced_parameters, strategy)
