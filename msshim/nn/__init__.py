"""``mindspore.nn``: Cell, containers and layers."""
from msshim.nn.cell import Cell
from msshim.nn.layer import *  # noqa: F401,F403
from msshim.nn.layer import get_activation  # noqa: F401
