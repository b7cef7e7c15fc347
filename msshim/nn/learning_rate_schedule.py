"""``mindspore.nn.learning_rate_schedule``: learning rates computed from the global step.

Each schedule is a Cell called with the step as an int Tensor (an optimizer passes its ``global_step``,
shape ``[1]``) and returns a float32 Tensor of the step's shape.  The arithmetic is MindSpore's, in float32
(``lr * decay_rate ** (step / decay_steps)`` ...), so the values match MindSpore's to the last bit or so.
"""
from __future__ import annotations

import math

import torch

from msshim.common._convert import to_torch
from msshim.common.tensor import wrap
from msshim.nn.cell import Cell
from msshim.nn.optim._checks import (check_float_type_non_negative, check_is_float, check_positive_float,
                                     check_positive_int, check_value_type)

# As in MindSpore, the base class is not re-exported by mindspore.nn (import it from this module).
__all__ = ["ExponentialDecayLR", "NaturalExpDecayLR", "InverseDecayLR", "CosineDecayLR",
           "PolynomialDecayLR", "WarmUpLR"]


def _step_f32(global_step) -> torch.Tensor:
    return to_torch(global_step).to(torch.float32)


class LearningRateSchedule(Cell):
    """Base class of the learning-rate schedules: subclasses define ``construct(global_step)``."""

    def __init__(self):
        super().__init__()

    def construct(self, global_step):
        raise NotImplementedError


def _check_inputs(learning_rate, decay_rate, decay_steps, is_stair, cls_name: str) -> None:
    check_positive_int(decay_steps, "decay_steps", cls_name)
    check_positive_float(learning_rate, "learning_rate", cls_name)
    check_is_float(learning_rate, "learning_rate", cls_name)
    check_positive_float(decay_rate, "decay_rate", cls_name)
    check_is_float(decay_rate, "decay_rate", cls_name)
    check_value_type("is_stair", is_stair, [bool], cls_name)


class _DecayLR(LearningRateSchedule):
    def __init__(self, learning_rate, decay_rate, decay_steps, is_stair=False):
        super().__init__()
        _check_inputs(learning_rate, decay_rate, decay_steps, is_stair, self.cls_name)
        self.learning_rate = learning_rate
        self.decay_rate = decay_rate
        self.decay_steps = decay_steps
        self.is_stair = is_stair

    def _progress(self, global_step) -> torch.Tensor:
        """``step / decay_steps`` in float32, floored when ``is_stair``."""
        p = _step_f32(global_step) / self.decay_steps
        return torch.floor(p) if self.is_stair else p


class ExponentialDecayLR(_DecayLR):
    r"""``lr * decay_rate ** p`` with ``p = step / decay_steps`` (floored when ``is_stair``)."""

    def construct(self, global_step):
        return wrap(self.learning_rate * torch.pow(self.decay_rate, self._progress(global_step)))


class NaturalExpDecayLR(_DecayLR):
    r"""``lr * e ** (-decay_rate * p)`` with ``p = step`` (``floor(step / decay_steps) * decay_steps`` when
    ``is_stair``)."""

    def construct(self, global_step):
        p = _step_f32(global_step)
        if self.is_stair:
            p = torch.floor_divide(p, self.decay_steps) * self.decay_steps
        return wrap(self.learning_rate * torch.pow(math.e, -self.decay_rate * p))


class InverseDecayLR(_DecayLR):
    r"""``lr / (1 + decay_rate * p)`` with ``p = step / decay_steps`` (floored when ``is_stair``)."""

    def construct(self, global_step):
        return wrap(self.learning_rate / (1 + self.decay_rate * self._progress(global_step)))


class CosineDecayLR(LearningRateSchedule):
    r"""``min_lr + 0.5 * (max_lr - min_lr) * (1 + cos(pi * min(step, decay_steps) / decay_steps))`` (computed,
    as MindSpore does, with ``sin(pi * (p + 0.5))``)."""

    def __init__(self, min_lr, max_lr, decay_steps):
        super().__init__()
        check_float_type_non_negative(min_lr, "min_lr", "CosineDecayLR", self.cls_name)
        check_positive_float(max_lr, "max_lr", self.cls_name)
        check_is_float(max_lr, "max_lr", self.cls_name)
        check_positive_int(decay_steps, "decay_steps", self.cls_name)
        if min_lr >= max_lr:
            raise ValueError(f"For 'CosineDecayLR', the 'max_lr' must be greater than the 'min_lr', but got "
                             f"'max_lr' value: {max_lr}, 'min_lr' value: {min_lr}.")
        self.min_lr = min_lr
        self.max_lr = max_lr
        self.decay_steps = decay_steps
        self.math_pi = math.pi
        self.delta = 0.5 * (max_lr - min_lr)

    def construct(self, global_step):
        p = torch.clamp(to_torch(global_step), max=self.decay_steps).to(torch.float32)
        return wrap(self.min_lr + self.delta * (1.0 + torch.sin(self.math_pi * (p / self.decay_steps + 0.5))))


class PolynomialDecayLR(LearningRateSchedule):
    r"""``(lr - end_lr) * (1 - step / decay_steps) ** power + end_lr``; the step is capped at ``decay_steps``,
    or with ``update_decay_steps`` the decay period grows to ``decay_steps * ceil(step / decay_steps)``."""

    def __init__(self, learning_rate, end_learning_rate, decay_steps, power, update_decay_steps=False):
        super().__init__()
        check_positive_float(learning_rate, "learning_rate")
        check_is_float(learning_rate, "learning_rate")
        check_float_type_non_negative(end_learning_rate, "end_learning_rate", "PolynomialDecayLR", self.cls_name)
        check_positive_int(decay_steps, "decay_steps", self.cls_name)
        check_value_type("update_decay_steps", update_decay_steps, [bool], self.cls_name)
        check_positive_float(power, "power", self.cls_name)
        check_is_float(power, "power", self.cls_name)
        self.decay_steps = decay_steps
        self.start_learning_rate = learning_rate
        self.end_learning_rate = end_learning_rate
        self.diff_learning_rate = learning_rate - end_learning_rate
        self.power = power
        self.update_decay_steps = update_decay_steps

    def construct(self, global_step):
        step = _step_f32(global_step)
        decay_steps = self.decay_steps
        if self.update_decay_steps:
            decay_steps = decay_steps * torch.clamp(torch.ceil(step / decay_steps), min=1)
        else:
            step = torch.clamp(step, max=decay_steps)
        p = step / decay_steps
        return wrap(self.diff_learning_rate * torch.pow(1.0 - p, self.power) + self.end_learning_rate)


class WarmUpLR(LearningRateSchedule):
    r"""``lr * min(step, warmup_steps) / warmup_steps``."""

    def __init__(self, learning_rate, warmup_steps):
        super().__init__()
        check_float_type_non_negative(learning_rate, "learning_rate", "WarmUpLR", self.cls_name)
        check_positive_int(warmup_steps, "warmup_steps", self.cls_name)
        self.warmup_steps = warmup_steps
        self.learning_rate = learning_rate

    def construct(self, global_step):
        percent = torch.clamp(to_torch(global_step), max=self.warmup_steps).to(torch.float32) / self.warmup_steps
        return wrap(self.learning_rate * percent)
