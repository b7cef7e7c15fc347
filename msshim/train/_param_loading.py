"""``load_param_into_net``: MindSpore 2.10's rules for putting a parameter dict into a cell or optimizer.

Kept: lookup by ``Parameter.name``; the prefix retry when names only differ by a leading prefix (non-strict);
trailing-1 reshapes ((12, 2048, 1, 1) into (12, 2048)); float<->float and int<->int conversion with a warning
(non-strict); MindSpore's RuntimeError/TypeError messages otherwise.
"""
from __future__ import annotations

import logging

from msshim.common import dtype as mstype
from msshim.common.parameter import Parameter
from msshim.common.tensor import Tensor

logger = logging.getLogger("msshim")

_FLOATS = {mstype.float16, mstype.float32, mstype.float64, mstype.bfloat16}
_INTS = {mstype.int8, mstype.int16, mstype.int32, mstype.int64}


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


def _trailing_ones_reshape(param: Parameter, new: Parameter) -> bool:
    """MindSpore's ``_special_process_par``: drop trailing size-1 dims of the checkpoint value."""
    if len(new.shape) <= len(param.shape):
        return False
    if any(d != 1 for d in new.shape[len(param.shape):]):
        return False
    value = new.to_torch().detach().reshape(param.shape)
    param.set_data(Tensor(value.to(param.to_torch().dtype)))
    return True


def _converts(param: Parameter, new: Parameter, strict_load: bool) -> bool:
    pair = {param.dtype, new.dtype}
    if not strict_load and (pair <= _FLOATS or pair <= _INTS):
        logger.warning("The type of %s:%s in 'parameter_dict' is different from the type of it in 'net':%s, then the "
                       "type convert from %s to %s in the network. May consume additional memory and time",
                       new.name, new.dtype, param.dtype, new.dtype, param.dtype)
        return True
    return False


def update_param(param: Parameter, new: Parameter, strict_load: bool) -> None:
    """Copy ``new``'s data into ``param`` (MindSpore's ``_update_param``)."""
    if param.shape != new.shape and not _trailing_ones_reshape(param, new):
        raise RuntimeError(
            f"For 'load_param_into_net', {param.name} in the argument 'net' should have the same shape as "
            f"{param.name} in the argument 'parameter_dict'. But got its shape {param.shape} in the argument 'net' "
            f"and shape {new.shape} in the argument 'parameter_dict'.May you need to check whether the checkpoint "
            f"you loaded is correct or the batch size and so on in the 'net' and 'parameter_dict' are same.")
    if param.shape != new.shape:
        return  # reshaped and loaded above
    if param.dtype != new.dtype:
        if not _converts(param, new, strict_load):
            raise RuntimeError(
                f"For 'load_param_into_net', {param.name} in the argument 'net' should have the same type as "
                f"{param.name} in the argument 'parameter_dict'. but got its type {param.dtype} in the argument "
                f"'net' and type {new.dtype} in the argument 'parameter_dict'.May you need to check whether the "
                f"checkpoint you loaded is correct.")
    param.set_data(new, param.sliced)


def _retry_with_prefix(net, parameter_dict: dict, param_not_load: list, strict_load: bool) -> None:
    """MindSpore's ``_load_dismatch_prefix_params``: find a dict prefix that completes missing names."""
    prefix_name = ""
    longest_name = param_not_load[0]
    while prefix_name != longest_name and param_not_load:
        prefix_name = longest_name
        for net_param_name in param_not_load:
            for dict_name in parameter_dict:
                if dict_name.endswith(net_param_name):
                    prefix_name = dict_name[:-len(net_param_name)]
                    break
            if prefix_name != longest_name:
                break
        if prefix_name != longest_name:
            logger.warning("For 'load_param_into_net', remove parameter prefix name: %s, continue to load.",
                           prefix_name)
            for _, param in net.parameters_and_names():
                new_name = prefix_name + param.name
                if param.name in param_not_load and new_name in parameter_dict:
                    update_param(param, parameter_dict[new_name], strict_load)
                    param_not_load.remove(param.name)


def load_param_into_net(net, parameter_dict: dict, strict_load: bool = False,
                        remove_redundancy: bool = False) -> tuple[list, list]:
    """Load ``parameter_dict`` into ``net`` (a Cell or an optimizer).

    Returns ``(param_not_load, ckpt_not_load)``: the net's parameter names that got no value, and the dict's
    names that were not used (MindSpore 2.x; 1.x returned only the first list).
    """
    _check_arguments(net, parameter_dict)
    if not isinstance(strict_load, bool):
        raise TypeError(f"For 'load_param_into_net', the 'strict_load' must be bool, but got {type(strict_load)}.")
    if not isinstance(remove_redundancy, bool):
        raise TypeError(f"For 'load_param_into_net', the 'remove_redundancy' must be bool, but got "
                        f"{type(remove_redundancy)}.")
    param_not_load: list = []
    ckpt_not_load = list(parameter_dict.keys())
    for _, param in net.parameters_and_names():
        new = parameter_dict.get(param.name)
        if new is not None:
            if not isinstance(new, Parameter):  # str entries (append_dict text) are skipped, as in MindSpore
                continue
            update_param(param, new, strict_load)
            ckpt_not_load.remove(param.name)
        elif not param.name.startswith("accu_grads"):
            param_not_load.append(param.name)
    if param_not_load and not strict_load:
        _retry_with_prefix(net, parameter_dict, param_not_load, strict_load)
    if param_not_load:
        logger.warning("For 'load_param_into_net', %d parameters in the 'net' are not loaded, because they are not in "
                       "the 'parameter_dict', please check whether the network structure is consistent when "
                       "training and loading checkpoint.", len(param_not_load))
        logger.warning("%s are not loaded.", param_not_load)
    return param_not_load, ckpt_not_load
