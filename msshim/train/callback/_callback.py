"""``Callback``, ``RunContext``, the callback list and the ``cb_params`` dict (MindSpore's ``_callback.py``)."""
from __future__ import annotations

from contextlib import ExitStack
import logging

import numpy as np

from msshim.common.tensor import Tensor

logger = logging.getLogger("msshim")

_STAGES = ("begin", "epoch_begin", "epoch_end", "step_begin", "step_end", "end")
_NEW_STAGES = tuple(f"on_{mode}_{stage}" for mode in ("train", "eval")
                    for stage in ("begin", "epoch_begin", "epoch_end", "step_begin", "step_end", "end"))


class Callback:
    """Base class of the objects ``Model.train`` / ``eval`` / ``fit`` call at each stage.

    Every ``on_train_*`` / ``on_eval_*`` method defaults to the deprecated stage name (``on_train_step_end``
    calls ``step_end``), so a callback overriding only ``step_end`` runs after train *and* eval steps, as in
    MindSpore.  Callbacks are context managers: ``Model`` enters them before the loop and exits them after.
    """

    def __enter__(self):
        return self

    def __exit__(self, *err):
        """Release resources here if any."""

    def begin(self, run_context):
        """Called once before the network runs (deprecated alias of on_train_begin / on_eval_begin)."""

    def epoch_begin(self, run_context):
        """Called before each epoch."""

    def epoch_end(self, run_context):
        """Called after each epoch."""

    def step_begin(self, run_context):
        """Called before each step."""

    def step_end(self, run_context):
        """Called after each step."""

    def end(self, run_context):
        """Called once after the network ran."""

    def on_train_begin(self, run_context):
        self.begin(run_context)

    def on_train_epoch_begin(self, run_context):
        self.epoch_begin(run_context)

    def on_train_epoch_end(self, run_context):
        self.epoch_end(run_context)

    def on_train_step_begin(self, run_context):
        self.step_begin(run_context)

    def on_train_step_end(self, run_context):
        self.step_end(run_context)

    def on_train_end(self, run_context):
        self.end(run_context)

    def on_eval_begin(self, run_context):
        self.begin(run_context)

    def on_eval_epoch_begin(self, run_context):
        self.epoch_begin(run_context)

    def on_eval_epoch_end(self, run_context):
        self.epoch_end(run_context)

    def on_eval_step_begin(self, run_context):
        self.step_begin(run_context)

    def on_eval_step_end(self, run_context):
        self.step_end(run_context)

    def on_eval_end(self, run_context):
        self.end(run_context)


def _fan_out(name: str):
    def call(self, run_context):
        for cb in self._callbacks:
            getattr(cb, name)(run_context)
    call.__name__ = name
    call.__doc__ = f"Call ``{name}`` of every callback, in list order."
    return call


class CallbackManager(Callback):
    """Runs a list of callbacks in order (MindSpore's ``_CallbackManager``).

    Raises TypeError when ``callbacks`` is neither None, a Callback nor a list of Callbacks."""

    def __init__(self, callbacks):
        self._callbacks, self._stack = [], None
        if isinstance(callbacks, Callback):
            self._callbacks.append(callbacks)
        elif isinstance(callbacks, list):
            for cb in callbacks:
                if not isinstance(cb, Callback):
                    raise TypeError("When the 'callbacks' is a list, the elements in "
                                    "'callbacks' must be Callback functions.")
                self._callbacks.append(cb)
        elif callbacks is not None:
            raise TypeError("The 'callbacks' is not a Callback or a list of Callback.")

    def __enter__(self):
        if self._stack is None:
            callbacks, self._stack = [], ExitStack().__enter__()
            for callback in self._callbacks:
                target = self._stack.enter_context(callback)
                if not isinstance(target, Callback):
                    logger.warning("Please return 'self' or a Callback as the enter target.")
                    callbacks.append(callback)
                else:
                    callbacks.append(target)
            self._callbacks = callbacks
        return self

    def __exit__(self, *err):
        return self._stack.__exit__(*err)


for _name in _STAGES + _NEW_STAGES:
    setattr(CallbackManager, _name, _fan_out(_name))
del _name


class InternalCallbackParam(dict):
    """``cb_params``: a dict whose keys are also attributes (``cb_params.cur_step_num``).

    As in MindSpore a missing attribute raises KeyError (not AttributeError), so ``hasattr`` on a missing
    field raises too; use ``cb_params.get(name)`` or ``name in cb_params``."""

    def __getattr__(self, key):
        return self[key]

    def __setattr__(self, key, value):
        self[key] = value


class RunContext:
    """Holds ``cb_params`` (``original_args()``) and the stop request of a training / evaluation run."""

    def __init__(self, original_args):
        if not isinstance(original_args, dict):
            raise TypeError("The argument 'original_args' of RunContext should be dict type, "
                            "but got {}.".format(type(original_args)))
        self._original_args = original_args
        self._stop_requested = False

    def original_args(self):
        """The dict of model information (``cb_params``)."""
        return self._original_args

    def request_stop(self):
        """Ask ``Model.train`` to stop after the current step (and ``eval`` after the current batch)."""
        self._stop_requested = True

    def get_stop_requested(self) -> bool:
        return self._stop_requested


def _handle_loss(loss):
    """The loss a monitor prints: the first item of a tuple/list (a Tensor, printed as Tensor), or the mean
    of a Tensor as a Python float."""
    if isinstance(loss, (tuple, list)):
        if isinstance(loss[0], Tensor):
            loss = loss[0]
    elif isinstance(loss, Tensor):
        loss = float(np.mean(loss.asnumpy()))
    return loss
