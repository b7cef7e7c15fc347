"""``mindspore.common``: dtype, Tensor, Parameter, initializer, seed and jit."""
from msshim.common import dtype
from msshim.common.api import jit, jit_class, ms_function
from msshim.common.dtype import *  # noqa: F401,F403
from msshim.common.parameter import Parameter, ParameterTuple
from msshim.common.seed import get_seed, set_seed
from msshim.common.tensor import Tensor
