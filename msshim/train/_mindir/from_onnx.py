"""ONNX -> MindIR: rewrite an ``onnx.ModelProto`` as MindSpore 2.10 primitives (``from_onnx``).

The walk is in ONNX's topological node order.  Every value is one of
* a *parameter*: a floating-point initializer with at least one dimension, written as a MindIR parameter under
  its initializer name (MindSpore's ONNX exporter and msshim's name initializers by the parameter's name), and
  only when a translated node uses it as a tensor;
* a *constant*: a Constant node, a non-parameter initializer, a ``Shape`` of a statically shaped value, or the
  result of any node whose inputs are all constants (evaluated with onnx's reference evaluator) — this folds
  the shape arithmetic torch's exporter writes (Shape/Gather/Unsqueeze/Concat -> Reshape);
* a *tensor*: the output of a translated node (the translators live in ``onnx_translators.py``, one per op).
Shapes and dtypes come from ONNX shape inference; the graph must have static shapes.  A model with operators
that cannot be translated raises one ValueError listing every such operator.
"""
from __future__ import annotations

import numpy as np
import onnx
from onnx import numpy_helper

from msshim.train._mindir.builder import MindIRBuilder


class Unsupported(Exception):
    """Raised by a translator for a node it cannot express (message: what exactly)."""


class OnnxContext:
    """What translators see: the builder, and value lookup by ONNX name."""

    def __init__(self, model: onnx.ModelProto, builder: MindIRBuilder | None, folded: frozenset = frozenset(),
                 weights: tuple = ()):
        self.b = builder
        self.opset = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), 11)
        self.values: dict[str, str] = {}
        self.consts: dict[str, np.ndarray] = {}
        self.params: dict[str, np.ndarray] = {}
        self.shapes: dict[str, tuple] = {}
        self.dtypes: dict[str, np.dtype] = {}
        for info in list(model.graph.value_info) + list(model.graph.input) + list(model.graph.output):
            _record_type(self, info)
        for init in list(model.graph.initializer) + list(weights):
            array = numpy_helper.to_array(init)
            if np.issubdtype(array.dtype, np.floating) and array.ndim >= 1 and init.name not in folded:
                self.params[init.name] = array
            else:
                self.consts[init.name] = array
            self.shapes[init.name], self.dtypes[init.name] = array.shape, array.dtype

    # ------------------------------------------------------------------------------------------- lookup
    def tensor(self, name: str) -> str:
        """The MindIR value for ONNX value ``name`` (parameters and constants are materialised on demand)."""
        if name in self.values:
            return self.values[name]
        if name in self.params:
            self.values[name] = self.b.add_parameter(name, self.params[name])
            return self.values[name]
        if name in self.consts:
            return self.b.constant(np.ascontiguousarray(self.consts[name]))
        raise KeyError(name)

    def const(self, name: str) -> np.ndarray | None:
        """The value of a constant input (None for a missing optional input or a non-constant)."""
        if not name:
            return None
        return self.consts.get(name)

    def is_const(self, name: str) -> bool:
        return name in self.consts

    def shape(self, name: str) -> tuple:
        if name not in self.shapes:
            raise Unsupported(f"value '{name}' has no static shape")
        return self.shapes[name]

    def dtype(self, name: str) -> np.dtype:
        return self.dtypes.get(name, np.dtype(np.float32))

    def set(self, name: str, value: str) -> None:
        self.values[name] = value


def _record_type(ctx: OnnxContext, info: onnx.ValueInfoProto) -> None:
    t = info.type.tensor_type
    if not t.HasField("elem_type") or t.elem_type == 0:
        return
    ctx.dtypes[info.name] = np.dtype(onnx.helper.tensor_dtype_to_np_dtype(t.elem_type))
    if t.HasField("shape"):
        dims = [d.dim_value if d.HasField("dim_value") else None for d in t.shape.dim]
        if all(d is not None for d in dims):
            ctx.shapes[info.name] = tuple(int(d) for d in dims)


def _fold(ctx: OnnxContext, node: onnx.NodeProto) -> bool:
    """Evaluate ``node`` when all its inputs are constants (or it reads a static shape)."""
    if node.op_type == "Shape" and node.input[0] in ctx.shapes and not _shape_slice(node):
        ctx.consts[node.output[0]] = np.array(ctx.shapes[node.input[0]], dtype=np.int64)
        return True
    if node.op_type == "Shape" and node.input[0] in ctx.shapes:
        start, end = _shape_slice(node)
        ctx.consts[node.output[0]] = np.array(ctx.shapes[node.input[0]][start:end], dtype=np.int64)
        return True
    if node.domain not in ("", "ai.onnx") or any(n and n not in ctx.consts for n in node.input):
        return False
    if node.op_type == "Constant" and node.attribute and node.attribute[0].name == "value":
        array = numpy_helper.to_array(node.attribute[0].t)
        ctx.consts[node.output[0]], ctx.shapes[node.output[0]] = array, array.shape
        ctx.dtypes[node.output[0]] = array.dtype
        return True
    from onnx.reference import ReferenceEvaluator

    feeds = {n: ctx.consts[n] for n in node.input if n}
    try:
        results = ReferenceEvaluator(node).run(None, feeds)
    except Exception:  # noqa: BLE001 - an op the evaluator cannot run is translated instead
        return False
    for name, value in zip(node.output, results):
        if name:
            array = np.asarray(value)
            ctx.consts[name], ctx.shapes[name], ctx.dtypes[name] = array, array.shape, array.dtype
    return True


def _shape_slice(node: onnx.NodeProto):
    attrs = {a.name: a.i for a in node.attribute}
    if "start" not in attrs and "end" not in attrs:
        return None
    return attrs.get("start", 0), attrs.get("end", None)


def _infer(model: onnx.ModelProto) -> onnx.ModelProto:
    try:
        return onnx.shape_inference.infer_shapes(model, data_prop=True)
    except Exception:  # noqa: BLE001 - translators report the values whose shapes they miss
        return model


_FLOAT_CODES = {onnx.TensorProto.FLOAT, onnx.TensorProto.FLOAT16, onnx.TensorProto.DOUBLE,
                onnx.TensorProto.BFLOAT16}


def _skeleton(model: onnx.ModelProto) -> tuple[onnx.ModelProto, tuple]:
    """The model without its weights (floating initializers with dimensions, the future parameters), which
    become typed graph inputs instead: shape inference and folding then never copy or serialise the weights
    (a model over 2 GiB cannot be serialised for ONNX shape inference at all).  Returns it and the weights."""
    graph = model.graph
    weights = tuple(t for t in graph.initializer if t.data_type in _FLOAT_CODES and len(t.dims) >= 1)
    names = {i.name for i in graph.input}
    inputs = list(graph.input) + [onnx.helper.make_tensor_value_info(t.name, t.data_type, list(t.dims))
                                  for t in weights if t.name not in names]
    weight_names = {t.name for t in weights}
    skeleton = onnx.helper.make_model(
        onnx.helper.make_graph(list(graph.node), graph.name, inputs, list(graph.output),
                               initializer=[t for t in graph.initializer if t.name not in weight_names],
                               value_info=list(graph.value_info)),
        opset_imports=list(model.opset_import), ir_version=model.ir_version)
    skeleton.functions.extend(model.functions)
    return skeleton, weights


def _static_graph(model: onnx.ModelProto, rounds: int = 8) -> tuple[onnx.ModelProto, frozenset]:
    """Shape inference and constant folding to a fixed point; returns the model and the names of the
    initializers that hold folded constants (not parameters).

    ONNX shape inference cannot see through shape arithmetic that ends in a runtime value (torch's ``chunk``
    writes Slice(starts = Shape/Gather/Div...)); once folded, those values are constants, so the folded nodes
    are replaced by initializers (which inference reads) and inference runs again, until nothing new folds."""
    current = _infer(model)
    folded: set[str] = set()
    for _ in range(rounds):
        ctx = OnnxContext(current, None, frozenset(folded))
        nodes, values = [], []
        for node in current.graph.node:
            if node.op_type == "Constant":  # known already: kept as it is
                _fold(ctx, node)
                nodes.append(node)
            elif _fold(ctx, node):
                values += [numpy_helper.from_array(np.ascontiguousarray(ctx.consts[out]), out)
                           for out in node.output if out]
            else:
                nodes.append(node)
        if not values:
            return current, frozenset(folded)
        folded.update(v.name for v in values)
        rewritten = onnx.ModelProto()
        rewritten.CopyFrom(current)
        del rewritten.graph.node[:]
        rewritten.graph.node.extend(nodes)
        rewritten.graph.initializer.extend(values)
        del rewritten.graph.value_info[:]
        current = _infer(rewritten)
    return current, frozenset(folded)


def _graph_name(model: onnx.ModelProto, graph_name: str | None) -> str:
    name = graph_name or model.graph.name or "onnx_graph"
    return name.replace(":", "_")


def from_onnx(model: onnx.ModelProto, graph_name: str | None = None):
    """Translate ``model`` into a ``mind_ir.ModelProto`` that MindSpore 2.10 loads with ``mindspore.load``."""
    from msshim.train._mindir.onnx_translators import TRANSLATORS

    if not isinstance(model, onnx.ModelProto):
        raise TypeError(f"from_onnx expects an onnx.ModelProto, but got {type(model).__name__}.")
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
