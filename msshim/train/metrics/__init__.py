"""``mindspore.train.metrics``: evaluation metrics (numpy-based, as in MindSpore) and the name registry
``Model(metrics={'accuracy', ...})`` resolves through :func:`get_metrics`."""
from msshim.train.metrics.accuracy import Accuracy
from msshim.train.metrics.auc import auc
from msshim.train.metrics.bleu_score import BleuScore
from msshim.train.metrics.confusion_matrix import ConfusionMatrix, ConfusionMatrixMetric
from msshim.train.metrics.cosine_similarity import CosineSimilarity
from msshim.train.metrics.dice import Dice
from msshim.train.metrics.error import MAE, MSE
from msshim.train.metrics.fbeta import F1, Fbeta
from msshim.train.metrics.hausdorff_distance import HausdorffDistance
from msshim.train.metrics.loss import Loss
from msshim.train.metrics.mean_surface_distance import MeanSurfaceDistance
from msshim.train.metrics.metric import Metric, rearrange_inputs
from msshim.train.metrics.occlusion_sensitivity import OcclusionSensitivity
from msshim.train.metrics.perplexity import Perplexity
from msshim.train.metrics.precision import Precision
from msshim.train.metrics.recall import Recall
from msshim.train.metrics.roc import ROC
from msshim.train.metrics.root_mean_square_surface_distance import RootMeanSquareDistance
from msshim.train.metrics.topk import Top1CategoricalAccuracy, Top5CategoricalAccuracy, TopKCategoricalAccuracy

__all__ = [
    "names", "get_metric_fn", "Accuracy", "MAE", "MSE", "Metric", "rearrange_inputs", "Precision",
    "HausdorffDistance", "Recall", "Fbeta", "BleuScore", "CosineSimilarity", "OcclusionSensitivity", "F1", "Dice",
    "ROC", "auc", "TopKCategoricalAccuracy", "Top1CategoricalAccuracy", "Top5CategoricalAccuracy", "Loss",
    "MeanSurfaceDistance", "RootMeanSquareDistance", "Perplexity", "ConfusionMatrix", "ConfusionMatrixMetric",
]

__factory__ = {
    "accuracy": Accuracy,
    "acc": Accuracy,
    "precision": Precision,
    "recall": Recall,
    "F1": F1,
    "dice": Dice,
    "roc": ROC,
    "auc": auc,
    "bleu_score": BleuScore,
    "cosine_similarity": CosineSimilarity,
    "occlusion_sensitivity": OcclusionSensitivity,
    "topk": TopKCategoricalAccuracy,
    "hausdorff_distance": HausdorffDistance,
    "top_1_accuracy": Top1CategoricalAccuracy,
    "top_5_accuracy": Top5CategoricalAccuracy,
    "mae": MAE,
    "mse": MSE,
    "loss": Loss,
    "mean_surface_distance": MeanSurfaceDistance,
    "root_mean_square_distance": RootMeanSquareDistance,
    "perplexity": Perplexity,
    "confusion_matrix": ConfusionMatrix,
    "confusion_matrix_metric": ConfusionMatrixMetric,
}


def names():
    """The metric names :func:`get_metric_fn` knows, sorted."""
    return sorted(__factory__.keys())


def get_metric_fn(name, *args, **kwargs):
    """A new metric (or, for 'auc', the function) by name; KeyError for unknown names."""
    if name not in __factory__:
        raise KeyError(f"For 'get_metric_fn', unsupported metric {name}, please refer to official website "
                       f"for more details about supported metrics.")
    return __factory__[name](*args, **kwargs)


def get_metrics(metrics):
    """``Model``'s metrics argument as ``{name: Metric}``: None stays None, a dict of Metric instances is kept,
    a set of names is instantiated; anything else is a TypeError."""
    if metrics is None:
        return metrics
    if isinstance(metrics, dict):
        for name, metric in metrics.items():
            if not isinstance(name, str) or not isinstance(metric, Metric):
                raise TypeError(f"For 'get_metrics', if 'metrics' is dict, the key in 'metrics' must be string and "
                                f"value in 'metrics' must be Metric, but got key:{type(name)}, value:{type(metric)}.")
        return metrics
    if isinstance(metrics, set):
        return {name: get_metric_fn(name) for name in metrics}
    raise TypeError("For 'get_metrics', the argument 'metrics' must be None, dict or set, "
                    "but got {}".format(metrics))
