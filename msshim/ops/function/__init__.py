"""``mindspore.ops`` functional operators (``ops.relu``, ``ops.concat``, ...), grouped by kind."""
from msshim.ops.function.array_func import *  # noqa: F401,F403
from msshim.ops.function.math_func import *  # noqa: F401,F403
from msshim.ops.function.nn_func import *  # noqa: F401,F403
