"""``ckpt_to_safetensors`` / ``safetensors_to_ckpt``: MindSpore 2.10's file converters.

A single file is converted next to itself (or into ``save_path``), its name's ``.ckpt`` / ``.safetensors``
replaced (every occurrence, as MindSpore's ``str.replace`` does).  A directory must hold ``rank*``
sub-directories; each one's matching files go to ``save_path/rank*`` (created) or stay beside the source.
``name_map`` renames entries (``{old: new}``); ``processes_num`` is accepted, files are converted one after
the other.  safetensors cannot hold strings: a ``.ckpt`` with append_dict text fails to convert, as in
MindSpore, and .ckpt encryption / crc are not carried over.
"""
from __future__ import annotations

import os
import re

__all__ = ["ckpt_to_safetensors", "safetensors_to_ckpt"]


def _convert_file(src: str, dst_dir: str, name_map, src_format: str, dst_format: str) -> None:
    from msshim.train.serialization import load_checkpoint, save_checkpoint

    params = load_checkpoint(src, format=src_format)
    if name_map is not None:
        params = {name_map.get(k, k): v for k, v in params.items()}
    base = os.path.basename(src).replace("." + src_format, "." + dst_format)
    save_checkpoint(params, os.path.join(dst_dir, base), format=dst_format)


def _convert_files(file_path, save_path, name_map, file_name_regex, src_format: str, dst_format: str) -> None:
    func_name = f"{src_format}_to_{dst_format}"
    is_dir, is_file = os.path.isdir(file_path), os.path.isfile(file_path)
    if not is_dir and not is_file:
        raise ValueError(f"For {func_name}, the input path must be a valid path or file, but got {file_path}")
    if save_path and os.path.splitext(save_path)[1]:
        raise ValueError(f"For {func_name}, the save_path must be a directory, but got '{save_path}'")
    if name_map is not None and not isinstance(name_map, dict):
        raise ValueError(f"For {func_name}, the type of 'name_map' must be a directory, but got '{type(name_map)}'")
    if is_file:
        if not file_path.endswith("." + src_format):
            raise ValueError(f"For {func_name}, the input file must be a .{src_format} file, but got {file_path}")
        if file_name_regex is not None and not re.findall(file_name_regex, file_path):
            raise ValueError(f"For {func_name}, the input file does not match the regular expression.")
        if save_path:
            os.makedirs(save_path, exist_ok=True)
        _convert_file(file_path, save_path or os.path.dirname(file_path), name_map, src_format, dst_format)
        return
    rank_dirs = sorted(d for d in os.listdir(file_path)
                       if d.startswith("rank") and os.path.isdir(os.path.join(file_path, d)))
    if not rank_dirs:
        raise ValueError(f"For '{func_name}', no directories starting with 'rank' found in {file_path}.")
    tasks = []
    for rank_dir in rank_dirs:
        src_dir = os.path.join(file_path, rank_dir)
        dst_dir = os.path.join(save_path, rank_dir) if save_path is not None else src_dir
        os.makedirs(dst_dir, exist_ok=True)
        tasks += [(os.path.join(src_dir, f), dst_dir) for f in sorted(os.listdir(src_dir))
                  if f.endswith("." + src_format) and (file_name_regex is None or re.search(file_name_regex, f))]
    for src, dst_dir in tasks:
        _convert_file(src, dst_dir, name_map, src_format, dst_format)


def ckpt_to_safetensors(file_path, save_path=None, name_map=None, file_name_regex=None, processes_num=1) -> None:
    """Convert a ``.ckpt`` file (or the ``rank*/`` directories of one) to ``.safetensors``."""
    _convert_files(file_path, save_path, name_map, file_name_regex, "ckpt", "safetensors")


def safetensors_to_ckpt(file_path, save_path=None, name_map=None, file_name_regex=None, processes_num=1) -> None:
    """Convert a ``.safetensors`` file (or the ``rank*/`` directories of one) to ``.ckpt``."""
    _convert_files(file_path, save_path, name_map, file_name_regex, "safetensors", "ckpt")
