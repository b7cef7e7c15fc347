"""``GradOperation``, ``MultitypeFuncGraph``, ``HyperMap`` and ``Map``: MindSpore's higher-order functions,
run eagerly (the gradient engine is ``msshim/ops/_autograd.py``)."""
from __future__ import annotations

import numbers
from functools import partial
from typing import Any, Callable

import numpy as np
import torch

from msshim.common.tensor import Tensor
from msshim.ops._autograd import differentiate
from msshim.ops.function.grad_func import _split_sens, weights_list

__all__ = ["GradOperation", "MultitypeFuncGraph", "HyperMap", "Map"]


class GradOperation:
    """``GradOperation(get_all=False, get_by_list=False, sens_param=False)``.

    ``GradOperation(...)(fn, weights)(*inputs[, sens])`` returns the gradient with respect to the first input
    (default), all inputs (``get_all``), the ``weights`` (``get_by_list``; without ``weights``, a Cell's
    trainable parameters), or ``(input_grads, weight_grads)`` when both flags are set.
    """

    def __init__(self, get_all: bool = False, get_by_list: bool = False, sens_param: bool = False):
        for name, value in (("get_all", get_all), ("get_by_list", get_by_list), ("sens_param", sens_param)):
            if not isinstance(value, bool):
                raise TypeError(f"For 'GradOperation', the '{name}' should be bool, but got {type(value).__name__}")
        self.get_all = get_all
        self.get_by_list = get_by_list
        self.sens_param = sens_param

    def _weights(self, fn: Callable, weights) -> list | None:
        if not self.get_by_list:
            return None
        if weights is None and hasattr(fn, "trainable_params"):
            weights = fn.trainable_params()
        return weights_list(weights) if weights is not None else []

    def value_and_grad(self, fn: Callable, params: list | None, args: tuple, kwargs: dict, sens=None):
        """``(fn's outputs, gradients structured by this operation's flags)`` from one forward pass."""
        positions = tuple(range(len(args))) if self.get_all else None if self.get_by_list else (0,)
        out, input_grads, weight_grads = differentiate(fn, args, kwargs, positions, params, False, sens)
        if self.get_by_list and self.get_all:
            return out, (input_grads, weight_grads)
        if self.get_by_list:
            return out, weight_grads
        if self.get_all:
            return out, input_grads
        return out, input_grads[0] if input_grads else ()

    def __call__(self, fn: Callable, weights=None) -> Callable:
        params = self._weights(fn, weights)

        def after_grad(*args, **kwargs):
            args, kwargs, sens = _split_sens(args, kwargs, self.sens_param)
            return self.value_and_grad(fn, params, args, kwargs, sens)[1]

        return after_grad


def _type_matches(obj: Any, type_name: str) -> bool:
    name = type_name if isinstance(type_name, str) else str(type_name)
    if name in ("Tensor", "RowTensor", "COOTensor", "CSRTensor", "MapTensor"):
        return isinstance(obj, (Tensor, torch.Tensor))
    if name == "Number":
        return isinstance(obj, numbers.Number) and not isinstance(obj, (Tensor, torch.Tensor))
    if name == "Bool":
        return isinstance(obj, bool)
    if name.startswith("Int"):
        return isinstance(obj, int) and not isinstance(obj, bool)
    if name.startswith("Float"):
        return isinstance(obj, float)
    if name == "String":
        return isinstance(obj, str)
    if name == "Tuple":
        return isinstance(obj, tuple)
    if name == "List":
        return isinstance(obj, list)
    if name in ("Dictionary", "Dict"):
        return isinstance(obj, dict)
    if name == "Function":
        return callable(obj)
    if name in ("None", "NoneType"):
        return obj is None
    return False


class MultitypeFuncGraph:
    """An overloaded function: ``@f.register("Tensor", "Number")`` adds an implementation chosen by the
    arguments' types (``Tensor``, ``Number``, ``Int``, ``Float``, ``Bool``, ``String``, ``Tuple``, ``List``,
    ``Dictionary``, ``Function``, ``None``)."""

    def __init__(self, name: str, read_value: bool = False):
        self.name = name
        self.entries: list[tuple[tuple, Callable]] = []
        self.default_func = None

    def register(self, *type_names):
        def deco(fn):
            self.entries.append((type_names, fn))
            return fn
        return deco

    def __call__(self, *args):
        if callable(self.default_func):
            return self.default_func(*args)
        for arg in args:
            if isinstance(arg, np.ndarray):
                raise TypeError("For 'MultitypeFuncGraph', the input can not be numpy.ndarray")
        if len(self.entries) == 1:
            return self.entries[0][1](*args)
        for sigs, fn in self.entries:
            if len(sigs) == len(args) and all(_type_matches(a, s) for a, s in zip(args, sigs)):
                return fn(*args)
        types = tuple(type(a).__name__ for a in args)
        raise ValueError(f"For 'MultitypeFuncGraph', cannot find fn match given args. Got (sigs, fn): "
                         f"{self.entries}, and (dtype, args): {types}.")


class HyperMap:
    """``HyperMap(ops=None)``: apply ``ops`` element-wise over (nested) sequences; without ``ops`` the first
    call argument is the function."""

    def __init__(self, ops: Callable | None = None, reverse: bool = False):
        if ops is not None and not callable(ops):
            raise TypeError(f"For 'HyperMap', the 'ops' must be a MultitypeFuncGraph or None, but got "
                            f"{type(ops).__name__}.")
        self.ops = ops

    def __call__(self, *args):
        func, args_list, hypermap = self.ops, args, self
        if self.ops is None:
            func, args_list = args[0], args[1:]
            hypermap = partial(self, func)
        if not isinstance(args_list[0], (tuple, list)):
            return func(*args_list)
        return tuple(map(hypermap, *args_list))


class Map:
    """``Map(ops=None)``: apply ``ops`` to each element of the input sequences (one level, no nesting)."""

    def __init__(self, ops: Callable | None = None, reverse: bool = False):
        self.ops = ops

    def __call__(self, *args):
        func, args_list = (args[0], args[1:]) if self.ops is None else (self.ops, args)
        return tuple(map(func, *args_list))
