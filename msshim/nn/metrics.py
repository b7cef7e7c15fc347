"""``mindspore.nn.metrics``: the metrics of ``mindspore.train.metrics``, re-exported (as MindSpore does, with
``get_metrics`` third in ``__all__``); the names are listed once, in ``msshim.train.metrics``."""
from msshim.train import metrics as _metrics

__all__ = list(_metrics.__all__)
__all__.insert(2, "get_metrics")
globals().update((_name, getattr(_metrics, _name)) for _name in __all__)
