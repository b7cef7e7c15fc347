"""Argument checks with MindSpore 2.10's exact exception types and messages.

Ported from ``mindspore/dataset/core/validator_helpers.py`` (Apache License 2.0, Huawei Technologies Co., Ltd),
keeping only what msshim's dataset package uses.
"""
from __future__ import annotations

import inspect
import os
from multiprocessing import cpu_count

POS_INT_MIN = 1
UINT8_MAX = 255
UINT32_MAX = 4294967295
INT32_MAX = 2147483647
INT32_MIN = -2147483648
INT64_MAX = 9223372036854775807
FLOAT_MAX_INTEGER = 16777216
FLOAT_MIN_INTEGER = -16777216


def pad_arg_name(arg_name: str) -> str:
    return arg_name + " " if arg_name != "" else arg_name


def check_value(value, valid_range, arg_name="", left_open_interval=False, right_open_interval=False) -> None:
    arg_name = pad_arg_name(arg_name)
    low, high = valid_range[0], valid_range[1]
    bad_low = value <= low if left_open_interval else value < low
    bad_high = value >= high if right_open_interval else value > high
    if bad_low or bad_high:
        left = "(" if left_open_interval else "["
        right = ")" if right_open_interval else "]"
        raise ValueError(f"Input {arg_name}is not within the required interval of {left}{low}, {high}{right}.")


def check_positive(value, arg_name="") -> None:
    arg_name = pad_arg_name(arg_name)
    if value <= 0:
        raise ValueError("Input {0}must be greater than 0.".format(arg_name))


def check_pos_int32(value, arg_name="") -> None:
    type_check(value, (int,), arg_name)
    check_value(value, [POS_INT_MIN, INT32_MAX], arg_name)


def check_non_negative_int32(value, arg_name="") -> None:
    type_check(value, (int,), arg_name)
    check_value(value, [0, INT32_MAX], arg_name)


def check_valid_str(value, valid_strings, arg_name="") -> None:
    type_check(value, (str,), arg_name)
    if value not in valid_strings:
        raise ValueError("Input {0} is not within the valid set of {1}.".format(arg_name, str(valid_strings)))


def check_columns(columns, name) -> None:
    """Column names: a non-empty str or a non-empty list of distinct non-empty str."""
    type_check(columns, (list, str), name)
    if isinstance(columns, str):
        if not columns:
            raise ValueError("{0} should not be an empty str.".format(name))
        return
    if not columns:
        raise ValueError("{0} should not be empty.".format(name))
    for i, column_name in enumerate(columns):
        if not column_name:
            raise ValueError("{0}[{1}] should not be empty.".format(name, i))
    type_check_list(columns, (str,), ["{0}[{1}]".format(name, i) for i in range(len(columns))])
    if len(set(columns)) != len(columns):
        raise ValueError("Every column name should not be same with others in column_names.")


def parse_user_args(method, *args, **kwargs):
    """(values of the parameters after ``self`` in order, bound arguments) for a call of ``method``."""
    sig = inspect.signature(method)
    if "self" in sig.parameters or "cls" in sig.parameters:
        ba = sig.bind(method, *args, **kwargs)
        params = list(sig.parameters.keys())[1:]
    else:
        ba = sig.bind(*args, **kwargs)
        params = list(sig.parameters.keys())
    ba.apply_defaults()
    return [ba.arguments.get(name) for name in params], ba.arguments


def type_check_list(args, types, arg_names) -> None:
    type_check(args, (list, tuple), arg_names)
    if len(args) != len(arg_names) and not isinstance(arg_names, str):
        raise ValueError("List of arguments is not the same length as argument_names.")
    if isinstance(arg_names, str):
        arg_names = ["{0}[{1}]".format(arg_names, i) for i in range(len(args))]
    for arg, arg_name in zip(args, arg_names):
        type_check(arg, types, arg_name)


def type_check(arg, types, arg_name) -> None:
    """TypeError unless ``arg`` is one of ``types`` (a bool is not an int unless bool is listed)."""
    if int in types and bool not in types and isinstance(arg, bool):
        print_value = '\"\"' if repr(arg) == repr('') else arg
        raise TypeError("Argument {0} with value {1} is not of type {2}, but got {3}.".format(
            arg_name, print_value, types, type(arg)))
    if not isinstance(arg, types):
        print_value = '\"\"' if repr(arg) == repr('') else arg
        raise TypeError("Argument {0} with value {1} is not of type {2}, but got {3}.".format(
            arg_name, print_value, list(types), type(arg)))


def check_dir(dataset_dir) -> None:
    type_check(dataset_dir, (str,), "dataset_dir")
    if not os.path.isdir(dataset_dir) or not os.access(dataset_dir, os.R_OK):
        raise ValueError("The folder {} does not exist or is not a directory or permission denied!".format(
            dataset_dir))


def check_sampler_shuffle_shard_options(param_dict) -> None:
    shuffle, sampler = param_dict.get("shuffle"), param_dict.get("sampler")
    num_shards, shard_id = param_dict.get("num_shards"), param_dict.get("shard_id")
    num_samples = param_dict.get("num_samples")
    if sampler is not None:
        if shuffle is not None:
            raise RuntimeError("sampler and shuffle cannot be specified at the same time.")
        if num_shards is not None or shard_id is not None:
            raise RuntimeError("sampler and sharding cannot be specified at the same time.")
        if num_samples is not None:
            raise RuntimeError("sampler and num_samples cannot be specified at the same time.")
    if num_shards is not None:
        check_pos_int32(num_shards, "num_shards")
        if shard_id is None:
            raise RuntimeError("num_shards is specified and currently requires shard_id as well.")
        check_value(shard_id, [0, num_shards - 1], "shard_id")
    if num_shards is None and shard_id is not None:
        raise RuntimeError("shard_id is specified but num_shards is not.")


def check_num_parallel_workers(value) -> None:
    type_check(value, (int,), "num_parallel_workers")
    if value < 1 or value > cpu_count():
        raise ValueError("num_parallel_workers exceeds the boundary between 1 and {}!".format(cpu_count()))


def check_num_samples(value) -> None:
    type_check(value, (int,), "num_samples")
    if value < 0 or value > INT64_MAX:
        raise ValueError("num_samples exceeds the boundary between {} and {}(INT64_MAX)!".format(0, INT64_MAX))


def validate_dataset_param_value(param_list, param_dict, param_type) -> None:
    for param_name in param_list:
        value = param_dict.get(param_name)
        if value is None:
            continue
        if param_name == "num_parallel_workers":
            check_num_parallel_workers(value)
        if param_name == "num_samples":
            check_num_samples(value)
        else:
            type_check(value, (param_type,), param_name)


def check_dataset_num_shards_shard_id(num_shards, shard_id) -> None:
    if (num_shards is None) != (shard_id is None):
        raise ValueError("num_shards and shard_id need to be passed in together.")
    if num_shards is not None:
        check_pos_int32(num_shards, "num_shards")
        if shard_id >= num_shards:
            raise ValueError("shard_id should be less than num_shards.")


def replace_none(value, default):
    return value if value is not None else default
