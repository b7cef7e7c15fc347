"""Elementwise arithmetic (unary, binary, Identity/Dropout, Cast, Where) and reductions."""
from __future__ import annotations

import numpy as np
import onnx

from msshim.train._mindir import primitives as P

from .context import OnnxContext, Unsupported
from .registry import TRANSLATORS, _attrs, _axes, _out_shape, translates


# ------------------------------------------------------------------------------------------- elementwise
def _unary(emit):
    return lambda ctx, node: emit(ctx.b, ctx.tensor(node.input[0]))


for _op, _emit in {"Relu": P.relu, "Sigmoid": P.sigmoid, "Tanh": P.tanh, "Erf": P.erf, "Sqrt": P.sqrt,
                   "Exp": P.exp, "Log": P.log, "Neg": P.neg, "Abs": P.abs_, "Reciprocal": P.reciprocal,
                   "Floor": P.floor, "Sin": P.sin, "Cos": P.cos, "HardSwish": P.hswish}.items():
    TRANSLATORS[_op] = _unary(_emit)


def _binary(emit):
    def translate(ctx: OnnxContext, node: onnx.NodeProto) -> str:
        a, b = node.input[0], node.input[1]
        return emit(ctx.b, _operand(ctx, a, b), _operand(ctx, b, a))
    return translate


def _operand(ctx: OnnxContext, name: str, other: str) -> str:
    """A constant operand becomes a tensor constant of the other operand's dtype (as ONNX requires)."""
    value = ctx.const(name)
    if value is not None:
        return ctx.b.constant(np.ascontiguousarray(np.asarray(value).astype(ctx.dtype(other), copy=False)))
    return ctx.tensor(name)


for _op, _emit in {"Add": P.add, "Sub": P.sub, "Mul": P.mul, "Div": P.div, "Pow": P.pow_, "Max": P.maximum,
                   "Min": P.minimum, "Equal": P.equal, "Less": P.less, "Greater": P.greater}.items():
    TRANSLATORS[_op] = _binary(_emit)


@translates("Identity", "Dropout")
def _identity(ctx, node):
    return ctx.tensor(node.input[0])


@translates("Cast")
def _cast(ctx, node):
    to = np.dtype(onnx.helper.tensor_dtype_to_np_dtype(_attrs(node)["to"]))
    if to == ctx.dtype(node.input[0]):
        return ctx.tensor(node.input[0])
    if to not in P.TYPE_ID:
        raise Unsupported(f"Cast to {to}")
    return P.cast(ctx.b, ctx.tensor(node.input[0]), to)


@translates("Where")
def _where(ctx, node):
    """Select(condition, x, y) on operands broadcast to the output shape."""
    out = _out_shape(ctx, node)
    args = []
    for name in node.input:
        value = ctx.const(name)
        if value is not None:
            args.append(ctx.b.constant(np.ascontiguousarray(np.broadcast_to(value, out))))
        elif tuple(ctx.shape(name)) != tuple(out):
            args.append(P.broadcast_to(ctx.b, ctx.tensor(name), out))
        else:
            args.append(ctx.tensor(name))
    return P.select(ctx.b, *args)


# ------------------------------------------------------------------------------------------- reductions
def _reduction(emit):
    def translate(ctx, node):
        attrs = _attrs(node)
        axes = _axes(ctx, node, attrs)
        if not axes and attrs.get("noop_with_empty_axes", 0):
            return ctx.tensor(node.input[0])
        return emit(ctx.b, ctx.tensor(node.input[0]), tuple(axes or ()), bool(attrs.get("keepdims", 1)))
    return translate


for _op, _emit in {"ReduceMean": P.reduce_mean, "ReduceSum": P.reduce_sum, "ReduceMax": P.reduce_max,
                   "ReduceMin": P.reduce_min}.items():
    TRANSLATORS[_op] = _reduction(_emit)
