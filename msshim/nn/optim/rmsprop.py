"""``mindspore.nn.RMSProp`` (ApplyRMSProp / ApplyCenteredRMSProp kernels)::

    ms += (g * g - ms) * (1 - decay)                       # mean_square starts at ones
    mom = mom * momentum + lr * g / sqrt(ms + eps)          # plain
    mg += (g - mg) * (1 - decay)                           # centered: mean_grad starts at zeros
    mom = mom * momentum + lr * g / sqrt(ms - mg * mg + eps)   (elements whose denominator is <= 0 keep
                                                               their moment and parameter)
    param -= mom
"""
from __future__ import annotations

import numpy as np
import torch

from msshim.nn.optim._checks import check_non_negative_float, check_positive_float, check_value_type
from msshim.nn.optim._step import f32
from msshim.nn.optim.optimizer import Optimizer, opt_init_args_register

__all__ = ["RMSProp"]


class RMSProp(Optimizer):
    """``RMSProp(params, learning_rate=0.1, decay=0.9, momentum=0.0, epsilon=1e-10, use_locking=False,
    centered=False, loss_scale=1.0, weight_decay=0.0)``; state ``mean_grad.<name>`` (centered only),
    ``mean_square.<name>`` (ones), ``moment.<name>`` (zeros)."""

    @opt_init_args_register
    def __init__(self, params, learning_rate=0.1, decay=0.9, momentum=0.0, epsilon=1e-10, use_locking=False,
                 centered=False, loss_scale=1.0, weight_decay=0.0):
        super().__init__(learning_rate, params, weight_decay, loss_scale)
        check_value_type("decay", decay, [float], self.cls_name)
        check_non_negative_float(decay, "decay", self.cls_name)
        check_value_type("momentum", momentum, [float], self.cls_name)
        check_non_negative_float(momentum, "momentum", self.cls_name)
        check_value_type("epsilon", epsilon, [float], self.cls_name)
        check_positive_float(epsilon, "epsilon", self.cls_name)
        check_value_type("use_locking", use_locking, [bool], self.cls_name)
        check_value_type("centered", centered, [bool], self.cls_name)
        self.centered = centered
        if centered:
            self.mg = self._clone_state("mean_grad", "zeros")
        self.momentum = momentum
        self.ms = self._clone_state("mean_square", "ones")
        self.moment = self._clone_state("moment", "zeros")
        self.epsilon = epsilon
        self.decay = decay

    def _state_tuples(self) -> tuple:
        return ((self.mg,) if self.centered else ()) + (self.ms, self.moment)

    def construct(self, gradients):
        with torch.no_grad():
            plan, grads, lrs = self._start_step(gradients)
            one_minus_decay = float(np.float32(1.0) - np.float32(self.decay))
            momentum, eps = f32(self.momentum), f32(self.epsilon)
            for bucket, lr in zip(plan, lrs):
                g = bucket.take(grads)
                if self.centered:
                    params, mg, ms, mom = bucket.lists
                    self._centered(params, mg, ms, mom, g, f32(lr), one_minus_decay, momentum, eps)
                    continue
                params, ms, mom = bucket.lists
                torch._foreach_lerp_(ms, torch._foreach_mul(g, g), one_minus_decay)
                denom = torch._foreach_add(ms, eps)
                torch._foreach_sqrt_(denom)
                torch._foreach_mul_(mom, momentum)
                torch._foreach_addcdiv_(mom, torch._foreach_mul(g, f32(lr)), denom)
                torch._foreach_sub_(params, mom)
        return self._success

    @staticmethod
    def _centered(params, mg, ms, mom, grads, lr, one_minus_decay, momentum, eps) -> None:
        torch._foreach_lerp_(ms, torch._foreach_mul(grads, grads), one_minus_decay)
        torch._foreach_lerp_(mg, grads, one_minus_decay)
        denom = torch._foreach_sub(ms, torch._foreach_mul(mg, mg))
        torch._foreach_add_(denom, eps)
        for p, m, d, g in zip(params, mom, denom, grads):
            ok = d > 0
            new = torch.where(ok, m * momentum + g * lr / torch.sqrt(d), m)
            m.copy_(new)
            p.sub_(torch.where(ok, new, 0.0))
