"""One translator per ONNX operator: ONNX node -> MindSpore 2.10 primitives (through ``primitives.py``).

A translator takes the ``OnnxContext`` and the node and returns the MindIR value name(s) of its outputs, or
raises ``Unsupported`` with what it cannot express.  Shape-like arguments (Reshape's shape, axes, pads, Clip
bounds) must be constants after folding; the graph's static shapes (ONNX shape inference) fill in what MindSpore
primitives need explicitly (same-padding lists, transposed-convolution output sizes).

``TRANSLATORS`` maps op type -> translator; the per-family ops_* modules register into it with ``@translates``.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import onnx

from .context import OnnxContext, Unsupported

Translator = Callable[[OnnxContext, onnx.NodeProto], "str | list[str]"]
TRANSLATORS: dict[str, Translator] = {}


def translates(*op_types: str):
    def register(fn: Translator) -> Translator:
        for op in op_types:
            TRANSLATORS[op] = fn
        return fn
    return register


def _attrs(node: onnx.NodeProto) -> dict:
    out = {}
    for a in node.attribute:
        value = onnx.helper.get_attribute_value(a)
        out[a.name] = value.decode() if isinstance(value, bytes) else value
    return out


def _input(node: onnx.NodeProto, i: int) -> str:
    return node.input[i] if len(node.input) > i else ""


def _const_ints(ctx: OnnxContext, name: str, what: str) -> list[int]:
    value = ctx.const(name)
    if value is None:
        raise Unsupported(f"{what} is not a constant")
    return [int(v) for v in np.asarray(value).reshape(-1)]


def _axes(ctx: OnnxContext, node: onnx.NodeProto, attrs: dict, index: int = 1) -> list[int] | None:
    """``axes`` from the attribute (older opsets) or the input (newer)."""
    if "axes" in attrs:
        return [int(a) for a in attrs["axes"]]
    if _input(node, index):
        return _const_ints(ctx, node.input[index], "axes")
    return None


def _out_shape(ctx: OnnxContext, node: onnx.NodeProto, i: int = 0) -> tuple:
    return ctx.shape(node.output[i])
