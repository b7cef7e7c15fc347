"""``mindspore.nn.Lamb`` (layer-wise adaptive moments), per parameter tensor ``w``, at ``t = global_step``
after its increment::

    m = beta1 * m + (1 - beta1) * g;  v = beta2 * v + (1 - beta2) * g * g
    r = (m / (1 - beta1 ** t)) / (sqrt(v / (1 - beta2 ** t)) + eps) + weight_decay * w
    w -= lr * (||w|| / ||r|| if both norms are > 0 else 1) * r

``weight_decay`` applies to the parameters whose name has neither 'beta' nor 'gamma' (or the decaying groups);
``loss_scale`` is not an argument (1).
"""
from __future__ import annotations

import numpy as np
import torch

from msshim.nn.optim.adam import _check_param_value, _moments
from msshim.nn.optim._step import f32
from msshim.nn.optim.optimizer import Optimizer, opt_init_args_register

__all__ = ["Lamb"]

_F32 = np.float32


class Lamb(Optimizer):
    """``Lamb(params, learning_rate, beta1=0.9, beta2=0.999, eps=1e-6, weight_decay=0.0)``; state
    ``lamb_m.<name>``, ``lamb_v.<name>``."""

    _support_parallel_optimizer = True

    @opt_init_args_register
    def __init__(self, params, learning_rate, beta1=0.9, beta2=0.999, eps=1e-6, weight_decay=0.0):
        super().__init__(learning_rate, params, weight_decay)
        _check_param_value(beta1, beta2, eps, self.cls_name)
        self.beta1 = f32(beta1)
        self.beta2 = f32(beta2)
        self.eps = f32(eps)
        self.params = self.parameters
        self.moments1 = self._clone_state("lamb_m", "zeros")
        self.moments2 = self._clone_state("lamb_v", "zeros")

    def _state_tuples(self) -> tuple:
        return (self.moments1, self.moments2)

    def _prepare_grads(self, gradients) -> list:
        # MindSpore's Lamb only centralizes: the weight decay is part of its update, loss_scale is 1.
        grads = [g._t for g in gradients]
        return self._centralize_t(grads) if self.is_group else grads

    def construct(self, gradients):
        with torch.no_grad():
            plan, grads, lrs = self._start_step(gradients)
            t = _F32(self._step_host.get())
            one = _F32(1.0)
            b1, b2 = _F32(self.beta1), _F32(self.beta2)
            correction1 = float(one - b1 ** t)
            correction2 = float(one - b2 ** t)
            for bucket, lr in zip(plan, lrs):
                params, m, v = bucket.lists
                g = bucket.take(grads)
                _moments(m, v, g, float(one - b1), float(one - b2))
                denom = torch._foreach_div(v, correction2)
                torch._foreach_sqrt_(denom)
                torch._foreach_add_(denom, self.eps)
                update = list(torch._foreach_div(torch._foreach_div(m, correction1), denom))
                for source, idx in bucket.decay:
                    wd = self._wd_value(source)
                    for i in idx:
                        update[i] = update[i] + params[i] * wd
                for p, u in zip(params, update):
                    w_norm, u_norm = torch.linalg.vector_norm(p), torch.linalg.vector_norm(u)
                    ratio = torch.where((w_norm > 0) & (u_norm > 0), w_norm / u_norm, 1.0)
                    p.sub_(u * (ratio * lr))
        return self._success
