"""What training cells read from the auto-parallel context (MindSpore's ``mindspore/parallel/_utils.py``)."""
from __future__ import annotations

from msshim.parallel import _auto_parallel_context as _ctx


def _get_parallel_mode() -> str:
    return _ctx.get_auto_parallel_context("parallel_mode")


def _get_gradients_mean() -> bool:
    return _ctx.get_auto_parallel_context("gradients_mean")


def _get_device_num() -> int:
    """1 in stand_alone mode; else ``device_num`` if it was set, otherwise the world group's size (so
    ``init()`` is needed first, as in MindSpore)."""
    if _get_parallel_mode() == "stand_alone":
        return 1
    if _ctx.is_set("device_num"):
        return _ctx.get_auto_parallel_context("device_num")
    from msshim.communication.management import get_group_size
    return get_group_size()


def _get_global_rank() -> int:
    """0 in stand_alone mode; else ``global_rank`` if it was set, otherwise this process's rank."""
    if _get_parallel_mode() == "stand_alone":
        return 0
    if _ctx.is_set("global_rank"):
        return _ctx.get_auto_parallel_context("global_rank")
    from msshim.communication.management import get_rank
    return get_rank()


def _get_parameter_broadcast() -> bool:
    return _ctx.get_auto_parallel_context("parameter_broadcast")


def _device_number_check(parallel_mode: str, device_number: int) -> None:
    if parallel_mode == "stand_alone" and device_number != 1:
        raise ValueError("If parallel_mode is stand_alone, device_number must be 1, "
                         "device_number: {0}, parallel_mode:{1}".format(device_number, parallel_mode))


def _parameter_broadcast_check(parallel_mode: str, parameter_broadcast: bool) -> None:
    if parameter_broadcast is True and parallel_mode in ("stand_alone", "semi_auto_parallel", "auto_parallel"):
        raise ValueError("stand_alone, semi_auto_parallel and auto_parallel "
                         "do not support parameter broadcast, parallel_mode: {0}, parameter_broadcast:{1}"
                         .format(parallel_mode, parameter_broadcast))
