"""``mindspore.Parameter`` and ``ParameterTuple``.

A Parameter is an msshim Tensor whose torch tensor is a ``torch.nn.Parameter``; that torch parameter is
what a Cell registers, so ``state_dict()``, torch optimizers, ``.to()`` and DDP see ordinary torch
parameters while MindSpore code sees a Parameter with a ``name``.  The msshim Parameter is cached on its
torch parameter, so every lookup from a Cell returns the same object.

MindSpore semantics kept here: integer and bool parameters report ``requires_grad=True`` by default (torch
cannot make them require grad, so the flag is kept on the msshim side), ``data`` is a Tensor sharing memory,
``set_data`` casts to the parameter's dtype and keeps the same torch parameter object (optimizers hold it).
"""
from __future__ import annotations

import copy as _copy
import itertools
import numbers

import numpy as np
import torch

from msshim.common import _convert
from msshim.common import dtype as mstype
from msshim.common.tensor import Tensor, wrap

PARAMETER_NAME_DEFAULT = "Parameter"
_GENERATED_PREFIX = PARAMETER_NAME_DEFAULT + "#"
_NAME_MAX_LEN = 1024
_name_ids = itertools.count(1)
_MS_ATTR = "_msshim_param"


def _generate_name() -> str:
    return _GENERATED_PREFIX + str(next(_name_ids))


def is_generated_name(name: str) -> bool:
    """True for the placeholder names MindSpore gives unnamed parameters (``Parameter#N``)."""
    return name.startswith(_GENERATED_PREFIX)


def _torch_data(default_input) -> torch.Tensor:
    if isinstance(default_input, Tensor):
        return default_input._t.detach()
    if isinstance(default_input, torch.Tensor):
        return default_input.detach()
    if isinstance(default_input, np.ndarray):
        return Tensor(default_input)._t
    if isinstance(default_input, bool):
        return Tensor(default_input)._t
    if isinstance(default_input, int):  # MindSpore: Parameter(1).dtype == Int32
        return Tensor(default_input, mstype.int32)._t
    if isinstance(default_input, float):
        return Tensor(default_input, mstype.float32)._t
    raise TypeError(f"The type of the argument 'default_input' must be in ['Tensor', 'int', 'float', "
                    f"'numpy.ndarray', 'list'], but got {type(default_input).__name__}.")


def _grad_capable(dtype: torch.dtype) -> bool:
    return dtype.is_floating_point or dtype.is_complex


class Parameter(Tensor):
    """MindSpore ``Parameter(default_input, name=None, requires_grad=True, layerwise_parallel=False,
    parallel_optimizer=True, storage_format='', device=None)``."""

    __slots__ = ("_name", "_requires_grad", "__dict__")

    def __init__(self, default_input, name=None, requires_grad=True, layerwise_parallel=False,
                 parallel_optimizer=True, storage_format="", device=None):
        data = _torch_data(default_input)
        tp = torch.nn.Parameter(data, requires_grad=bool(requires_grad) and _grad_capable(data.dtype))
        self._t = tp
        self._requires_grad = bool(requires_grad)
        self._name = ""
        self.name = name
        self.layerwise_parallel = layerwise_parallel
        self.parallel_optimizer = parallel_optimizer
        self.sliced = False
        self.is_init = False
        self.cache_enable = False
        self.requires_aggr = True
        tp.__dict__[_MS_ATTR] = self

    @classmethod
    def _of(cls, tp: torch.nn.Parameter, name: str | None = None) -> "Parameter":
        """The msshim Parameter of a torch parameter (made on first use, e.g. for one a torch user registered)."""
        found = tp.__dict__.get(_MS_ATTR)
        if found is not None and found._t is tp:
            return found
        param = cls.__new__(cls)
        param._t = tp
        if found is not None:  # tp was copied or unpickled with its __dict__: keep name and flags
            param.__dict__.update(found.__dict__)
            param._name, param._requires_grad = found._name, found._requires_grad
        else:
            param._requires_grad = tp.requires_grad
            param._name = name or _generate_name()
            param.layerwise_parallel = False
            param.parallel_optimizer = True
            param.sliced = False
            param.is_init = False
            param.cache_enable = False
            param.requires_aggr = True
        tp.__dict__[_MS_ATTR] = param
        return param

    def _adopt(self, tp: torch.nn.Parameter) -> "Parameter":
        """Attach a copy of this Parameter's identity (name, flags) to ``tp`` (a deep copy of its tensor)."""
        tp.__dict__[_MS_ATTR] = self
        return Parameter._of(tp)

    # ------------------------------------------------------------------ identity
    @property
    def name(self) -> str:
        return self._name

    @name.setter
    def name(self, name_) -> None:
        if name_ is None:
            name_ = _generate_name()
        elif isinstance(name_, str):
            name_ = name_.strip() or _generate_name()
            if len(name_) > _NAME_MAX_LEN:
                raise ValueError(f"The length of the '{name_}' name should be less than {_NAME_MAX_LEN}.")
        else:
            raise ValueError(f"The type of the Parameter's name should be 'string' or 'None', but got "
                             f"{type(name_)}.")
        self._name = name_

    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool = True) -> None:
        if not isinstance(value, bool):
            raise TypeError("The 'requires_grad' must be bool.")
        self._requires_grad = value
        if _grad_capable(self._t.dtype):
            self._t.requires_grad_(value)

    @property
    def data(self) -> Tensor:
        """The parameter's value as a Tensor sharing its memory (MindSpore 2.10 returns a Tensor, not self)."""
        return wrap(self._t)

    @property
    def inited_param(self):
        return None

    @property
    def param_info(self):
        return self

    @property
    def unique(self) -> bool:
        """MindSpore's flag for a parameter kept unique across cloned networks (False unless set)."""
        return self.__dict__.get("_unique", False)

    @unique.setter
    def unique(self, value: bool) -> None:
        self.__dict__["_unique"] = bool(value)

    # ------------------------------------------------------------------ data
    def set_data(self, data, slice_shape: bool = False) -> "Parameter":
        """Replace the data, cast to this parameter's dtype; the torch parameter object stays the same."""
        if isinstance(data, bool) or not isinstance(data, (Tensor, torch.Tensor, numbers.Number, np.ndarray)):
            if not isinstance(data, bool):
                raise TypeError(f"Parameter data must be [`Tensor`, `int`, `float`] or a kind of `Tensor` "
                                f"(like `Tensor`). But with type {type(data)}.")
        if isinstance(data, (numbers.Number, np.ndarray)):
            if isinstance(data, float) and not self._t.dtype.is_floating_point:
                raise TypeError(f"For 'Parameter.set_data', the parameter '{self.name}' of type {self.dtype} "
                                f"cannot be set to the float value {data}.")
            new = Tensor(data, self.dtype)._t
        else:
            new = _convert.to_torch(data).detach()
        tp = self._t
        if new.dtype is not tp.dtype:
            new = new.to(tp.dtype)
        if new.device != tp.device:
            new = new.to(tp.device)
        with torch.no_grad():
            if new.shape == tp.shape:
                tp.copy_(new)
            else:
                tp.data = new.clone()
        self.sliced = slice_shape
        return self

    def value(self) -> Tensor:
        """The parameter's current value as a Tensor (shares memory, no autograd link outside grad)."""
        return wrap(self._t)

    def init_data(self, layout=None, set_sliced=False) -> "Parameter":
        return self

    def clone(self, init="same") -> "Parameter":
        """A new Parameter with the same name, shape and dtype; data copied (``'same'``) or from ``init``."""
        if init == "same":
            data = self._t.detach().clone()
        else:
            from msshim.common.initializer import initializer

            data = initializer(init, shape=self.shape, dtype=self.dtype)._t
        out = Parameter(data, name=self.name, requires_grad=self.requires_grad)
        out.layerwise_parallel = self.layerwise_parallel
        out.parallel_optimizer = self.parallel_optimizer
        return out

    def copy(self) -> Tensor:
        return wrap(self._t.detach().clone())

    def __deepcopy__(self, memo) -> "Parameter":
        out = Parameter(self._t.detach().clone(), name=self.name, requires_grad=self.requires_grad)
        memo[id(self)] = out
        memo[id(self._t)] = out._t
        return out

    def __copy__(self) -> "Parameter":
        return _copy.deepcopy(self)

    def __reduce__(self):
        return (_rebuild_parameter, (self._t.detach().cpu(), self.name, self.requires_grad))

    def __str__(self) -> str:
        return (f"Parameter (name={self.name}, shape={self.shape}, dtype={self.dtype}, "
                f"requires_grad={self.requires_grad})")

    __repr__ = __str__

    def __hash__(self) -> int:
        return id(self)


def _rebuild_parameter(t: torch.Tensor, name: str, requires_grad: bool) -> Parameter:
    from msshim import _runtime

    return Parameter(t.to(_runtime.current_device()), name=name, requires_grad=requires_grad)


class ParameterTuple(tuple):
    """A tuple of Parameters with unique names; ``clone(prefix, init)`` makes optimizer state copies."""

    def __new__(cls, iterable):
        data = tuple(iterable)
        ids, names = set(), set()
        for x in data:
            if not isinstance(x, Parameter):
                raise TypeError(f"For ParameterTuple initialization, ParameterTuple input should be 'Parameter' "
                                f"collection, but got a {type(iterable)}. ")
            if id(x) not in ids:
                if x.name in names:
                    raise ValueError(f"The value {x} , its name '{x.name}' already exists. Please set a unique "
                                     f"name for the parameter.")
                names.add(x.name)
                ids.add(id(x))
        return tuple.__new__(ParameterTuple, data)

    def clone(self, prefix: str, init="same") -> "ParameterTuple":
        new = []
        for x in self:
            x1 = x.clone(init)
            x1.name = prefix + "." + x1.name
            new.append(x1)
        return ParameterTuple(new)
