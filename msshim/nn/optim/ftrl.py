"""``mindspore.nn.FTRL`` (ApplyFtrl kernel), per element with ``p = -lr_power``::

    accum_new = accum + g * g
    linear += g - (accum_new ** p - accum ** p) / lr * w
    w = (sign(linear) * l1 - linear) / (accum_new ** p / lr + 2 * l2)   if |linear| > l1 else 0
    accum = accum_new

Every parameter is weight-decayed without groups (no 'beta'/'gamma' filter); ``accum`` (``moments.<name>``)
starts at ``initial_accum``.  Dynamic and group learning rates are refused, as in MindSpore.
"""
from __future__ import annotations

import torch

from msshim.nn.optim._checks import check_positive_float, check_value_type
from msshim.nn.optim._step import f32
from msshim.nn.optim.optimizer import Optimizer, opt_init_args_register

__all__ = ["FTRL"]


def _check_at(value, bound: float, rel: str, arg_name: str, prim_name: str) -> None:
    if not (value >= bound if rel == ">=" else value <= bound):
        raise ValueError(f"For '{prim_name}', the argument '{arg_name}' must {rel} {bound}, but got {value}.")


class FTRL(Optimizer):
    """``FTRL(params, initial_accum=0.1, learning_rate=0.001, lr_power=-0.5, l1=0.0, l2=0.0, use_locking=False,
    loss_scale=1.0, weight_decay=0.0)``; state ``moments.<name>`` (accum) and ``linear.<name>``."""

    @opt_init_args_register
    def __init__(self, params, initial_accum=0.1, learning_rate=0.001, lr_power=-0.5, l1=0.0, l2=0.0,
                 use_locking=False, loss_scale=1.0, weight_decay=0.0):
        super().__init__(learning_rate, params, weight_decay, loss_scale=loss_scale)
        if self.dynamic_lr or self.is_group_lr:
            raise ValueError(f"For 'FTRL', dynamic learning rate and group learning rate are currently not supported "
                             f"in FTRL, they should all be false, but got dynamic learning rate {self.dynamic_lr} and"
                             f" group learning rate {self.is_group_lr}.")
        name = self.cls_name
        check_value_type("initial_accum", initial_accum, [float], name)
        _check_at(initial_accum, 0.0, ">=", "initial_accum", name)
        check_value_type("learning_rate", learning_rate, [float], name)
        check_positive_float(learning_rate, "learning_rate", name)
        check_value_type("lr_power", lr_power, [float], name)
        _check_at(lr_power, 0.0, "<=", "lr_power", name)
        check_value_type("l1", l1, [float], name)
        _check_at(l1, 0.0, ">=", "l1", name)
        check_value_type("l2", l2, [float], name)
        _check_at(l2, 0.0, ">=", "l2", name)
        check_value_type("use_locking", use_locking, [bool], name)
        self.moments = self._clone_state("moments", initial_accum)
        self.linear = self._clone_state("linear", "zeros")
        self.l1 = l1
        self.l2 = l2
        self.lr = learning_rate
        self.lr_power = lr_power
        if not self.is_group:
            self.decay_flags = tuple(True for _ in self.parameters)
        self.use_locking = use_locking

    def _state_tuples(self) -> tuple:
        return (self.moments, self.linear)

    @Optimizer.target.setter
    def target(self, value) -> None:
        if not isinstance(value, str):
            raise TypeError(f"For 'FTRL', the property 'target' must be string type, but got type {type(value)}.")
        if value not in ("CPU", "Ascend", "GPU"):
            raise ValueError(f"For 'FTRL', the property 'target' must be 'CPU', 'Ascend' or 'GPU', but got {value}.")
        self._target = value

    def construct(self, grads):
        with torch.no_grad():
            plan, grads, lrs = self._start_step(grads)
            power, l1, l2 = -f32(self.lr_power), f32(self.l1), f32(self.l2)
            for bucket, lr in zip(plan, lrs):
                params, accum, linear = bucket.lists
                for w, a, lin, g in zip(params, accum, linear, bucket.take(grads)):
                    new_accum = a + g * g
                    new_power = new_accum.pow(power)
                    lin.add_(g - (new_power - a.pow(power)) / lr * w)
                    value = (torch.sign(lin) * l1 - lin) / (new_power / lr + 2 * l2)
                    w.copy_(torch.where(lin.abs() > l1, value, 0.0))
                    a.copy_(new_accum)
        return self._success
