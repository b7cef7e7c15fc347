"""``EarlyStopping`` (MindSpore's ``_early_stop.py``) on one device."""
from __future__ import annotations

import copy
import logging

import numpy as np

from msshim.nn.layer._conv_padding import check_bool, check_non_negative_int, check_value_type
from msshim.train.callback._callback import Callback, _handle_loss

logger = logging.getLogger("msshim")

_smaller_better_metrics = ['hausdorff_distance', 'mae', 'mse', 'loss', 'perplexity',
                           'mean_surface_distance', 'root_mean_square_distance', 'eval_loss']


def _monitor_value(monitor: str, cb_params, what: str, who: str):
    """The monitored value at an epoch end: the train loss for "loss", else ``cb_params.eval_results[monitor]``
    (filled by ``Model.fit``); None, with a warning, when unavailable."""
    monitor_candidates = {}
    if monitor == "loss":
        monitor_value = _handle_loss(cb_params.get("net_outputs"))
    else:
        monitor_candidates = cb_params.get("eval_results", {})
        monitor_value = monitor_candidates.get(monitor)
    if monitor_value is None:
        support_keys = set(["loss"] + list(monitor_candidates.keys()))
        logger.warning('%s is conditioned on %s, which is not available. Available choices are: %s',
                       what, monitor, support_keys)
    if isinstance(monitor_value, np.ndarray) and monitor_value.shape != ():
        raise ValueError(f"{who} only supports scalar monitor now.")
    return np.array(monitor_value) if monitor_value else None


class _Improvement:
    """``mode`` 'min' (or 'auto' on a smaller-is-better metric): improvement is ``a < best - min_delta``."""

    def _init_mode(self, monitor: str, mode: str):
        if mode not in ['auto', 'min', 'max']:
            raise ValueError("mode should be 'auto', 'min' or 'max', but got %s." % mode)
        self._minimize = mode == 'min' or (mode == 'auto' and monitor in _smaller_better_metrics)
        self._reset_best()

    def is_improvement(self, a, b):
        return np.less(a, b - self.min_delta) if self._minimize else np.greater(a, b + self.min_delta)

    def _reset_best(self):
        self.best = np.inf if self._minimize else -np.inf


class EarlyStopping(_Improvement, Callback):
    """``EarlyStopping(monitor='eval_loss', min_delta=0, patience=0, verbose=False, mode='auto',
    baseline=None, restore_best_weights=False)``: request a stop once ``monitor`` has not improved for
    ``patience`` epochs (counted from the first monitored epoch, as MindSpore counts)."""

    def __init__(self, monitor='eval_loss', min_delta=0, patience=0, verbose=False, mode='auto', baseline=None,
                 restore_best_weights=False):
        super().__init__()
        self.monitor = check_value_type('monitor', monitor, str)
        min_delta = check_value_type("min_delta", min_delta, [float, int])
        self.min_delta = abs(min_delta)
        self.patience = check_non_negative_int(patience)
        self.verbose = check_bool(verbose)
        self.mode = check_value_type('mode', mode, str)
        # MindSpore stores min_delta here (not baseline): kept, since it changes which epochs count
        self.baseline = check_value_type("min_delta", min_delta, [float, int]) if baseline else None
        self.restore_best_weights = check_bool(restore_best_weights)
        self.wait = 0
        self.stopped_epoch = 0
        self.best_weights_param_dict = None
        self._init_mode(self.monitor, self.mode)

    def on_train_begin(self, run_context):
        self.wait = 0
        self.stopped_epoch = 0
        self._reset_best()
        self.best_weights_param_dict = None

    def on_train_epoch_end(self, run_context):
        cb_params = run_context.original_args()
        cur_epoch = cb_params.get("cur_epoch_num")
        current = _monitor_value(self.monitor, cb_params, "Early stopping", "EarlyStopping")
        if current is None:
            return
        if self.restore_best_weights and self.best_weights_param_dict is None:
            self.best_weights_param_dict = copy.deepcopy(cb_params.train_network.parameters_dict())
        self.wait += 1
        if self.is_improvement(current, self.best):
            self.best = current
            if self.restore_best_weights:
                self.best_weights_param_dict = copy.deepcopy(cb_params.train_network.parameters_dict())
            if self.baseline is None or self.is_improvement(current, self.baseline):
                self.wait = 0
        if self.wait >= self.patience:
            self.stopped_epoch = cur_epoch
            run_context.request_stop()
            if self.restore_best_weights and self.best_weights_param_dict is not None:
                if self.verbose:
                    print('Restoring model weights from the end of the best epoch.')
                from msshim.train.serialization import load_param_into_net
                load_param_into_net(cb_params.train_network, self.best_weights_param_dict)

    def on_train_end(self, run_context):
        if self.stopped_epoch > 0 and self.verbose:
            print('Epoch %05d: early stopping' % (self.stopped_epoch))
