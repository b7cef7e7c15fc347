"""The ONNX graph being built from a MindIR graph: nodes, initializers, and what is known of each tensor.

Shapes and dtypes come from MindIR itself where it records them (graph inputs, parameters, the ``shape``
attribute MindSpore writes on every CNode); anything else is asked of ``onnx.shape_inference`` on the partial
graph, lazily and only when a translator needs it (SAME padding of a transposed convolution, the rank for a
channel-axis broadcast, the dtype of a scalar operand).
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import onnx
from onnx import TensorProto as OT
from onnx import helper, numpy_helper

from .registry import Const, TranslateError
from .values import TypeSpec

__all__ = ["OPSET", "EXTERNAL_LOCATION", "Emitter", "onnx_dtype", "numpy_of_onnx", "external_initializers"]

OPSET = 18
EXTERNAL_LOCATION = "msshim-parameter"  # marks initializers supplied from memory (see Emitter.add_external)


def external_initializers(model: onnx.ModelProto) -> list[str]:
    """Names of the initializers ``to_onnx(..., external_parameters=True)`` left for the caller to supply."""
    return [t.name for t in model.graph.initializer if t.data_location == OT.EXTERNAL]



_SAME_AS_FIRST = {
    "Relu", "Sigmoid", "Tanh", "Exp", "Log", "Erf", "Sqrt", "Neg", "Abs", "Reciprocal", "Floor", "Ceil", "Sin",
    "Cos", "Round", "Sign", "Softplus", "Softsign", "HardSwish", "HardSigmoid", "Softmax", "LogSoftmax",
    "LeakyRelu", "Elu", "Clip", "Identity", "BatchNormalization", "InstanceNormalization", "PRelu",
}
_COMPARE = {"Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual"}
_BROADCAST = {"Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Mod"} | _COMPARE


def onnx_dtype(dtype) -> int:
    """ONNX element type of a numpy dtype (ml_dtypes' bfloat16 included), as onnx's own mapping gives it."""
    try:
        return helper.np_dtype_to_tensor_dtype(np.dtype(dtype))
    except (KeyError, ValueError, TypeError):
        raise TranslateError(f"dtype {np.dtype(dtype)} has no ONNX equivalent") from None


def numpy_of_onnx(code: int) -> np.dtype | None:
    """numpy dtype of an ONNX element type; None for UNDEFINED and types numpy cannot hold."""
    try:
        return np.dtype(helper.tensor_dtype_to_np_dtype(code)) if code else None
    except (KeyError, ValueError, TypeError):
        return None


class Emitter:
    """Accumulates ONNX nodes; knows the dtype/shape of the tensors it has seen."""

    def __init__(self) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: dict[str, onnx.TensorProto] = {}
        self.small_constants: dict[str, np.ndarray] = {}  # values shape inference may need (Reshape shapes)
        self.inputs: list[onnx.ValueInfoProto] = []
        self.info: dict[str, TypeSpec] = {}
        self._count = 0
        self._const_cache: dict[tuple, str] = {}
        self._inferred_upto = 0  # nodes before this index have been through shape inference

    # ---------------------------------------------------------------------------------------- names
    def fresh(self, hint: str = "t") -> str:
        self._count += 1
        return f"_{hint}_{self._count}"

    # --------------------------------------------------------------------------------------- values
    def add_input(self, name: str, spec: TypeSpec) -> str:
        self.inputs.append(helper.make_tensor_value_info(name, onnx_dtype(spec.dtype), list(spec.shape)))
        self.info[name] = spec
        return name

    def add_initializer(self, name: str, array: np.ndarray) -> str:
        self.initializers[name] = numpy_helper.from_array(np.ascontiguousarray(array), name)
        self.info[name] = TypeSpec(tuple(array.shape), array.dtype)
        if array.size <= 64 and array.dtype.kind in "iub":
            self.small_constants[name] = np.array(array)
        return name

    def add_external(self, name: str, spec: TypeSpec) -> str:
        """An initializer whose data the session is given from memory (``add_external_initializers``): the
        ONNX model stays small and the parameter bytes are never copied into protobuf."""
        proto = OT(name=name, dims=list(spec.shape), data_type=onnx_dtype(spec.dtype), data_location=OT.EXTERNAL)
        nbytes = int(np.prod(spec.shape, dtype=np.int64)) * np.dtype(spec.dtype).itemsize
        for key, value in (("location", EXTERNAL_LOCATION), ("offset", "0"), ("length", str(nbytes))):
            entry = proto.external_data.add()
            entry.key, entry.value = key, value
        self.initializers[name] = proto
        self.info[name] = spec
        return name

    def const(self, value: Any, dtype=None) -> str:
        """An initializer holding ``value`` (deduplicated); ``dtype`` for Python scalars and sequences."""
        array = np.asarray(value, dtype=dtype) if dtype is not None else np.asarray(value)
        if array.dtype == np.float64 and dtype is None and not isinstance(value, np.ndarray):
            array = array.astype(np.float32)  # MindSpore's Python floats are float32 tensors
        key = (array.dtype.str, array.shape, array.tobytes())
        name = self._const_cache.get(key)
        if name is None:
            name = self.add_initializer(self.fresh("const"), array)
            self._const_cache[key] = name
        return name

    def tensor(self, value: Any, like: str | None = None, dtype=None) -> str:
        """The ONNX tensor name for a value; a :class:`Const` becomes an initializer, with the dtype of tensor
        ``like`` for Python scalars (MindSpore casts scalar operands to the tensor's dtype)."""
        if isinstance(value, str):
            return value
        if isinstance(value, Const):
            raw = value.value
            if dtype is None and like is not None and not isinstance(raw, np.ndarray):
                dtype = self.dtype(like)
            if isinstance(raw, tuple) and dtype is None:
                dtype = np.int64
            return self.const(raw, dtype)
        if isinstance(value, tuple):
            raise TranslateError("a tuple was given where a tensor is expected")
        raise TranslateError(f"cannot use {value!r} as a tensor")

    # ---------------------------------------------------------------------------------------- nodes
    def op(self, op_type: str, inputs: Sequence[str], outputs: int | Sequence[str] = 1, **attrs) -> Any:
        """Appends a node; returns its output name (or the list of names when ``outputs`` > 1)."""
        names = [self.fresh(op_type.lower()) for _ in range(outputs)] if isinstance(outputs, int) else list(outputs)
        attrs = {k: v for k, v in attrs.items() if v is not None}
        self.nodes.append(helper.make_node(op_type, list(inputs), names, name=self.fresh("n"), **attrs))
        self._propagate(op_type, list(inputs), names[0])
        return names[0] if len(names) == 1 else names

    def _propagate(self, op_type: str, inputs: list[str], out: str) -> None:
        """Type/shape of elementwise results from their inputs, so that shape inference (a whole-graph pass)
        is rarely needed."""
        if op_type in _SAME_AS_FIRST and inputs and inputs[0] in self.info:
            self.info[out] = self.info[inputs[0]]
        elif op_type in _BROADCAST and len(inputs) == 2 and all(i in self.info for i in inputs):
            a, b = self.info[inputs[0]], self.info[inputs[1]]
            if a.shape is None or b.shape is None or None in a.shape or None in b.shape:
                return
            try:
                shape = np.broadcast_shapes(a.shape, b.shape)
            except ValueError:
                return
            dtype = np.dtype(np.bool_) if op_type in _COMPARE else a.dtype
            self.info[out] = TypeSpec(tuple(shape), dtype)

    def producer(self, name: str) -> onnx.NodeProto | None:
        """The node that outputs ``name`` (looked for among the latest nodes, where a BiasAdd finds its
        MatMul/Conv)."""
        for node in reversed(self.nodes[-8:]):
            if name in node.output:
                return node
        return None

    # ------------------------------------------------------------------------------------ type info
    def record(self, name: str, spec: TypeSpec | None) -> None:
        if spec is not None and spec.dtype is not None and name not in self.info:
            self.info[name] = spec

    def dtype(self, name: str) -> np.dtype:
        spec = self._spec(name)
        if spec is None or spec.dtype is None:
            raise TranslateError(f"the dtype of '{name}' is unknown")
        return np.dtype(spec.dtype)

    def shape(self, name: str) -> tuple | None:
        """Static shape (ints, or None for unknown dims), or None when even the rank is unknown."""
        spec = self._spec(name)
        return None if spec is None else spec.shape

    def rank(self, name: str) -> int:
        shape = self.shape(name)
        if shape is None:
            raise TranslateError(f"the rank of '{name}' is unknown")
        return len(shape)

    def _spec(self, name: str) -> TypeSpec | None:
        if name not in self.info:
            self._infer()
        return self.info.get(name)

    def _infer(self) -> None:
        """Runs ONNX shape inference over the nodes added since the last run (their inputs typed from what is
        known; the whole graph when something is missing) and records what it finds."""
        nodes = self.nodes[self._inferred_upto:]
        produced = {o for n in nodes for o in n.output}
        needed = {i for n in nodes for i in n.input if i and i not in produced}
        if not nodes or not all(i in self.info or i in self.initializers for i in needed):
            nodes, needed = self.nodes, None
        inputs, inits = [], []
        if needed is None:
            inputs = list(self.inputs)
            names = self.initializers
        else:
            names = [n for n in needed if n in self.initializers]
            for name in needed:
                if name not in self.initializers:
                    spec = self.info[name]
                    dims = None if spec.shape is None else list(spec.shape)
                    inputs.append(helper.make_tensor_value_info(name, onnx_dtype(spec.dtype), dims))
        for name in names:
            proto = self.initializers[name]
            if name in self.small_constants:
                inits.append(proto)
            else:
                inputs.append(helper.make_tensor_value_info(name, proto.data_type, list(proto.dims)))
        self._inferred_upto = len(self.nodes)
        graph = helper.make_graph(nodes, "infer", inputs, [], inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
        try:
            inferred = onnx.shape_inference.infer_shapes(model, strict_mode=False, data_prop=True)
        except Exception:  # inference is best effort: callers report what they could not learn
            return
        for vi in inferred.graph.value_info:
            if vi.name in self.info or not vi.type.HasField("tensor_type"):
                continue
            tt = vi.type.tensor_type
            dtype = numpy_of_onnx(tt.elem_type)
            if dtype is None:
                continue
            shape = None
            if tt.HasField("shape"):
                shape = tuple(d.dim_value if d.HasField("dim_value") else None for d in tt.shape.dim)
            self.info[vi.name] = TypeSpec(shape, dtype)
