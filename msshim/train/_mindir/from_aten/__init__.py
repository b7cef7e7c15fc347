"""msshim Cell -> MindIR graph: trace with ``torch.export`` and translate the ATen graph into MindSpore primitives.

The Cell is traced in eval mode with torch tensors (Cells give torch semantics to torch inputs), without
decompositions: torch.export keeps the high-level ops (aten.linear, aten.conv2d, aten.batch_norm,
aten.layer_norm, aten.group_norm ...) which map one-to-one onto what MindSpore itself writes for the same
layers (MatMul+BiasAdd, Conv2D, BatchNorm, LayerNorm ...).  Lower-level spellings that some code paths
produce (addmm, convolution, _native_batch_norm_legit_no_training, ...) have translators too.

``build_model(net, inputs)`` is the entry point.  Layout: capture.py (torch.export capture and graph/input/
parameter naming), translate.py (the translator walking the graph), registry.py (``TABLE``, one translator
per ATen op, and the argument helpers), values.py (lazy values), and the per-family op modules ops_plumbing /
ops_linear / ops_conv_pool / ops_norm / ops_activation / ops_math / ops_shape, which register on import.
"""
from .capture import construct_arg_names, graph_name, mindspore_parameter_names, trace
from .registry import TABLE, UnsupportedOpsError
from .translate import build_model

__all__ = ["build_model", "TABLE", "UnsupportedOpsError", "construct_arg_names", "graph_name",
           "mindspore_parameter_names", "trace"]
