"""``mindspore.nn.loss``: loss cells.  The public names are listed once, in ``loss.py`` (``mindspore.nn.loss.loss``),
and re-exported here."""
from msshim.nn.loss import loss as _loss

__all__ = list(_loss.__all__)
globals().update((_name, getattr(_loss, _name)) for _name in __all__)
