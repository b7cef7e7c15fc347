"""``mindspore.nn.wrap``: training and evaluation wrappers."""
from msshim.nn.wrap.cell_wrapper import *  # noqa: F401,F403
from msshim.nn.wrap.loss_scale import *  # noqa: F401,F403
from msshim.nn.wrap.grad_reducer import *  # noqa: F401,F403
