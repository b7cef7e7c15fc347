"""MindIR ``ModelProto`` -> ONNX ``ModelProto``.

Naming contract (``msshim convert`` and GraphCell rely on it): initializers are the MindSpore parameter names
(``ref_key``), graph inputs the ``construct`` argument names (the part after "<graph>:"), outputs follow the
MindIR outputs in order (a tuple output becomes several ONNX outputs, nested tuples flattened).

Every node is first resolved to its primitive; if any primitive has no translator the whole file is rejected
with one :class:`UnsupportedPrimitivesError` naming all of them.
"""
from __future__ import annotations

import json
from typing import Any

import numpy as np
import onnx
from onnx import helper

from msshim._proto import mind_ir_pb2 as pb

from . import ops_array, ops_math, ops_nn, ops_plumbing
from .emitter import OPSET, Emitter, onnx_dtype
from .registry import TRANSLATORS, Call, Const, TranslateError
from .values import MONAD, TypeSpec, attribute_value, parameter_name, short_name, tensor_array, tensor_spec

# Importing the families registers their translators.
FAMILIES = (ops_plumbing, ops_math, ops_nn, ops_array)

__all__ = ["to_onnx", "UnsupportedPrimitivesError", "primitives_used", "resolve_primitive", "OUTPUT_STRUCTURE"]


class UnsupportedPrimitivesError(RuntimeError):
    """The MindIR uses primitives msshim has no onnxruntime translation for; ``primitives`` lists them all."""

    def __init__(self, primitives: list[str]):
        self.primitives = primitives
        super().__init__("The MindIR uses primitives that msshim cannot run on onnxruntime: "
                         + ", ".join(primitives) + ".")


def resolve_primitive(op_type: str, table: dict[str, pb.PrimitiveProto]) -> tuple[str, dict]:
    """(primitive op name, primitive attributes) of a node's ``op_type`` ("REF::Conv2D:4" or bare "MatMul")."""
    if op_type.startswith("REF::"):
        ref = op_type[5:]
        prim = table.get(ref)
        if prim is None:
            return "FuncGraph call " + ref, {}
        attrs = {}
        for a in prim.attribute:
            if a.name in ("input_names", "output_names"):
                continue
            try:
                attrs[a.name] = attribute_value(a)
            except ValueError:
                pass  # an attribute no translator reads
        return prim.op_type, attrs
    return op_type, {}


def primitives_used(model: pb.ModelProto) -> list[str]:
    """Primitive names the main graph applies, in first-use order (Constant nodes excluded)."""
    table = {p.name: p for p in model.primitives}
    seen: dict[str, None] = {}
    for node in model.graph.node:
        if node.op_type != "Constant":
            seen.setdefault(resolve_primitive(node.op_type, table)[0], None)
    return list(seen)


def _node_out(node: pb.NodeProto) -> Any:
    for a in node.attribute:
        if a.name == "shape":
            try:
                return attribute_value(a)
            except ValueError:
                return None
    return None


def _flatten(value: Any) -> list:
    if isinstance(value, tuple):
        return [leaf for item in value for leaf in _flatten(item)]
    return [value]


def _record(em: Emitter, value: Any, spec: Any) -> None:
    """Attach a node's recorded output type(s) to the tensors a translator returned."""
    if isinstance(value, str) and isinstance(spec, TypeSpec):
        em.record(value, spec)
    elif isinstance(value, tuple) and isinstance(spec, tuple) and len(value) == len(spec):
        for v, s in zip(value, spec):
            _record(em, v, s)


def _small_integer(param: pb.TensorProto) -> bool:
    spec = tensor_spec(param)
    return spec.dtype is not None and spec.dtype.kind in "iub" and int(np.prod(spec.shape, dtype=np.int64)) <= 64


def _translate_node(em, node, table, values: dict, graph_name: str) -> None:
    """Translates one node, recording its result under its output names in ``values``."""
    if node.op_type == "Constant":
        value = attribute_value(node.attribute[0]) if node.attribute else None
        for out in node.output:
            values[out] = Const(value)
        return
    op, attrs = resolve_primitive(node.op_type, table)
    try:
        args = [values[name] for name in node.input]
    except KeyError as e:
        raise TranslateError(f"node '{node.name}' uses '{e.args[0]}' before it is defined") from None
    call = Call(op, args, attrs, _node_out(node), short_name(node.output[0], graph_name) if node.output else "")
    result = TRANSLATORS[op](em, call)
    _record(em, result, call.out)
    for out in node.output:
        values[out] = result


def to_onnx(model: pb.ModelProto, external_parameters: bool = False) -> onnx.ModelProto:
    """Translate a MindIR model into an equivalent ONNX model (opset 18).

    ``external_parameters=True`` leaves the parameters' data out: their initializers are EXTERNAL stubs
    (``emitter.external_initializers``) the caller supplies with ``SessionOptions.add_external_initializers``,
    as GraphCell does from its Parameters.  Small integer parameters stay inline (shape inference reads them)."""
    graph = model.graph
    table = {p.name: p for p in model.primitives}
    unsupported = [op for op in primitives_used(model) if op not in TRANSLATORS]
    if unsupported:
        raise UnsupportedPrimitivesError(unsupported)

    em = Emitter()
    values: dict[str, Any] = {}
    for inp in graph.input:
        if not inp.tensor:
            raise TranslateError(f"graph input '{inp.name}' has no tensor type")
        values[inp.name] = em.add_input(short_name(inp.name, graph.name), tensor_spec(inp.tensor[0]))
    for param in graph.parameter:
        if external_parameters and not _small_integer(param):
            values[param.name] = em.add_external(parameter_name(param), tensor_spec(param))
        else:
            values[param.name] = em.add_initializer(parameter_name(param), tensor_array(param))

    for node in graph.node:
        try:
            _translate_node(em, node, table, values, graph.name)
        except TranslateError:
            raise
        except (TypeError, ValueError, KeyError, IndexError, AttributeError) as e:  # a malformed (corrupt) node
            raise TranslateError(f"node '{node.name}' cannot be translated: {e}") from None

    outputs, structures = [], []
    for out in graph.output:
        if out.name not in values:
            raise TranslateError(f"graph output '{out.name}' is not produced by any node")
        value = _drop_monads(values[out.name])
        leaves = _flatten(value)
        structures.append(_structure(value, iter(range(len(outputs), len(outputs) + len(leaves)))))
        specs = [tensor_spec(t) for t in out.tensor] if len(out.tensor) == len(leaves) else [None] * len(leaves)
        for leaf, spec in zip(leaves, specs):
            outputs.append((leaf, spec))
    model = _finish(em, graph.name, outputs)
    structure = structures[0] if len(structures) == 1 else structures
    onnx.helper.set_model_props(model, {OUTPUT_STRUCTURE: json.dumps(structure)})
    return model


OUTPUT_STRUCTURE = "msshim.output_structure"
"""Model property: how the ONNX outputs nest into MindIR's (tuple) outputs — an output index, or a list of
such structures (a MindIR tuple).  GraphCell returns tuples shaped by it."""


def _drop_monads(value: Any) -> Any:
    if isinstance(value, tuple):
        return tuple(_drop_monads(v) for v in value if v is not MONAD and v is not None)
    return value


def _structure(value: Any, indices) -> Any:
    if isinstance(value, tuple):
        return [_structure(v, indices) for v in value]
    return next(indices)


def _finish(em: Emitter, name: str, outputs: list) -> onnx.ModelProto:
    output_infos, used = [], set()
    for leaf, spec in outputs:
        tensor = em.tensor(leaf) if not isinstance(leaf, str) else leaf
        # Outputs must be distinct node outputs: an input, initializer or repeated value goes through Identity.
        if tensor in used or tensor in em.initializers or any(i.name == tensor for i in em.inputs):
            tensor = em.op("Identity", [tensor])
        used.add(tensor)
        if spec is None or spec.dtype is None:
            known = em.shape(tensor)
            spec = TypeSpec(known if known is not None else None, em.dtype(tensor))
        dims = None if spec.shape is None else list(spec.shape)
        output_infos.append(helper.make_tensor_value_info(tensor, onnx_dtype(spec.dtype), dims))
    graph = helper.make_graph(em.nodes, name or "mindir", em.inputs, output_infos, list(em.initializers.values()))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="msshim", producer_version="mindir-to-onnx")
    model.ir_version = 8
    return _prune(model)


def _prune(model: onnx.ModelProto) -> onnx.ModelProto:
    """Drop nodes no output depends on (plumbing leftovers) and unused translator constants; parameters
    stay (addressable by name even when unused)."""
    needed = {o.name for o in model.graph.output}
    keep = []
    for node in reversed(model.graph.node):
        if any(o in needed for o in node.output):
            keep.append(node)
            needed.update(i for i in node.input if i)
    if len(keep) != len(model.graph.node):
        del model.graph.node[:]
        model.graph.node.extend(reversed(keep))
    unused = [i for i, t in enumerate(model.graph.initializer) if t.name.startswith("_const_") and t.name not in needed]
    for i in reversed(unused):
        del model.graph.initializer[i]
    return model

