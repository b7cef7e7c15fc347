"""``LambdaCallback``: a callback from plain functions (MindSpore's ``_lambda_callback.py``)."""
from __future__ import annotations

from msshim.train.callback._callback import Callback, _NEW_STAGES


def _noop(run_context):
    return None


class LambdaCallback(Callback):
    """``LambdaCallback(on_train_epoch_begin=None, ..., on_eval_end=None)``: each given function is called
    with ``run_context`` at its stage; the others do nothing (the deprecated aliases are not called)."""

    def __init__(self, on_train_epoch_begin=None, on_train_epoch_end=None, on_train_step_begin=None,
                 on_train_step_end=None, on_train_begin=None, on_train_end=None,
                 on_eval_epoch_begin=None, on_eval_epoch_end=None, on_eval_step_begin=None,
                 on_eval_step_end=None, on_eval_begin=None, on_eval_end=None):
        super().__init__()
        given = dict(locals())
        for stage in _NEW_STAGES:
            setattr(self, stage, given[stage] or _noop)
