"""``mindspore.ops`` functional operators (``ops.relu``, ``ops.concat``, ...), grouped by kind."""
from msshim.ops.function.creation_func import *  # noqa: F401,F403
from msshim.ops.function.array_func import *  # noqa: F401,F403
from msshim.ops.function.index_func import *  # noqa: F401,F403
from msshim.ops.function.math_func import *  # noqa: F401,F403
from msshim.ops.function.reduce_func import *  # noqa: F401,F403
from msshim.ops.function.linalg_func import *  # noqa: F401,F403
from msshim.ops.function.nn_func import *  # noqa: F401,F403
from msshim.ops.function.loss_func import *  # noqa: F401,F403
from msshim.ops.function.conv_func import *  # noqa: F401,F403
from msshim.ops.function.resize_func import *  # noqa: F401,F403
from msshim.ops.function.random_func import *  # noqa: F401,F403
from msshim.ops.function.extra_func import *  # noqa: F401,F403
from msshim.ops.function.grad_func import *  # noqa: F401,F403
