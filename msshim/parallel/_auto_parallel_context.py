"""The auto-parallel context behind ``set_auto_parallel_context`` / ``get_auto_parallel_context`` /
``reset_auto_parallel_context`` (MindSpore 2.10's ``mindspore/parallel/_auto_parallel_context.py``).

Every key MindSpore 2.10 accepts is accepted, with its default, its type check (made before any key is set)
and the value checks of the keys msshim acts on; the rest are stored and returned.  As in MindSpore, keys are
applied in the order given, so a ValueError on a later key leaves the earlier ones set.  Only
``parallel_mode`` (DATA_PARALLEL / HYBRID_PARALLEL), ``gradients_mean``, ``device_num``, ``global_rank`` and
``parameter_broadcast`` change what msshim does; semi-auto / auto parallel are recorded but run as data
parallel would not: ``TrainOneStepCell`` reduces gradients only in the two data-parallel modes, as MindSpore's.
"""
from __future__ import annotations

import copy

MODE_LIST = ["stand_alone", "data_parallel", "hybrid_parallel", "semi_auto_parallel", "auto_parallel"]
_SEARCH_MODES = ("recursive_programming", "dynamic_programming", "sharding_propagation")

# args_type_check of mindspore.context.set_auto_parallel_context, then of the inner _set_auto_parallel_context
_OUTER_TYPES = {
    "device_num": int, "global_rank": int, "gradients_mean": bool, "gradient_fp32_sync": bool, "parallel_mode": str,
    "auto_parallel_search_mode": str, "search_mode": str, "parameter_broadcast": bool,
    "strategy_ckpt_load_file": str, "strategy_ckpt_save_file": str, "full_batch": bool,
    "enable_parallel_optimizer": bool, "enable_alltoall": bool, "all_reduce_fusion_config": list,
    "pipeline_stages": int, "pipeline_segments": int, "pipeline_result_broadcast": bool,
    "parallel_optimizer_config": dict, "pipeline_config": dict, "comm_fusion": dict, "strategy_ckpt_config": dict,
    "force_fp32_communication": bool,
}
_INNER_TYPES = dict(_OUTER_TYPES, loss_repeated_mean=bool, grad_accumulation_step=int, group_ckpt_save_file=str,
                    communi_parallel_mode=str, optimizer_weight_shard_size=int, sharding_propagation=bool,
                    optimizer_weight_shard_aggregated_save=bool)

# get_auto_parallel_context values after reset_auto_parallel_context (recorded from MindSpore 2.10)
_DEFAULTS = {
    "all_reduce_fusion_config": [], "auto_parallel_new_interface": False,
    "auto_parallel_search_mode": "recursive_programming", "auto_pipeline": False,
    "comm_fusion": {"allgather": {"config": None, "mode": "auto"}, "allreduce": {"config": None, "mode": "auto"},
                    "openstate": True, "reducescatter": {"config": None, "mode": "auto"}},
    "communi_parallel_mode": "all_group_parallel", "dataset_strategy": "data_parallel", "device_num": 1,
    "dump_device_local_norm": False, "dump_local_norm": False, "dump_local_norm_path": "",
    "enable_alltoall": False, "enable_parallel_optimizer": False, "force_fp32_communication": False,
    "full_batch": False, "full_batch_is_set": False, "global_rank": 0, "grad_accumulation_step": 1,
    "gradient_fp32_sync": True, "gradients_mean": False, "init_param_in_compile": True,
    "loss_repeated_mean": True, "optimizer_weight_shard_aggregated_save": False,
    "optimizer_weight_shard_size": -1, "parallel_mode": "stand_alone", "parameter_broadcast": False,
    "pipeline_interleave": False, "pipeline_result_broadcast": False, "pipeline_scheduler": "1f1b",
    "pipeline_stages": 1, "search_mode": "recursive_programming", "sharding_propagation": False,
    "strategy_ckpt_config": {"load_file": "", "only_trainable_params": True, "save_file": ""},
    "strategy_ckpt_load_file": "", "strategy_ckpt_save_file": "",
}
# keys set_auto_parallel_context accepts that get_auto_parallel_context does not return
_SET_ONLY = ("group_ckpt_save_file", "parallel_optimizer_config", "pipeline_config", "pipeline_segments")
_GET_ONLY = ("full_batch_is_set", "pipeline_interleave", "pipeline_scheduler")
SET_KEYS = frozenset(set(_DEFAULTS) - set(_GET_ONLY) | set(_SET_ONLY))
GET_KEYS = frozenset(_DEFAULTS)

_values: dict = {}
_is_set: set = set()   # device_num / global_rank given explicitly (else the communication group decides)


def _set_device_num(value):
    if value < 1:
        raise ValueError("The context configuration parameter 'device_num' must be a positive integer, "
                         "but got the value of device_num : {}.".format(value))
    _values["device_num"] = int(value)


def _set_global_rank(value):
    if value < 0 or value > 4095:
        raise ValueError("The context configuration parameter 'global_rank' must be in [0, 4095], "
                         "but got the value of global_rank : {}.".format(value))
    _values["global_rank"] = int(value)


def _set_parallel_mode(value):
    if value not in MODE_LIST:
        raise ValueError("The context configuration parameter 'parallel_mode' only support 'stand_alone', "
                         "'data_parallel', 'hybrid_parallel', 'semi_auto_parallel' and 'auto_parallel', "
                         "but got the value : {}.".format(value))
    _values["parallel_mode"] = value


def _search_mode_setter(reported_name: str):
    def setter(value):
        if value not in _SEARCH_MODES:
            raise ValueError(f"The context configuration parameter '{reported_name}' only support "
                             "'recursive_programming', 'dynamic_programming' and 'sharding_propagation', "
                             "but got the value: {}.".format(value))
        # one setting behind both names, as in MindSpore
        _values["search_mode"] = _values["auto_parallel_search_mode"] = value
    return setter


def _set_pipeline_stages(value):
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("For 'set_auto_parallel_context', the argument 'pipeline_stages' "
                        "must be int, but got the type : {}.".format(type(value)))
    if value < 1:
        raise ValueError("For 'set_auto_parallel_context', the argument 'pipeline_stages' "
                         "should be greater or equal 1, but got the value of stages : {}.".format(value))
    _values["pipeline_stages"] = value


def _set_full_batch(value):
    _values["full_batch"] = bool(value)
    _values["full_batch_is_set"] = True
    _values["dataset_strategy"] = "full_batch" if value else "data_parallel"


def _set_dataset_strategy(value):
    if isinstance(value, str):
        if value not in ("full_batch", "data_parallel"):
            raise ValueError("For 'set_auto_parallel_context', the argument "
                             "'dataset_strategy' must be 'full_batch' or 'data_parallel', but got the value : {}."
                             .format(value))
        _values["full_batch"] = value == "full_batch"
        _values["dataset_strategy"] = value
        return
    if not isinstance(value, tuple):
        raise TypeError("For 'set_auto_parallel_context', the argument 'dataset_strategy' "
                        "must be str or tuple type, but got the type : {}.".format(type(value)))
    for element in value:
        if not isinstance(element, tuple):
            raise TypeError("For 'set_auto_parallel_context', the element of argument "
                            "'dataset_strategy' must be tuple, but got the type : {} .".format(type(element)))
        for dim in element:
            if not isinstance(dim, int):
                raise TypeError("For 'set_auto_parallel_context', the element of argument "
                                "'dataset_strategy' must be int type, but got the type : {} .".format(type(dim)))
    _values["dataset_strategy"] = value


def _merge_dict(key):
    def setter(value):
        merged = copy.deepcopy(_values[key])
        merged.update(copy.deepcopy(value))
        _values[key] = merged
    return setter


def _store(key):
    def setter(value):
        _values[key] = copy.deepcopy(value)
    return setter


_SETTERS = {key: _store(key) for key in SET_KEYS}
_SETTERS.update({
    "device_num": _set_device_num, "global_rank": _set_global_rank, "parallel_mode": _set_parallel_mode,
    "search_mode": _search_mode_setter("auto_parallel_search_mode"),
    "auto_parallel_search_mode": _search_mode_setter("search_mode"),
    "pipeline_stages": _set_pipeline_stages, "full_batch": _set_full_batch,
    "dataset_strategy": _set_dataset_strategy, "comm_fusion": _merge_dict("comm_fusion"),
    "strategy_ckpt_config": _merge_dict("strategy_ckpt_config"),
})


def _check_types(kwargs: dict, types: dict) -> None:
    for name, value in kwargs.items():
        expected = types.get(name)
        if expected is not None and value is not None and not isinstance(value, expected):
            raise TypeError(f"The parameter '{name}' must be {expected}, but got {type(value)}")


def set_auto_parallel_context(**kwargs) -> None:
    """Set auto-parallel context keys (MindSpore's type checks first, then each key in order)."""
    _check_types(kwargs, _OUTER_TYPES)
    _check_types(kwargs, _INNER_TYPES)
    for key, value in kwargs.items():
        if key not in SET_KEYS:
            raise ValueError("Set context keyword %s is not recognized!" % key)
        _SETTERS[key](value)
        if key in ("device_num", "global_rank"):
            _is_set.add(key)


def get_auto_parallel_context(attr_key):
    """The value of one key.  ``device_num`` / ``global_rank`` are what was set (1 / 0 by default), even after
    ``init()``: as in MindSpore, the training cells ask the communication group when they were not set."""
    if attr_key not in GET_KEYS:
        raise ValueError("Get context keyword %s is not recognized!" % attr_key)
    return copy.deepcopy(_values[attr_key])


def reset_auto_parallel_context() -> None:
    """Every key back to its default (device_num 1, global_rank 0, gradients_mean False, parallel_mode
    'stand_alone', parameter_broadcast False, ...)."""
    _values.clear()
    _values.update(copy.deepcopy(_DEFAULTS))
    _is_set.clear()


def is_set(key: str) -> bool:
    """Whether ``device_num`` / ``global_rank`` was given explicitly since the last reset."""
    return key in _is_set


reset_auto_parallel_context()
