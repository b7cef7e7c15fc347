"""``mindspore.nn.dynamic_lr``: learning-rate lists, one value per training step (Python floats).

Pass the list as an optimizer's ``learning_rate``; step ``i`` uses ``lr[i]``.  The epoch of step ``i`` is
``floor(i / step_per_epoch)``; the formulas and argument checks are MindSpore's, in Python double precision.
"""
from __future__ import annotations

import math

from msshim.nn.optim._checks import (check_float_type_non_negative, check_is_float, check_positive_float,
                                     check_positive_int, check_value_type)

__all__ = ["piecewise_constant_lr", "exponential_decay_lr", "natural_exp_decay_lr", "inverse_decay_lr",
           "cosine_decay_lr", "polynomial_decay_lr", "warmup_lr"]


def piecewise_constant_lr(milestone, learning_rates) -> list:
    """``learning_rates[i]`` for the steps before ``milestone[i]`` (milestones increasing, last = total)."""
    check_value_type("milestone", milestone, (tuple, list))
    check_value_type("learning_rates", learning_rates, (tuple, list))
    if len(milestone) != len(learning_rates):
        raise ValueError(f"For 'piecewise_constant_lr', the size of 'milestone' must be same with the size of "
                         f"'learning_rates', but got 'milestone' size: {len(milestone)}, 'learning_rates' size: "
                         f"{len(learning_rates)}.")
    lr: list = []
    last_item = 0
    for i, item in enumerate(milestone):
        check_positive_int(item, f"milestone[{i}]")
        check_is_float(learning_rates[i], f"learning_rates[{i}]")
        if item < last_item:
            raise ValueError(f"For 'piecewise_constant_lr', the value of milestone[{i}] must be greater than "
                             f"milestone[{i - 1}], but got milestone[{i}]: {milestone[i]}, milestone[{i - 1}]: "
                             f"{milestone[i - 1]}.")
        lr += [learning_rates[i]] * (item - last_item)
        last_item = item
    return lr


def _check_inputs(learning_rate, decay_rate, total_step, step_per_epoch, decay_epoch, is_stair) -> None:
    _check_steps(total_step, step_per_epoch, decay_epoch, "decay_epoch")
    check_positive_float(learning_rate, "learning_rate")
    check_is_float(learning_rate, "learning_rate")
    check_positive_float(decay_rate, "decay_rate")
    check_is_float(decay_rate, "decay_rate")
    check_value_type("is_stair", is_stair, [bool])


def _check_steps(total_step, step_per_epoch, epoch, epoch_name: str) -> None:
    check_positive_int(total_step, "total_step")
    check_positive_int(step_per_epoch, "step_per_epoch")
    check_positive_int(epoch, epoch_name)


def exponential_decay_lr(learning_rate, decay_rate, total_step, step_per_epoch, decay_epoch,
                         is_stair=False) -> list:
    """``lr * decay_rate ** (epoch / decay_epoch)`` (the exponent floored when ``is_stair``)."""
    _check_inputs(learning_rate, decay_rate, total_step, step_per_epoch, decay_epoch, is_stair)
    lr = []
    for i in range(total_step):
        p = math.floor(i / step_per_epoch) / decay_epoch
        lr.append(learning_rate * decay_rate ** (math.floor(p) if is_stair else p))
    return lr


def natural_exp_decay_lr(learning_rate, decay_rate, total_step, step_per_epoch, decay_epoch,
                         is_stair=False) -> list:
    """``lr * e ** (-decay_rate * epoch)`` (epoch rounded down to a multiple of ``decay_epoch`` when
    ``is_stair``)."""
    _check_inputs(learning_rate, decay_rate, total_step, step_per_epoch, decay_epoch, is_stair)
    lr = []
    for i in range(total_step):
        epoch = math.floor(i / step_per_epoch)
        if is_stair:
            epoch = math.floor(epoch / decay_epoch) * decay_epoch
        lr.append(learning_rate * math.e ** (-decay_rate * epoch))
    return lr


def inverse_decay_lr(learning_rate, decay_rate, total_step, step_per_epoch, decay_epoch, is_stair=False) -> list:
    """``lr / (1 + decay_rate * epoch / decay_epoch)`` (the ratio floored when ``is_stair``)."""
    _check_inputs(learning_rate, decay_rate, total_step, step_per_epoch, decay_epoch, is_stair)
    lr = []
    for i in range(total_step):
        epoch = math.floor(i / step_per_epoch)
        if is_stair:
            lr.append(learning_rate / (1 + decay_rate * math.floor(epoch / decay_epoch)))
        else:
            lr.append(learning_rate / (1 + decay_rate * epoch / decay_epoch))
    return lr


def cosine_decay_lr(min_lr, max_lr, total_step, step_per_epoch, decay_epoch) -> list:
    """``min_lr + 0.5 * (max_lr - min_lr) * (1 + cos(pi * min(epoch, decay_epoch) / decay_epoch))``."""
    check_float_type_non_negative(min_lr, "min_lr", "cosine_decay_lr")
    check_positive_float(max_lr, "max_lr")
    check_is_float(max_lr, "max_lr")
    _check_steps(total_step, step_per_epoch, decay_epoch, "decay_epoch")
    if min_lr >= max_lr:
        raise ValueError(f"For 'cosine_decay_lr', the 'max_lr' must be greater than the 'min_lr', but got 'max_lr' "
                         f"value: {max_lr}, 'min_lr' value: {min_lr}.")
    delta = 0.5 * (max_lr - min_lr)
    lr = []
    for i in range(total_step):
        epoch = min(math.floor(i / step_per_epoch), decay_epoch)
        lr.append(min_lr + delta * (1 + math.cos(math.pi * epoch / decay_epoch)))
    return lr


def polynomial_decay_lr(learning_rate, end_learning_rate, total_step, step_per_epoch, decay_epoch, power,
                        update_decay_epoch=False) -> list:
    """``(lr - end_lr) * (1 - epoch / decay_epoch) ** power + end_lr``; the epoch is capped at ``decay_epoch``,
    or with ``update_decay_epoch`` the period grows to ``decay_epoch * ceil(epoch / decay_epoch)``."""
    check_positive_float(learning_rate, "learning_rate")
    check_is_float(learning_rate, "learning_rate")
    check_float_type_non_negative(end_learning_rate, "end_learning_rate", "polynomial_decay_lr")
    check_positive_float(power, "power")
    check_is_float(power, "power")
    _check_steps(total_step, step_per_epoch, decay_epoch, "decay_epoch")
    check_value_type("update_decay_epoch", update_decay_epoch, [bool])
    delta = learning_rate - end_learning_rate
    lr = []
    for i in range(total_step):
        epoch = math.floor(i / step_per_epoch)
        if update_decay_epoch:
            period = decay_epoch * max(math.ceil(epoch / decay_epoch), 1)
        else:
            period, epoch = decay_epoch, min(decay_epoch, epoch)
        lr.append(delta * (1 - epoch / period) ** power + end_learning_rate)
    return lr


def warmup_lr(learning_rate, total_step, step_per_epoch, warmup_epoch) -> list:
    """``lr * min(epoch, warmup_epoch) / warmup_epoch``."""
    check_float_type_non_negative(learning_rate, "learning_rate", "warmup_lr")
    check_positive_int(warmup_epoch, "warmup_epoch")
    check_positive_int(total_step, "total_step")
    check_positive_int(step_per_epoch, "step_per_epoch")
    lr = []
    for i in range(total_step):
        epoch = min(warmup_epoch, math.floor(i / step_per_epoch))
        lr.append(learning_rate * epoch / warmup_epoch)
    return lr
