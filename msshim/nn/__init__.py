"""``mindspore.nn``: Cell, containers, layers, losses and wrappers."""
from msshim.nn.cell import Cell
from msshim.nn.layer import *  # noqa: F401,F403
from msshim.nn.layer import get_activation  # noqa: F401
from msshim.nn.loss import *  # noqa: F401,F403
from msshim.nn.wrap import *  # noqa: F401,F403
from msshim.nn.optim import *  # noqa: F401,F403
from msshim.nn.learning_rate_schedule import *  # noqa: F401,F403
from msshim.nn.dynamic_lr import *  # noqa: F401,F403
from msshim._lazy import lazy_attributes

# Metrics live in mindspore.train.metrics, which itself uses nn: loaded on first use to keep imports acyclic.
_METRICS = ("names", "get_metric_fn", "get_metrics", "Accuracy", "MAE", "MSE", "Metric", "rearrange_inputs",
            "Precision", "HausdorffDistance", "Recall", "Fbeta", "BleuScore", "CosineSimilarity",
            "OcclusionSensitivity", "F1", "Dice", "ROC", "auc", "TopKCategoricalAccuracy", "Top1CategoricalAccuracy",
            "Top5CategoricalAccuracy", "Loss", "MeanSurfaceDistance", "RootMeanSquareDistance", "Perplexity",
            "ConfusionMatrix", "ConfusionMatrixMetric")
__getattr__, __dir__ = lazy_attributes(__name__, {name: "msshim.nn.metrics" for name in _METRICS} | {
    "metrics": "msshim.nn.metrics", "GraphCell": "msshim.nn.graph_cell"}, globals())
