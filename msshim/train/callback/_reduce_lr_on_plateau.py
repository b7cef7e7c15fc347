"""``ReduceLROnPlateau`` (MindSpore's ``_reduce_lr_on_plateau.py``) on one device."""
from __future__ import annotations

import torch

from msshim.common.parameter import Parameter
from msshim.common.tensor import Tensor
from msshim.nn.layer._conv_padding import check_bool, check_non_negative_int, check_value_type
from msshim.train.callback._callback import Callback
from msshim.train.callback._early_stop import _Improvement, _monitor_value


def _check_factor(factor) -> float:
    """``Validator.check_float_range(factor, 0.0, 1.0, INC_NEITHER)``."""
    if isinstance(factor, bool) or not isinstance(factor, (int, float)):
        raise TypeError(f"The input value must be float, but got '{type(factor).__name__}'")
    if not 0.0 < factor < 1.0:
        raise ValueError(f"The input value must be float and must be in range of (0.0, 1.0), but got {factor}.")
    return factor


class ReduceLROnPlateau(_Improvement, Callback):
    """``ReduceLROnPlateau(monitor='eval_loss', factor=0.1, patience=10, verbose=False, mode='auto',
    min_delta=1e-4, cooldown=0, min_lr=0)``: multiply the optimizer's (Parameter) learning rate by
    ``factor`` (not below ``min_lr``) after ``patience`` epochs without improvement."""

    def __init__(self, monitor='eval_loss', factor=0.1, patience=10, verbose=False, mode='auto', min_delta=1e-4,
                 cooldown=0, min_lr=0):
        super().__init__()
        self.monitor = check_value_type('monitor', monitor, str)
        self.factor = _check_factor(factor)
        self.patience = check_non_negative_int(patience)
        self.verbose = check_bool(verbose)
        self.mode = check_value_type('mode', mode, str)
        min_delta = check_value_type("min_delta", min_delta, [float, int])
        self.min_delta = abs(min_delta)
        self.cooldown = check_non_negative_int(cooldown)
        self.min_lr = check_value_type("min_lr", min_lr, [float, int])
        self.cooldown_counter = 0
        self.wait = 0
        self._init_mode(self.monitor, self.mode)

    def on_train_begin(self, run_context):
        self.cooldown_counter = 0
        self.wait = 0
        self._reset_best()

    def on_train_epoch_end(self, run_context):
        cb_params = run_context.original_args()
        lr_param = cb_params.optimizer.learning_rate
        if not isinstance(lr_param, Parameter):
            raise ValueError("ReduceLROnPlateau does not support dynamic learning rate and group learning rate now.")
        current = _monitor_value(self.monitor, cb_params, "Learning rate reduction", "ReduceLROnPlateau")
        if current is None:
            return
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.wait = 0
        if self.is_improvement(current, self.best):
            self.best = current
            self.wait = 0
        elif self.cooldown_counter <= 0:
            self.wait += 1
            if self.wait >= self.patience:
                # Tensor arithmetic as in MindSpore: float32 values, and the verbose line prints the Tensor
                if lr_param > Tensor(self.min_lr):
                    new_lr = max(lr_param * self.factor, self.min_lr)
                    with torch.no_grad():
                        lr_param._t.copy_(Tensor(new_lr)._t if isinstance(new_lr, Tensor) else
                                          torch.tensor(new_lr, dtype=lr_param._t.dtype))
                    if self.verbose:
                        print('Epoch %05d: ReduceLROnPlateau reducing learning rate to %s.'
                              % (cb_params.cur_epoch_num, new_lr))
                self.cooldown_counter = self.cooldown
                self.wait = 0
