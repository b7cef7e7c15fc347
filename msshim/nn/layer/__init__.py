"""``mindspore.nn.layer``: every built-in layer."""
from msshim.nn.layer.activation import *  # noqa: F401,F403
from msshim.nn.layer.activation import get_activation  # noqa: F401
from msshim.nn.layer.basic import Dense, Dropout, Flatten, Identity, Pad  # noqa: F401
from msshim.nn.layer.container import CellDict, CellList, SequentialCell  # noqa: F401
from msshim.nn.layer.conv import *  # noqa: F401,F403
from msshim.nn.layer.pooling import *  # noqa: F401,F403
from msshim.nn.layer.normalization import *  # noqa: F401,F403
from msshim.nn.layer.embedding import *  # noqa: F401,F403
from msshim.nn.layer.rnns import *  # noqa: F401,F403
from msshim.nn.layer.transformer import *  # noqa: F401,F403
