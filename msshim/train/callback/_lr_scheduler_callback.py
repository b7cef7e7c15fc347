"""``LearningRateScheduler`` (MindSpore's ``_lr_scheduler_callback.py``)."""
from __future__ import annotations

import logging
import math

import numpy as np
import torch

from msshim.train.callback._callback import Callback

logger = logging.getLogger("msshim")


class LearningRateScheduler(Callback):
    """``LearningRateScheduler(learning_rate_function)``: after each step, set the optimizer's learning rate
    to ``learning_rate_function(lr, cur_step_num)`` (``lr`` read back as MindSpore does, through the float32
    value's printed form)."""

    def __init__(self, learning_rate_function):
        super().__init__()
        self.learning_rate_function = learning_rate_function

    def step_end(self, run_context):
        cb_params = run_context.original_args()
        lr_param = cb_params.optimizer.learning_rate
        lr = float(np.array2string(lr_param.asnumpy()))
        new_lr = self.learning_rate_function(lr, cb_params.cur_step_num)
        if not math.isclose(lr, new_lr, rel_tol=1e-10):
            with torch.no_grad():
                lr_param._t.fill_(float(np.float32(new_lr)))
            logger.info(f'At step {cb_params.cur_step_num}, learning_rate change to {new_lr}')
