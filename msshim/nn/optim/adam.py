"""``mindspore.nn.Adam`` and ``AdamWeightDecay``.

Adam (MindSpore's Adam kernel), with ``beta1_power *= beta1`` and ``beta2_power *= beta2`` first::

    m += (g - m) * (1 - beta1);  v += (g * g - v) * (1 - beta2)
    lr_t = lr * sqrt(1 - beta2_power) / (1 - beta1_power)
    param -= lr_t * m / (sqrt(v) + eps)                       # Nesterov: m -> beta1 * m + (1 - beta1) * g

``weight_decay`` is added to the gradient (L2), like the other optimizers.  ``use_amsgrad`` keeps
``vhat = max(vhat, v)`` and divides by ``sqrt(vhat) + eps``.

AdamWeightDecay (decoupled decay, no bias correction; ``loss_scale`` is fixed at 1)::

    m, v as above;  param -= lr * (m / (sqrt(v) + eps) + weight_decay * param)

Hyper-parameter arithmetic (``1 - beta1``, ``lr_t``) is done in float32 as the kernels do.
"""
from __future__ import annotations

import numpy as np
import torch

from msshim.nn.optim._checks import check_float_open_range, check_positive_float, check_value_type
from msshim.nn.optim._step import _HostScalar, f32
from msshim.nn.optim.optimizer import Optimizer, opt_init_args_register

__all__ = ["Adam", "AdamWeightDecay"]

_F32 = np.float32


def _check_param_value(beta1, beta2, eps, prim_name: str) -> None:
    check_value_type("beta1", beta1, [float], prim_name)
    check_value_type("beta2", beta2, [float], prim_name)
    check_value_type("eps", eps, [float], prim_name)
    check_float_open_range(beta1, 0.0, 1.0, "beta1", prim_name)
    check_float_open_range(beta2, 0.0, 1.0, "beta2", prim_name)
    check_positive_float(eps, "eps", prim_name)


def _moments(m: list, v: list, g: list, one_minus_b1: float, one_minus_b2: float) -> None:
    """``m += (g - m) * (1 - beta1)``, ``v += (g * g - v) * (1 - beta2)`` in place."""
    torch._foreach_lerp_(m, g, one_minus_b1)
    torch._foreach_lerp_(v, torch._foreach_mul(g, g), one_minus_b2)


def _denominator(v: list, eps: float) -> list:
    denom = torch._foreach_sqrt(v)
    torch._foreach_add_(denom, eps)
    return denom


class Adam(Optimizer):
    """``Adam(params, learning_rate=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, use_locking=False, use_nesterov=False,
    weight_decay=0.0, loss_scale=1.0, use_amsgrad=False, **kwargs)``; state ``beta1_power``, ``beta2_power``
    (float32 scalars starting at 1), ``moment1.<name>``, ``moment2.<name>`` (and ``vhat.<name>``)."""

    @opt_init_args_register
    def __init__(self, params, learning_rate=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, use_locking=False,
                 use_nesterov=False, weight_decay=0.0, loss_scale=1.0, use_amsgrad=False, **kwargs):
        super().__init__(learning_rate, params, weight_decay, loss_scale)
        if set(kwargs) - {"use_lazy", "use_offload"}:
            raise KeyError(f"For 'Adam', invalid keys are passed as kwargs, supported keys are 'use_lazy' "
                           f"and'use_offload', but got {kwargs.keys()}.")
        use_lazy = kwargs.get("use_lazy", False)
        use_offload = kwargs.get("use_offload", False)
        _check_param_value(beta1, beta2, eps, self.cls_name)
        for name, value in (("use_locking", use_locking), ("use_nesterov", use_nesterov),
                            ("use_amsgrad", use_amsgrad), ("use_lazy", use_lazy), ("use_offload", use_offload)):
            check_value_type(name, value, [bool], self.cls_name)
        if use_lazy and use_offload:
            raise ValueError(f"For 'Adam', 'use_lazy' and 'use_offload' can not both be True.But got "
                             f"use_lazy={use_lazy}, use_offload={use_offload}.")
        if use_amsgrad and (use_lazy or use_offload):
            raise ValueError(f"For lazy Adam and Adam with offload, there is no parameter named 'use_amsgrad'.but "
                             f"got 'use_amsgrad'={use_amsgrad}.")
        self.beta1 = f32(beta1)
        self.beta2 = f32(beta2)
        self.eps = f32(eps)
        self.beta1_power = self._scalar_parameter(1.0, "beta1_power")
        self.beta2_power = self._scalar_parameter(1.0, "beta2_power")
        self.use_nesterov = use_nesterov
        self.use_locking = use_locking
        self.use_amsgrad = use_amsgrad
        self.use_lazy = use_lazy
        self.use_offload = use_offload
        self.moment1 = self._clone_state("moment1", "zeros")
        self.moment2 = self._clone_state("moment2", "zeros")
        if use_amsgrad:
            self.vhat = self._clone_state("vhat", "zeros")
        self._is_device = True
        object.__setattr__(self, "_powers_host", (_HostScalar(self.beta1_power._t), _HostScalar(self.beta2_power._t)))

    def _state_tuples(self) -> tuple:
        return (self.moment1, self.moment2) + ((self.vhat,) if self.use_amsgrad else ())

    @Optimizer.target.setter
    def target(self, value) -> None:
        self._set_base_target(value)

    def construct(self, gradients):
        with torch.no_grad():
            plan, grads, lrs = self._start_step(gradients)
            power1, power2 = self._powers_host
            beta1_power, beta2_power = power1.scale(self.beta1), power2.scale(self.beta2)
            if beta1_power == 1.0:
                raise RuntimeError("For 'Adam', the 'beta1_power' can't be set 1.")
            one = _F32(1.0)
            b1, b2 = _F32(self.beta1), _F32(self.beta2)
            root, denom1 = np.sqrt(one - _F32(beta2_power)), one - _F32(beta1_power)
            for bucket, lr in zip(plan, lrs):
                params, m, v = bucket.lists[:3]
                g = bucket.take(grads)
                _moments(m, v, g, float(one - b1), float(one - b2))
                if self.use_amsgrad:
                    vhat = bucket.lists[3]
                    torch._foreach_maximum_(vhat, v)
                    denom = _denominator(vhat, self.eps)
                else:
                    denom = _denominator(v, self.eps)
                num = m
                if self.use_nesterov:
                    num = torch._foreach_mul(m, float(b1))
                    torch._foreach_add_(num, g, alpha=float(one - b1))
                torch._foreach_addcdiv_(params, num, denom, value=-float(_F32(lr) * root / denom1))
        return self._success


class AdamWeightDecay(Optimizer):
    """``AdamWeightDecay(params, learning_rate=1e-3, beta1=0.9, beta2=0.999, eps=1e-6, weight_decay=0.0)``;
    state ``adam_m.<name>``, ``adam_v.<name>``."""

    _support_parallel_optimizer = True

    def __init__(self, params, learning_rate=1e-3, beta1=0.9, beta2=0.999, eps=1e-6, weight_decay=0.0):
        super().__init__(learning_rate, params, weight_decay)
        _check_param_value(beta1, beta2, eps, self.cls_name)
        self.beta1 = f32(beta1)
        self.beta2 = f32(beta2)
        self.eps = f32(eps)
        self.moments1 = self._clone_state("adam_m", "zeros")
        self.moments2 = self._clone_state("adam_v", "zeros")
        self.use_fused_opt = True

    def _state_tuples(self) -> tuple:
        return (self.moments1, self.moments2)

    def _prepare_grads(self, gradients) -> list:
        # MindSpore's AdamWeightDecay neither adds the decay to the gradients nor scales or centralizes them.
        return [g._t for g in gradients]

    def construct(self, gradients):
        with torch.no_grad():
            plan, grads, lrs = self._start_step(gradients)
            one = _F32(1.0)
            for bucket, lr in zip(plan, lrs):
                params, m, v = bucket.lists
                g = bucket.take(grads)
                g = [gi if gi.dtype == p.dtype else gi.to(p.dtype) for gi, p in zip(g, params)]
                _moments(m, v, g, float(one - _F32(self.beta1)), float(one - _F32(self.beta2)))
                update = self._add_weight_decay(torch._foreach_div(m, _denominator(v, self.eps)), params,
                                                bucket.decay)
                torch._foreach_add_(params, update, alpha=-lr)
        return self._success
