"""``mindspore.nn.Momentum``: ``accum = accum * momentum + g; param -= lr * accum`` (ApplyMomentum).

With ``use_nesterov=True`` the update is MindSpore's documented (GPU/Ascend kernel) Nesterov step
``param -= lr * (g + momentum * accum)``.  MindSpore 2.10's CPU kernel ignores ``use_nesterov`` and applies
the plain update; msshim follows the documented formula on every device.
"""
from __future__ import annotations

import torch

from msshim.nn.optim._checks import check_bool, check_value_type
from msshim.nn.optim._step import _HostScalar
from msshim.nn.optim.optimizer import Optimizer, opt_init_args_register

__all__ = ["Momentum"]


class Momentum(Optimizer):
    """``Momentum(params, learning_rate, momentum, weight_decay=0.0, loss_scale=1.0, use_nesterov=False)``;
    state ``momentum`` (float32 scalar Parameter) and ``moments.<name>`` (zeros)."""

    @opt_init_args_register
    def __init__(self, params, learning_rate, momentum, weight_decay=0.0, loss_scale=1.0, use_nesterov=False):
        super().__init__(learning_rate, params, weight_decay, loss_scale)
        check_value_type("momentum", momentum, [float], self.cls_name)
        if momentum < 0.0:
            raise ValueError(f"For 'Momentum', the argument 'momentum' must be at least 0.0, but got {momentum}")
        self.momentum = self._scalar_parameter(momentum, "momentum")
        self.params = self.parameters
        self.use_nesterov = check_bool(use_nesterov)
        self.moments = self._clone_state("moments", "zeros")
        object.__setattr__(self, "_momentum_host", _HostScalar(self.momentum._t))

    def _state_tuples(self) -> tuple:
        return (self.moments,)

    def construct(self, gradients):
        with torch.no_grad():
            plan, grads, lrs = self._start_step(gradients)
            momentum = self._momentum_host.get()
            for bucket, lr in zip(plan, lrs):
                params, moments = bucket.lists
                g = bucket.take(grads)
                torch._foreach_mul_(moments, momentum)
                torch._foreach_add_(moments, g)
                if self.use_nesterov:
                    step = torch._foreach_mul(moments, momentum)
                    torch._foreach_add_(step, g)
                    torch._foreach_add_(params, step, alpha=-lr)
                else:
                    torch._foreach_add_(params, moments, alpha=-lr)
        return self._success
