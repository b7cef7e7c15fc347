"""Neural-network primitives: activations (``ReLU``, ``GeLU`` = tanh approximation, ``FastGeLU``, ...),
``Softmax(axis)``, ``Dropout(keep_prob)`` -> ``(output, mask)``, ``LayerNorm`` -> ``(y, mean, variance)``,
``BatchNorm`` -> 5 outputs, ``L2Normalize``, ``BiasAdd``, ``Dense`` and the loss primitives.

Conv/pool/resize/pad primitives live in ``nn_layer_ops``.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from msshim.common.tensor import wrap
from msshim.ops.function import loss_func as LF
from msshim.ops.function import nn_func as N
from msshim.ops.function._utils import check_tensor, norm_axis
from msshim.ops.operations._base import Op, stateless
from msshim.ops.operations.math_ops import _simple
from msshim.ops.primitive import prim_attr_register

__all__ = ["Softmax", "LogSoftmax", "ReLU", "ReLU6", "GeLU", "FastGeLU", "HSwish", "HSigmoid", "Elu", "SeLU", "CeLU",
           "Softplus", "Softsign", "Mish", "HShrink", "SoftShrink", "PReLU", "BiasAdd", "Dense", "Dropout",
           "Dropout2D", "Dropout3D", "L2Normalize", "LayerNorm", "BatchNorm", "SoftmaxCrossEntropyWithLogits",
           "SparseSoftmaxCrossEntropyWithLogits", "SmoothL1Loss", "BCEWithLogitsLoss", "BinaryCrossEntropy",
           "NLLLoss", "KLDivLoss", "L2Loss", "SigmoidCrossEntropyWithLogits", "SoftMarginLoss", "MultiMarginLoss",
           "TripletMarginLoss", "CTCLossV2"]


def _axes_attr(axis) -> tuple:
    return (axis,) if isinstance(axis, int) else tuple(axis)


class Softmax(Op):
    """``Softmax(axis=-1)``; the attribute is stored as a tuple, as MindSpore does."""

    @prim_attr_register
    def __init__(self, axis=-1):
        self.add_prim_attr("axis", _axes_attr(axis))

    def __call__(self, input):
        return N.softmax(input, self.attrs["axis"][0])


class LogSoftmax(Op):
    @prim_attr_register
    def __init__(self, axis=-1):
        pass

    def __call__(self, logits):
        return N.log_softmax(logits, self.attrs["axis"])


ReLU = _simple("ReLU", N.relu)
ReLU6 = _simple("ReLU6", N.relu6)
FastGeLU = _simple("FastGeLU", N.fast_gelu)
HSwish = _simple("HSwish", N.hardswish)
HSigmoid = _simple("HSigmoid", N.hardsigmoid)
SeLU = _simple("SeLU", N.selu)
Softplus = _simple("Softplus", N.softplus)
Softsign = _simple("Softsign", N.softsign)
Mish = _simple("Mish", N.mish)
PReLU = _simple("PReLU", N.prelu)
Dense = _simple("Dense", N.dense)
L2Loss = _simple("L2Loss", lambda x: wrap(check_tensor(x, "L2Loss", "x").square().sum() / 2),
                 "``L2Loss()(x)``: ``sum(x ** 2) / 2``.")


@stateless
class GeLU(Op):
    """``GeLU()``: the tanh approximation (unlike ``ops.gelu``'s exact default)."""

    def __call__(self, input):
        return wrap(N.gelu_tanh(check_tensor(input, "GeLU")))


class Elu(Op):
    @prim_attr_register
    def __init__(self, alpha=1.0):
        pass

    def __call__(self, input_x):
        return N.elu(input_x, self.attrs["alpha"])


class CeLU(Op):
    @prim_attr_register
    def __init__(self, alpha=1.0):
        pass

    def __call__(self, x):
        return N.celu(x, self.attrs["alpha"])


class HShrink(Op):
    @prim_attr_register
    def __init__(self, lambd=0.5):
        pass

    def __call__(self, input):
        return N.hardshrink(input, self.attrs["lambd"])


class SoftShrink(Op):
    @prim_attr_register
    def __init__(self, lambd=0.5):
        pass

    def __call__(self, input):
        return N.softshrink(input, self.attrs["lambd"])


class BiasAdd(Op):
    @prim_attr_register
    def __init__(self, data_format="NCHW"):
        if data_format not in ("NCHW", "NHWC", "NCDHW"):
            raise ValueError(f"For 'BiasAdd', the 'data_format' must be NCHW, NHWC or NCDHW, but got {data_format}.")

    def __call__(self, input_x, bias):
        if self.attrs["data_format"] == "NHWC":
            return wrap(check_tensor(input_x, "BiasAdd", "input_x") + check_tensor(bias, "BiasAdd", "bias"))
        return N.bias_add(input_x, bias)


def _keep_prob(keep_prob, op: str) -> float:
    """Checked when the primitive runs (MindSpore accepts any value at construction)."""
    if not 0.0 < keep_prob <= 1.0:
        raise RuntimeError(f"For '{op}, the 'keep_prob' must be in (0.0, 1.0], but got {keep_prob}")
    return float(keep_prob)


class Dropout(Op):
    """``Dropout(keep_prob=0.5, Seed0=0, Seed1=0)(x)`` -> ``(output, mask)`` with a 0/1 mask of x's dtype."""

    @prim_attr_register
    def __init__(self, keep_prob=0.5, Seed0=0, Seed1=0):
        pass

    def __call__(self, x):
        t = check_tensor(x, "Dropout", "x")
        keep = _keep_prob(self.attrs["keep_prob"], "Dropout")
        mask = (torch.rand_like(t, dtype=torch.float32) < keep).to(t.dtype)
        return wrap(t * mask / keep), wrap(mask)


class Dropout2D(Op):
    """``Dropout2D(keep_prob=0.5)(x)`` zeroes whole channels of NCHW input -> ``(output, Bool mask)``."""

    _rank = 4

    @prim_attr_register
    def __init__(self, keep_prob=0.5):
        pass

    def __call__(self, x):
        t = check_tensor(x, self.name, "x")
        if t.dim() != self._rank:
            raise ValueError(f"For '{self.name}', the dimension of 'x' must be {self._rank}, but got {t.dim()}.")
        keep = _keep_prob(self.attrs["keep_prob"], self.name)
        channel = torch.rand(t.shape[:2] + (1,) * (t.dim() - 2), device=t.device) < keep
        mask = channel.expand(t.shape)
        return wrap(t * mask.to(t.dtype) / keep), wrap(mask.clone())


class Dropout3D(Dropout2D):
    _rank = 5


class L2Normalize(Op):
    """``L2Normalize(axis=0, epsilon=1e-4)``: ``x / sqrt(max(sum(x ** 2, axis), epsilon))``."""

    @prim_attr_register
    def __init__(self, axis=0, epsilon=1e-4):
        if isinstance(axis, (tuple, list)) and len(axis) != 1:
            raise TypeError(f"For 'L2Normalize', the length of 'axis' must be 1, but got {len(axis)}, later will "
                            f"support multiple axis!")
        self.add_prim_attr("axis", _axes_attr(axis))

    def __call__(self, input_x):
        t = check_tensor(input_x, "L2Normalize", "input_x")
        dims = tuple(norm_axis(a, t.dim(), "L2Normalize") for a in self.attrs["axis"])
        sq = t.square().sum(dims, keepdim=True)
        return wrap(t / torch.sqrt(torch.clamp(sq, min=self.attrs["epsilon"])))


class LayerNorm(Op):
    """``LayerNorm(begin_norm_axis=1, begin_params_axis=1, epsilon=1e-7)(x, gamma, beta)`` ->
    ``(y, mean, variance)``, statistics shaped like ``x`` with the normalised axes kept as 1."""

    @prim_attr_register
    def __init__(self, begin_norm_axis=1, begin_params_axis=1, epsilon=1e-7):
        pass

    def __call__(self, input_x, gamma, beta):
        t = check_tensor(input_x, "LayerNorm", "input_x")
        g = check_tensor(gamma, "LayerNorm", "gamma")
        b = check_tensor(beta, "LayerNorm", "beta")
        nd = t.dim()
        norm_start = norm_axis(self.attrs["begin_norm_axis"], nd, "LayerNorm", word="begin_norm_axis")
        param_start = norm_axis(self.attrs["begin_params_axis"], nd, "LayerNorm", word="begin_params_axis")
        if tuple(g.shape) != tuple(t.shape[param_start:]) or tuple(b.shape) != tuple(t.shape[param_start:]):
            raise ValueError(f"For 'LayerNorm', gamma or beta shape must match input shape, but got input shape: "
                             f"{list(t.shape)}, gamma shape: {list(g.shape)}, beta shape: {list(b.shape)}.")
        dims = tuple(range(norm_start, nd))
        var, mean = torch.var_mean(t, dim=dims, correction=0, keepdim=True)
        y = (t - mean) * torch.rsqrt(var + self.attrs["epsilon"])
        y = y * g.to(t.dtype) + b.to(t.dtype)
        return wrap(y), wrap(mean), wrap(var)


class BatchNorm(Op):
    """``BatchNorm(is_training=False, epsilon=1e-5, momentum=0.1, data_format='NCHW')(x, scale, bias, mean,
    variance)`` -> ``(y, 0, 0, saved_mean, saved_variance)``.  Training normalises with the batch statistics and
    updates ``mean``/``variance`` in place: ``new = (1 - momentum) * old + momentum * batch`` (unbiased variance);
    the saved variance is the biased one.  Inference returns zeros for the four statistics."""

    @prim_attr_register
    def __init__(self, is_training=False, epsilon=1e-5, momentum=0.1, data_format="NCHW"):
        pass

    def __call__(self, input_x, scale, bias, mean, variance):
        a = self.attrs
        t = check_tensor(input_x, "BatchNorm", "input_x")
        s, b = check_tensor(scale, "BatchNorm", "scale"), check_tensor(bias, "BatchNorm", "bias")
        m, v = check_tensor(mean, "BatchNorm", "mean"), check_tensor(variance, "BatchNorm", "variance")
        channels = t.shape[1] if a["data_format"] != "NHWC" else t.shape[-1]
        for name, v in (("scale", s), ("bias", b), ("mean", m), ("variance", v)):
            if v.dim() != 1 or v.shape[0] != channels:
                raise ValueError(f"For BatchNorm, {name}.shape[0] should be equal to input_x's channel dimension: "
                                 f"{channels}, bug got {name}.shape[0]: {v.shape[0] if v.dim() else v.dim()}.")
        zeros = torch.zeros(channels, dtype=torch.float32, device=t.device)
        src = t.movedim(-1, 1) if a["data_format"] == "NHWC" else t
        if not a["is_training"]:
            y = F.batch_norm(src, m, v, s, b, False, 0.0, a["epsilon"])
            y = y.movedim(1, -1) if a["data_format"] == "NHWC" else y
            return wrap(y), wrap(zeros), wrap(zeros.clone()), wrap(zeros.clone()), wrap(zeros.clone())
        dims = [0] + list(range(2, src.dim()))
        batch_var, batch_mean = torch.var_mean(src, dim=dims, correction=0)
        with torch.no_grad():
            n = src.numel() // channels
            unbiased = batch_var * (n / max(n - 1, 1))
            mom = a["momentum"]
            m.copy_((1 - mom) * m + mom * batch_mean.to(m.dtype))
            v.copy_((1 - mom) * v + mom * unbiased.to(v.dtype))
        shape = [1, -1] + [1] * (src.dim() - 2)
        y = (src - batch_mean.reshape(shape)) * torch.rsqrt(batch_var.reshape(shape) + a["epsilon"])
        y = y * s.reshape(shape) + b.reshape(shape)
        y = y.movedim(1, -1) if a["data_format"] == "NHWC" else y
        return wrap(y), wrap(zeros), wrap(zeros.clone()), wrap(batch_mean), wrap(batch_var)


@stateless
class SoftmaxCrossEntropyWithLogits(Op):
    """``(logits, labels)`` -> ``(loss (N,), backprop = softmax(logits) - labels)``."""

    def __call__(self, logits, labels):
        x = check_tensor(logits, "SoftmaxCrossEntropyWithLogits", "logits")
        y = check_tensor(labels, "SoftmaxCrossEntropyWithLogits", "labels")
        return wrap(LF.softmax_cross_entropy(x, y)), wrap(torch.softmax(x, -1) - y)


class SparseSoftmaxCrossEntropyWithLogits(Op):
    """``(logits, labels)`` -> the mean loss (``is_grad=False``) or its gradient w.r.t. logits."""

    @prim_attr_register
    def __init__(self, is_grad=False):
        pass

    def __call__(self, logits, labels):
        x = check_tensor(logits, "SparseSoftmaxCrossEntropyWithLogits", "logits")
        y = check_tensor(labels, "SparseSoftmaxCrossEntropyWithLogits", "labels")
        if self.attrs["is_grad"]:
            grad = torch.softmax(x, -1) - F.one_hot(y.long(), x.shape[-1]).to(x.dtype)
            return wrap(grad / x.shape[0])
        return wrap(LF.sparse_softmax_cross_entropy(x, y))


class SmoothL1Loss(Op):
    @prim_attr_register
    def __init__(self, beta=1.0, reduction="none"):
        pass

    def __call__(self, prediction, target):
        return LF.smooth_l1_loss(prediction, target, self.attrs["beta"], self.attrs["reduction"])


class BCEWithLogitsLoss(Op):
    @prim_attr_register
    def __init__(self, reduction="mean"):
        pass

    def __call__(self, input, target, weight=None, posWeight=None):
        return LF.binary_cross_entropy_with_logits(input, target, weight, posWeight, self.attrs["reduction"])


class BinaryCrossEntropy(Op):
    @prim_attr_register
    def __init__(self, reduction="mean"):
        pass

    def __call__(self, input, target, weight=None):
        return LF.binary_cross_entropy(input, target, weight, self.attrs["reduction"])


class NLLLoss(Op):
    """``NLLLoss(reduction='mean', ignore_index=-100)(logits, labels, weight)`` -> ``(loss, total_weight)``."""

    @prim_attr_register
    def __init__(self, reduction="mean", ignore_index=-100):
        pass

    def __call__(self, logits, labels, weight):
        a = self.attrs
        x = check_tensor(logits, "NLLLoss", "logits")
        y = check_tensor(labels, "NLLLoss", "labels").long()
        w = check_tensor(weight, "NLLLoss", "weight").to(x.dtype)
        valid = y != a["ignore_index"]
        total = (w[y.clamp(0, x.shape[-1] - 1)] * valid).sum()
        loss = LF.nll_loss(logits, labels, weight, a["ignore_index"], a["reduction"])
        return loss, wrap(total)


class KLDivLoss(Op):
    @prim_attr_register
    def __init__(self, reduction="mean"):
        pass

    def __call__(self, logits, labels):
        return LF.kl_div(logits, labels, self.attrs["reduction"])


@stateless
class SigmoidCrossEntropyWithLogits(Op):
    """Element-wise ``-[y log(sigmoid(x)) + (1 - y) log(1 - sigmoid(x))]`` (no reduction)."""

    def __call__(self, logits, label):
        x = check_tensor(logits, "SigmoidCrossEntropyWithLogits", "logits")
        y = check_tensor(label, "SigmoidCrossEntropyWithLogits", "label")
        return wrap(F.binary_cross_entropy_with_logits(x, y.to(x.dtype), reduction="none"))


class SoftMarginLoss(Op):
    @prim_attr_register
    def __init__(self, reduction="mean"):
        pass

    def __call__(self, input, target):
        return LF.soft_margin_loss(input, target, self.attrs["reduction"])


class MultiMarginLoss(Op):
    @prim_attr_register
    def __init__(self, p=1, margin=1.0, reduction="mean"):
        pass

    def __call__(self, x, target, weight=None):
        a = self.attrs
        return LF.multi_margin_loss(x, target, a["p"], int(a["margin"]) if float(a["margin"]).is_integer() else 1,
                                    weight, a["reduction"])


class TripletMarginLoss(Op):
    @prim_attr_register
    def __init__(self, p=2, swap=False, eps=1e-06, reduction="mean"):
        pass

    def __call__(self, x, positive, negative, margin):
        a = self.attrs
        return LF.triplet_margin_loss(x, positive, negative, margin, a["p"], a["eps"], a["swap"], a["reduction"])


class CTCLossV2(Op):
    """``(log_probs, targets, input_lengths, target_lengths)`` -> ``(neg_log_likelihood, log_alpha)``."""

    @prim_attr_register
    def __init__(self, blank=0, reduction="none", zero_infinity=False):
        pass

    def __call__(self, log_probs, targets, input_lengths, target_lengths):
        a = self.attrs
        return LF.ctc_loss(log_probs, targets, input_lengths, target_lengths, a["blank"], a["reduction"],
                           a["zero_infinity"])
