"""``mindspore.dataset.config``: the pipeline's global settings.

msshim keeps the values MindSpore validates and reports; most of them (prefetch size, NUMA, monitoring, autotune,
shared memory ...) tune MindSpore's C++ engine and have no effect here.  The seed does: it fixes the order of
every shuffle (samplers, ``Dataset.shuffle``, ``split(randomize=True)``) and the draws of random transforms.
The order is deterministic for a given seed but is not MindSpore's order (MindSpore's C++ ``std::mt19937``
streams cannot be reproduced), so compare shuffled pipelines by content, not position.
"""
from __future__ import annotations

import os
import random

import numpy

from msshim.dataset.core.validator_helpers import INT32_MAX, UINT32_MAX

__all__ = ["set_seed", "get_seed", "set_prefetch_size", "get_prefetch_size", "set_num_parallel_workers",
           "get_num_parallel_workers", "set_numa_enable", "get_numa_enable", "set_monitor_sampling_interval",
           "get_monitor_sampling_interval", "set_callback_timeout", "get_callback_timeout",
           "set_auto_num_workers", "get_auto_num_workers", "set_enable_shared_mem", "get_enable_shared_mem",
           "set_sending_batches", "set_auto_offload", "get_auto_offload", "set_enable_watchdog",
           "get_enable_watchdog", "set_multiprocessing_timeout_interval", "get_multiprocessing_timeout_interval",
           "set_debug_mode", "get_debug_mode", "set_error_samples_mode", "get_error_samples_mode",
           "set_iterator_mode", "get_iterator_mode", "set_multiprocessing_start_method",
           "get_multiprocessing_start_method", "set_enable_autotune", "get_enable_autotune",
           "set_autotune_interval", "get_autotune_interval", "set_dynamic_shape", "get_dynamic_shape",
           "set_fast_recovery", "get_fast_recovery", "load", "ErrorSamplesMode"]

_DEFAULT_SEED = 5489  # std::mt19937::default_seed, what MindSpore reports before set_seed
_STATE = {
    "seed": None, "global_seed_at_set": None, "prefetch_size": 16, "num_parallel_workers": None,
    "numa_enable": False, "monitor_sampling_interval": 1000, "callback_timeout": 60, "auto_num_workers": False,
    "enable_shared_mem": True, "auto_offload": False, "enable_watchdog": True,
    "multiprocessing_timeout_interval": 300, "debug_mode": False, "error_samples_mode": 0,
    "iterator_mode": {"do_copy": False, "parallel_convert": False}, "multiprocessing_start_method": "fork",
    "enable_autotune": False, "autotune_interval": 0, "dynamic_shape": False, "fast_recovery": True,
}


class ErrorSamplesMode:
    """How the pipeline treats samples that raise (only RETURN is implemented: the error propagates)."""
    RETURN = 0
    REPLACE = 1
    SKIP = 2


def _int_arg(value, name: str) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} isn't of type int.")


def _bool_arg(value, name: str) -> None:
    if not isinstance(value, bool):
        raise TypeError(f"{name} isn't of type bool.")


def _global_seed():
    from msshim.common.seed import get_seed as global_get_seed
    return global_get_seed()


def set_seed(seed: int) -> None:
    """Seed the pipeline's random draws (and, as MindSpore does, ``random`` and ``numpy.random``)."""
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise TypeError("seed isn't of type int.")
    if seed < 0 or seed > UINT32_MAX:
        raise ValueError("seed given is not within the required range [0, UINT32_MAX(4294967295)].")
    _STATE["seed"] = seed
    _STATE["global_seed_at_set"] = _global_seed()
    _TRANSFORM_RNG["rng"] = None  # random transforms restart their sequence
    random.seed(seed)
    numpy.random.seed(seed)


def _effective_seed():
    """The seed in force, or None when none was set.

    ``mindspore.set_seed`` also sets the dataset seed; msshim's global ``set_seed`` does not call in here, so a
    global seed set after (or without) ``dataset.config.set_seed`` takes over."""
    global_seed = _global_seed()
    if _STATE["seed"] is not None and global_seed == _STATE["global_seed_at_set"]:
        return _STATE["seed"]
    return global_seed if global_seed is not None else _STATE["seed"]


def get_seed() -> int:
    seed = _effective_seed()
    return _DEFAULT_SEED if seed is None else seed


def _new_rng() -> numpy.random.Generator:
    """A generator for one iterator's shuffling: seeded when a seed is set, else from OS entropy."""
    return numpy.random.default_rng(_effective_seed())


_TRANSFORM_RNG = {"rng": None, "seed": object()}


def _transform_rng() -> numpy.random.Generator:
    """The generator random transforms draw from; re-created whenever the seed in force changes."""
    seed = _effective_seed()
    if _TRANSFORM_RNG["rng"] is None or seed != _TRANSFORM_RNG["seed"]:
        _TRANSFORM_RNG["rng"] = numpy.random.default_rng(seed)
        _TRANSFORM_RNG["seed"] = seed
    return _TRANSFORM_RNG["rng"]


def set_prefetch_size(size: int) -> None:
    _int_arg(size, "size")
    if size <= 0 or size > INT32_MAX:
        raise ValueError("size is not within the required range (0, INT32_MAX(2147483647)].")
    _STATE["prefetch_size"] = size


def get_prefetch_size() -> int:
    return _STATE["prefetch_size"]


def set_num_parallel_workers(num: int) -> None:
    _int_arg(num, "num")
    if num <= 0 or num > INT32_MAX:
        raise ValueError("Number of parallel workers given is not within the required range"
                         " (0, INT32_MAX(2147483647)].")
    _STATE["num_parallel_workers"] = num


def get_num_parallel_workers() -> int:
    """8 by default, capped at the machine's CPU count (as MindSpore does)."""
    value = _STATE["num_parallel_workers"]
    return value if value is not None else min(8, os.cpu_count() or 1)


def set_numa_enable(numa_enable: bool) -> None:
    _bool_arg(numa_enable, "numa_enable")
    _STATE["numa_enable"] = numa_enable


def get_numa_enable() -> bool:
    return _STATE["numa_enable"]


def set_monitor_sampling_interval(interval: int) -> None:
    _int_arg(interval, "interval")
    if interval <= 0 or interval > INT32_MAX:
        raise ValueError("Interval given is not within the required range (0, INT32_MAX(2147483647)].")
    _STATE["monitor_sampling_interval"] = interval


def get_monitor_sampling_interval() -> int:
    return _STATE["monitor_sampling_interval"]


def set_callback_timeout(timeout: int) -> None:
    _int_arg(timeout, "timeout")
    if timeout <= 0 or timeout > INT32_MAX:
        raise ValueError("Timeout given is not within the required range (0, INT32_MAX(2147483647)].")
    _STATE["callback_timeout"] = timeout


def get_callback_timeout() -> int:
    return _STATE["callback_timeout"]


def set_auto_num_workers(enable: bool) -> None:
    _bool_arg(enable, "enable")
    _STATE["auto_num_workers"] = enable


def get_auto_num_workers() -> bool:
    return _STATE["auto_num_workers"]


def set_enable_shared_mem(enable: bool) -> None:
    _bool_arg(enable, "enable")
    _STATE["enable_shared_mem"] = enable


def get_enable_shared_mem() -> bool:
    return _STATE["enable_shared_mem"]


def set_sending_batches(batch_num: int) -> None:
    _int_arg(batch_num, "batch_num")


def set_auto_offload(offload: bool) -> None:
    _bool_arg(offload, "offload")
    _STATE["auto_offload"] = offload


def get_auto_offload() -> bool:
    return _STATE["auto_offload"]


def set_enable_watchdog(enable: bool) -> None:
    _bool_arg(enable, "enable")
    _STATE["enable_watchdog"] = enable


def get_enable_watchdog() -> bool:
    return _STATE["enable_watchdog"]


def set_multiprocessing_timeout_interval(interval: int) -> None:
    _int_arg(interval, "interval")
    if interval <= 0 or interval > INT32_MAX:
        raise ValueError("Interval given is not within the required range (0, INT32_MAX(2147483647)].")
    _STATE["multiprocessing_timeout_interval"] = interval


def get_multiprocessing_timeout_interval() -> int:
    return _STATE["multiprocessing_timeout_interval"]


def set_debug_mode(debug_mode_flag: bool, debug_hook_list: list = None) -> None:
    _bool_arg(debug_mode_flag, "debug_mode_flag")
    _STATE["debug_mode"] = debug_mode_flag


def get_debug_mode() -> bool:
    return _STATE["debug_mode"]


def set_error_samples_mode(error_samples_mode) -> None:
    _STATE["error_samples_mode"] = error_samples_mode


def get_error_samples_mode():
    return _STATE["error_samples_mode"]


def set_iterator_mode(do_copy: bool = False, parallel_convert: bool = False) -> None:
    _bool_arg(do_copy, "do_copy")
    _bool_arg(parallel_convert, "parallel_convert")
    _STATE["iterator_mode"] = {"do_copy": do_copy, "parallel_convert": parallel_convert}


def get_iterator_mode() -> dict:
    return dict(_STATE["iterator_mode"])


def set_multiprocessing_start_method(start_method: str = "fork") -> None:
    if start_method not in ("fork", "spawn"):
        raise ValueError("start_method should be 'fork' or 'spawn'.")
    _STATE["multiprocessing_start_method"] = start_method


def get_multiprocessing_start_method() -> str:
    return _STATE["multiprocessing_start_method"]


def set_enable_autotune(enable: bool, filepath_prefix: str = None) -> None:
    _bool_arg(enable, "enable")
    _STATE["enable_autotune"] = enable


def get_enable_autotune() -> bool:
    return _STATE["enable_autotune"]


def set_autotune_interval(interval: int) -> None:
    _int_arg(interval, "interval")
    if interval < 0 or interval > INT32_MAX:
        raise ValueError("Interval given is not within the required range [0, INT32_MAX(2147483647)].")
    _STATE["autotune_interval"] = interval


def get_autotune_interval() -> int:
    return _STATE["autotune_interval"]


def set_dynamic_shape(is_dynamic: bool) -> None:
    _bool_arg(is_dynamic, "is_dynamic")
    _STATE["dynamic_shape"] = is_dynamic


def get_dynamic_shape() -> bool:
    return _STATE["dynamic_shape"]


def set_fast_recovery(fast_recovery: bool) -> None:
    _bool_arg(fast_recovery, "fast_recovery")
    _STATE["fast_recovery"] = fast_recovery


def get_fast_recovery() -> bool:
    return _STATE["fast_recovery"]


def load(file) -> None:
    """Load settings from a JSON file (keys as MindSpore's config file: seed, numParallelWorkers ...)."""
    import json
    with open(file) as f:
        settings = json.load(f)
    if "seed" in settings:
        set_seed(settings["seed"])
    if "numParallelWorkers" in settings:
        set_num_parallel_workers(settings["numParallelWorkers"])
    if "opConnectorSize" in settings:
        set_prefetch_size(settings["opConnectorSize"])
