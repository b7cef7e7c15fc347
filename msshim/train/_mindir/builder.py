"""Builds a ``mind_ir.ModelProto`` the way MindSpore 2.10's exporter lays it out.

Both export front ends (torch.export's ATen graph, and ONNX graphs) emit MindSpore primitives through
``MindIRBuilder``; the primitive-specific knowledge (which attributes, PRIMITIVE or PRIMITIVE_FUNCTION form)
lives in ``primitives.py``.

What MindSpore writes and what it needs (shared/reference/mindspore-2.10-formats.md section 4.2):
* ModelProto ir_version "1.1", producer_name "MindSpore", model_version "2.10.0", little_endian, and
  ``mind_ir_version=3`` (without it 2.10 reads PRIMITIVE_FUNCTION nodes as old-style primitives and fails).
* Graph inputs, parameters and CNode outputs are named "<graph name>:<name>"; parameters carry raw_data and
  ``ref_key`` = the MindSpore parameter name (what GraphCell exposes).
* Nodes reference ``ModelProto.primitives`` as "REF::<prim name>"; constants are "Constant" nodes with one
  attribute ``value``.  PRIMITIVE_FUNCTION primitives take their arguments as inputs (constants included);
  old-style PRIMITIVE ones carry them as primitive attributes.
* A tuple output is a MakeTuple node; the graph output then has denotation "Tuple" and an ``attr_info``.
The Load/UpdateState/Depend side-effect plumbing MindSpore adds around parameters is optional for loading
(verified with real 2.10) and not written.
"""
from __future__ import annotations

from typing import Any, Iterable, Sequence

import numpy as np

from msshim._proto import mind_ir_pb2 as pb
from msshim.train._mindir.dtypes import code_of

_A = pb.AttributeProto

PRIMITIVE = pb.PrimitiveProto.PRIMITIVE
PRIMITIVE_FUNCTION = pb.PrimitiveProto.PRIMITIVE_FUNCTION


def attribute(name: str, value: Any) -> pb.AttributeProto:
    """An AttributeProto holding ``value`` as MindSpore encodes Python values.

    bool -> BOOL (i), int -> INT64 (i), float -> FLOAT (f), str -> STRING (s), tuple -> TUPLE and list -> LIST
    of element attributes, None -> NONE, numpy array -> TENSORS with one TensorProto (raw_data).
    """
    attr = _A(name=name)
    _fill(attr, value)
    return attr


def _fill(attr: pb.AttributeProto, value: Any) -> None:
    if isinstance(value, (bool, np.bool_)):
        attr.type, attr.i = _A.BOOL, int(value)
    elif isinstance(value, (int, np.integer)):
        attr.type, attr.i = _A.INT64, int(value)
    elif isinstance(value, (float, np.floating)):
        attr.type, attr.f = _A.FLOAT, float(value)
    elif isinstance(value, str):
        attr.type, attr.s = _A.STRING, value.encode()
    elif value is None:
        attr.type = _A.NONE
    elif isinstance(value, (tuple, list)):
        attr.type = _A.TUPLE if isinstance(value, tuple) else _A.LIST
        for item in value:
            _element(attr.values.add(), item)
    elif isinstance(value, np.ndarray):
        attr.type = _A.TENSORS
        attr.tensors.append(tensor_proto(value))
    else:
        raise TypeError(f"cannot encode {type(value).__name__} as a MindIR attribute")


def _element(attr: pb.AttributeProto, value: Any) -> None:
    """Sequence elements use the repeated fields (ints/floats/strings), as MindSpore writes them."""
    if isinstance(value, (bool, np.bool_)):
        attr.type = _A.BOOL
        attr.ints.append(int(value))
    elif isinstance(value, (int, np.integer)):
        attr.type = _A.INT64
        attr.ints.append(int(value))
    elif isinstance(value, (float, np.floating)):
        attr.type = _A.FLOAT
        attr.floats.append(float(value))
    elif isinstance(value, str):
        attr.type = _A.STRING
        attr.strings.append(value.encode())
    else:
        _fill(attr, value)


def tensor_proto(array: np.ndarray, name: str = "", proto: pb.TensorProto | None = None) -> pb.TensorProto:
    """TensorProto with dims, data_type and little-endian raw_data; filled in place when ``proto`` is given
    (a message already inside its parent: appending a finished one would copy the data once more)."""
    array = np.ascontiguousarray(array)
    if array.dtype.byteorder == ">":
        array = array.astype(array.dtype.newbyteorder("<"))
    proto = pb.TensorProto() if proto is None else proto
    proto.dims.extend(array.shape)
    proto.data_type = code_of(array.dtype)
    proto.raw_data = array.tobytes()
    if name:
        proto.name = name
    return proto


def type_proto(shape: Sequence[int], dtype) -> pb.TensorProto:
    """Shape-and-type-only TensorProto (graph inputs/outputs, ``shape`` attributes)."""
    return pb.TensorProto(dims=[int(d) for d in shape], data_type=code_of(dtype))


class MindIRBuilder:
    """Accumulates one graph.  Values are referred to by the node-output names this class returns."""

    def __init__(self, graph_name: str):
        self.graph_name = graph_name
        self.model = pb.ModelProto(ir_version="1.1", producer_name="MindSpore", model_version="2.10.0",
                                   little_endian=True, mind_ir_version=3)
        self.graph = self.model.graph
        self.graph.name = graph_name
        self._count = 0
        self._primitives: dict[bytes, str] = {}
        self._constants: dict[tuple, str] = {}
        self._parameters: dict[str, str] = {}

    def _next(self) -> int:
        self._count += 1
        return self._count

    def _qualified(self, name: str) -> str:
        return f"{self.graph_name}:{name}"

    # ---------------------------------------------------------------------------------------------- values
    def add_input(self, name: str, shape: Sequence[int], dtype) -> str:
        """A graph input (``construct`` argument name); returns its value name."""
        full = self._qualified(name)
        self.graph.input.add(name=full).tensor.append(type_proto(shape, dtype))
        return full

    def add_parameter(self, name: str, array: np.ndarray) -> str:
        """A parameter under its MindSpore name (``ref_key``); adding the same name again returns the first."""
        if name in self._parameters:
            return self._parameters[name]
        full = self._qualified(name)
        proto = tensor_proto(array, full, self.graph.parameter.add())
        proto.ref_key = name
        self._parameters[name] = full
        return full

    def constant(self, value: Any) -> str:
        """A Constant node for a Python scalar / tuple / list / None / numpy array (deduplicated)."""
        key = _constant_key(value)
        if key in self._constants:
            return self._constants[key]
        name = f"ValueNode_{self._next()}"
        self.graph.node.add(output=[name], name=name, op_type="Constant").attribute.append(
            attribute("value", value))
        self._constants[key] = name
        return name

    # ----------------------------------------------------------------------------------------------- nodes
    def primitive(self, op_type: str, attrs: dict | None = None, prim_type: int = PRIMITIVE_FUNCTION,
                  instance_name: str = "") -> str:
        """Registers (once per distinct op_type/attrs/form) a PrimitiveProto; returns its name."""
        proto = pb.PrimitiveProto(op_type=op_type, prim_type=prim_type, instance_name=instance_name)
        for key in sorted(attrs or {}):
            proto.attribute.append(attribute(key, attrs[key]))
        key = proto.SerializeToString(deterministic=True)
        if key not in self._primitives:
            proto.name = f"{op_type}:{self._next()}"
            self.model.primitives.append(proto)
            self._primitives[key] = proto.name
        return self._primitives[key]

    def node(self, op_type: str, inputs: Iterable[str], attrs: dict | None = None,
             prim_type: int = PRIMITIVE_FUNCTION, instance_name: str = "", scope: str = "") -> str:
        """Appends ``op_type(*inputs)`` and returns its output name.

        ``attrs`` are primitive attributes (old-style PRIMITIVE form); PRIMITIVE_FUNCTION arguments that are
        not tensors are passed as ``constant(...)`` inputs instead.  ``scope`` becomes the node's domain
        (MindSpore writes e.g. "Default/fc1-Dense/MatMul-op0").
        """
        prim = self.primitive(op_type, attrs, prim_type, instance_name)
        out = self._qualified(f"CNode_{self._next()}")
        node = self.graph.node.add(input=list(inputs), output=[out], name=out, op_type=f"REF::{prim}")
        if scope:
            node.domain = scope
        return out

    def tuple_get_item(self, value: str, index: int) -> str:
        return self.node("TupleGetItem", [value, self.constant(index)], prim_type=PRIMITIVE)

    def make_tuple(self, values: Sequence[str]) -> str:
        return self.node("MakeTuple", values, prim_type=PRIMITIVE)

    # --------------------------------------------------------------------------------------------- outputs
    def set_outputs(self, values: Sequence[str], types: Sequence[tuple[Sequence[int], Any]]) -> None:
        """Graph outputs: one tensor, or several as a MakeTuple (MindSpore's tuple-output layout).

        ``types`` are (shape, numpy dtype) pairs, one per value.
        """
        if len(values) == 1:
            self.graph.output.add(name=values[0]).tensor.append(type_proto(*types[0]))
            return
        out = self.make_tuple(values)
        info = self.graph.output.add(name=out, denotation="Tuple").attr_info
        info.type = _A.TUPLE
        info.seq_info.is_dyn_len = False
        for shape, dtype in types:
            item = info.values.add(type=_A.TENSORS)
            item.tensors.append(type_proto(shape, dtype))

    def finish(self) -> pb.ModelProto:
        return self.model


def _constant_key(value: Any) -> tuple:
    if isinstance(value, np.ndarray):
        return ("ndarray", value.dtype.str, value.shape, value.tobytes())
    if isinstance(value, (tuple, list)):
        return (type(value).__name__,) + tuple(_constant_key(v) for v in value)
    return (type(value).__name__, value)
