"""Neural-network functional operators: activations, softmax, dropout, normalisation, embedding, dense.

MindSpore 2.10 defaults kept here (several differ from torch):
* ``gelu(input, approximate='none')`` is the exact erf form; the ``GeLU`` primitive (and ``nn.GELU``) use tanh.
* ``leaky_relu(input, alpha=0.2)`` (torch: 0.01); ``softplus(input, beta=1, threshold=20)``.
* ``dropout(input, p=0.5, training=True)``: ``p`` must leave ``keep_prob = 1 - p`` in ``(0, 1]``, else
  RuntimeError; ``training=False`` returns the input itself.
* ``softmax(input, axis=-1, *, dtype=None)`` casts first when ``dtype`` is given.
* ``layer_norm``/``group_norm``/``batch_norm`` default ``eps=1e-5``; ``batch_norm`` argument order is
  ``(input_x, running_mean, running_var, weight, bias, training=False, momentum=0.1, eps=1e-5)``.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from msshim.common import dtype as mstype
from msshim.common.tensor import Tensor, wrap
from msshim.ops.function._utils import check_tensor, float_input, norm_axis, to_dtype

__all__ = ["relu", "relu6", "gelu", "fast_gelu", "silu", "softmax", "log_softmax", "softmin", "leaky_relu",
           "elu", "selu", "celu", "softplus", "softsign", "hardswish", "hardsigmoid", "hardtanh", "mish",
           "logsigmoid", "tanhshrink", "hardshrink", "softshrink", "threshold", "prelu", "rrelu", "glu",
           "gumbel_softmax", "dropout", "dropout1d", "dropout2d", "dropout3d", "layer_norm", "group_norm",
           "batch_norm", "embedding", "dense", "bias_add", "swiglu"]

_GELU_TANH = "tanh"


def _t(x, op: str, name: str = "input") -> torch.Tensor:
    return check_tensor(x, op, name)


def relu(input, inplace=False) -> Tensor:
    t = _t(input, "ReLU")
    if inplace:
        with torch.no_grad():
            t.clamp_(min=0)
        return input
    return wrap(torch.relu(t) if t.dtype is not torch.bool else t)




def relu6(x) -> Tensor:
    t = _t(x, "ReLU6", "x")
    if not t.is_floating_point():
        raise TypeError(f"For primitive[ReLU6], the input argument[input_x] must be a type of {{Tensor[Float16], "
                        f"Tensor[Float32]}}, but got {mstype.from_torch(t.dtype)}.")
    return wrap(F.relu6(t))


def gelu(input, approximate="none") -> Tensor:
    """``ops.gelu(input, approximate='none')``: exact by default; ``'tanh'`` for the tanh approximation."""
    if approximate not in ("none", "tanh"):
        raise ValueError("For ops.gelu, approximate value should be either 'none' or 'tanh'.")
    t = _t(input, "gelu")
    if not t.is_floating_point():
        raise TypeError(f"For gelu, the input dtype must be bfloat16, float16, float32 or float64, but got "
                        f"{mstype.from_torch(t.dtype)}.")
    return wrap(F.gelu(t, approximate=approximate))


def gelu_tanh(t: torch.Tensor) -> torch.Tensor:
    """The ``GeLU`` primitive: tanh approximation."""
    return F.gelu(t, approximate=_GELU_TANH)


def fast_gelu(x) -> Tensor:
    """``x / (1 + exp(-1.702 |x|)) * exp(0.851 (x - |x|))``."""
    t = float_input(_t(x, "FastGeLU", "x"))
    a = t.abs()
    return wrap(t / (1 + torch.exp(-1.702 * a)) * torch.exp(0.851 * (t - a)))


def silu(input) -> Tensor:
    return wrap(F.silu(float_input(_t(input, "SiLU"))))


def _softmax_axis(axis, t: torch.Tensor, op: str) -> int:
    if not t.is_floating_point():
        raise TypeError(f"For primitive[{op}], the input argument[x] must be a type of {{BFloat16, Float16, Float32, "
                        f"Float64}}, but got {mstype.from_torch(t.dtype)}.")
    if isinstance(axis, (tuple, list)):
        if len(axis) != 1:
            raise ValueError(f"For '{op}', the 'axis' must be an int or a 1-element tuple, but got {axis}.")
        axis = axis[0]
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise TypeError(f" the type of 'axis' must be 'int', but got '{axis}' with type '{type(axis).__name__}'.")
    return norm_axis(axis, t.dim(), op)


def softmax(input, axis=-1, *, dtype=None) -> Tensor:
    t = _t(input, "Softmax")
    if dtype is not None:
        t = t.to(to_dtype(dtype))
    return wrap(torch.softmax(t, _softmax_axis(axis, t, "Softmax")))


def log_softmax(logits, axis=-1) -> Tensor:
    t = _t(logits, "LogSoftmax", "logits")
    return wrap(torch.log_softmax(t, _softmax_axis(axis, t, "LogSoftmax")))


def softmin(x, axis=-1, *, dtype=None) -> Tensor:
    t = _t(x, "Softmin", "x")
    if dtype is not None:
        t = t.to(to_dtype(dtype))
    return wrap(torch.softmax(-t, _softmax_axis(axis, t, "Softmax")))


def leaky_relu(input, alpha=0.2) -> Tensor:
    """``ops.leaky_relu(input, alpha=0.2)``: ``max(alpha * x, x)`` (``min`` when ``alpha > 1``)."""
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float)):
        raise TypeError(f"For 'leaky_relu', the 'alpha' must be float or int, but got {type(alpha).__name__}.")
    t = _t(input, "leaky_relu")
    # alpha is cast to the input dtype first (an integer input makes 0.2 -> 0, i.e. plain ReLU)
    scaled = t * torch.tensor(alpha, device=t.device).to(t.dtype)
    return wrap(torch.minimum(scaled, t) if alpha > 1 else torch.maximum(scaled, t))


def elu(input_x, alpha=1.0) -> Tensor:
    return wrap(F.elu(_t(input_x, "Elu", "input_x"), float(alpha)))


def selu(input_x) -> Tensor:
    return wrap(F.selu(_t(input_x, "SeLU", "input_x")))


def celu(x, alpha=1.0) -> Tensor:
    if alpha == 0:
        raise ValueError("For 'CeLU', the 'alpha' cannot be 0.")
    return wrap(F.celu(_t(x, "CeLU", "x"), float(alpha)))


def softplus(input, beta=1, threshold=20) -> Tensor:
    """``ops.softplus(input, beta=1, threshold=20)``: linear where ``beta * x > threshold``."""
    if beta == 0:
        raise ValueError("For 'softplus', the value of 'beta' cannot be 0.")
    return wrap(F.softplus(_t(input, "Softplus"), beta, threshold))


def softsign(x) -> Tensor:
    return wrap(F.softsign(_t(x, "Softsign", "x")))


def hardswish(input) -> Tensor:
    return wrap(F.hardswish(_t(input, "HSwish")))


def hardsigmoid(input) -> Tensor:
    return wrap(F.hardsigmoid(_t(input, "HSigmoid")))


def hardtanh(input, min_val=-1.0, max_val=1.0) -> Tensor:
    t = _t(input, "hardtanh")
    return wrap(torch.clamp(t, min_val, max_val).to(t.dtype))


def mish(x) -> Tensor:
    return wrap(F.mish(_t(x, "Mish", "x")))


def logsigmoid(x) -> Tensor:
    return wrap(F.logsigmoid(_t(x, "logsigmoid", "x")))


def tanhshrink(input) -> Tensor:
    t = _t(input, "tanhshrink")
    return wrap(t - torch.tanh(t))


def hardshrink(input, lambd=0.5) -> Tensor:
    return wrap(F.hardshrink(_t(input, "HShrink"), lambd))


def softshrink(input, lambd=0.5) -> Tensor:
    return wrap(F.softshrink(_t(input, "SoftShrink"), lambd))


def threshold(input, thr, value) -> Tensor:
    """``x if x > thr else value``."""
    return wrap(F.threshold(_t(input, "threshold"), thr, value))


def prelu(input, weight) -> Tensor:
    """``ops.prelu(input, weight)``: ``weight`` has one entry per channel (axis 1) or a single entry."""
    t = _t(input, "PReLU")
    w = _t(weight, "PReLU", "weight")
    return wrap(F.prelu(t, w.to(t.dtype)))


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3) -> Tensor:
    if lower > upper:
        raise ValueError(f"For 'rrelu', the value of 'upper' must be greater than or equal to 'lower', but got upper: "
                         f"{upper}, lower: {lower}. ")
    return wrap(F.rrelu(_t(input, "rrelu"), lower, upper, training=True))


def glu(x, axis=-1) -> Tensor:
    """First half of ``x`` along ``axis`` times the sigmoid of the second half."""
    t = _t(x, "GLU", "x")
    a = norm_axis(axis, t.dim(), "Split")
    if t.shape[a] % 2:
        raise ValueError(f"For 'Split', x_shape[{a}] must be divisible by output_num = 2, but got {t.shape[a]}")
    return wrap(F.glu(t, a))


def swiglu(input, dim=-1) -> Tensor:
    a, b = _t(input, "Swiglu").chunk(2, dim)
    return wrap(F.silu(a) * b)


def gumbel_softmax(logits, tau=1.0, hard=False, dim=-1) -> Tensor:
    return wrap(F.gumbel_softmax(_t(logits, "gumbel_softmax", "logits"), tau=tau, hard=hard, dim=dim))


# ---------------------------------------------------------------------------------------------- dropout
def _keep_prob_check(p) -> float:
    keep = 1 - p
    if not 0.0 < keep <= 1.0:
        raise RuntimeError(f"For 'Dropout, the 'keep_prob' must be in (0.0, 1.0], but got {keep}")
    return keep


def dropout(input, p=0.5, training=True, seed=None):
    """``ops.dropout(input, p=0.5, training=True, seed=None)``: inverted dropout (kept values scaled by
    ``1 / (1 - p)``)."""
    if not isinstance(training, bool):
        raise TypeError(f"For 'dropout', the 'training' must be bool, but got {type(training).__name__}.")
    if training is False:
        return input
    t = _t(input, "Dropout")
    keep = _keep_prob_check(p)
    if keep == 1.0:
        return wrap(t.clone())
    return wrap(F.dropout(t, 1.0 - keep, training=True))


def dropout1d(input, p=0.5, training=True):
    if not isinstance(p, float):
        raise TypeError(f"For dropout1d, 'p' must be float, but got type {type(p)}.")
    if p < 0 or p > 1:
        raise ValueError(f"For dropout1d, the 'p' must be a number in range [0, 1], but got {p}.")
    if not training:
        return input
    t = _t(input, "dropout1d")
    if t.dim() not in (2, 3):
        raise ValueError(f"For dropout1d, input shape should be 2D or 3D, but got {t.dim()}.")
    return wrap(F.dropout1d(t, p, True))


def dropout2d(input, p=0.5, training=True):
    if not training:
        return input
    t = _t(input, "Dropout2D")
    if t.dim() != 4:
        raise ValueError(f"For 'Dropout2D', the dimension of 'x' must be 4, but got {t.dim()}.")
    return wrap(F.dropout2d(t, p, True))


def dropout3d(input, p=0.5, training=True):
    if not training:
        return input
    t = _t(input, "Dropout3D")
    if t.dim() != 5:
        raise ValueError(f"For 'Dropout3D', the dimension of 'x' must be 5, but got {t.dim()}.")
    return wrap(F.dropout3d(t, p, True))


# ---------------------------------------------------------------------------------------------- normalisation
def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05) -> Tensor:
    """``ops.layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5)``."""
    t = _t(input, "LayerNorm")
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if tuple(t.shape[t.dim() - len(shape):]) != shape:
        raise ValueError(f"For 'LayerNorm', gamma or beta shape must match input shape, but got input shape: "
                         f"{list(t.shape)}, gamma shape: {list(shape)}, beta shape: {list(shape)}.")
    w = None if weight is None else _t(weight, "LayerNorm", "weight").to(t.dtype)
    b = None if bias is None else _t(bias, "LayerNorm", "bias").to(t.dtype)
    return wrap(F.layer_norm(t, shape, w, b, eps))


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-05) -> Tensor:
    t = _t(input, "GroupNorm")
    if t.shape[1] % num_groups:
        raise ValueError(f"For 'GroupNorm', the channel of 'input' {t.shape[1]} must be divisible by "
                         f"'num_groups' {num_groups}.")
    w = None if weight is None else _t(weight, "GroupNorm", "weight")
    b = None if bias is None else _t(bias, "GroupNorm", "bias")
    return wrap(F.group_norm(t, num_groups, w, b, eps))


def batch_norm(input_x, running_mean, running_var, weight, bias, training=False, momentum=0.1, eps=1e-05) -> Tensor:
    """Training mode normalises with batch statistics and updates the running buffers in place with
    ``new = (1 - momentum) * old + momentum * batch`` (the torch convention MindSpore's functional uses)."""
    t = _t(input_x, "BatchNorm", "input_x")
    rm = _t(running_mean, "BatchNorm", "running_mean")
    rv = _t(running_var, "BatchNorm", "running_var")
    w = _t(weight, "BatchNorm", "weight")
    b = _t(bias, "BatchNorm", "bias")
    if training:
        with torch.no_grad():
            stat_m, stat_v = rm.detach().clone(), rv.detach().clone()
        out = F.batch_norm(t, stat_m, stat_v, w, b, True, momentum, eps)
        with torch.no_grad():
            rm.copy_(stat_m)
            rv.copy_(stat_v)
        return wrap(out)
    return wrap(F.batch_norm(t, rm, rv, w, b, False, momentum, eps))




def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False) -> Tensor:
    """Rows of ``weight`` selected by ``input``; ``max_norm`` renormalises the used rows of ``weight`` in place."""
    idx = _t(input, "Embedding").long()
    w = _t(weight, "Embedding", "weight")
    if max_norm is not None:
        with torch.no_grad():
            torch.embedding_renorm_(w, idx, max_norm, norm_type)
    return wrap(F.embedding(idx, w, padding_idx, None, norm_type, scale_grad_by_freq))


def dense(input, weight, bias=None) -> Tensor:
    """``input @ weight.T + bias`` (weight ``(out, in)``, or 1-D)."""
    t = _t(input, "Dense")
    w = _t(weight, "Dense", "weight")
    b = None if bias is None else _t(bias, "Dense", "bias")
    if t.shape[-1] != w.shape[-1]:
        raise ValueError(f"For 'Dense', the last dimension of 'input' {t.shape[-1]} must be equal to the last "
                         f"dimension of 'weight' {w.shape[-1]}.")
    return wrap(F.linear(t, w, b))


def bias_add(input_x, bias) -> Tensor:
    """Adds the 1-D ``bias`` along axis 1 (NCHW channel axis) of ``input_x``."""
    t = _t(input_x, "BiasAdd", "input_x")
    b = _t(bias, "BiasAdd", "bias")
    if t.dim() < 2 or b.dim() != 1 or b.shape[0] != t.shape[1]:
        raise ValueError(f"For 'BiasAdd', the length of 'bias' must equal the channel axis (1) of 'input_x', but "
                         f"got bias shape {tuple(b.shape)} and input shape {tuple(t.shape)}.")
    return wrap(t + b.reshape((1, -1) + (1,) * (t.dim() - 2)))
