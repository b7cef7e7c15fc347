"""What ONNX -> MindIR translators see: the ``OnnxContext`` (builder, values by ONNX name, constants, parameters,
static shapes and dtypes), and the ``Unsupported`` a translator raises."""
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
