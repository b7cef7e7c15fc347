"""Gradient functions: ``mindspore.grad``, ``mindspore.value_and_grad``, ``ops.stop_gradient``.

The engine is ``msshim/ops/_autograd.py`` (one forward, then ``torch.autograd.grad``).  Output shapes follow
MindSpore 2.10: an int ``grad_position`` gives one gradient, a tuple a tuple; ``weights`` alone a tuple of
Parameter gradients; both give ``(input_grads, weight_grads)``; ``has_aux`` returns ``(grads, outputs[1:])``
from ``grad`` and ``(outputs, grads)`` from ``value_and_grad``.
"""
from __future__ import annotations

from typing import Any, Callable

from msshim.common._convert import to_torch
from msshim.common.parameter import Parameter
from msshim.common.tensor import Tensor, wrap
from msshim.ops._autograd import differentiate

__all__ = ["stop_gradient", "grad", "value_and_grad"]


def stop_gradient(value):
    """The same values with no gradient flowing back through them (tuples/lists handled element-wise)."""
    if isinstance(value, (tuple, list)):
        return type(value)(stop_gradient(v) for v in value)
    t = to_torch(value)
    return wrap(t.detach()) if hasattr(t, "detach") else value


def _positions(grad_position) -> tuple[int, ...] | None:
    """MindSpore's ``_convert_grad_position_type`` (same checks and messages)."""
    if grad_position is None:
        return None
    if isinstance(grad_position, tuple):
        if len(set(grad_position)) != len(grad_position):
            raise ValueError("There are duplicate positions in `grad_position`, please check it")
        out = []
        for gp in grad_position:
            if not isinstance(gp, int):
                raise TypeError("For 'F.grad', the element in 'grad_position' must be int.")
            if gp < 0:
                raise ValueError("The element in grad_position must be >= 0.")
            out.append(int(gp))
        return tuple(out)
    if isinstance(grad_position, int):
        if grad_position < 0:
            raise ValueError("grad_position must be >= 0.")
        return (int(grad_position),)
    raise TypeError("For 'F.grad', the 'grad_position' must be int or tuple.")


def weights_list(weights) -> list | None:
    """``weights`` as a list (a single Parameter, a ParameterTuple/list/tuple, or None).  A plain Tensor in the
    list is accepted, as in MindSpore, and gets a zero gradient: only Parameters are weights."""
    if weights is None:
        return None
    if isinstance(weights, Tensor):
        return [weights]
    if isinstance(weights, (list, tuple)):
        for w in weights:
            if not isinstance(w, Tensor):
                raise TypeError(f"The weights you provided is expected to be a tensor, or a list or tuple. but got "
                                f"an element {w!r}")
        return list(weights)
    raise TypeError(f"The weights you provided is expected to be a tensor, or a list or tuple. but got {weights}")


def _split_sens(args: tuple, kwargs: dict, sens_param: bool) -> tuple[tuple, dict, Any]:
    if not sens_param:
        return args, kwargs, None
    if "sens" in kwargs:
        kwargs = dict(kwargs)
        return args, kwargs, kwargs.pop("sens")
    if not args:
        raise ValueError("When 'sens_param' is True, the sensitivity must be given as the last positional "
                         "argument or as the keyword argument 'sens'.")
    return args[:-1], kwargs, args[-1]


def _shape_grads(input_grads, weight_grads, single_position: bool, positions, weights, return_ids: bool,
                 single_weight: bool = False):
    if return_ids:
        if input_grads is not None:
            input_grads = tuple(zip(positions, input_grads))
        if weight_grads is not None:
            weight_grads = tuple((w.name, g) for w, g in zip(weights, weight_grads))
    if input_grads is not None and single_position and len(input_grads) == 1:
        input_grads = input_grads[0]
    if weight_grads is not None and single_weight:
        weight_grads = weight_grads[0]
    if input_grads is None:
        return weight_grads
    if weight_grads is None:
        return input_grads
    return input_grads, weight_grads


def _gradient_function(fn: Callable, grad_position, weights, has_aux: bool, return_ids: bool, sens_param: bool,
                       get_value: bool) -> Callable:
    if grad_position is None and weights is None:
        raise ValueError("`grad_position` and `weight` can not be None at the same time.")
    positions = _positions(grad_position)
    single = isinstance(grad_position, int)
    weight_params = weights_list(weights)

    def run(*args, **kwargs):
        args, kwargs, sens = _split_sens(args, kwargs, sens_param)
        out, input_grads, weight_grads = differentiate(fn, args, kwargs, positions, weight_params, has_aux, sens)
        grads = _shape_grads(input_grads, weight_grads, single, positions, weight_params, return_ids,
                             isinstance(weights, Parameter))
        if get_value:
            return out, grads
        if has_aux:
            return grads, tuple(out[1:])
        return grads

    return run


def grad(fn: Callable, grad_position=0, weights=None, has_aux: bool = False, return_ids: bool = False,
         sens_param: bool = False) -> Callable:
    """The gradient function of ``fn`` with respect to the inputs at ``grad_position`` and/or ``weights``."""
    return _gradient_function(fn, grad_position, weights, has_aux, return_ids, sens_param, get_value=False)


def value_and_grad(fn: Callable, grad_position=0, weights=None, has_aux: bool = False, return_ids: bool = False,
                   sens_param: bool = False) -> Callable:
    """A function returning ``(fn's outputs, gradients)``; see :func:`grad` for the gradient structure."""
    return _gradient_function(fn, grad_position, weights, has_aux, return_ids, sens_param, get_value=True)
