"""The cross-entropy family (``ops.cross_entropy``, ``ops.nll_loss``, ``ops.binary_cross_entropy``,
``ops.binary_cross_entropy_with_logits`` and the SoftmaxCrossEntropyWithLogits primitives' losses) with MindSpore
2.10's formulas, dtypes, gradients and argument checks (see tests/fixtures/loss/make_loss.py for the oracle).

Differences from torch kept here:

* ``cross_entropy`` with probability targets (Float16/Float32 targets) averages over ``numel / n_classes``;
  ``label_smoothing`` may exceed 1 (only negatives are rejected).
* ``nll_loss``/``cross_entropy`` label smoothing mixes in the (weighted) sum over classes; negative class indices
  count from the end (``-1`` is the last class, MindSpore's GatherD); ``nll_loss`` does not check
  ``reduction`` (anything but ``'mean'``/``'sum'`` is ``'none'``).
* ``binary_cross_entropy`` clamps the logarithms at ``log(1e-12)`` (torch at -100) and differentiates as
  ``w * (x - y) / max(x * (1 - x), 1e-12)``.
* ``binary_cross_entropy_with_logits`` returns the dtype of ``target``.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from msshim.common.tensor import Tensor, wrap
from msshim.common._errors import MSRuntimeError
from msshim.ops.function._loss_utils import REDUCTIONS, check_enum_reduction
from msshim.ops.function._utils import broadcast_error, check_tensor as _t, ms_dtype_name, ms_shape, shapes_broadcast

__all__ = ["cross_entropy", "nll_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits"]

_HALF = (torch.float16, torch.bfloat16)
_FLOATS = (torch.float16, torch.float32)
_INDEX_TYPES = (torch.int32, torch.int64)
_BCE_EPS = 1e-12
_NO_IGNORE = -(2 ** 63)  # F.cross_entropy must not skip any label (torch's default ignore_index is -100)


def _type_error(prim: str, arg: str, allowed: str, t: torch.Tensor) -> TypeError:
    return TypeError(f"For primitive[{prim}], the input argument[{arg}] must be a type of {{{allowed}}}, but got "
                     f"Tensor[{ms_dtype_name(t)}].")


def _torch_reduction(reduction) -> str:
    return reduction if reduction in ("mean", "sum") else "none"


def _broadcasts_to(shape, target) -> bool:
    """Whether ``shape`` broadcasts to exactly ``target`` (without growing it)."""
    try:
        return tuple(torch.broadcast_shapes(shape, target)) == tuple(target)
    except RuntimeError:
        return False


# --------------------------------------------------------------------------------- classification (indices)
def _class_index(target: torch.Tensor, n_classes: int) -> torch.Tensor:
    """Class indices as int64 for gather: MindSpore's GatherD accepts ``[-C, C)`` (negatives count from the
    end); out-of-range values raise its RuntimeError (checked on CPU, where torch raises anyway)."""
    if target.dtype not in _INDEX_TYPES:
        raise _type_error("GatherD", "index", "Tensor[Int32], Tensor[Int64]", target)
    t = target.long()
    if not t.is_cuda and t.numel():
        lo, hi = int(t.min()), int(t.max())
        if lo < -n_classes or hi >= n_classes:
            bad = hi if hi >= n_classes else lo
            raise MSRuntimeError(f"For 'GatherD', the value of 'index' must be in [{-n_classes}, {n_classes}), but "
                                 f"got: {bad}")
        if lo >= 0:
            return t
    return torch.where(t < 0, t + n_classes, t)


def _nll(inputs: torch.Tensor, target: torch.Tensor, target_dim: int, weight, ignore_index, reduction: str,
         label_smoothing: float) -> torch.Tensor:
    """MindSpore's ``_nll_loss`` (class axis ``target_dim`` of ``inputs``)."""
    if target.dim() == inputs.dim() - 1:
        target = target.unsqueeze(target_dim)
    expected = list(inputs.shape)
    expected[target_dim] = 1
    if list(target.shape) != expected:
        raise broadcast_error("MaskedFill", torch.empty(expected, device="meta"), target, ("input", "mask"))
    n_classes = inputs.shape[target_dim]
    pad = None
    if ignore_index is not None:
        pad = target == ignore_index
        target = target.masked_fill(pad, 0)
    target = _class_index(target, n_classes)
    if weight is not None:
        loss_weights = weight[target]
        shape = [1] * inputs.dim()
        shape[target_dim] = -1
        weighted = inputs * weight.reshape(shape)
    else:
        weighted = inputs
        loss_weights = None
    loss = -torch.gather(weighted, target_dim, target)
    smooth = -weighted.sum(target_dim, keepdim=True) if label_smoothing else None
    if loss_weights is None:
        loss_weights = torch.ones_like(loss)
    if pad is not None:
        loss = loss.masked_fill(pad, 0)
        loss_weights = loss_weights.masked_fill(pad, 0)
        smooth = smooth.masked_fill(pad, 0) if smooth is not None else None
    loss = loss.squeeze(target_dim)
    smooth = smooth.squeeze(target_dim) if smooth is not None else None
    if reduction == "sum":
        loss = loss.sum()
        smooth = smooth.sum() if smooth is not None else None
    elif reduction == "mean":
        denom = loss_weights.sum()
        loss = loss.sum() / denom
        smooth = smooth.sum() / denom if smooth is not None else None
    if smooth is None:
        return loss
    eps_i = label_smoothing / n_classes
    return (1.0 - label_smoothing) * loss + eps_i * smooth


def nll(x: torch.Tensor, y: torch.Tensor, w, ignore_index, reduction: str, label_smoothing: float) -> torch.Tensor:
    """``ops.nll_loss`` on torch tensors: 1-D, 2-D (class axis -1), 4-D and other N-D inputs (class axis 1).

    Without label smoothing torch's fused ``nll_loss`` computes the same thing; whatever it refuses (negative
    labels, which MindSpore counts from the end, out-of-range labels, odd shapes or dtypes) goes through the
    general path below, which reproduces MindSpore's results and errors."""
    if not label_smoothing and isinstance(ignore_index, int) and y.dtype in _INDEX_TYPES and \
            (w is None or w.dtype == x.dtype):
        try:
            return F.nll_loss(x, y.long(), w, ignore_index=ignore_index, reduction=_torch_reduction(reduction))
        except (RuntimeError, IndexError, ValueError):
            pass
    if x.dim() in (1, 2):
        return _nll(x, y, -1 if x.dim() == 2 else 0, w, ignore_index, reduction, label_smoothing)
    if x.dim() == 4:
        return _nll(x, y, 1, w, ignore_index, reduction, label_smoothing)
    n, c = x.shape[0], x.shape[1]
    if y.numel() != x.numel() // max(c, 1):
        raise broadcast_error("MaskedFill", torch.empty((n, 1, y.numel() // max(n, 1)), device="meta"),
                              torch.empty((n, 1, x.numel() // max(n * c, 1)), device="meta"), ("input", "mask"))
    out = _nll(x.reshape(n, c, 1, -1), y.reshape(n, 1, -1), 1, w, ignore_index, reduction, label_smoothing)
    return out if reduction in ("mean", "sum") else out.reshape((n,) + tuple(x.shape[2:]))


def nll_loss(inputs, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0) -> Tensor:
    """``ops.nll_loss(inputs, target, weight=None, ignore_index=-100, reduction='mean', label_smoothing=0.0)``."""
    x = _t(inputs, "nll_loss", "inputs")
    y = _t(target, "nll_loss", "target")
    w = None if weight is None else _t(weight, "nll_loss", "weight")
    return wrap(nll(x, y, w, ignore_index, reduction, label_smoothing))


def _check_cross_entropy_args(x: torch.Tensor, ignore_index, reduction, label_smoothing) -> None:
    op = "cross_entropy_loss"
    if isinstance(ignore_index, bool) or not isinstance(ignore_index, int):
        raise TypeError(f"For '{op}', the 'ignore_index' must be int, but got {type(ignore_index).__name__}.")
    if isinstance(label_smoothing, bool) or not isinstance(label_smoothing, float) or label_smoothing < 0:
        raise ValueError(f"For '{op}', the 'label_smoothing' must be float and must >= 0, but got "
                         f"'{label_smoothing}' with type '{type(label_smoothing).__name__}'.")
    if reduction not in REDUCTIONS:
        raise ValueError(f"For '{op}', the 'reduction' must be str and must be in '['none', 'mean', 'sum']', but "
                         f"got '{reduction}'.")
    if x.dtype not in (torch.float64, torch.float32, torch.float16):
        raise TypeError(f"For cross_entropy, the input dtype should be mstype.float64, mstype.float32 or "
                        f"mstype.float16, but got dtype:{ms_dtype_name(x)}.")


def cross_entropy_probs(logp: torch.Tensor, y: torch.Tensor, w, class_dim: int, reduction: str,
                        label_smoothing: float) -> torch.Tensor:
    """MindSpore's ``_cross_entropy``: class-probability targets."""
    n_classes = logp.shape[class_dim]
    if label_smoothing > 0.0:
        y = y * (1 - label_smoothing) + label_smoothing / n_classes
    if w is not None and logp.dim() != 1:
        shape = [1] * logp.dim()
        shape[1] = w.shape[0]
        w = w.reshape(shape)
    if logp.shape != y.shape and not shapes_broadcast(logp, y):
        raise broadcast_error("Mul", logp, y)
    prod = logp * y
    if w is not None:
        if not shapes_broadcast(prod, w):
            raise broadcast_error("Mul", prod, w)
        prod = prod * w
    if reduction == "mean":
        return -prod.sum() / (logp.numel() / n_classes)
    if reduction == "sum":
        return -prod.sum()
    return -prod.sum(class_dim)


def cross_entropy_t(x: torch.Tensor, y: torch.Tensor, w, ignore_index, reduction: str,
                    label_smoothing: float) -> torch.Tensor:
    class_dim = 0 if x.dim() == 1 else 1
    logp = torch.log_softmax(x, class_dim)
    if y.dtype in _FLOATS:
        return cross_entropy_probs(logp, y, w, class_dim, reduction, label_smoothing)
    if w is not None and w.shape[0] != x.shape[class_dim]:
        shape = [1] * x.dim()
        shape[-1 if x.dim() == 2 else class_dim] = w.shape[0]
        raise broadcast_error("Mul", x, torch.empty(shape, device="meta"))
    return nll(logp, y, w, ignore_index, reduction, label_smoothing)


def cross_entropy_fused(x: torch.Tensor, y: torch.Tensor, w, ignore_index, reduction: str,
                        label_smoothing: float):
    """torch's fused ``cross_entropy`` where it computes exactly MindSpore's class-index formula (including
    label smoothing), else None (then :func:`cross_entropy_t` handles it)."""
    if y.dtype not in _INDEX_TYPES or not isinstance(ignore_index, int) or label_smoothing > 1.0 or \
            (w is not None and w.dtype != x.dtype):
        return None
    try:
        return F.cross_entropy(x, y.long(), w, ignore_index=ignore_index, reduction=_torch_reduction(reduction),
                               label_smoothing=label_smoothing)
    except (RuntimeError, IndexError, ValueError):
        return None


def cross_entropy(input, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0) -> Tensor:
    """Float16/Float32 targets are class probabilities; other targets are class indices (``log_softmax`` +
    ``nll_loss``).  Reductions as in :func:`nll_loss` (``'mean'`` divides by the summed weights of the
    non-ignored targets)."""
    x = _t(input, "cross_entropy_loss")
    y = _t(target, "cross_entropy_loss", "target")
    w = None if weight is None else _t(weight, "cross_entropy_loss", "weight")
    _check_cross_entropy_args(x, ignore_index, reduction, label_smoothing)
    out = cross_entropy_fused(x, y, w, ignore_index, reduction, label_smoothing)
    return wrap(out if out is not None else cross_entropy_t(x, y, w, ignore_index, reduction, label_smoothing))


# ----------------------------------------------------------------------------------- softmax cross-entropy
class _SoftmaxXent(torch.autograd.Function):
    """``-sum(labels * log_softmax(logits), -1)`` whose gradient is MindSpore's kernel backprop
    ``softmax(logits) - labels`` (exact only for labels summing to 1, which is what MindSpore returns anyway);
    the labels get no gradient, as in MindSpore."""

    @staticmethod
    def forward(ctx, logits, labels):
        x = logits.float() if logits.dtype in _HALF else logits
        y = labels.to(x.dtype)
        logp = torch.log_softmax(x, -1)
        ctx.save_for_backward(logp, y)
        ctx.out_dtype = logits.dtype
        return (-(y * logp).sum(-1)).to(logits.dtype)

    @staticmethod
    def backward(ctx, grad):
        logp, y = ctx.saved_tensors
        dx = (logp.exp() - y) * grad.to(logp.dtype).unsqueeze(-1)
        return dx.to(ctx.out_dtype), None


def softmax_cross_entropy(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The ``SoftmaxCrossEntropyWithLogits`` primitive's loss output, with its checks (2-D, same float type,
    same shape)."""
    prim = "SoftmaxCrossEntropyWithLogits"
    if x.dtype != y.dtype:
        raise TypeError(f"For primitive[{prim}], the input type must be same.")
    if x.dtype not in _FLOATS:
        raise _type_error(prim, "label_type", "Tensor[Float16], Tensor[Float32]", x)
    if x.dim() != 2:
        raise ValueError(f"For primitive[{prim}], the dimension of logits must be equal to 2, but got {x.dim()}.")
    if y.dim() != 2:
        raise ValueError(f"For primitive[{prim}], the dimension of labels must be equal to 2, but got {y.dim()}.")
    if x.shape != y.shape:
        raise ValueError(f"For '{prim}', evaluator arg 'label' shape must be consistent with 'logits' shape, but "
                         f"got 'label' shape: {tuple(y.shape)}, 'logits' shape: {tuple(x.shape)}.")
    return _SoftmaxXent.apply(x, y)


def one_hot_labels(labels: torch.Tensor, depth: int) -> torch.Tensor:
    """MindSpore's ``OneHot(labels, depth, 1.0, 0.0)`` in Float32; out-of-range labels give all-zero rows."""
    if labels.dtype not in _INDEX_TYPES:
        raise _type_error("OneHot", "indices", "Tensor[Int32], Tensor[Int64]", labels)
    classes = torch.arange(depth, device=labels.device, dtype=labels.dtype)
    return (labels.unsqueeze(-1) == classes).to(torch.float32)


def sparse_softmax_cross_entropy_rows(x: torch.Tensor, y: torch.Tensor):
    """Per-row loss of 2-D Float32 logits and in-range Int32/Int64 labels by torch's fused kernel (the same
    values and gradient as one-hot + SoftmaxCrossEntropyWithLogits); None when the general path must decide
    (other dtypes or shapes, out-of-range labels)."""
    if x.dtype != torch.float32 or y.dtype not in _INDEX_TYPES or x.dim() != 2 or y.shape != x.shape[:1]:
        return None
    try:
        return F.cross_entropy(x, y.long(), reduction="none", ignore_index=_NO_IGNORE)
    except (RuntimeError, IndexError):
        return None


def sparse_softmax_cross_entropy(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The ``SparseSoftmaxCrossEntropyWithLogits`` primitive: the mean loss over all rows; labels must lie in
    ``[0, C)`` (RuntimeError otherwise)."""
    prim = "SparseSoftmaxCrossEntropyWithLogits"
    if y.dtype not in _INDEX_TYPES:
        raise _type_error(prim, "labels_type", "Tensor[Int32], Tensor[Int64]", y)
    if x.dtype not in _FLOATS:
        raise _type_error(prim, "features_type", "Tensor[Float16], Tensor[Float32]", x)
    if x.dim() < 1 or y.shape != x.shape[:-1]:
        raise ValueError("Labels shape value must be equal to the Features except the last dimension of Features")
    c = x.shape[-1]
    xs, ys = (x, y) if x.dim() == 2 else (x.reshape(-1, c), y.reshape(-1))
    xs = xs.float() if xs.dtype in _HALF else xs
    try:
        loss = F.cross_entropy(xs, ys.long(), ignore_index=_NO_IGNORE)
    except (IndexError, RuntimeError):
        bad = y[(y < 0) | (y >= c)].reshape(-1)
        if not bad.numel():
            raise
        v = int(bad[0])
        idx = int(((y.reshape(-1) < 0) | (y.reshape(-1) >= c)).nonzero()[0])
        rel = ">= 0" if v < 0 else "<= class_num"
        raise MSRuntimeError(f"For '{prim}' got error label! label[index] must {rel}, but got index = {idx} "
                             f"label[index] = {v} and class_num = {c}") from None
    return loss if loss.dtype == x.dtype else loss.to(x.dtype)


# ------------------------------------------------------------------------------------------ binary losses
class _BinaryCrossEntropy(torch.autograd.Function):
    """MindSpore's BinaryCrossEntropy kernel: ``-w (y log x + (1 - y) log(1 - x))`` with both logarithms
    clamped at ``log(1e-12)``; gradient ``w (x - y) / max(x (1 - x), 1e-12)`` (labels and weight get none)."""

    @staticmethod
    def forward(ctx, x, y, w):
        xf = x.float() if x.dtype in _HALF else x
        yf = y.to(xf.dtype)
        loss = -(yf * torch.log(xf.clamp(min=_BCE_EPS)) + (1 - yf) * torch.log((1 - xf).clamp(min=_BCE_EPS)))
        if w is not None:
            loss = loss * w.to(xf.dtype)
        ctx.save_for_backward(xf, yf, w)
        ctx.out_dtype = x.dtype
        return loss.to(x.dtype)

    @staticmethod
    def backward(ctx, grad):
        xf, yf, w = ctx.saved_tensors
        dx = grad.to(xf.dtype) * (xf - yf) / (xf * (1 - xf)).clamp(min=_BCE_EPS)
        if w is not None:
            dx = dx * w.to(xf.dtype)
        return dx.to(ctx.out_dtype), None, None


def check_bce(x: torch.Tensor, y: torch.Tensor, w) -> None:
    prim = "BinaryCrossEntorpy"  # sic: MindSpore's spelling in these messages
    if x.dtype not in (torch.float16, torch.float32, torch.bfloat16):
        raise TypeError(f"For Primitive[{prim}], the type of the input must be [Float16, Float32, BFloat16], but "
                        f"got {ms_dtype_name(x)}!")
    if y.dtype != x.dtype:
        raise TypeError(f"For primitive[{prim}], the input and target should have same type, but got: "
                        f"{ms_dtype_name(x)} and {ms_dtype_name(y)}.")
    if w is not None and w.dtype != x.dtype:
        raise TypeError(f"For primitive[{prim}], the input and weight should have same type, but got: "
                        f"{ms_dtype_name(x)} and {ms_dtype_name(w)}.")
    if x.shape != y.shape:
        raise ValueError(f"For primitive[BinaryCrossEntropy], the input_shape: [{','.join(map(str, x.shape))},] "
                         f"must be equal to [{','.join(map(str, y.shape))},]")
    if w is not None and not shapes_broadcast(w, x):
        raise ValueError(f"For primitive[BinaryCrossEntropy], the weight shape {list(w.shape)} can not broadcast "
                         f"to the input shape {list(x.shape)}.")
    if not x.is_cuda and x.numel():  # the CPU kernel's range check (a device sync elsewhere)
        lo, hi = torch.aminmax(x.detach())
        if lo < 0 or hi > 1:
            bad = float(hi if hi > 1 else lo)
            raise MSRuntimeError(f"For 'BinaryCrossEntropy', the value of 'input_x' must be between 0 and 1, but "
                                 f"got value: {bad:g}")


def bce(x: torch.Tensor, y: torch.Tensor, w, reduction: str) -> torch.Tensor:
    check_bce(x, y, w)
    loss = _BinaryCrossEntropy.apply(x, y, w)
    if reduction == "none":
        return loss
    red = loss.float().mean() if reduction == "mean" else loss.float().sum()
    return red.to(x.dtype)


def binary_cross_entropy(logits, labels, weight=None, reduction="mean") -> Tensor:
    x, y = _t(logits, "BinaryCrossEntropy", "logits"), _t(labels, "BinaryCrossEntropy", "labels")
    w = None if weight is None else _t(weight, "BinaryCrossEntropy", "weight")
    check_enum_reduction(reduction, "BinaryCrossEntropy")
    return wrap(bce(x, y, w, reduction))


def bce_with_logits(x: torch.Tensor, y: torch.Tensor, w, pw, reduction: str) -> torch.Tensor:
    """The ``BCEWithLogitsLoss`` primitive: checks, then torch's stable formula in Float32; the result has the
    dtype of ``target``."""
    prim = "BCEWithLogitsLoss"
    allowed = (torch.float16, torch.float32, torch.bfloat16)
    for t, name in ((x, "input"), (y, "target"), (w, "weight"), (pw, "pos_weight")):
        if t is not None and t.dtype not in allowed:
            raise TypeError(f"For primitive[{prim}], the input argument[{name}] must be a type of {{BFloat16, "
                            f"Float16, Float32}}, but got {ms_dtype_name(t)}.")
    if x.shape != y.shape:
        raise ValueError(f"For '{prim}', two inputs 'input' and 'target' shape are not equal, 'input' shape: "
                         f"{ms_shape(x)}, 'target' shape: {ms_shape(y)}")
    for t, name in ((w, "weight"), (pw, "pos_weight")):
        if t is not None and not _broadcasts_to(t.shape, x.shape):
            raise ValueError(f"For '{prim}', the shape of '{name}' can not broadcast to the shape of 'input'.")
    f32 = torch.float32
    out = F.binary_cross_entropy_with_logits(
        x.to(f32), y.to(f32), None if w is None else w.to(f32), reduction=reduction,
        pos_weight=None if pw is None else pw.to(f32))
    return out.to(y.dtype)


def binary_cross_entropy_with_logits(input, target, weight=None, pos_weight=None, reduction="mean") -> Tensor:
    op = "BCEWithLogitsLoss"
    x, y = _t(input, op), _t(target, op, "target")
    w = None if weight is None else _t(weight, op, "weight")
    pw = None if pos_weight is None else _t(pos_weight, op, "pos_weight")
    check_enum_reduction(reduction, op)
    return wrap(bce_with_logits(x, y, w, pw, reduction))
