"""``mindspore.nn.SGD``: stochastic gradient descent with optional momentum, dampening and Nesterov.

MindSpore's SGD kernel, per element (``g`` after weight decay and loss scaling):

* momentum > 0: where ``stat > 0`` (the first step: ``stat`` starts at ones) ``accum = g`` and ``stat = 0``,
  elsewhere ``accum = accum * momentum + (1 - dampening) * g``; then ``g = g + momentum * accum`` (Nesterov)
  or ``g = accum``.  Unlike torch, dampening is not applied on the first step.
* ``param -= lr * g``.

With momentum 0 neither ``accum`` nor ``stat`` changes.  ``stat`` is tracked by its version counter: once the
optimizer zeroed it, later steps skip the ``stat > 0`` test until something (a checkpoint load) writes it.
"""
from __future__ import annotations

import torch

from msshim.nn.optim._checks import check_value_type
from msshim.nn.optim._step import _HostScalar, f32
from msshim.nn.optim.optimizer import Optimizer, opt_init_args_register

__all__ = ["SGD"]


def _float_arg(value, name: str) -> float:
    """An int (not bool) becomes a float; anything else but a float is SGD's TypeError."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, float):
        raise TypeError(f"For 'SGD', the argument '{name}' must be float type, but got {type(value)}.")
    return value


class SGD(Optimizer):
    """``SGD(params, learning_rate=0.1, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False,
    loss_scale=1.0)``; state ``accum.<name>`` (zeros) and ``stat.<name>`` (ones)."""

    @opt_init_args_register
    def __init__(self, params, learning_rate=0.1, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False,
                 loss_scale=1.0):
        super().__init__(learning_rate, params, weight_decay, loss_scale)
        momentum = _float_arg(momentum, "momentum")
        if momentum < 0.0:
            raise ValueError(f"For 'SGD', the argument 'momentum' must be at least 0.0, but got {momentum}.")
        dampening = _float_arg(dampening, "dampening")
        if dampening < 0.0:
            raise ValueError(f"For 'SGD', the argument 'dampening' must be at least 0.0, but got 'dampening' "
                             f"{dampening}")
        self.dampening = dampening
        check_value_type("nesterov", nesterov, [bool], self.cls_name)
        if nesterov and (momentum <= 0.0 or dampening != 0.0):
            raise ValueError(f"For 'SGD', if 'nesterov' is true, 'momentum' must be > 0.0 and 'dampening' must equal "
                             f"to 0.0, but got 'momentum' {momentum}, 'dampening' {dampening}.")
        self.nesterov = nesterov
        if self.dynamic_weight_decay:
            raise TypeError("For 'SGD', dynamic weight decay is currently not supported, the argument 'weight_decay' "
                            "or 'weight_decay' set in grouped 'params' must be float or int type.")
        self.momentum = self._scalar_parameter(momentum, "momentum")
        self.accum = self._clone_state("accum", "zeros")
        self.stat = self._clone_state("stat", "ones")
        object.__setattr__(self, "_momentum_host", _HostScalar(self.momentum._t))
        object.__setattr__(self, "_stat_keys", {})

    def _state_tuples(self) -> tuple:
        return (self.accum, self.stat)

    def construct(self, gradients):
        with torch.no_grad():
            plan, grads, lrs = self._start_step(gradients)
            momentum = self._momentum_host.get()
            keep = f32(f32(1.0) - f32(self.dampening))
            for bucket, lr in zip(plan, lrs):
                params, accum, stat = bucket.lists
                g = bucket.take(grads)
                if momentum > 0.0:
                    g = self._momentum_update(accum, stat, g, momentum, keep)
                torch._foreach_add_(params, g, alpha=-lr)
        return self._success

    def _momentum_update(self, accum: list, stat: list, grads: list, momentum: float, keep: float) -> list:
        keys = self._stat_keys
        steady = {i for i, s in enumerate(stat) if keys.get(id(s)) == (s._version, s.data_ptr())}
        if len(steady) == len(stat):
            torch._foreach_mul_(accum, momentum)
            torch._foreach_add_(accum, grads, alpha=keep)
        else:
            for i, (a, s, g) in enumerate(zip(accum, stat, grads)):
                if i in steady:
                    a.mul_(momentum).add_(g, alpha=keep)
                else:
                    a.copy_(torch.where(s > 0, g, a * momentum + g * keep))
                    s.clamp_(max=0)
                    keys[id(s)] = (s._version, s.data_ptr())
        if self.nesterov:
            step = torch._foreach_mul(accum, momentum)
            torch._foreach_add_(step, grads)
            return step
        return accum
