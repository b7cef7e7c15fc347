"""``mindspore.train``: Model, callbacks and metrics."""
from msshim.train.model import Model  # noqa: F401
