"""``mindspore.parallel.checkpoint_transform.merge_sliced_parameter``: join the slices of one parameter that
distributed ranks saved, with MindSpore 2.10's checks, exception types and texts.

Without a strategy (``None`` or an empty dict) the slices are concatenated along axis 0, as MindSpore does;
bfloat16 slices are merged as float32 (MindSpore casts them on the CPU first).  A strategy entry is a parallel
layout from a strategy file (``build_searched_strategy``), which msshim does not produce: an entry without a
layout's fields is MindSpore's ValueError, and a real layout is refused with a ValueError naming the gap."""
from __future__ import annotations

import numpy as np

from msshim.common import dtype as mstype
from msshim.common.parameter import Parameter
from msshim.common.tensor import Tensor

_WHO = "For 'merge_sliced_parameter'"


def _slice_array(parameter: Parameter) -> np.ndarray:
    if parameter.data.dtype == mstype.bfloat16:
        return parameter.data.astype(mstype.float32).asnumpy()
    return parameter.data.asnumpy()


def _refuse_layout(layout) -> None:
    """Read the layout fields MindSpore reads (its ValueError when they are missing); a real layout is a gap."""
    try:
        list(layout.dev_matrix[0].dim)
        list(layout.tensor_map[0].dim)
        list(layout.param_split_shape[0].dim)
        int(layout.field)
    except BaseException as e:
        raise ValueError(f"{e.__str__()}. {_WHO}, please make sure that 'strategy' is correct.") from e
    raise ValueError(f"{_WHO}, merging by a parallel layout in 'strategy' is not supported by msshim; "
                     "pass strategy=None to concatenate the slices along axis 0.")


def merge_sliced_parameter(sliced_parameters, strategy=None) -> Parameter:
    """Merge parameter slices (in rank order) into one Parameter with the first slice's name, requires_grad and
    layerwise_parallel.  TypeError for a non-list, a non-dict strategy or a non-Parameter element; ValueError for
    an empty list or slices whose name, rank or shape beyond axis 0 differ; KeyError for a strategy without the
    parameter's name."""
    if not isinstance(sliced_parameters, list):
        raise TypeError(f"{_WHO}, the argument 'sliced_parameters' should be list, "
                        f"but got {type(sliced_parameters)}.")
    if not sliced_parameters:
        raise ValueError(f"{_WHO}, the argument 'sliced_parameters' should not be empty.")
    if strategy and not isinstance(strategy, dict):
        raise TypeError(f"{_WHO}, the argument 'strategy' should be dict, but got {type(strategy)}.")
    try:
        parameter_name = sliced_parameters[0].name
        parameter_shape = tuple(sliced_parameters[0].data.shape)
    except BaseException as e:
        raise TypeError(e.__str__() + f" {_WHO}, the element in 'sliced_parameters' should be "
                                      f"'Parameter', but got {type(sliced_parameters[0])} at index 0.") from e
    rank = len(parameter_shape)
    for index, parameter in enumerate(sliced_parameters):
        if not isinstance(parameter, Parameter):
            raise TypeError(f"{_WHO}, the element in 'sliced_parameters' should be 'Parameter', "
                            f"but got {type(parameter)} at index {index}.")
        shape = tuple(parameter.data.shape)
        if parameter.name != parameter_name or len(shape) != rank or shape[1:] != parameter_shape[1:]:
            raise ValueError(f"{_WHO}, please make sure that the elements in 'slice_parameters' have the same "
                             "name, dimension length and shape except 0 axis. The name, dimension length, shape "
                             f"except 0 axis should be {parameter_name}, {rank}, {parameter_shape[1:]}, but got "
                             f"name: {parameter.name}, dimension length: {len(shape)}, shape except 0 axis: "
                             f"{shape[1:]} at index {index}.")
    first = sliced_parameters[0]
    sliced_data = [_slice_array(p) for p in sliced_parameters]
    if strategy:
        if parameter_name not in strategy.keys():
            raise KeyError(f"{_WHO}, the parameter name {parameter_name} should be a key in the 'strategy'. "
                           "Please check 'sliced_parameter' and 'strategy'.")
        _refuse_layout(strategy.get(parameter_name))
    return Parameter(Tensor(np.concatenate(sliced_data)), parameter_name, first.requires_grad,
                     first.layerwise_parallel)
