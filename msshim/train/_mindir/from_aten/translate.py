"""The translator: walks the ``torch.export`` graph and emits MindSpore primitives through the ``TABLE``.

Nodes are emitted in the order MindSpore's exporter uses: a depth-first post-order walk from the outputs,
visiting a node's inputs in argument order.  Parameters are added when a primitive first uses them, so the
file's parameter order is MindSpore's "order of first use" (BatchNorm: gamma, beta, moving_mean,
moving_variance).  Some values stay lazy until a consumer decides how to use them: a parameter, a dtype-
preserving ``to``/``clone``, and a constant pad, which a following convolution or max-pool folds into its
own padding (msshim's asymmetric "same" padding traces as pad + conv/pool).
"""
from __future__ import annotations

from typing import Any

import numpy as np
import torch

from msshim.train._mindir import primitives as P
from msshim.train._mindir.builder import MindIRBuilder

from . import ops_activation, ops_conv_pool, ops_linear, ops_math, ops_norm, ops_plumbing, ops_shape
from .capture import construct_arg_names, graph_name, mindspore_parameter_names, trace
from .ops_conv_pool import _emit_max_pool
from .registry import TABLE, UnsupportedOpsError
from .values import _meta, _np_dtype, _numpy, _Pad, _Param, _PendingMaxPool, _Unexportable

# Importing the families registers their translators.
FAMILIES = (ops_plumbing, ops_linear, ops_conv_pool, ops_norm, ops_activation, ops_math, ops_shape)


class _Translator:
    def __init__(self, ep: torch.export.ExportedProgram, builder: MindIRBuilder,
                 mindspore_names: dict[str, str] | None = None):
        self.ep = ep
        self.b = builder
        self.mindspore_names = mindspore_names or {}  # torch attribute path -> Parameter.name
        self.env: dict[torch.fx.Node, Any] = {}
        self._written: dict[int, tuple[Any, str]] = {}

    # ---------------------------------------------------------------------------------------- materialize
    def use(self, value: Any) -> str:
        """The value name of ``value`` (writing a lazy parameter / pad now)."""
        if isinstance(value, torch.fx.Node):
            value = self.env[value]
        if isinstance(value, str):
            return value
        if id(value) in self._written:  # a lazy value used twice is written once
            return self._written[id(value)][1]
        if isinstance(value, _Param):
            if value.is_parameter:
                name = self.b.add_parameter(value.name, _numpy(value.tensor))
            else:
                name = self.b.constant(_numpy(value.tensor))
        elif isinstance(value, _Pad):
            name = self._emit_pad(value)
        elif isinstance(value, _PendingMaxPool):
            name = _emit_max_pool(self, value)
        elif isinstance(value, _Unexportable):
            raise UnsupportedOpsError(f"{value.what} cannot be exported to MindIR")
        else:
            raise TypeError(f"not a tensor value: {value!r}")
        self._written[id(value)] = (value, name)  # keeps `value` alive so its id stays unique
        return name

    def raw(self, arg: Any) -> Any:
        """The environment entry of an fx argument (lazy values stay lazy)."""
        return self.env[arg] if isinstance(arg, torch.fx.Node) else arg

    def scalar_or_tensor(self, arg: Any, like: torch.fx.Node) -> str:
        """A tensor operand, or a Python scalar as a 0-d constant of ``like``'s dtype."""
        if isinstance(arg, torch.fx.Node):
            return self.use(arg)
        return self.b.constant(np.array(arg, dtype=_np_dtype(_meta(like).dtype)))

    def _emit_pad(self, pad: _Pad) -> str:
        if pad.value != 0:
            raise UnsupportedOpsError(f"constant_pad_nd with value {pad.value} is only supported in front of a "
                                      f"max pool")
        top, bottom, left, right = pad.pads
        attrs = {"paddings": ((0, 0), (0, 0), (top, bottom), (left, right)), "input_names": ["x"],
                 "output_names": ["y"]}
        return self.b.node("Pad", [self.use(pad.source)], attrs, prim_type=P.PRIMITIVE)

    # ------------------------------------------------------------------------------------------- translate
    def run(self, input_names: list[str]) -> tuple[list[str], list[tuple]]:
        ep, sig = self.ep, self.ep.graph_signature
        graph = ep.graph_module.graph
        to_param = dict(sig.inputs_to_parameters)
        to_buffer = dict(sig.inputs_to_buffers)
        to_const = dict(getattr(sig, "inputs_to_lifted_tensor_constants", {}) or {})
        user_inputs = list(sig.user_inputs)
        state = ep.state_dict
        constants = getattr(ep, "constants", {}) or {}
        placeholders = [n for n in graph.nodes if n.op == "placeholder"]
        for node in placeholders:
            if node.name in to_param:
                name = to_param[node.name]
                self.env[node] = _Param(self.mindspore_names.get(name, name), state[name], True)
            elif node.name in to_buffer:
                name = to_buffer[node.name]
                tensor = state[name] if name in state else constants[name]
                self.env[node] = _Param(name, tensor, False)
            elif node.name in to_const:
                self.env[node] = _Param(to_const[node.name], constants[to_const[node.name]], False)
        for node, name in zip([n for n in placeholders if n.name in user_inputs], input_names):
            val = _meta(node)
            if not isinstance(val, torch.Tensor):
                raise TypeError(f"For 'export', the network input '{name}' must be a Tensor.")
            self.env[node] = self.b.add_input(name, tuple(val.shape), _np_dtype(val.dtype))

        output = next(n for n in graph.nodes if n.op == "output")
        order = _post_order(output)
        missing = sorted({_op_name(n) for n in order if n.op == "call_function" and n.target not in TABLE})
        if missing:
            raise UnsupportedOpsError(
                "For 'export', the network uses operators that have no MindSpore primitive translation: "
                + ", ".join(missing) + ".")
        try:
            for node in order:
                if node.op == "call_function":
                    self.env[node] = TABLE[node.target](self, node)
            results = output.args[0]
            values = [self.use(r) for r in results]
        except UnsupportedOpsError as e:
            if str(e).startswith("For 'export'"):
                raise
            reason = str(e).rstrip(".")
            raise UnsupportedOpsError(f"For 'export', the network cannot be written as MindIR: {reason}.") from None
        types = [(tuple(_meta(r).shape), _np_dtype(_meta(r).dtype)) for r in results]
        return values, types


def _op_name(node: torch.fx.Node) -> str:
    target = node.target
    return getattr(target, "__name__", str(target)) if not hasattr(target, "name") else target.name()


def _post_order(output: torch.fx.Node) -> list[torch.fx.Node]:
    """Depth-first post-order from the outputs, inputs in argument order (MindSpore's topological order)."""
    seen: set[torch.fx.Node] = set()
    order: list[torch.fx.Node] = []
    stack = [(output, iter(output.all_input_nodes))]
    seen.add(output)
    while stack:
        node, inputs = stack[-1]
        for child in inputs:
            if child not in seen:
                seen.add(child)
                stack.append((child, iter(child.all_input_nodes)))
                break
        else:
            stack.pop()
            if node.op != "output":
                order.append(node)
    return order


# ------------------------------------------------------------------------------------------------ entry
def build_model(net, inputs: tuple[torch.Tensor, ...]):
    """The ``mind_ir.ModelProto`` of ``net`` applied to ``inputs`` (torch tensors)."""
    ep = trace(net, inputs)
    builder = MindIRBuilder(graph_name(net))
    translator = _Translator(ep, builder, mindspore_parameter_names(net))
    values, types = translator.run(construct_arg_names(net, len(inputs)))
    builder.set_outputs(values, types)
    return builder.finish()
