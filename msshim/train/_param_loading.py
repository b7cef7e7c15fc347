"""``load_param_into_net``: MindSpore 2.10's rules for putting a parameter dict into a cell or optimizer.

Kept from MindSpore (``serialization.py`` ``load_param_into_net`` / ``_update_param`` /
``_load_dismatch_prefix_params``): lookup by ``Parameter.name``; str / list values (append_dict text,
MapParameter data) are skipped; names starting with ``accu_grads`` are never reported missing; the prefix
retry when the dict's names only differ by a leading prefix (non-strict; those keys stay in
``ckpt_not_load``); trailing-1 reshapes ((12, 2048, 1, 1) into (12, 2048)); float<->float and int<->int
conversion with a warning (non-strict); MindSpore's exception types and texts otherwise.

Like MindSpore's ``set_data``, a loaded parameter *shares* the dict Parameter's memory (no copy; writing
into one shows in the other) unless its dtype, shape or device has to change.
"""
from __future__ import annotations

import logging

import torch

from msshim.common import dtype as mstype
from msshim.common.parameter import Parameter

logger = logging.getLogger("msshim")

__all__ = ["load_param_into_net", "update_param"]

_FLOATS = {mstype.float16, mstype.float32, mstype.float64, mstype.bfloat16}
_INTS = {mstype.int8, mstype.int16, mstype.int32, mstype.int64, mstype.qint4x2}


def _check_arguments(net, parameter_dict) -> None:
    from msshim.nn.cell import Cell

    if not isinstance(net, Cell):
        raise TypeError(f"For 'load_param_into_net', the argument 'net' should be a Cell, but got {type(net)}.")
    if not isinstance(parameter_dict, dict):
        raise TypeError(f"For 'load_param_into_net', the argument 'parameter_dict' should be a dict, but got "
                        f"{type(parameter_dict)}.")
    for key, value in parameter_dict.items():
        if not isinstance(key, str) or not isinstance(value, (Parameter, str, list)):
            raise TypeError(f"For 'parameter_dict', the element in the argument 'parameter_dict' should be a 'str' "
                            f"and 'Parameter' , but got {type(key)} and {type(value)}.")


def _adopt(param: Parameter, value: torch.Tensor) -> None:
    """Make ``param`` hold ``value`` (shared when dtype and device already agree); the torch parameter object
    stays the same, so optimizers and hooks that hold it keep working."""
    tp = param._t
    value = value.detach()
    if value.dtype != tp.dtype:
        value = value.to(tp.dtype)
    if value.device != tp.device:
        value = value.to(tp.device)
    with torch.no_grad():
        tp.data = value


def _special_process_par(param: Parameter, new: Parameter) -> bool:
    """MindSpore's ``_special_process_par``: the dict value has extra trailing size-1 dims (GE's 4-D
    layout, e.g. (12, 2048, 1, 1) for a (12, 2048) parameter): reshape it and cast it to the net's dtype.

    (MindSpore 2.10 then goes on to ``set_data`` the *unreshaped* value, leaving the net's parameter with
    the checkpoint's shape; msshim keeps the net's shape.)
    """
    if len(new.shape) <= len(param.shape) or any(d != 1 for d in new.shape[len(param.shape):]):
        return False
    value = new._t
    if value.numel() != param._t.numel():
        shape = "(" + ",".join(str(d) for d in param.shape) + ("," if len(param.shape) == 1 else "") + ")"
        raise ValueError(f"cannot reshape array of size {value.numel()} into shape {shape}")
    _adopt(param, value.reshape(param.shape))
    return True


def _type_convert(param: Parameter, new: Parameter, strict_load: bool) -> bool:
    pair = {param.dtype, new.dtype}
    if not strict_load and (pair <= _FLOATS or pair <= _INTS):
        logger.warning("The type of %s:%s in 'parameter_dict' is different from the type of it in 'net':%s, then the "
                       "type convert from %s to %s in the network. May consume additional memory and time",
                       new.name, new.dtype, param.dtype, new.dtype, param.dtype)
        return True
    return False


def update_param(param: Parameter, new: Parameter, strict_load: bool) -> None:
    """Put ``new``'s data into ``param`` (MindSpore's ``_update_param``).

    RuntimeError on a shape mismatch (other than trailing 1s) or on a dtype mismatch that is not float<->float
    or int<->int with ``strict_load=False`` (checked after a trailing-1 reshape too, as in MindSpore).
    """
    reshaped = False
    if param.shape != new.shape:
        reshaped = _special_process_par(param, new)
        if not reshaped:
            logger.critical("Failed to combine the net and the parameters for param %s.", param.name)
            raise RuntimeError(
                f"For 'load_param_into_net', {param.name} in the argument 'net' should have the same shape as "
                f"{param.name} in the argument 'parameter_dict'. But got its shape {param.shape} in the argument "
                f"'net' and shape {new.shape} in the argument 'parameter_dict'.May you need to check whether the "
                f"checkpoint you loaded is correct or the batch size and so on in the 'net' and 'parameter_dict' "
                f"are same.")
    if param.dtype != new.dtype:
        if not _type_convert(param, new, strict_load):
            logger.critical("Failed to combine the net and the parameters for param %s.", param.name)
            raise RuntimeError(
                f"For 'load_param_into_net', {param.name} in the argument 'net' should have the same type as "
                f"{param.name} in the argument 'parameter_dict'. but got its type {param.dtype} in the argument "
                f"'net' and type {new.dtype} in the argument 'parameter_dict'.May you need to check whether the "
                f"checkpoint you loaded is correct.")
    if not reshaped:
        _adopt(param, new._t)


def _retry_with_prefix(net, parameter_dict: dict, param_not_load: list, strict_load: bool) -> None:
    """MindSpore's ``_load_dismatch_prefix_params``: find a dict name ending with a missing net name, take the
    rest as a prefix and load every missing ``prefix + name``; repeat while that finds new prefixes.

    Values that are not Parameters are not considered (MindSpore fails on them with an AttributeError)."""
    prefix_name = ""
    longest_name = param_not_load[0]
    while prefix_name != longest_name and param_not_load:
        prefix_name = longest_name
        for net_param_name in param_not_load:
            for dict_name, value in parameter_dict.items():
                if isinstance(value, Parameter) and dict_name.endswith(net_param_name):
                    prefix_name = dict_name[:-len(net_param_name)]
                    break
            if prefix_name != longest_name:
                break
        if prefix_name != longest_name:
            logger.warning("For 'load_param_into_net', remove parameter prefix name: %s, continue to load.",
                           prefix_name)
            for _, param in net.parameters_and_names():
                new_name = prefix_name + param.name
                if param.name in param_not_load and isinstance(parameter_dict.get(new_name), Parameter):
                    update_param(param, parameter_dict[new_name], strict_load)
                    param_not_load.remove(param.name)


def load_param_into_net(net, parameter_dict: dict, strict_load: bool = False,
                        remove_redundancy: bool = False) -> tuple[list, list]:
    """Load ``parameter_dict`` into ``net`` (a Cell or an optimizer, whose state parameters are named e.g.
    ``moments.fc1.weight``).

    Returns ``(param_not_load, ckpt_not_load)``: the net's parameter names that got no value, and the dict's
    names that were not used (MindSpore 2.x; 1.x returned only the first list).  ``remove_redundancy=True``
    is for parallel runs only: after loading, a TypeError says so (MindSpore's stand-alone behaviour).
    """
    _check_arguments(net, parameter_dict)
    if not isinstance(strict_load, bool):
        raise TypeError(f"The input value must be a bool, but got {type(strict_load).__name__}.")
    if not isinstance(remove_redundancy, bool):
        raise ValueError(f"The parameter 'remove_redundancy' must be isinstance of {bool}, but got "
                         f"{remove_redundancy}.")
    param_not_load: list = []
    ckpt_not_load = list(parameter_dict.keys())
    for _, param in net.parameters_and_names():
        if param.name in parameter_dict:
            new = parameter_dict[param.name]
            if not isinstance(new, Parameter):  # str / list values have no data: skipped, as in MindSpore
                continue
            update_param(param, new, strict_load)
            if param.name in ckpt_not_load:
                ckpt_not_load.remove(param.name)
        elif not param.name.startswith("accu_grads"):
            param_not_load.append(param.name)
    if param_not_load and not strict_load:
        _retry_with_prefix(net, parameter_dict, param_not_load, strict_load)
    if remove_redundancy:
        raise TypeError("The deduplication feature for loading checkpoint can only be used in parallel scenarios, "
                        "but got stand_alone.")
    if param_not_load:
        logger.warning("For 'load_param_into_net', %d parameters in the 'net' are not loaded, because they are not in "
                       "the 'parameter_dict', please check whether the network structure is consistent when "
                       "training and loading checkpoint.", len(param_not_load))
        logger.warning("%s are not loaded.", param_not_load)
    return param_not_load, ckpt_not_load
