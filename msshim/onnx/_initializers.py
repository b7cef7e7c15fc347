"""Post-processing of torch's legacy ONNX graph so every parameter is an initializer under its MindSpore name.

MindSpore's ONNX exporter writes one initializer per parameter, named by the parameter's name.  torch's legacy
exporter (with ``do_constant_folding=False``, which keeps the names) still deduplicates parameters that hold
identical values — e.g. a zero Conv bias and a zero BatchNorm beta — into one initializer and replaces the other
ones by ``Identity(first)`` nodes; msshim's BatchNorm also adds no-op ``Cast`` nodes on its parameters.  Both
are undone here, purely on the ONNX graph: a deduplicated parameter gets a copy of the initializer it was
merged into (the values are identical by construction), renamed to its own name.
"""
from __future__ import annotations

from typing import Iterable

import onnx


def restore_parameters(model: onnx.ModelProto, parameter_names: Iterable[str]) -> None:
    """Un-deduplicate parameters and drop no-op Casts of initializers, in place."""
    graph = model.graph
    wanted = set(parameter_names)
    initializers = {t.name: t for t in graph.initializer}
    inputs = {i.name: i for i in graph.input}
    kept = []
    for node in graph.node:
        if node.op_type == "Identity" and node.output[0] in wanted and node.input[0] in initializers:
            copy = onnx.TensorProto()
            copy.CopyFrom(initializers[node.input[0]])
            copy.name = node.output[0]
            graph.initializer.append(copy)
            initializers[copy.name] = copy
            if node.input[0] in inputs:  # keep_initializers_as_inputs: the copy is a graph input as well
                value = graph.input.add()
                value.CopyFrom(inputs[node.input[0]])
                value.name = copy.name
            continue
        if node.op_type == "Identity" and node.output[0] in wanted and node.input[0] in inputs:
            value = graph.input.add()  # export_params=False: parameters are graph inputs
            value.CopyFrom(inputs[node.input[0]])
            value.name = node.output[0]
            inputs[value.name] = value
            continue
        kept.append(node)
    _drop_noop_casts(graph, kept, initializers)


def _drop_noop_casts(graph: onnx.GraphProto, nodes: list, initializers: dict) -> None:
    """Casts of an initializer or a graph input (parameters with export_params=False) to its own type."""
    types = {name: t.data_type for name, t in initializers.items()}
    types.update({i.name: i.type.tensor_type.elem_type for i in graph.input if i.name not in types})
    rename: dict[str, str] = {}
    result = []
    for node in nodes:
        source = node.input[0] if node.input else ""
        if node.op_type == "Cast" and source in types:
            to = next((a.i for a in node.attribute if a.name == "to"), None)
            if to == types[source]:
                rename[node.output[0]] = source
                continue
        result.append(node)
    graph_outputs = {o.name for o in graph.output}
    for node in result:
        for i, name in enumerate(node.input):
            if name in rename:
                node.input[i] = rename[name]
    for name, source in rename.items():
        if name in graph_outputs:  # a Cast feeding a graph output directly: keep it as an Identity
            result.append(onnx.helper.make_node("Identity", [source], [name]))
    del graph.node[:]
    graph.node.extend(result)
