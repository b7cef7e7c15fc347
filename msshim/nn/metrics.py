"""``mindspore.nn.metrics``: the metrics of ``mindspore.train.metrics``, re-exported (as MindSpore does)."""
from msshim.train.metrics import (ROC, BleuScore, ConfusionMatrix, ConfusionMatrixMetric, CosineSimilarity, Dice, F1,
                                  Fbeta, HausdorffDistance, Loss, MAE, MeanSurfaceDistance, Metric, MSE,
                                  OcclusionSensitivity, Perplexity, Precision, Recall, RootMeanSquareDistance,
                                  Top1CategoricalAccuracy, Top5CategoricalAccuracy, TopKCategoricalAccuracy, Accuracy,
                                  auc, get_metric_fn, get_metrics, names, rearrange_inputs)

__all__ = [
    "names", "get_metric_fn", "get_metrics", "Accuracy", "MAE", "MSE", "Metric", "rearrange_inputs", "Precision",
    "HausdorffDistance", "Recall", "Fbeta", "BleuScore", "CosineSimilarity", "OcclusionSensitivity", "F1", "Dice",
    "ROC", "auc", "TopKCategoricalAccuracy", "Top1CategoricalAccuracy", "Top5CategoricalAccuracy", "Loss",
    "MeanSurfaceDistance", "RootMeanSquareDistance", "Perplexity", "ConfusionMatrix", "ConfusionMatrixMetric",
]
