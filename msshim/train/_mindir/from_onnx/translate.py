"""``from_onnx``: the walk over the ONNX graph in topological order, folding what is constant and translating
the rest through ``TRANSLATORS``."""
from __future__ import annotations

import onnx

from msshim.train._mindir.builder import MindIRBuilder

from . import ops_activation, ops_conv_pool, ops_linear, ops_math, ops_norm, ops_shape
from .context import OnnxContext, Unsupported
from .folding import _fold, _skeleton, _static_graph
from .registry import TRANSLATORS

# Importing the families registers their translators.
FAMILIES = (ops_math, ops_activation, ops_linear, ops_conv_pool, ops_norm, ops_shape)


def _graph_name(model: onnx.ModelProto, graph_name: str | None) -> str:
    name = graph_name or model.graph.name or "onnx_graph"
    return name.replace(":", "_")


def from_onnx(model: onnx.ModelProto, graph_name: str | None = None):
    """Translate ``model`` into a ``mind_ir.ModelProto`` that MindSpore 2.10 loads with ``mindspore.load``.

    ValueError for a model that cannot be converted (unsupported operators, all listed) or is malformed (a
    value used before it is defined, an unknown data type, a node without its inputs: corrupted files)."""
    if not isinstance(model, onnx.ModelProto):
        raise TypeError(f"from_onnx expects an onnx.ModelProto, but got {type(model).__name__}.")
    try:
        return _translate(model, graph_name)
    except (KeyError, IndexError, TypeError, AttributeError, onnx.checker.ValidationError) as e:
        raise ValueError(f"The ONNX model is invalid ({type(e).__name__}: {e}).") from None


def _translate(model: onnx.ModelProto, graph_name: str | None):
    skeleton, weights = _skeleton(model)
    inferred, folded = _static_graph(skeleton)
    b = MindIRBuilder(_graph_name(model, graph_name))
    ctx = OnnxContext(inferred, b, folded, weights)
    initializers = {t.name for t in model.graph.initializer}
    for value in model.graph.input:
        if value.name in initializers:
            continue  # keep_initializers_as_inputs: an initializer listed as input stays a parameter
        if value.name not in ctx.shapes:
            raise ValueError(f"ONNX input '{value.name}' has no static shape; MindIR conversion needs one.")
        ctx.set(value.name, b.add_input(value.name, ctx.shapes[value.name], ctx.dtype(value.name)))

    problems: dict[str, list[str]] = {}
    poisoned: set[str] = set()
    for node in inferred.graph.node:
        if any(n in poisoned for n in node.input):  # downstream of a failure: only a missing op is news
            poisoned.update(node.output)
            if node.op_type not in TRANSLATORS or node.domain not in ("", "ai.onnx"):
                problems.setdefault(node.op_type, []).append(f"{node.name or node.output[0]}: no translator")
            continue
        if _fold(ctx, node):
            continue
        translator = TRANSLATORS.get(node.op_type) if node.domain in ("", "ai.onnx") else None
        try:
            if translator is None:
                raise Unsupported("no translator")
            outputs = translator(ctx, node)
        except (KeyError, IndexError, TypeError, AttributeError) as e:  # inputs or attributes of the wrong kind
            raise ValueError(f"The ONNX model is invalid: node '{node.name or node.output[0]}' ({node.op_type}) "
                             f"cannot take its inputs or attributes ({type(e).__name__}: {e}).") from None
        except Unsupported as reason:
            problems.setdefault(node.op_type, []).append(f"{node.name or node.output[0]}: {reason}")
            poisoned.update(node.output)
            continue
        for name, value in zip(node.output, [outputs] if isinstance(outputs, str) else outputs):
            if name:
                ctx.set(name, value)
    if problems:
        listed = "; ".join(f"{op} ({len(nodes)} node{'s' if len(nodes) > 1 else ''}: {nodes[0]})"
                           for op, nodes in sorted(problems.items()))
        raise ValueError(f"The ONNX model cannot be converted to MindIR, unsupported operators: {listed}.")

    outputs, types = [], []
    for value in model.graph.output:
        outputs.append(ctx.tensor(value.name))
        if value.name not in ctx.shapes:
            raise ValueError(f"ONNX output '{value.name}' has no static shape; MindIR conversion needs one.")
        types.append((ctx.shapes[value.name], ctx.dtype(value.name)))
    b.set_outputs(outputs, types)
    return b.finish()
