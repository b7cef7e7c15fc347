"""``mindspore.nn.AdaMax`` (ApplyAdaMax kernel), with ``beta1_power *= beta1`` first::

    m += (g - m) * (1 - beta1);  v = max(beta2 * v, |g|)
    param -= lr / (1 - beta1_power) * m / (v + eps)
"""
from __future__ import annotations

import numpy as np
import torch

from msshim.nn.optim.adam import _check_param_value
from msshim.nn.optim._step import _HostScalar, f32
from msshim.nn.optim.optimizer import Optimizer, opt_init_args_register

__all__ = ["AdaMax"]

_F32 = np.float32


class AdaMax(Optimizer):
    """``AdaMax(params, learning_rate=0.001, beta1=0.9, beta2=0.999, eps=1e-08, weight_decay=0.0,
    loss_scale=1.0)``; state ``beta1_power`` (float32 ``[1]``), ``moment1.<name>``, ``moment2.<name>``."""

    @opt_init_args_register
    def __init__(self, params, learning_rate=0.001, beta1=0.9, beta2=0.999, eps=1e-08, weight_decay=0.0,
                 loss_scale=1.0):
        super().__init__(learning_rate, params, weight_decay, loss_scale)
        _check_param_value(beta1, beta2, eps, self.cls_name)
        self.beta1 = f32(beta1)
        self.beta2 = f32(beta2)
        self.eps = f32(eps)
        self.beta1_power = self._scalar_parameter(1.0, "beta1_power", shape=(1,))
        self.moment1 = self._clone_state("moment1", "zeros")
        self.moment2 = self._clone_state("moment2", "zeros")
        object.__setattr__(self, "_power_host", _HostScalar(self.beta1_power._t))

    def _state_tuples(self) -> tuple:
        return (self.moment1, self.moment2)

    def construct(self, gradients):
        with torch.no_grad():
            plan, grads, lrs = self._start_step(gradients)
            power = self._power_host.scale(self.beta1)
            one_minus_b1 = float(_F32(1.0) - _F32(self.beta1))
            for bucket, lr in zip(plan, lrs):
                params, m, v = bucket.lists
                g = bucket.take(grads)
                torch._foreach_lerp_(m, g, one_minus_b1)
                torch._foreach_mul_(v, self.beta2)
                torch._foreach_maximum_(v, torch._foreach_abs(g))
                denom = torch._foreach_add(v, self.eps)
                torch._foreach_addcdiv_(params, m, denom, value=-float(_F32(lr) / (_F32(1.0) - _F32(power))))
        return self._success
