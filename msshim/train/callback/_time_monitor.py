"""``TimeMonitor``: prints ``Train epoch time: X ms, per step time: Y ms`` (MindSpore's ``_time_monitor.py``)."""
from __future__ import annotations

import time

from msshim.nn.layer._conv_padding import check_bool, check_positive_int
from msshim.train.callback._callback import Callback


class TimeMonitor(Callback):
    """``TimeMonitor(data_size=None, data_time=False)``: at each epoch end print
    ``"{Mode} epoch time: {:5.3f} ms, per step time: {:5.3f} ms"`` (+ ``" (data time: {:5.3f} ms)"`` with
    ``data_time``, the host time spent fetching batches).  The per-step divisor is ``cb_params.batch_num``,
    else ``data_size``; neither being a positive int raises as MindSpore's check does."""

    def __init__(self, data_size=None, data_time=False):
        super().__init__()
        self.data_size = data_size
        self.epoch_time = time.time()
        self.data_time = data_time
        self.data_time_sum = 0.0
        self.data_time_start = 0.0
        check_bool(data_time, "data_time")

    @staticmethod
    def _sink(run_context) -> bool:
        return run_context.original_args()["dataset_sink_mode"]

    def on_train_step_begin(self, run_context):
        if self.data_time and not self._sink(run_context):
            self.data_time_sum += time.time() - self.data_time_start

    def on_train_step_end(self, run_context):
        if self.data_time and not self._sink(run_context):
            self.data_time_start = time.time()

    def epoch_begin(self, run_context):
        self.epoch_time = time.time()
        if self.data_time and not self._sink(run_context):
            self.data_time_sum = 0.0
            self.data_time_start = time.time()

    def epoch_end(self, run_context):
        epoch_seconds = (time.time() - self.epoch_time) * 1000
        step_size = self.data_size
        cb_params = run_context.original_args()
        mode = cb_params.get("mode", "")
        batch_num = cb_params["batch_num"]  # MindSpore's hasattr() on cb_params raises KeyError when missing
        if isinstance(batch_num, int) and batch_num > 0:
            step_size = batch_num
        check_positive_int(step_size)
        train_log = "{} epoch time: {:5.3f} ms, per step time: {:5.3f} ms".format(
            mode.title(), epoch_seconds, epoch_seconds / step_size)
        if self.data_time:
            train_log += " (data time: {:5.3f} ms)".format(self.data_time_sum * 1000 / step_size)
        print(train_log, flush=True)
