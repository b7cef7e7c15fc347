"""``mindspore.nn``: Cell, containers, layers, losses and wrappers."""
from msshim.nn.cell import Cell
from msshim.nn.layer import *  # noqa: F401,F403
from msshim.nn.layer import get_activation  # noqa: F401
from msshim.nn.loss import *  # noqa: F401,F403
from msshim.nn.wrap import *  # noqa: F401,F403
from msshim.nn.optim import *  # noqa: F401,F403
from msshim.nn.learning_rate_schedule import *  # noqa: F401,F403
from msshim.nn.dynamic_lr import *  # noqa: F401,F403
from msshim.nn.metrics import *  # noqa: F401,F403
