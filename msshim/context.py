"""``mindspore.context``: set_context / get_context / set_device on torch.

``mode`` is recorded (GRAPH_MODE runs eagerly: same results, no graph compilation), ``device_target``
"GPU" puts new tensors and called cells on CUDA, "Ascend" is refused with a clear error, and every
other key MindSpore 2.10 accepts is stored and returned by ``get_context``.  Unknown keys raise
ValueError with MindSpore's message.
"""
from __future__ import annotations

import torch

from msshim import _runtime
from msshim.parallel import _auto_parallel_context

GRAPH_MODE = 0
PYNATIVE_MODE = 1
STRICT = 0
COMPATIBLE = 1
LAX = 2
DEBUG = 1
RELEASE = 0

# Keys MindSpore 2.10's set_context accepts (mindspore/context.py args_type_check and context setters).
_KNOWN_KEYS = {
    "mode", "device_target", "device_id", "save_graphs", "save_graphs_path", "aoe_tune_mode", "aoe_config",
    "enable_reduce_precision", "variable_memory_max_size", "enable_auto_mixed_precision", "inter_op_parallel_num",
    "enable_graph_kernel", "reserve_class_name_in_scope", "check_bprop", "max_device_memory", "print_file_path",
    "max_call_depth", "env_config_path", "graph_kernel_flags", "save_compile_cache", "runtime_num_threads",
    "load_compile_cache", "pynative_synchronize", "mempool_block_size", "disable_format_transform", "op_timeout",
    "deterministic", "ascend_config", "jit_syntax_level", "debug_level", "jit_enable_inplace_ops", "gpu_config",
    "jit_config", "enable_compile_cache", "compile_cache_path", "memory_optimize_level", "enable_sparse",
    "auto_tune_mode", "precompile_only", "support_binary", "device_memory_capacity",
}

_DEFAULTS = {
    "mode": PYNATIVE_MODE,
    "device_target": "CPU",
    "device_id": 0,
    "jit_syntax_level": LAX,
    "save_graphs": 0,
    "save_graphs_path": ".",
    "max_call_depth": 1000,
    "deterministic": "OFF",
    "debug_level": RELEASE,
    "pynative_synchronize": False,
    "runtime_num_threads": 30,
    "jit_config": {},
}

_CONTEXT: dict = dict(_DEFAULTS)


def _apply_device(target: str, device_id: int) -> None:
    if target == "GPU":
        if not torch.cuda.is_available():
            raise RuntimeError("Unsupported device target GPU: torch.cuda.is_available() is False on this machine. "
                               "Install a CUDA build of torch, or use device_target='CPU'.")
        if device_id >= torch.cuda.device_count():
            raise ValueError(f"For 'set_context', the 'device_id' {device_id} is out of range: this machine has "
                             f"{torch.cuda.device_count()} CUDA device(s).")
        _runtime.set_current_device(torch.device("cuda", device_id))
    else:
        _runtime.set_current_device(torch.device("cpu"))


def _check_target(target) -> str:
    if not isinstance(target, str):
        raise TypeError(f"For 'set_context', the type of 'device_target' must be str, but got {type(target)}.")
    if target == "Ascend":
        raise RuntimeError("Unsupported device target Ascend: msshim runs MindSpore code on PyTorch, which supports "
                           "'CPU' and 'GPU' (CUDA). Use device_target='CPU' or 'GPU'.")
    if target not in ("CPU", "GPU"):
        raise ValueError(f"For 'set_context', the argument 'device_target' must be one of ['CPU', 'GPU', "
                         f"'Ascend'], but got {target}.")
    return target


def set_context(**kwargs) -> None:
    """Set the running context (see the module docstring for what each key does in msshim)."""
    for key in kwargs:
        if key not in _KNOWN_KEYS:
            raise ValueError(f"For 'context.set_context', the keyword argument {key} is not recognized! For "
                             f"detailed usage of 'set_context', please refer to the Mindspore official website.")
    if "mode" in kwargs and kwargs["mode"] not in (GRAPH_MODE, PYNATIVE_MODE):
        raise ValueError(f"For 'set_context', the argument 'mode' should be context.GRAPH_MODE (0) or "
                         f"context.PYNATIVE_MODE (1), but got {kwargs['mode']}.")
    if "jit_syntax_level" in kwargs and kwargs["jit_syntax_level"] not in (STRICT, COMPATIBLE, LAX):
        raise ValueError(f"For 'jit_syntax_level', the value should be context.STRICT or context.LAX, but got "
                         f"{kwargs['jit_syntax_level']}.")
    target = _check_target(kwargs["device_target"]) if "device_target" in kwargs else _CONTEXT["device_target"]
    device_id = kwargs.get("device_id", _CONTEXT["device_id"])
    if not isinstance(device_id, int) or device_id < 0:
        raise ValueError(f"For 'set_context', the argument 'device_id' must be a non-negative int, but got "
                         f"{device_id}.")
    if "device_target" in kwargs or "device_id" in kwargs:
        _apply_device(target, device_id)
    _CONTEXT.update(kwargs)


def get_context(attr_key: str):
    """The value of a context key (defaults for keys never set)."""
    if attr_key not in _KNOWN_KEYS:
        raise ValueError(f"For 'context.get_context', the argument {attr_key} is not recognized! For detailed "
                         f"usage of 'get_context', please refer to the Mindspore official website.")
    return _CONTEXT.get(attr_key)


def set_device(device_target: str, device_id: int | None = None) -> None:
    """MindSpore 2.x ``set_device(device_target, device_id=None)``."""
    kwargs = {"device_target": device_target}
    if device_id is not None:
        kwargs["device_id"] = device_id
    set_context(**kwargs)


def get_current_device():
    """The current device target and id, as ``(target, id)``-like object with attributes."""
    class _Device:
        device_target = _CONTEXT["device_target"]
        device_id = _CONTEXT["device_id"]

    return _Device()


def reset_context() -> None:
    _CONTEXT.clear()
    _CONTEXT.update(_DEFAULTS)
    _runtime.set_current_device(torch.device("cpu"))


def _is_graph_mode() -> bool:
    return _CONTEXT["mode"] == GRAPH_MODE


def set_auto_parallel_context(**kwargs) -> None:
    """MindSpore's ``set_auto_parallel_context``: every 2.10 key, its type and value checks (see
    ``msshim/parallel/_auto_parallel_context.py``).  DATA_PARALLEL / HYBRID_PARALLEL make ``TrainOneStepCell``
    and ``Model.train`` all-reduce gradients over torch.distributed (``nn.DistributedGradReducer``)."""
    _auto_parallel_context.set_auto_parallel_context(**kwargs)


def get_auto_parallel_context(attr_key: str):
    """The value of an auto-parallel context key; ValueError for a key MindSpore does not know."""
    return _auto_parallel_context.get_auto_parallel_context(attr_key)


def reset_auto_parallel_context() -> None:
    """Every auto-parallel key back to MindSpore's default."""
    _auto_parallel_context.reset_auto_parallel_context()


class ParallelMode:
    """The values of ``parallel_mode``."""
    STAND_ALONE = "stand_alone"
    DATA_PARALLEL = "data_parallel"
    HYBRID_PARALLEL = "hybrid_parallel"
    SEMI_AUTO_PARALLEL = "semi_auto_parallel"
    AUTO_PARALLEL = "auto_parallel"
    MODE_LIST = [STAND_ALONE, DATA_PARALLEL, HYBRID_PARALLEL, SEMI_AUTO_PARALLEL, AUTO_PARALLEL]
