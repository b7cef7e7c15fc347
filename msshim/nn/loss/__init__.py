"""``mindspore.nn.loss``: loss cells."""
from msshim.nn.loss.loss import *  # noqa: F401,F403
