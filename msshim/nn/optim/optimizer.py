"""``mindspore.nn.Optimizer``: the base class of the optimizers.

MindSpore semantics kept here:

* The optimizer is a Cell (``auto_prefix=False``).  Its Parameters, in ``parameters_and_names()`` order, are
  ``global_step`` (int32 ``[1]``), ``learning_rate`` (float32 scalar; ``learning_rate_group_<i>`` for a group
  with its own ``lr``), the network's parameters (registered under their own names), then each optimizer's
  state (``moments.<name>`` ...), then the parameters of child cells (a dynamic learning rate's
  ``learning_rate.learning_rate`` list).  Checkpoints of a ``TrainOneStepCell`` therefore carry MindSpore's keys.
* ``learning_rate``: a float / int / 0-d Tensor (a ``learning_rate`` Parameter), a 1-D Tensor or an iterable
  (step ``i`` uses ``lr[i]``), or a :class:`LearningRateSchedule` called with ``global_step``.  The rate is
  read at ``global_step`` before the optimizer increments it.
* ``weight_decay``: float or Cell (of ``global_step``), multiplied by ``loss_scale``, added to the gradient
  (``grad + weight * wd``) of every parameter whose name has neither ``'beta'`` nor ``'gamma'`` (without
  groups), or of the groups whose weight decay is positive.  ``scale_grad`` then divides by ``loss_scale``.
* Parameter groups: dicts with ``params`` and optionally ``lr``, ``weight_decay``, ``grad_centralization``;
  an ``{'order_params': ...}`` dict fixes the order of ``self.parameters``.

msshim's updates run as ``torch._foreach_*`` kernels on the torch tensors, one call per bucket of parameters
sharing a learning rate.  Scalar hyper-parameters (``learning_rate``, ``momentum``, ``global_step``, Adam's
beta powers) are Parameters like in MindSpore; their host copies are re-read only after something wrote the
tensor (its version counter moved), so a step does no device-to-host reads.  That machinery is in
``_step.py``; the learning-rate / weight-decay Cells (``_ConvertToCell`` ...) are in ``_lr_cells.py``.
"""
from __future__ import annotations

import inspect
from collections.abc import Iterable

import numpy as np
import torch

from msshim import context
from msshim.common import dtype as mstype
from msshim.common.parameter import Parameter, ParameterTuple
from msshim.common.tensor import Tensor, wrap
from msshim.nn.cell import Cell
from msshim.nn.layer.container import CellList
from msshim.nn.learning_rate_schedule import LearningRateSchedule
from msshim.nn.optim._checks import check_non_negative_float, check_positive_float, check_value_type
from msshim.nn.optim._lr_cells import _ConvertToCell, _IteratorLearningRate, _WrappedWeightDecay
from msshim.nn.optim._step import _Bucket, _group_by, _HostScalar, _lr_source, f32
from msshim.ops.composite.base import HyperMap, Map

__all__ = ["Optimizer", "opt_init_args_register"]


def opt_init_args_register(fn):
    """Record an optimizer's constructor arguments (``init_params``, ``init_learning_rate``, ``init_args``)."""

    def deco(self, *args, **kwargs):
        arguments = inspect.signature(fn).bind(self, *args, **kwargs)
        arguments.apply_defaults()
        arguments = arguments.arguments
        arguments.pop("self")
        if "params" in arguments:
            object.__setattr__(self, "init_params", {"params": arguments.pop("params")})
        if "optimizer" in arguments:
            object.__setattr__(self, "init_params", {"params": arguments.pop("optimizer").init_params["params"]})
        if "learning_rate" in arguments:
            lr = arguments.pop("learning_rate")
            if isinstance(lr, Tensor):
                lr = lr.asnumpy().tolist()
            object.__setattr__(self, "init_learning_rate", None if isinstance(lr, Cell) else lr)
        object.__setattr__(self, "init_args", arguments)
        fn(self, *args, **kwargs)

    deco.__wrapped__ = fn
    return deco


class Optimizer(Cell):
    """``Optimizer(learning_rate, parameters, weight_decay=0.0, loss_scale=1.0)``: subclasses define
    ``construct(gradients)`` (a tuple aligned with ``self.parameters``)."""

    _support_parallel_optimizer = False

    def __init__(self, learning_rate, parameters, weight_decay=0.0, loss_scale=1.0):
        super().__init__(auto_prefix=False)
        parameters = self._parameters_base_check(parameters, "parameters")
        self.param_rank = None
        self.optim_filter = None
        if not all(isinstance(x, Parameter) for x in parameters) and not all(isinstance(x, dict) for x in parameters):
            raise TypeError("For 'Optimizer', all elements of the argument 'parameters' must be 'Parameter' or "
                            "'dict', please check the 'parameters'.")
        if isinstance(loss_scale, int) and not isinstance(loss_scale, bool):
            loss_scale = float(loss_scale)
        check_value_type("loss_scale", loss_scale, [float], self.cls_name)
        check_positive_float(loss_scale, "loss_scale", self.cls_name)
        self.loss_scale = loss_scale
        self.dynamic_weight_decay = False
        self.grad_centralization = False
        self._unique = True
        self._target = context.get_context("device_target")
        self.dynamic_lr = False
        object.__setattr__(self, "_device", _first_device(parameters))
        self.global_step = Parameter(torch.zeros(1, dtype=torch.int32, device=self._device), name="global_step")
        self.is_group = False
        self.is_group_lr = False
        self.is_group_params_ordered = False
        learning_rate = self._preprocess_single_lr(learning_rate)
        if isinstance(parameters[0], dict):
            self.is_group = True
            self.group_params = []
            self.group_lr = []
            self.group_weight_decay = []
            self.group_grad_centralization = []
            self._init_group_params(parameters, learning_rate, weight_decay, self.grad_centralization)
        self._init_opt_attrs(learning_rate, parameters, weight_decay)
        self.add_flags(skip_auto_parallel_compile=True)

    def _init_opt_attrs(self, learning_rate, parameters, weight_decay) -> None:
        weight_decay = self._preprocess_weight_decay(weight_decay)
        if self.is_group_lr:
            if self.dynamic_lr:
                self.learning_rate = CellList(self.group_lr, auto_prefix=False)
            else:
                self.learning_rate = ParameterTuple(self.group_lr)
        else:
            self.learning_rate = self._build_single_lr(learning_rate, "learning_rate")
        if self.is_group:
            self.parameters = ParameterTuple(self.group_params)
            self.decay_flags = tuple(isinstance(x, Cell) or x > 0 for x in self.group_weight_decay)
            self.dynamic_decay_flags = tuple(isinstance(x, Cell) for x in self.group_weight_decay)
            self.weight_decay = tuple(x if flag else Tensor(x, mstype.float32)
                                      for x, flag in zip(self.group_weight_decay, self.dynamic_decay_flags))
            self.exec_weight_decay = any(self.decay_flags)
            self.grad_centralization_flags = tuple(self.group_grad_centralization)
        else:
            self.parameters = ParameterTuple(parameters)
            self.decay_flags = tuple("beta" not in x.name and "gamma" not in x.name for x in self.parameters)
            self.dynamic_decay_flags = isinstance(weight_decay, Cell)
            self.exec_weight_decay = isinstance(weight_decay, Cell) or weight_decay > 0
            self.weight_decay = weight_decay if self.dynamic_decay_flags else Tensor(weight_decay, mstype.float32)
        # MindSpore: no de-duplication of sparse gradients when a parameter is flagged unique (default False).
        self._unique = not any(getattr(param, "_unique", False) for param in self.parameters)
        self._user_parameters = [param.name for param in self.parameters]
        self.reciprocal_scale = Tensor(1.0 / self.loss_scale, mstype.float32)
        self.need_scale = self.loss_scale != 1.0
        self.global_step_increase_tensor = Tensor([1], mstype.int32)
        self.param_length = len(self.parameters)
        self.map_ = Map()
        self.map_reverse = Map(None, True)
        self.hyper_map = HyperMap()
        self.hyper_map_reverse = HyperMap(None, True)
        self.use_parallel = False
        self.optim_filter = (True,) * self.param_length
        self.enable_tuple_broaden = True
        object.__setattr__(self, "_plan", None)
        object.__setattr__(self, "_success", (True,) * self.param_length)
        object.__setattr__(self, "_step_host", _HostScalar(self.global_step._t))

    # ------------------------------------------------------------------ properties
    @property
    def unique(self) -> bool:
        """Whether sparse gradients are de-duplicated before the update."""
        return self._unique

    @unique.setter
    def unique(self, value) -> None:
        if not isinstance(value, bool):
            raise TypeError(f"For 'Optimizer', the property 'unique' must be bool, but got {type(value)}")
        self._unique = value

    @property
    def target(self) -> str:
        """The device the update runs on (``'CPU'``, ``'GPU'``, ``'Ascend'``)."""
        return self._target

    @target.setter
    def target(self, value) -> None:
        raise NotImplementedError

    def _set_base_target(self, value) -> None:
        if not isinstance(value, str):
            raise TypeError(f"For 'Optimizer', the property 'target' must be string, but got {type(value)}")
        if value not in ("CPU", "Ascend", "GPU"):
            raise ValueError(f"For 'Optimizer', the property 'target' must be one of ['CPU', 'Ascend' ,'GPU'], "
                             f"but got {value}")
        if self._target == "CPU" and value in ("Ascend", "GPU"):
            raise ValueError("For 'Optimizer', the property 'target' cannot be set to 'GPU' or 'Ascend' in the "
                             "'CPU' environment.")
        if self._target == "Ascend" and value == "GPU":
            raise ValueError("For 'Optimizer', the property 'target' cannot be set to 'GPU' in the 'Ascend' "
                             "environment.")
        if self._target == "GPU" and value == "Ascend":
            raise ValueError("For 'Optimizer', the property 'target' cannot be set to 'Ascend' in the 'GPU' "
                             "environment.")
        self._is_device = value != "CPU"
        self._target = value

    # ------------------------------------------------------------------ argument processing
    @staticmethod
    def _preprocess_grad_centralization(grad_centralization) -> bool:
        if not isinstance(grad_centralization, bool):
            raise TypeError(f"For 'Optimizer', the 'gradients_centralization' must be bool type, but got "
                            f"{type(grad_centralization)}.")
        return grad_centralization

    @staticmethod
    def _parameters_base_check(parameters, param_info: str) -> list:
        if parameters is None:
            raise ValueError(f"For 'Optimizer', the argument {param_info} can not be None.")
        if not isinstance(parameters, Iterable):
            raise TypeError(f"For 'Optimizer', the argument {param_info} must be Iterable type, but got "
                            f"{type(parameters)}.")
        parameters = list(parameters)
        if not parameters:
            raise ValueError(f"For 'Optimizer', the argument {param_info} must not be empty.")
        return parameters

    def _preprocess_weight_decay(self, weight_decay):
        if isinstance(weight_decay, (float, int)):
            weight_decay = float(weight_decay)
            check_non_negative_float(weight_decay, "weight_decay", self.cls_name)
            return weight_decay * self.loss_scale
        if isinstance(weight_decay, Cell):
            self.dynamic_weight_decay = True
            return _WrappedWeightDecay(weight_decay, self.loss_scale)
        raise TypeError(f"For 'Optimizer', the argument 'Weight_decay' must be int, float or Cell.but got "
                        f"{type(weight_decay)}")

    def _preprocess_single_lr(self, learning_rate):
        if isinstance(learning_rate, (float, int)):
            learning_rate = float(learning_rate)
            check_non_negative_float(learning_rate, "learning rate", self.cls_name)
            return learning_rate
        if isinstance(learning_rate, Tensor) and learning_rate.ndim == 0:
            return Tensor(learning_rate.asnumpy(), dtype=mstype.float32)
        self.dynamic_lr = True
        if isinstance(learning_rate, LearningRateSchedule):
            return learning_rate
        if isinstance(learning_rate, Tensor):
            if learning_rate.ndim > 1:
                raise ValueError(f"For 'Optimizer', if 'learning_rate' is Tensor type, then the dimension of it "
                                 f"should be 0 or 1, but got {learning_rate.ndim}.")
            return Tensor(learning_rate.asnumpy(), dtype=mstype.float32)
        if isinstance(learning_rate, Iterable):
            return Tensor(np.array(list(learning_rate)).astype(np.float32))
        raise TypeError(f"For 'Optimizer', the argument 'learning_rate' must be int, float, Tensor, Iterable or "
                        f"LearningRateSchedule, but got {type(learning_rate)}.")

    def _build_single_lr(self, learning_rate, name: str):
        if isinstance(learning_rate, float) or (isinstance(learning_rate, Tensor) and learning_rate.ndim == 0):
            value = torch.as_tensor(learning_rate._t if isinstance(learning_rate, Tensor) else learning_rate,
                                    dtype=torch.float32).to(self._device)
            learning_rate = Parameter(value, name)
            if self.is_group_lr and self.dynamic_lr:
                learning_rate = _ConvertToCell(learning_rate)
            return learning_rate
        if isinstance(learning_rate, Tensor) and learning_rate.ndim == 1:
            return _IteratorLearningRate(wrap(learning_rate._t.to(self._device)), name)
        return learning_rate

    def _check_group_params(self, parameters) -> None:
        parse_keys = ["params", "lr", "weight_decay", "order_params", "grad_centralization"]
        for group_param in parameters:
            invalid_key = [key for key in group_param.keys() if key not in parse_keys]
            if invalid_key:
                raise KeyError(f"For 'Optimizer', the key in group params must be one of in {parse_keys}, but got "
                               f"{invalid_key}.")
            if "order_params" in group_param:
                if len(group_param) > 1:
                    raise ValueError(f"For 'Optimizer', the order params dict in group parameters should only "
                                     f"include the 'order_params' key, but got {group_param.keys()}.")
                if not isinstance(group_param["order_params"], Iterable):
                    raise TypeError(f"For 'Optimizer', the value of 'order_params' in group parameters should be "
                                    f"Iterable type, but got {type(group_param['order_params'])}.")
                continue
            params = self._parameters_base_check(group_param["params"], "group `params`")
            for index, param in enumerate(params):
                if not isinstance(param, Parameter):
                    raise TypeError(f"For 'Optimizer', the element in group parameters must be Parameter type, but "
                                    f"got {type(param)} at index {index}.")

    def _parse_group_params(self, parameters, learning_rate) -> None:
        self._check_group_params(parameters)
        tensor_lr_length = learning_rate.size if isinstance(learning_rate, Tensor) and learning_rate.ndim == 1 \
            else 0
        for group_param in parameters:
            if "order_params" in group_param:
                self.is_group_params_ordered = True
                continue
            if "lr" in group_param:
                self.is_group_lr = True
                group_lr = self._preprocess_single_lr(group_param["lr"])
                if isinstance(group_lr, Tensor) and group_lr.ndim == 1:
                    if tensor_lr_length == 0:
                        tensor_lr_length = group_lr.size
                    elif group_lr.size != tensor_lr_length:
                        raise ValueError("For 'Optimizer', the Tensor type dynamic learning rate in group must be "
                                         "the same size as the argument 'learning_rate'.")

    def _init_group_params(self, parameters, learning_rate, weight_decay, grad_centralization) -> None:
        self._parse_group_params(parameters, learning_rate)
        default_lr = self._build_single_lr(learning_rate, "learning_rate")
        params_store = []
        ordered_parameters = []
        for group_num, group_param in enumerate(parameters):
            if "order_params" in group_param:
                ordered_parameters = group_param["order_params"]
                continue
            group_params = list(group_param["params"])
            self.group_params += group_params
            if "lr" in group_param:
                lr = self._build_single_lr(self._preprocess_single_lr(group_param["lr"]),
                                           "learning_rate_group_" + str(group_num))
            else:
                lr = default_lr
            weight_decay_ = self._preprocess_weight_decay(group_param.get("weight_decay", weight_decay))
            if "grad_centralization" in group_param:
                self.grad_centralization = self._preprocess_grad_centralization(group_param["grad_centralization"])
                grad_centralization_ = self.grad_centralization
            else:
                grad_centralization_ = grad_centralization
            for param in group_params:
                check_value_type("parameter", param, [Parameter], self.cls_name)
                if param.name in params_store:
                    raise RuntimeError(f"For 'Optimizer', the {param.name} parameter already exists, it does not "
                                       f"support repeated setting. Please check whether the optimizer parameter has "
                                       f"been set multiple times.")
                params_store.append(param.name)
                self.group_lr.append(lr)
                self.group_weight_decay.append(weight_decay_)
                self.group_grad_centralization.append(grad_centralization_)
        if self.is_group_params_ordered and ordered_parameters:
            self._order_and_adjust_group_params(list(ordered_parameters))

    def _order_and_adjust_group_params(self, ordered_parameters: list) -> None:
        if len(ordered_parameters) != len(self.group_params):
            raise ValueError(f"For 'Optimizer',the length of order parameters must be the same as the length of "
                             f"group parameters, but got order parameters' length {len(ordered_parameters)}, group "
                             f"parameters' length {len(self.group_params)}.")
        names = [param.name for param in ordered_parameters]
        n = len(names)
        params, lrs, wds, gcs = [None] * n, [None] * n, [None] * n, [None] * n
        for param, lr, wd, gc in zip(self.group_params, self.group_lr, self.group_weight_decay,
                                     self.group_grad_centralization):
            index = names.index(param.name)
            params[index], lrs[index], wds[index], gcs[index] = param, lr, wd, gc
        self.group_params, self.group_lr = params, lrs
        self.group_weight_decay, self.group_grad_centralization = wds, gcs

    def _clone_state(self, prefix: str, init="zeros") -> ParameterTuple:
        """``self.parameters.clone(prefix, init)`` (init ``'zeros'``, ``'ones'`` or a number) with each copy on
        its parameter's device and dtype."""
        value = {"zeros": 0.0, "ones": 1.0}.get(init, init)
        out = []
        for p in self.parameters:
            data = torch.full_like(p._t, value, memory_format=torch.contiguous_format)
            x = Parameter(data, name=prefix + "." + p.name, requires_grad=p.requires_grad)
            x.layerwise_parallel = p.layerwise_parallel
            x.parallel_optimizer = p.parallel_optimizer
            out.append(x)
        return ParameterTuple(out)

    def _scalar_parameter(self, value: float, name: str, shape: tuple = ()) -> Parameter:
        return Parameter(torch.full(shape, value, dtype=torch.float32, device=self._device), name=name)

    # ------------------------------------------------------------------ MindSpore's public helpers
    def flatten_gradients(self, gradients):
        return gradients

    def decay_weight(self, gradients):
        """``gradient + weight * weight_decay`` for the parameters that decay (see the module docstring)."""
        if not self.exec_weight_decay:
            return gradients
        return tuple(wrap(g) for g in self._decay_t([g._t for g in gradients]))

    def gradients_centralization(self, gradients):
        """Subtract the mean over all axes but the first from the gradients of groups with
        ``grad_centralization`` (tensors of rank >= 2 whose dimension 1 is a multiple of 16)."""
        if not self.is_group:
            return gradients
        return tuple(wrap(g) for g in self._centralize_t([g._t for g in gradients]))

    def scale_grad(self, gradients):
        """Divide by ``loss_scale`` (multiply by its float32 reciprocal)."""
        if not self.need_scale:
            return gradients
        return tuple(wrap(g) for g in torch._foreach_mul([g._t for g in gradients], f32(1.0 / self.loss_scale)))

    def get_weight_decay(self):
        if self.dynamic_weight_decay:
            if self.is_group:
                return tuple(wd(self.global_step) if flag else wd
                             for wd, flag in zip(self.weight_decay, self.dynamic_decay_flags))
            return self.weight_decay(self.global_step)
        return self.weight_decay

    def get_lr(self):
        """The learning rate at the current ``global_step``: the Parameter(s) for a fixed rate, else the
        scalar Tensor(s) the schedule gives."""
        lr = self.learning_rate
        if self.dynamic_lr:
            if self.is_group_lr:
                return tuple(cell(self.global_step).reshape(()) for cell in self.learning_rate)
            return self.learning_rate(self.global_step).reshape(())
        return lr

    def get_lr_parameter(self, param):
        """The learning-rate Parameter (or schedule) of ``param`` (a Parameter or a list of them)."""

        def lr_value(lr):
            return lr.learning_rate if isinstance(lr, (_ConvertToCell, _IteratorLearningRate)) else lr

        if isinstance(param, Parameter):
            param_list = [param]
        elif isinstance(param, list):
            param_list = param
        else:
            raise TypeError(f"For 'get_lr_parameter', the 'param' must be 'Parameter' or 'list' type, but got "
                            f"{type(param)}.")
        ids = [id(p) for p in self.parameters]
        lr = []
        for p in param_list:
            check_value_type("parameter", p, [Parameter], self.cls_name)
            if id(p) not in ids:
                raise ValueError(f"For 'get_lr_parameter', the parameter {p.name} is not in optimizer, please check "
                                 f"whether the argument 'param' is correct.")
            lr.append(lr_value(self.learning_rate[ids.index(id(p))] if self.is_group_lr else self.learning_rate))
        return lr if isinstance(param, list) else lr[0]

    def _is_dynamic_lr_or_weight_decay(self) -> bool:
        return self.dynamic_lr or self.dynamic_weight_decay

    def broadcast_params(self, optim_result):
        return optim_result

    def construct(self, *hyper_params):
        raise NotImplementedError

    # ------------------------------------------------------------------ the fast path (torch lists)
    def _state_tuples(self) -> tuple:
        """The optimizer's state ParameterTuples aligned with ``self.parameters`` (sliced into the buckets)."""
        return ()

    def _get_plan(self) -> list:
        plan = self._plan
        if plan is None:
            plan = self._build_plan()
            object.__setattr__(self, "_plan", plan)
        return plan

    def _build_plan(self) -> list:
        n = self.param_length
        tuples = (self.parameters,) + tuple(self._state_tuples())
        full = [[p._t for p in tup] for tup in tuples]
        object.__setattr__(self, "_param_ts", full[0])
        wd_sources = self._weight_decay_sources()
        object.__setattr__(self, "_decay_groups", _group_by(wd_sources, range(n)))
        object.__setattr__(self, "_gc_idx", [
            i for i in range(n) if self.is_group and self.grad_centralization_flags[i]
            and full[0][i].dim() >= 2 and full[0][i].shape[1] % 16 == 0])
        if self.is_group_lr:
            lr_sources = [_lr_source(lr) for lr in self.learning_rate]
            by_lr: dict = {}
            for i, lr in enumerate(self.learning_rate):
                by_lr.setdefault(id(lr), []).append(i)
            groups = [(lr_sources[idx[0]], idx) for idx in by_lr.values()]
        else:
            groups = [(_lr_source(self.learning_rate), list(range(n)))]
        plan = []
        for source, idx in groups:
            whole = len(groups) == 1
            lists = full if whole else [[lst[i] for i in idx] for lst in full]
            local = _group_by([wd_sources[i] for i in idx], range(len(idx)))
            plan.append(_Bucket(source, None if whole else idx, lists, local))
        return plan

    def _weight_decay_sources(self) -> list:
        """Per parameter: None (no decay), a float32 value, or a Cell of ``global_step``."""
        if self.is_group:
            out = []
            for flag, wd in zip(self.decay_flags, self.weight_decay):
                out.append(None if not flag else wd if isinstance(wd, Cell) else f32(wd.asnumpy()))
            return out
        if not self.exec_weight_decay:
            return [None] * self.param_length
        wd = self.weight_decay if self.dynamic_decay_flags else f32(self.weight_decay.asnumpy())
        return [wd if flag else None for flag in self.decay_flags]

    def _wd_value(self, source) -> float:
        if isinstance(source, float):
            return source
        return source(self.global_step)._t.reshape(-1)[0].item()

    def _add_weight_decay(self, values: list, params: list, groups: list) -> list:
        """A new list: ``values[i] + weight_decay * params[i]`` for the indices of each ``(source, indices)``
        decay group, ``values[i]`` elsewhere."""
        out = list(values)
        for source, idx in groups:
            decayed = torch._foreach_add([values[i] for i in idx], [params[i] for i in idx],
                                         alpha=self._wd_value(source))
            for i, v in zip(idx, decayed):
                out[i] = v
        return out

    def _decay_t(self, grads: list) -> list:
        self._get_plan()
        return self._add_weight_decay(grads, self._param_ts, self._decay_groups)

    def _centralize_t(self, grads: list) -> list:
        self._get_plan()
        if not self._gc_idx:
            return grads
        out = list(grads)
        for i in self._gc_idx:
            g = grads[i]
            out[i] = g - g.mean(dim=tuple(range(1, g.dim())), keepdim=True)
        return out

    def _prepare_grads(self, gradients) -> list:
        """Gradients as torch tensors after MindSpore's ``decay_weight``, ``gradients_centralization`` and
        ``scale_grad``."""
        grads = [g._t if isinstance(g, Tensor) else g for g in gradients]
        if len(grads) != self.param_length:
            raise ValueError(f"For '{self.cls_name}', the number of gradients must equal the number of parameters "
                             f"({self.param_length}), but got {len(grads)}.")
        if self.exec_weight_decay:
            grads = self._decay_t(grads)
        if self.is_group:
            grads = self._centralize_t(grads)
        if self.need_scale:
            grads = torch._foreach_mul(grads, f32(1.0 / self.loss_scale))
        return grads

    def _start_step(self, gradients) -> tuple:
        """What every ``construct`` starts with (under ``torch.no_grad()``): the plan (buckets), the gradients
        after ``_prepare_grads``, each bucket's learning rate at the current ``global_step``; then
        ``global_step += 1``."""
        plan = self._get_plan()
        grads = self._prepare_grads(gradients)
        lrs = self._lr_values(plan)
        self._increment_step()
        return plan, grads, lrs

    def _lr_values(self, plan: list) -> list:
        """Each bucket's learning rate at the current ``global_step`` (before the increment)."""
        step = self._step_host.get()
        return [bucket.lr(self, step) for bucket in plan]

    def _increment_step(self) -> None:
        host = self._step_host
        step = host.get()
        host.t.add_(1)
        host.wrote(step + 1)


def _first_device(parameters: list) -> torch.device:
    """The device of the first Parameter (state and hyper-parameters live beside the parameters)."""
    for item in parameters:
        candidates = item.get("params", ()) if isinstance(item, dict) else (item,)
        if isinstance(candidates, (list, tuple)):
            for p in candidates:
                if isinstance(p, Parameter):
                    return p._t.device
    from msshim._runtime import current_device

    return current_device()
