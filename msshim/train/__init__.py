"""``mindspore.train``: Model, checkpoints (serialization), callbacks and metrics.

Names load on first use, so ``msshim.train.ckpt_format`` (no torch) can be imported on its own.
"""
from msshim._lazy import lazy_attributes

_TABLE = {"Model": "msshim.train.model", "serialization": "msshim.train.serialization"}
_TABLE.update({name: "msshim.train.serialization" for name in (
    "ckpt_to_safetensors", "export", "load", "load_checkpoint", "load_checkpoint_async", "load_param_into_net",
    "merge_sliced_parameter", "safetensors_to_ckpt", "save_checkpoint")})
_TABLE.update({name: "msshim.train.callback" for name in (
    "Callback", "CheckpointConfig", "EarlyStopping", "History", "LambdaCallback", "LearningRateScheduler",
    "LossMonitor", "ModelCheckpoint", "ReduceLROnPlateau", "RunContext", "TimeMonitor", "callback")})
_TABLE.update({name: "msshim.train.dataset_helper" for name in (
    "DatasetHelper", "connect_network_with_dataset", "dataset_helper")})
_TABLE.update({name: "msshim.train.loss_scale_manager" for name in (
    "DynamicLossScaleManager", "FixedLossScaleManager", "LossScaleManager")})
_TABLE.update({"amp": "msshim.train.amp", "build_train_network": "msshim.train.amp",
               "loss_scale_manager": "msshim.train.loss_scale_manager"})

_TABLE.update({name: "msshim.train.metrics" for name in (
    "Accuracy", "BleuScore", "ConfusionMatrix", "ConfusionMatrixMetric", "CosineSimilarity", "Dice", "F1", "Fbeta",
    "HausdorffDistance", "Loss", "MAE", "MSE", "MeanSurfaceDistance", "Metric", "OcclusionSensitivity",
    "Perplexity", "Precision", "ROC", "Recall", "RootMeanSquareDistance", "Top1CategoricalAccuracy",
    "Top5CategoricalAccuracy", "TopKCategoricalAccuracy", "auc", "get_metric_fn", "names", "rearrange_inputs")})
_TABLE["metrics"] = "msshim.train.metrics"

__getattr__, __dir__ = lazy_attributes(__name__, _TABLE, globals())
