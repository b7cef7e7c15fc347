"""``mindspore.nn.wrap``: training and evaluation wrappers."""
from msshim.nn.wrap.cell_wrapper import *  # noqa: F401,F403
