"""``mindspore.ops.operations``: primitive operator classes (``P.Add()``, ``P.ReduceMean(keep_dims=True)``)."""
from msshim.ops.operations.array_ops import *  # noqa: F401,F403
from msshim.ops.operations.math_ops import *  # noqa: F401,F403
from msshim.ops.operations.nn_ops import *  # noqa: F401,F403
from msshim.ops.operations.nn_layer_ops import *  # noqa: F401,F403
from msshim.ops.operations.state_debug_ops import *  # noqa: F401,F403
from msshim.ops.operations.random_ops import *  # noqa: F401,F403
from msshim.ops.operations.extra_ops import *  # noqa: F401,F403
from msshim.ops.operations.comm_ops import *  # noqa: F401,F403
