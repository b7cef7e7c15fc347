"""Run float16 / bfloat16 / float64 graphs in float32 where onnxruntime has no kernels for them.

onnxruntime's CPU provider has no bfloat16 kernels (and few float16 ones), so GraphCell retries with every
floating tensor of those types turned into float32: initializers converted, graph inputs/outputs and ``Cast``
targets retyped.  The caller converts inputs to float32 and outputs back to the original dtypes (bfloat16
results are float32 results rounded to bfloat16 — MindSpore 2.10's CPU backend cannot run bfloat16 MatMul at
all).
"""
from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto as OT
from onnx import numpy_helper


__all__ = ["LOWERED", "lower_to_float32"]

LOWERED = (OT.FLOAT16, OT.BFLOAT16, OT.DOUBLE)


def lower_to_float32(model: onnx.ModelProto, types=LOWERED) -> tuple[onnx.ModelProto, bool]:
    """A copy of ``model`` computing in float32 instead of ``types``; also says whether anything changed."""
    out = onnx.ModelProto()
    out.CopyFrom(model)
    graph = out.graph
    changed = False
    for vi in list(graph.input) + list(graph.output):
        tt = vi.type.tensor_type
        if tt.elem_type in types:
            tt.elem_type = OT.FLOAT
            changed = True
    for i, t in enumerate(graph.initializer):
        if t.data_type in types and t.data_location == OT.EXTERNAL:  # supplied by the caller, in float32
            t.data_type = OT.FLOAT
            length = [e for e in t.external_data if e.key == "length"][0]
            length.value = str(int(np.prod(t.dims, dtype=np.int64)) * 4)
            changed = True
        elif t.data_type in types:
            graph.initializer[i].CopyFrom(numpy_helper.from_array(numpy_helper.to_array(t).astype(np.float32), t.name))
            changed = True
    for node in graph.node:
        if node.op_type == "Cast":
            for a in node.attribute:
                if a.name == "to" and a.i in types:
                    a.i = OT.FLOAT
                    changed = True
    return out, changed
