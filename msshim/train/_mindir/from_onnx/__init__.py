"""ONNX -> MindIR: rewrite an ``onnx.ModelProto`` as MindSpore 2.10 primitives (``from_onnx``).

The walk is in ONNX's topological node order.  Every value is one of
* a *parameter*: a floating-point initializer with at least one dimension, written as a MindIR parameter under
  its initializer name (MindSpore's ONNX exporter and msshim's name initializers by the parameter's name), and
  only when a translated node uses it as a tensor;
* a *constant*: a Constant node, a non-parameter initializer, a ``Shape`` of a statically shaped value, or the
  result of any node whose inputs are all constants (evaluated with onnx's reference evaluator) — this folds
  the shape arithmetic torch's exporter writes (Shape/Gather/Unsqueeze/Concat -> Reshape);
* a *tensor*: the output of a translated node (the translators live in the ops_* modules, one per op).
Shapes and dtypes come from ONNX shape inference; the graph must have static shapes.  A model with operators
that cannot be translated raises one ValueError listing every such operator.

Layout: context.py (``OnnxContext``, what translators see), folding.py (shape inference and constant folding),
registry.py (``TRANSLATORS`` and the helpers translators share), translate.py (``from_onnx``), and the per-family
translator modules ops_math / ops_activation / ops_linear / ops_conv_pool / ops_norm / ops_shape, which register
on import.
"""
from .context import OnnxContext, Unsupported
from .registry import TRANSLATORS, translates
from .translate import from_onnx

__all__ = ["from_onnx", "OnnxContext", "Unsupported", "TRANSLATORS", "translates"]
