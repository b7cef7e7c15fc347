"""msshim Cell -> MindIR graph: trace with ``torch.export`` and translate the ATen graph into MindSpore primitives.

The Cell is traced in eval mode with torch tensors (Cells give torch semantics to torch inputs), without
decompositions: torch.export keeps the high-level ops (aten.linear, aten.conv2d, aten.batch_norm,
aten.layer_norm, aten.group_norm ...) which map one-to-one onto what MindSpore itself writes for the same
layers (MatMul+BiasAdd, Conv2D, BatchNorm, LayerNorm ...).  Lower-level spellings that some code paths
produce (addmm, convolution, _native_batch_norm_legit_no_training, ...) have translators too.

Nodes are emitted in the order MindSpore's exporter uses: a depth-first post-order walk from the outputs,
visiting a node's inputs in argument order.  Parameters are added when a primitive first uses them, so the
file's parameter order is MindSpore's "order of first use" (BatchNorm: gamma, beta, moving_mean,
moving_variance).  Some values stay lazy until a consumer decides how to use them: a parameter, a dtype-
preserving ``to``/``clone``, and a constant pad, which a following convolution or max-pool folds into its
own padding (msshim's asymmetric "same" padding traces as pad + conv/pool).
"""
from __future__ import annotations

import inspect
import math
import operator
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import torch

from msshim.train._mindir import primitives as P
from msshim.train._mindir.builder import MindIRBuilder

aten = torch.ops.aten


# ------------------------------------------------------------------------------------------------ values
@dataclass
class _Param:
    """A parameter / buffer / lifted constant not yet written (written at first use)."""
    name: str
    tensor: torch.Tensor
    is_parameter: bool


@dataclass
class _Pad:
    """A pending ``constant_pad_nd``: pads[(top, bottom), (left, right)] on the last two axes."""
    source: Any
    pads: tuple[int, int, int, int]
    value: float


@dataclass
class _PendingMaxPool:
    """A max pool whose padding is settled only by the ``narrow`` that msshim's asymmetric "same" pooling puts
    after it (pool with the larger symmetric padding, then drop the first row/column)."""
    source: Any
    in_hw: tuple[int, int]
    kernel: tuple[int, int]
    stride: tuple[int, int]
    pads: tuple[int, int, int, int]
    out_hw: tuple[int, int]


def _numpy(tensor: torch.Tensor) -> np.ndarray:
    """CPU numpy copy of a (possibly CUDA, possibly bfloat16) tensor."""
    tensor = tensor.detach()
    if tensor.device.type != "cpu":
        tensor = tensor.cpu()
    if tensor.dtype == torch.bfloat16:
        import ml_dtypes

        return tensor.view(torch.int16).numpy().view(ml_dtypes.bfloat16).copy()
    return tensor.contiguous().numpy().copy()


def _np_dtype(torch_dtype: torch.dtype) -> np.dtype:
    if torch_dtype == torch.bfloat16:
        import ml_dtypes

        return np.dtype(ml_dtypes.bfloat16)
    return torch.empty((), dtype=torch_dtype).numpy().dtype


def _meta(node: torch.fx.Node):
    return node.meta.get("val")


class UnsupportedOpsError(RuntimeError):
    pass


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
        for node in order:
            if node.op == "call_function":
                self.env[node] = TABLE[node.target](self, node)
        results = output.args[0]
        values = [self.use(r) for r in results]
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


# ----------------------------------------------------------------------------------------------- table
TABLE: dict[Any, Callable[[_Translator, torch.fx.Node], Any]] = {}


def _register(*targets):
    def deco(fn):
        for target in targets:
            TABLE[target] = fn
        return fn
    return deco


def _arg(node: torch.fx.Node, index: int, name: str, default=None):
    if len(node.args) > index:
        return node.args[index]
    return node.kwargs.get(name, default)


def _shape(node) -> tuple[int, ...]:
    return tuple(int(d) for d in _meta(node).shape)


def _rank(node) -> int:
    return len(_meta(node).shape)


# pass-through ------------------------------------------------------------------------------------------
@_register(aten.to.dtype, aten.to.dtype_layout, aten._to_copy.default, aten.clone.default,
           aten.contiguous.default, aten.alias.default, aten.detach.default, aten.dropout.default,
           aten.lift_fresh_copy.default, aten.type_as.default)
def _same(t: _Translator, node):
    source = node.args[0]
    if _meta(source).dtype != _meta(node).dtype:
        raise UnsupportedOpsError(f"dtype conversion ({_meta(source).dtype} -> {_meta(node).dtype}) is not "
                                  f"supported by MindIR export")
    return t.raw(source)


@_register(aten._assert_tensor_metadata.default, aten._assert_scalar.default,
           aten.sym_constrain_range_for_size.default)
def _ignored(t: _Translator, node):
    return None


@_register(operator.getitem)
def _getitem(t: _Translator, node):
    return t.raw(node.args[0])[node.args[1]]


# linear algebra ----------------------------------------------------------------------------------------
@_register(aten.linear.default)
def _linear(t: _Translator, node):
    x, w = node.args[0], node.args[1]
    bias = _arg(node, 2, "bias")
    in_shape, out_shape = _shape(x), _shape(node)
    value = t.use(x)
    if len(in_shape) != 2:
        value = P.reshape(t.b, value, (-1, in_shape[-1]))
    value = P.matmul(t.b, value, t.use(w), False, True)
    if bias is not None:
        value = P.bias_add(t.b, value, t.use(bias))
    if len(in_shape) != 2:
        value = P.reshape(t.b, value, out_shape)
    return value


@_register(aten.addmm.default)
def _addmm(t: _Translator, node):
    bias, x, w = node.args[:3]
    if node.kwargs.get("beta", 1) != 1 or node.kwargs.get("alpha", 1) != 1:
        raise UnsupportedOpsError("addmm with beta/alpha != 1 is not supported by MindIR export")
    value = P.matmul(t.b, t.use(x), t.use(w))
    if _rank(bias) == 1:
        return P.bias_add(t.b, value, t.use(bias))
    return P.add(t.b, value, t.use(bias))


@_register(aten.mm.default)
def _mm(t: _Translator, node):
    return P.matmul(t.b, t.use(node.args[0]), t.use(node.args[1]))


@_register(aten.matmul.default, aten.bmm.default)
def _matmul(t: _Translator, node):
    a, b = node.args
    if _rank(a) == 2 and _rank(b) == 2:
        return P.matmul(t.b, t.use(a), t.use(b))
    return P.batch_matmul(t.b, t.use(a), t.use(b))


@_register(aten.t.default)
def _t(t: _Translator, node):
    return P.transpose(t.b, t.use(node.args[0]), (1, 0)) if _rank(node) == 2 else t.raw(node.args[0])


# convolutions ------------------------------------------------------------------------------------------
def _pair(v, default):
    if v is None or (isinstance(v, (list, tuple)) and len(v) == 0):
        return default
    if isinstance(v, int):
        return (v, v)
    return (int(v[0]), int(v[1])) if len(v) == 2 else (int(v[0]), int(v[0]))


def _fold_zero_pad(t: _Translator, x) -> tuple[Any, tuple[int, int, int, int]]:
    raw = t.raw(x)
    if isinstance(raw, _Pad) and raw.value == 0:
        return raw.source, raw.pads
    return x, (0, 0, 0, 0)


def _conv(t: _Translator, node, x, w, bias, stride, padding, dilation, groups):
    if _rank(node) != 4:
        raise UnsupportedOpsError("only 2-D (NCHW) convolutions are supported by MindIR export")
    w_shape = _shape(w)
    stride, dilation = _pair(stride, (1, 1)), _pair(dilation, (1, 1))
    x, extra = _fold_zero_pad(t, x)
    in_hw = _shape(x)[2:] if isinstance(x, torch.fx.Node) else None
    if isinstance(padding, str):
        if padding == "valid":
            pads = (0, 0, 0, 0)
        else:  # torch "same" (stride 1): total d*(k-1), extra at the end, as MindSpore's same
            pads = P.same_pad_list(in_hw, w_shape[2:], stride, dilation)
    else:
        ph, pw = _pair(padding, (0, 0))
        pads = (ph, ph, pw, pw)
    pads = tuple(a + b for a, b in zip(pads, extra))
    mode = "pad" if any(pads) else "valid"
    value = P.conv2d(t.b, t.use(x), t.use(w), out_channel=w_shape[0], kernel_size=w_shape[2:], pad_mode=mode,
                     pad=pads, stride=stride, dilation=dilation, group=int(groups), pad_list=pads)
    if bias is not None:
        value = P.bias_add(t.b, value, t.use(bias))
    return value


def _conv_transpose(t: _Translator, node, x, w, bias, stride, padding, output_padding, groups, dilation):
    if _rank(node) != 4:
        raise UnsupportedOpsError("only 2-D (NCHW) transposed convolutions are supported by MindIR export")
    w_shape = _shape(w)
    ph, pw = _pair(padding, (0, 0))
    pads = (ph, ph, pw, pw)
    mode = "PAD" if any(pads) else "VALID"
    # input_sizes carries the exact output shape, so output_padding needs no attribute of its own
    value = P.conv2d_transpose(t.b, t.use(x), t.use(w), _shape(node), in_channel=w_shape[0],
                               kernel_size=w_shape[2:], pad_mode=mode, pad=pads, stride=_pair(stride, (1, 1)),
                               dilation=_pair(dilation, (1, 1)), group=int(groups))
    if bias is not None:
        value = P.bias_add(t.b, value, t.use(bias))
    return value


@_register(aten.conv2d.default, aten.conv2d.padding)
def _conv2d(t: _Translator, node):
    a = node.args
    return _conv(t, node, a[0], a[1], _arg(node, 2, "bias"), _arg(node, 3, "stride", 1),
                 _arg(node, 4, "padding", 0), _arg(node, 5, "dilation", 1), _arg(node, 6, "groups", 1))


@_register(aten.conv_transpose2d.input)
def _conv_transpose2d(t: _Translator, node):
    a = node.args
    return _conv_transpose(t, node, a[0], a[1], _arg(node, 2, "bias"), _arg(node, 3, "stride", 1),
                           _arg(node, 4, "padding", 0), _arg(node, 5, "output_padding", 0),
                           _arg(node, 6, "groups", 1), _arg(node, 7, "dilation", 1))


@_register(aten.convolution.default)
def _convolution(t: _Translator, node):
    x, w, bias, stride, padding, dilation, transposed, output_padding, groups = node.args[:9]
    if transposed:
        return _conv_transpose(t, node, x, w, bias, stride, padding, output_padding, groups, dilation)
    return _conv(t, node, x, w, bias, stride, padding, dilation, groups)


@_register(aten.constant_pad_nd.default, aten.pad.default)
def _constant_pad(t: _Translator, node):
    x, pad = node.args[0], list(node.args[1])
    mode = _arg(node, 2, "mode", "constant") if node.target is aten.pad.default else "constant"
    value = _arg(node, 3 if node.target is aten.pad.default else 2, "value", 0.0) or 0.0
    if mode != "constant" or len(pad) > 4 or any(pad[4:]) or _rank(node) != 4:
        raise UnsupportedOpsError("only constant padding of the last two axes of NCHW tensors is supported")
    pad += [0] * (4 - len(pad))
    left, right, top, bottom = pad
    return _Pad(x, (top, bottom, left, right), float(value))


# pooling -----------------------------------------------------------------------------------------------
def _pool_pads(size: int, k: int, s: int, p_lo: int, p_hi: int, ceil: bool) -> tuple[int, int, int]:
    """(pad before, pad after, output size) of torch pooling, with ceil_mode's extra window as pad after."""
    span = size + p_lo + p_hi - k
    out = (math.ceil(span / s) if ceil else span // s) + 1
    if ceil and (out - 1) * s >= size + p_lo:  # torch drops a last window that starts in the padding
        out -= 1
    return p_lo, max((out - 1) * s + k - size - p_lo, p_hi if not ceil else 0), out


def _pool_mode(in_hw, kernel, stride, pads, out_hw) -> str | None:
    """"VALID" / "SAME" when torch's windows equal MindSpore's for that pad mode, else None."""
    if not any(pads) and all(o == (i - k) // s + 1 for i, k, s, o in zip(in_hw, kernel, stride, out_hw)):
        return "VALID"
    same = P.same_pad_list(in_hw, kernel, stride, (1, 1))
    if tuple(same) == tuple(pads) and all(o == math.ceil(i / s) for i, s, o in zip(in_hw, stride, out_hw)):
        return "SAME"
    return None


@_register(aten.max_pool2d.default, aten.max_pool2d_with_indices.default)
def _max_pool2d(t: _Translator, node):
    x = node.args[0]
    kernel = _pair(node.args[1], None)
    stride = _pair(_arg(node, 2, "stride"), kernel)
    ph, pw = _pair(_arg(node, 3, "padding", 0), (0, 0))
    dilation = _pair(_arg(node, 4, "dilation", 1), (1, 1))
    ceil = bool(_arg(node, 5, "ceil_mode", False))
    raw = t.raw(x)
    extra = (0, 0, 0, 0)
    if isinstance(raw, _Pad) and raw.value == -math.inf:
        x, extra = raw.source, raw.pads
    if dilation != (1, 1):
        raise UnsupportedOpsError("max_pool2d with dilation is not supported by MindIR export")
    out_shape = _shape(node)[-2:] if node.target is aten.max_pool2d.default else tuple(
        _meta(node)[0].shape[-2:])
    in_hw = _shape(x)[-2:]
    h0 = _pool_pads(in_hw[0] + extra[0] + extra[1], kernel[0], stride[0], ph, ph, ceil)
    w0 = _pool_pads(in_hw[1] + extra[2] + extra[3], kernel[1], stride[1], pw, pw, ceil)
    pads = (h0[0] + extra[0], h0[1] + extra[1], w0[0] + extra[2], w0[1] + extra[3])
    pending = _PendingMaxPool(x, tuple(in_hw), kernel, stride, pads, tuple(out_shape))
    if node.target is aten.max_pool2d_with_indices.default:
        return (_emit_max_pool(t, pending), None)
    return pending


def _emit_max_pool(t: _Translator, pool: _PendingMaxPool) -> str:
    mode = _pool_mode(pool.in_hw, pool.kernel, pool.stride, pool.pads, pool.out_hw)
    if mode is None:
        raise UnsupportedOpsError(f"max_pool2d padding {pool.pads} matches neither MindSpore's VALID nor SAME mode")
    return P.max_pool(t.b, t.use(pool.source), pool.kernel, pool.stride, mode)


@_register(aten.narrow.default)
def _narrow(t: _Translator, node):
    x, dim, start, length = node.args[:4]
    rank = _rank(x)
    dim = int(dim) % rank
    raw = t.raw(x)
    if isinstance(raw, _PendingMaxPool) and dim >= rank - 2:
        axis = dim - (rank - 2)
        stride, kernel, size = raw.stride[axis], raw.kernel[axis], raw.in_hw[axis]
        pads, out = list(raw.pads), list(raw.out_hw)
        pads[2 * axis] -= int(start) * stride  # windows before `start` are dropped
        out[axis] = int(length)
        pads[2 * axis + 1] = max((out[axis] - 1) * stride + kernel - size - pads[2 * axis], 0)
        if pads[2 * axis] >= 0:
            return _PendingMaxPool(raw.source, raw.in_hw, raw.kernel, raw.stride, tuple(pads), tuple(out))
    shape = _shape(x)
    begin, end = [0] * rank, list(shape)
    begin[dim], end[dim] = int(start), int(start) + int(length)
    return P.strided_slice(t.b, t.use(x), begin, end, [1] * rank)


@_register(aten.avg_pool2d.default)
def _avg_pool2d(t: _Translator, node):
    x = node.args[0]
    kernel = _pair(node.args[1], None)
    stride = _pair(_arg(node, 2, "stride"), kernel)
    padding = _pair(_arg(node, 3, "padding", 0), (0, 0))
    if any(padding) or _arg(node, 4, "ceil_mode", False) or _arg(node, 6, "divisor_override") is not None:
        raise UnsupportedOpsError("avg_pool2d with padding/ceil_mode/divisor_override is not supported")
    return P.avg_pool(t.b, t.use(x), kernel, stride, "VALID")


@_register(aten.adaptive_avg_pool2d.default)
def _adaptive_avg_pool2d(t: _Translator, node):
    if tuple(_shape(node)[-2:]) != (1, 1):
        raise UnsupportedOpsError("adaptive_avg_pool2d is supported only with output size (1, 1)")
    return P.reduce_mean(t.b, t.use(node.args[0]), (2, 3), True)


# normalisation -----------------------------------------------------------------------------------------
def _bn(t: _Translator, x, weight, bias, mean, var, eps):
    if weight is None or bias is None:
        raise UnsupportedOpsError("batch_norm without affine parameters is not supported by MindIR export")
    return P.batch_norm(t.b, t.use(x), t.use(weight), t.use(bias), t.use(mean), t.use(var), float(eps))


@_register(aten.batch_norm.default)
def _batch_norm(t: _Translator, node):
    x, weight, bias, mean, var, training, _momentum, eps = node.args[:8]
    if training or mean is None:
        raise UnsupportedOpsError("batch_norm in training mode cannot be exported (call net.set_train(False))")
    return _bn(t, x, weight, bias, mean, var, eps)


@_register(aten._native_batch_norm_legit_no_training.default)
def _native_bn(t: _Translator, node):
    x, weight, bias, mean, var, _momentum, eps = node.args[:7]
    return (_bn(t, x, weight, bias, mean, var, eps), None, None)


def _ones_or(t: _Translator, value, n: int, like, fill: float) -> str:
    if value is not None:
        return t.use(value)
    return t.b.constant(np.full((n,), fill, dtype=_np_dtype(_meta(like).dtype)))


@_register(aten.layer_norm.default)
def _layer_norm(t: _Translator, node):
    x, shape = node.args[0], list(node.args[1])
    weight, bias = _arg(node, 2, "weight"), _arg(node, 3, "bias")
    eps = _arg(node, 4, "eps", 1e-5)
    n = int(np.prod(shape))
    if weight is None and len(shape) != 1:
        raise UnsupportedOpsError("layer_norm without weight over several axes is not supported")
    axis = -len(shape)
    return P.layer_norm(t.b, t.use(x), _ones_or(t, weight, n, x, 1.0), _ones_or(t, bias, n, x, 0.0),
                        axis, axis, float(eps))


@_register(aten.group_norm.default)
def _group_norm(t: _Translator, node):
    x, groups = node.args[0], node.args[1]
    weight, bias = _arg(node, 2, "weight"), _arg(node, 3, "bias")
    eps = _arg(node, 4, "eps", 1e-5)
    c = _shape(x)[1]
    return P.group_norm(t.b, t.use(x), int(groups), _ones_or(t, weight, c, x, 1.0),
                        _ones_or(t, bias, c, x, 0.0), float(eps))


# activations -------------------------------------------------------------------------------------------
def _unary(emitter):
    def translate(t: _Translator, node):
        return emitter(t.b, t.use(node.args[0]))
    return translate


for _target, _emitter in [
    (aten.relu.default, P.relu), (aten.sigmoid.default, P.sigmoid), (aten.tanh.default, P.tanh),
    (aten.silu.default, P.silu), (aten.hardswish.default, P.hswish), (aten.hardsigmoid.default, P.hsigmoid),
    (aten.exp.default, P.exp), (aten.log.default, P.log), (aten.erf.default, P.erf), (aten.sqrt.default, P.sqrt),
    (aten.rsqrt.default, P.rsqrt), (aten.neg.default, P.neg), (aten.abs.default, P.abs_),
    (aten.square.default, P.square), (aten.reciprocal.default, P.reciprocal), (aten.floor.default, P.floor),
    (aten.sin.default, P.sin), (aten.cos.default, P.cos), (aten.relu6.default, P.relu6),
]:
    TABLE[_target] = _unary(_emitter)


@_register(aten.gelu.default)
def _gelu(t: _Translator, node):
    if node.kwargs.get("approximate", _arg(node, 1, "approximate", "none")) == "tanh":
        return P.gelu(t.b, t.use(node.args[0]))  # MindSpore's GeLU is the tanh form
    return P.gelu_erf(t.b, t.use(node.args[0]), _np_dtype(_meta(node).dtype))


@_register(aten.hardtanh.default)
def _hardtanh(t: _Translator, node):
    lo, hi = _arg(node, 1, "min_val", -1.0), _arg(node, 2, "max_val", 1.0)
    if (lo, hi) == (0.0, 6.0):
        return P.relu6(t.b, t.use(node.args[0]))
    return P.clamp_scalar(t.b, t.use(node.args[0]), float(lo), float(hi))


@_register(aten.clamp.default)
def _clamp(t: _Translator, node):
    lo, hi = _arg(node, 1, "min"), _arg(node, 2, "max")
    return P.clamp_scalar(t.b, t.use(node.args[0]), lo, hi)


@_register(aten.leaky_relu.default)
def _leaky_relu(t: _Translator, node):
    return P.leaky_relu(t.b, t.use(node.args[0]), float(_arg(node, 1, "negative_slope", 0.01)),
                        _np_dtype(_meta(node).dtype))


@_register(aten.elu.default)
def _elu(t: _Translator, node):
    return P.elu(t.b, t.use(node.args[0]), float(_arg(node, 1, "alpha", 1.0)))


@_register(aten.prelu.default, aten._prelu_kernel.default)
def _prelu(t: _Translator, node):
    return P.prelu(t.b, t.use(node.args[0]), t.use(node.args[1]))


@_register(aten.softmax.int, aten._softmax.default)
def _softmax(t: _Translator, node):
    return P.softmax(t.b, t.use(node.args[0]), int(node.args[1]))


@_register(aten.log_softmax.int, aten._log_softmax.default)
def _log_softmax(t: _Translator, node):
    return P.log_softmax(t.b, t.use(node.args[0]), int(node.args[1]))


# elementwise -------------------------------------------------------------------------------------------
def _binary(emitter, scaled: bool = False):
    def translate(t: _Translator, node):
        a, b = node.args[0], node.args[1]
        alpha = node.kwargs.get("alpha", 1)
        if scaled and alpha != 1:
            b_value = P.mul(t.b, t.scalar_or_tensor(b, node), t.scalar_or_tensor(alpha, node))
        else:
            b_value = t.scalar_or_tensor(b, node)
        return emitter(t.b, t.scalar_or_tensor(a, node), b_value)
    return translate


for _targets, _emitter, _scaled in [
    ((aten.add.Tensor, aten.add.Scalar), P.add, True), ((aten.sub.Tensor, aten.sub.Scalar), P.sub, True),
    ((aten.mul.Tensor, aten.mul.Scalar), P.mul, False),
    ((aten.div.Tensor, aten.div.Scalar, aten.true_divide.Tensor), P.div, False),
    ((aten.maximum.default,), P.maximum, False), ((aten.minimum.default,), P.minimum, False),
    ((aten.pow.Tensor_Scalar, aten.pow.Tensor_Tensor), P.pow_, False),
]:
    for _target in _targets:
        TABLE[_target] = _binary(_emitter, _scaled)


@_register(aten.rsub.Scalar, aten.rsub.Tensor)
def _rsub(t: _Translator, node):
    if node.kwargs.get("alpha", 1) != 1:
        raise UnsupportedOpsError("rsub with alpha != 1 is not supported by MindIR export")
    return P.sub(t.b, t.scalar_or_tensor(node.args[1], node), t.scalar_or_tensor(node.args[0], node))


# reductions --------------------------------------------------------------------------------------------
def _dims(node, index: int) -> tuple[int, ...]:
    dims = _arg(node, index, "dim")
    if dims is None:
        return ()
    return (int(dims),) if isinstance(dims, int) else tuple(int(d) for d in dims)


@_register(aten.mean.dim, aten.mean.default)
def _mean(t: _Translator, node):
    keep = bool(_arg(node, 2, "keepdim", False)) if node.target is aten.mean.dim else False
    return P.reduce_mean(t.b, t.use(node.args[0]), _dims(node, 1), keep)


@_register(aten.sum.dim_IntList, aten.sum.default)
def _sum(t: _Translator, node):
    keep = bool(_arg(node, 2, "keepdim", False)) if node.target is aten.sum.dim_IntList else False
    return P.reduce_sum(t.b, t.use(node.args[0]), _dims(node, 1), keep)


@_register(aten.amax.default)
def _amax(t: _Translator, node):
    return P.reduce_max(t.b, t.use(node.args[0]), _dims(node, 1), bool(_arg(node, 2, "keepdim", False)))


# shapes ------------------------------------------------------------------------------------------------
@_register(aten.view.default, aten.reshape.default, aten._unsafe_view.default)
def _reshape(t: _Translator, node):
    target = node.args[1]
    shape = tuple(target) if all(isinstance(d, int) for d in target) else _shape(node)
    return P.reshape(t.b, t.use(node.args[0]), shape)


@_register(aten.flatten.using_ints)
def _flatten(t: _Translator, node):
    x = node.args[0]
    start, end = _arg(node, 1, "start_dim", 0), _arg(node, 2, "end_dim", -1)
    rank = _rank(x)
    if rank >= 2 and start % rank == 1 and end % rank == rank - 1:
        return P.flatten(t.b, t.use(x))
    return P.reshape(t.b, t.use(x), _shape(node))


@_register(aten.permute.default)
def _permute(t: _Translator, node):
    return P.transpose(t.b, t.use(node.args[0]), tuple(node.args[1]))


@_register(aten.transpose.int)
def _transpose(t: _Translator, node):
    rank = _rank(node)
    perm = list(range(rank))
    a, b = node.args[1] % rank, node.args[2] % rank
    perm[a], perm[b] = perm[b], perm[a]
    return P.transpose(t.b, t.use(node.args[0]), perm)


@_register(aten.unsqueeze.default)
def _unsqueeze(t: _Translator, node):
    return P.expand_dims(t.b, t.use(node.args[0]), int(node.args[1]) % _rank(node))


@_register(aten.squeeze.dim, aten.squeeze.dims, aten.squeeze.default)
def _squeeze(t: _Translator, node):
    return P.reshape(t.b, t.use(node.args[0]), _shape(node))


@_register(aten.cat.default)
def _cat(t: _Translator, node):
    return P.concat(t.b, [t.use(x) for x in node.args[0]], int(_arg(node, 1, "dim", 0)))


@_register(aten.expand.default)
def _expand(t: _Translator, node):
    return P.broadcast_to(t.b, t.use(node.args[0]), _shape(node))


@_register(aten.embedding.default)
def _embedding(t: _Translator, node):
    return P.gather(t.b, t.use(node.args[0]), t.use(node.args[1]), 0)


@_register(aten.slice.Tensor)
def _slice(t: _Translator, node):
    x = node.args[0]
    shape = _shape(x)
    dim = int(_arg(node, 1, "dim", 0)) % len(shape)
    start, end, step = _arg(node, 2, "start"), _arg(node, 3, "end"), _arg(node, 4, "step", 1)
    start, end, _ = slice(start, end, step).indices(shape[dim])
    begin = [0] * len(shape)
    stop = list(shape)
    strides = [1] * len(shape)
    begin[dim], stop[dim], strides[dim] = start, end, step
    return P.strided_slice(t.b, t.use(x), begin, stop, strides)


# ------------------------------------------------------------------------------------------------ entry
def construct_arg_names(net, count: int) -> list[str]:
    """Graph input names: the ``construct`` parameter names (MindSpore's "<graph>:x")."""
    names = []
    try:
        params = list(inspect.signature(net.construct).parameters.values())
    except (TypeError, ValueError):
        params = []
    for p in params:
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            names.append(p.name)
        elif p.kind == p.VAR_POSITIONAL:
            names += [f"{p.name}{i}" for i in range(count - len(names))]
    names += [f"input_{i}" for i in range(len(names), count)]
    return names[:count]


def graph_name(net) -> str:
    """Deterministic graph name in MindSpore's style ("<module>_<Class>_construct")."""
    cls = type(net)
    return f"{cls.__module__.replace('.', '_')}_{cls.__name__}_construct"


def trace(net, inputs: tuple[torch.Tensor, ...]) -> torch.export.ExportedProgram:
    """``torch.export`` the Cell in eval mode (restoring its training flag)."""
    training = net.training
    net.train(False)
    try:
        with torch.no_grad():
            return torch.export.export(net, tuple(inputs), strict=False)
    except (TypeError, ValueError):
        raise  # argument errors raised by the network itself keep their type
    except Exception as e:  # torch.export's own failures (data-dependent control flow, unsupported Python)
        first = (str(e).strip().splitlines() or [type(e).__name__])[0]
        raise RuntimeError(f"For 'export', capturing the graph of {type(net).__name__}.construct with torch.export "
                           f"failed: {first}") from e
    finally:
        net.train(training)


def mindspore_parameter_names(net) -> dict[str, str]:
    """torch attribute path (what torch.export reports) -> MindSpore ``Parameter.name`` (what MindSpore writes,
    e.g. an explicit ``Parameter(..., name='kk')``, ``update_parameters_name`` prefixes, a shared parameter's
    first name)."""
    names = {}
    if hasattr(net, "parameters_and_names"):
        names = {id(p._t): p.name for _, p in net.parameters_and_names()}
    return {path: names.get(id(tp), path) for path, tp in net.named_parameters(remove_duplicate=False)}


def build_model(net, inputs: tuple[torch.Tensor, ...]):
    """The ``mind_ir.ModelProto`` of ``net`` applied to ``inputs`` (torch tensors)."""
    ep = trace(net, inputs)
    builder = MindIRBuilder(graph_name(net))
    translator = _Translator(ep, builder, mindspore_parameter_names(net))
    values, types = translator.run(construct_arg_names(net, len(inputs)))
    builder.set_outputs(values, types)
    return builder.finish()
