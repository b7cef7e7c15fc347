"""msshim: the MindSpore 2.10 API running on PyTorch.

``import msshim as ms`` is ``import mindspore``; ``msshim.install_as_mindspore()`` makes unchanged
MindSpore code import msshim.  Cells are ``torch.nn.Module`` objects and Tensors wrap torch tensors.
"""
from msshim.common import dtype
from msshim.common.dtype import *  # noqa: F401,F403
from msshim.common.dtype import bool_, float16, float32, float64, bfloat16  # noqa: F401
from msshim.common.api import jit, jit_class, ms_function
from msshim.common.parameter import Parameter, ParameterTuple
from msshim.common.seed import get_seed, set_seed
from msshim.common.tensor import Tensor
from msshim.common.initializer import initializer
from msshim import context
from msshim.context import (COMPATIBLE, GRAPH_MODE, LAX, PYNATIVE_MODE, STRICT, ParallelMode, get_auto_parallel_context,
                            get_context, reset_auto_parallel_context, set_auto_parallel_context, set_context,
                            set_device)
from msshim import common, nn, ops, train
from msshim.train.serialization import (ckpt_to_safetensors, load_checkpoint, load_checkpoint_async,
                                        load_param_into_net, safetensors_to_ckpt, save_checkpoint)
from msshim._alias import install_as_mindspore, uninstall_as_mindspore

__version__ = "2.10.0"  # the MindSpore API level msshim provides (scripts check mindspore.__version__)
MSSHIM_VERSION = "0.1.0"
