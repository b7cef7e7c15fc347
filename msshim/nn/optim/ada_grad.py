"""``mindspore.nn.Adagrad`` (ApplyAdagrad kernel): ``accum += g * g`` (when ``update_slots``), then
``param -= lr * g / sqrt(accum)``; ``accum`` starts at the ``accum`` argument (0.1).

``update_slots=False`` leaves ``accum`` as it is, as MindSpore documents (its 2.10 CPU kernel ignores the flag
and always accumulates)."""
from __future__ import annotations

import torch

from msshim.nn.optim._checks import check_non_negative_float, check_value_type
from msshim.nn.optim.optimizer import Optimizer, opt_init_args_register

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    """``Adagrad(params, accum=0.1, learning_rate=0.001, update_slots=True, loss_scale=1.0, weight_decay=0.0)``;
    state ``accum.<name>``."""

    @opt_init_args_register
    def __init__(self, params, accum=0.1, learning_rate=0.001, update_slots=True, loss_scale=1.0, weight_decay=0.0):
        super().__init__(learning_rate, params, weight_decay, loss_scale)
        check_value_type("accum", accum, [float], self.cls_name)
        check_value_type("update_slots", update_slots, [bool], self.cls_name)
        check_non_negative_float(accum, "accum", self.cls_name)
        self.update_slots = update_slots
        self.accum = self._clone_state("accum", accum)

    def _state_tuples(self) -> tuple:
        return (self.accum,)

    def construct(self, grads):
        with torch.no_grad():
            plan, grads, lrs = self._start_step(grads)
            for bucket, lr in zip(plan, lrs):
                params, accum = bucket.lists
                g = bucket.take(grads)
                if self.update_slots:
                    torch._foreach_addcmul_(accum, g, g)
                torch._foreach_addcdiv_(params, g, torch._foreach_sqrt(accum), value=-lr)
        return self._success
