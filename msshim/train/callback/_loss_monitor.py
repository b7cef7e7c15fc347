"""``LossMonitor``: prints ``epoch: E step: S, loss is L`` (MindSpore's ``_loss_monitor.py``)."""
from __future__ import annotations

import math

import numpy as np

from msshim.nn.layer._conv_padding import check_non_negative_int
from msshim.train.callback._callback import Callback, _handle_loss


def _py_scalars(metrics: dict) -> dict:
    """numpy scalars as Python numbers: numpy 2 prints ``np.float64(0.5)`` where MindSpore's numpy 1 shows
    ``0.5``; the printed dict then reads as MindSpore's."""
    return {k: v.item() if isinstance(v, np.generic) else v for k, v in metrics.items()}


class LossMonitor(Callback):
    """``LossMonitor(per_print_times=1)``: print the loss every ``per_print_times`` steps (0: never).

    The line is ``"epoch: %s step: %s, loss is %s" % (epoch, step_in_epoch, loss)`` where ``loss`` is the
    Python float of the output's mean (``1.0713756084442139`` for a float32 loss), or the first output Tensor
    itself when the network returns a tuple (loss-scale cells).  A NaN/Inf float loss raises ValueError
    ("In epoch: E step: S, loss is NAN or INF, ...").  In ``fit`` it also prints the epoch's eval metrics.
    """

    def __init__(self, per_print_times: int = 1):
        super().__init__()
        check_non_negative_int(per_print_times)
        self._per_print_times = per_print_times
        self._last_print_time = 0

    def step_end(self, run_context):
        cb_params = run_context.original_args()
        cur_epoch_num = cb_params.get("cur_epoch_num", 1)
        loss = _handle_loss(cb_params.net_outputs)
        cur_step_in_epoch = (cb_params.cur_step_num - 1) % cb_params.batch_num + 1

        if isinstance(loss, float) and (math.isnan(loss) or math.isinf(loss)):
            raise ValueError("In epoch: {} step: {}, loss is NAN or INF, training process cannot continue, "
                             "terminating training.".format(cur_epoch_num, cur_step_in_epoch))

        # a new train() call restarts cur_step_num: step the print mark back so printing resumes on time
        if self._per_print_times != 0 and cb_params.cur_step_num <= self._last_print_time:
            while cb_params.cur_step_num <= self._last_print_time:
                self._last_print_time -= max(self._per_print_times,
                                             cb_params.batch_num if cb_params.dataset_sink_mode else 1)

        if self._per_print_times != 0 and (cb_params.cur_step_num - self._last_print_time) >= self._per_print_times:
            self._last_print_time = cb_params.cur_step_num
            print("epoch: %s step: %s, loss is %s" % (cur_epoch_num, cur_step_in_epoch, loss), flush=True)

    def on_train_epoch_end(self, run_context):
        cb_params = run_context.original_args()
        metrics = cb_params.get("metrics")
        if metrics:
            print("Eval result: epoch %d, metrics: %s" % (cb_params.cur_epoch_num, _py_scalars(metrics)))
