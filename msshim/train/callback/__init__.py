"""``mindspore.train.callback``: the objects ``Model.train`` / ``eval`` / ``fit`` call at each stage."""
from msshim.train.callback import _callback, _checkpoint
from msshim.train.callback._callback import Callback, RunContext
from msshim.train.callback._checkpoint import CheckpointConfig, ModelCheckpoint
from msshim.train.callback._early_stop import EarlyStopping
from msshim.train.callback._history import History
from msshim.train.callback._lambda_callback import LambdaCallback
from msshim.train.callback._loss_monitor import LossMonitor
from msshim.train.callback._lr_scheduler_callback import LearningRateScheduler
from msshim.train.callback._reduce_lr_on_plateau import ReduceLROnPlateau
from msshim.train.callback._time_monitor import TimeMonitor

_CallbackManager = _callback.CallbackManager
_InternalCallbackParam = _callback.InternalCallbackParam
_CheckpointManager = _checkpoint.CheckpointManager

__all__ = ["Callback", "LossMonitor", "TimeMonitor", "ModelCheckpoint", "CheckpointConfig", "RunContext",
           "LearningRateScheduler", "History", "LambdaCallback", "ReduceLROnPlateau", "EarlyStopping"]

# MindSpore's Model treats the callbacks it ships (these names) differently from user ones: it does not warn
# about their deprecated method names, and fit's evaluation runs none of them but TimeMonitor.
INTERNAL_CALLBACK_NAMES = ("Callback", "LossMonitor", "TimeMonitor", "ModelCheckpoint", "FlopsUtilizationCollector",
                           "SummaryCollector", "CheckpointConfig", "RunContext", "LearningRateScheduler",
                           "SummaryLandscape", "History", "LambdaCallback", "ReduceLROnPlateau", "EarlyStopping",
                           "OnRequestExit", "BackupAndRestore", "TrainFaultTolerance")
