"""Static shapes for ONNX -> MindIR: ONNX shape inference and constant folding to a fixed point, on the model
without its weights."""
from __future__ import annotations

import numpy as np
import onnx
from onnx import numpy_helper

from .context import OnnxContext


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
