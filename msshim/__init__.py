"""msshim: the MindSpore 2.10 API running on PyTorch.

``import msshim as ms`` is ``import mindspore``; ``msshim.install_as_mindspore()`` makes unchanged
MindSpore code import msshim.  Cells are ``torch.nn.Module`` objects and Tensors wrap torch tensors.

Public names are loaded on first use (see ``msshim/_lazy.py``), so tools that only need the framework-free
checkpoint format (``msshim.train.ckpt_format``) do not import torch.
"""
from msshim._alias import install_as_mindspore, uninstall_as_mindspore
from msshim._lazy import lazy_attributes

__version__ = "2.10.0"  # the MindSpore API level msshim provides (scripts check mindspore.__version__)
MSSHIM_VERSION = "0.1.0"

_DTYPE_NAMES = ("Type", "Int", "UInt", "Float", "BFloat", "Bool", "Complex", "String", "TensorType", "bool_", "int8",
                "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float16", "float32", "float64",
                "bfloat16", "complex64", "complex128", "string", "tensor_type", "half", "single", "double", "float_",
                "int_", "intc", "intp", "long", "short", "byte", "uint", "uintc", "uintp", "ubyte", "ushort", "cfloat",
                "cdouble", "int_type", "uint_type", "float_type", "signed_type", "complex_type", "number_type",
                "all_types", "dtype_to_nptype", "dtype_to_pytype", "pytype_to_dtype", "get_py_obj_dtype",
                "type_size_in_bytes", "np_bfloat16", "bool")
_CONTEXT_NAMES = ("COMPATIBLE", "GRAPH_MODE", "LAX", "PYNATIVE_MODE", "STRICT", "ParallelMode",
                  "get_auto_parallel_context", "get_context", "reset_auto_parallel_context",
                  "set_auto_parallel_context", "set_context", "set_device")
_SERIALIZATION_NAMES = ("ckpt_to_safetensors", "export", "load", "load_checkpoint", "load_checkpoint_async",
                        "load_param_into_net", "merge_sliced_parameter", "safetensors_to_ckpt", "save_checkpoint")

_TABLE = {name: "msshim.common.dtype" for name in _DTYPE_NAMES}
_TABLE.update({name: "msshim.context" for name in _CONTEXT_NAMES})
_TABLE.update({name: "msshim.train.serialization" for name in _SERIALIZATION_NAMES})
_TABLE["onnx"] = "msshim.onnx"
_TABLE["communication"] = "msshim.communication"
_TABLE.update({
    "grad": "msshim.ops.function.grad_func", "value_and_grad": "msshim.ops.function.grad_func",
    "dtype": "msshim.common.dtype", "jit": "msshim.common.api", "jit_class": "msshim.common.api",
    "ms_function": "msshim.common.api", "Parameter": "msshim.common.parameter",
    "ParameterTuple": "msshim.common.parameter", "get_seed": "msshim.common.seed", "set_seed": "msshim.common.seed",
    "Tensor": "msshim.common.tensor", "initializer": "msshim.common.initializer", "context": "msshim.context",
    "common": "msshim.common", "nn": "msshim.nn", "ops": "msshim.ops", "train": "msshim.train",
    "dataset": "msshim.dataset", "amp": "msshim.amp",
})

# ``from mindspore.train import *`` in MindSpore's top level: Model, callbacks, metrics, loss scale managers...
# (``amp`` stays the top-level ``mindspore.amp`` module, not ``mindspore.train.amp``)
from msshim.train import _TABLE as _TRAIN_TABLE  # noqa: E402

_TRAIN_SUBMODULES = ("amp", "metrics", "callback", "serialization", "dataset_helper", "loss_scale_manager")
_TABLE.update({name: module for name, module in _TRAIN_TABLE.items()
               if name not in _TABLE and name not in _TRAIN_SUBMODULES and name != "get_metrics"})

__getattr__, __dir__ = lazy_attributes(__name__, _TABLE, globals())
