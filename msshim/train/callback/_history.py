"""``History``: records the network output and metrics per epoch (MindSpore's ``_history.py``)."""
from __future__ import annotations

import numpy as np

from msshim.common.tensor import Tensor
from msshim.train.callback._callback import Callback


class History(Callback):
    """``history = {"net_output": [...], <metric>: [...]}`` and ``epoch = {"epoch": [...]}``; the net output
    is the mean of the output Tensor (numpy scalar) or the first item of a tuple."""

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = None

    def begin(self, run_context):
        self.epoch = {"epoch": []}

    def epoch_end(self, run_context):
        cb_params = run_context.original_args()
        self.epoch.get("epoch").append(cb_params.get("cur_epoch_num", 1))
        net_output = cb_params.net_outputs
        if isinstance(net_output, (tuple, list)) and isinstance(net_output[0], Tensor):
            net_output = net_output[0]
        if isinstance(net_output, Tensor):
            net_output = np.mean(net_output.asnumpy())
        cur_history = {"net_output": net_output}
        metrics = cb_params.get("metrics")
        if metrics:
            cur_history.update(metrics)
        for k, v in cur_history.items():
            self.history.setdefault(k, []).append(v)
