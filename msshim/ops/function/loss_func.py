"""Loss functions (``ops.cross_entropy``, ``ops.nll_loss``, ``ops.binary_cross_entropy``, ...) with MindSpore
2.10's formulas, dtypes, gradients and argument checks (see tests/fixtures/loss/make_loss.py for the oracle).

Differences from torch kept here:

* ``smooth_l1_loss`` defaults to ``reduction='none'``; ``beta=0`` is the L1 loss.
* ``kl_div`` ``'mean'`` divides the summed loss by the number of elements.
* ``cross_entropy`` with probability targets (Float16/Float32 targets) averages over ``numel / n_classes``;
  ``label_smoothing`` may exceed 1 (only negatives are rejected).
* ``nll_loss``/``cross_entropy`` label smoothing mixes in the (weighted) sum over classes; negative class indices
  count from the end (``-1`` is the last class, MindSpore's GatherD); ``nll_loss`` does not check
  ``reduction`` (anything but ``'mean'``/``'sum'`` is ``'none'``).
* ``binary_cross_entropy`` clamps the logarithms at ``log(1e-12)`` (torch at -100) and differentiates as
  ``w * (x - y) / max(x * (1 - x), 1e-12)``.
* ``binary_cross_entropy_with_logits`` returns the dtype of ``target``.
* Reductions of the generic ``_get_loss`` run in Float32 and cast back to the loss dtype.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from msshim.common.tensor import Tensor, wrap
from msshim.common._errors import MSRuntimeError
from msshim.ops.function._utils import broadcast_error, check_tensor, ms_dtype_name, ms_shape

__all__ = ["l1_loss", "mse_loss", "smooth_l1_loss", "huber_loss", "kl_div", "cross_entropy", "nll_loss",
           "binary_cross_entropy", "binary_cross_entropy_with_logits", "margin_ranking_loss", "soft_margin_loss",
           "hinge_embedding_loss", "cosine_embedding_loss", "triplet_margin_loss", "multi_margin_loss",
           "multilabel_margin_loss", "multilabel_soft_margin_loss", "gaussian_nll_loss", "ctc_loss"]

_REDUCTIONS = ("mean", "sum", "none")
_HALF = (torch.float16, torch.bfloat16)
_FLOATS = (torch.float16, torch.float32)
_INDEX_TYPES = (torch.int32, torch.int64)
_BCE_EPS = 1e-12


def _t(x, op: str, name: str = "input") -> torch.Tensor:
    return check_tensor(x, op, name)


def _check_reduction(reduction, op: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"For '{op}', the 'reduction' must be in ['mean', 'sum', 'none'], but got {reduction}.")


def _check_enum_reduction(reduction, op: str) -> None:
    """The primitive-level check (BCEWithLogitsLoss, BinaryCrossEntropy, SmoothL1Loss): an enum conversion."""
    if reduction not in _REDUCTIONS:
        raise ValueError(f"Failed to convert the value \"{reduction}\" of input 'reduction' of '{op}' to enum.")


def _type_error(prim: str, arg: str, allowed: str, t: torch.Tensor) -> TypeError:
    return TypeError(f"For primitive[{prim}], the input argument[{arg}] must be a type of {{{allowed}}}, but got "
                     f"Tensor[{ms_dtype_name(t)}].")


def reduce_loss(x: torch.Tensor, reduction: str, weights=None) -> torch.Tensor:
    """MindSpore's ``_get_loss`` / ``LossBase.get_loss``: weight and reduce in Float32, return the loss dtype
    (integer losses come back truncated, as MindSpore casts them)."""
    dtype = x.dtype
    if dtype != torch.float32:
        x = x.to(torch.float32)
    if weights is not None:
        x = x * weights.to(torch.float32)
    if reduction == "mean":
        x = x.mean()
    elif reduction == "sum":
        x = x.sum()
    return x if dtype == torch.float32 else x.to(dtype)


def _reduce_loss(x: torch.Tensor, reduction: str, op: str) -> torch.Tensor:
    _check_reduction(reduction, op)
    return reduce_loss(x, reduction)


def _reduce_plain(x: torch.Tensor, reduction: str) -> torch.Tensor:
    """``loss.mean()`` / ``loss.sum()`` in the loss dtype (the functional forms that do not use _get_loss)."""
    if reduction == "mean":
        return x.mean()
    if reduction == "sum":
        return x.sum()
    return x


def sub_checked(a: torch.Tensor, b: torch.Tensor, op: str = "SubExt") -> torch.Tensor:
    """``a - b`` with MindSpore's broadcast ValueError (checked only when the shapes differ)."""
    if a.shape != b.shape:
        try:
            torch.broadcast_shapes(a.shape, b.shape)
        except RuntimeError:
            raise broadcast_error(op, a, b, ("input", "other")) from None
    return a - b


# ------------------------------------------------------------------------------------------- regression
def l1_loss(input, target, reduction="mean") -> Tensor:
    a, b = _t(input, "l1_loss"), _t(target, "l1_loss", "target")
    if reduction not in _REDUCTIONS:
        raise ValueError(f"For l1_loss, the 'reduction' must be in ['mean', 'sum', 'none'], but got {reduction}.")
    return wrap(reduce_loss(sub_checked(a, b).abs(), reduction))


def mse_loss(input, target, reduction="mean") -> Tensor:
    if reduction not in _REDUCTIONS:
        raise ValueError("For ops.mse_loss, `reduction` value should be either 'mean', 'none' or 'sum'.")
    a, b = _t(input, "mse_loss"), _t(target, "mse_loss", "target")
    x = sub_checked(a, b).square()
    if not x.is_floating_point():
        x = x.to(torch.float32)
    return wrap(reduce_loss(x, reduction))


def check_smooth_l1(a: torch.Tensor, b: torch.Tensor, beta, allow_zero: bool) -> None:
    """The SmoothL1Loss primitive's checks: float inputs, equal shapes, ``beta > 0`` (RuntimeError)."""
    for t in (a, b):
        if not t.is_floating_point():
            raise TypeError(f"For 'SmoothL1Loss', the input dtype must be float16, float32 or float64, but got "
                            f"{ms_dtype_name(t)}.")
    if a.shape != b.shape:
        raise ValueError(f"For primitive[SmoothL1Loss], the prediction_shape: [{','.join(map(str, a.shape))},] "
                         f"must be equal to [{','.join(map(str, b.shape))},]")
    if beta < 0:
        raise MSRuntimeError(f"For 'SmoothL1Loss', the values for beta not support negative values, but got {beta:g}.")
    if beta == 0 and not allow_zero:
        raise MSRuntimeError(f"For 'SmoothL1Loss', the values for beta should greater than 0, but got {beta:g}.")


def smooth_l1(a: torch.Tensor, b: torch.Tensor, beta: float, reduction: str) -> torch.Tensor:
    if a.dtype != b.dtype:  # implicit type promotion of the two inputs
        dtype = torch.promote_types(a.dtype, b.dtype)
        a, b = a.to(dtype), b.to(dtype)
    if beta == 0:
        return _reduce_plain((a - b).abs(), reduction)
    return F.smooth_l1_loss(a, b, reduction=reduction, beta=float(beta))


def smooth_l1_loss(input, target, beta=1.0, reduction="none") -> Tensor:
    """``ops.smooth_l1_loss(input, target, beta=1.0, reduction='none')`` (note the default reduction);
    ``beta=0`` is the L1 loss (MindSpore's CPU wheel lacks that kernel; other backends compute it)."""
    a, b = _t(input, "smooth_l1_loss"), _t(target, "smooth_l1_loss", "target")
    _check_enum_reduction(reduction, "smooth_l1_loss")
    check_smooth_l1(a, b, beta, allow_zero=True)
    return wrap(smooth_l1(a, b, beta, reduction))


def huber_loss(input, target, reduction="mean", delta=1.0) -> Tensor:
    a, b = _t(input, "huber_loss"), _t(target, "huber_loss", "target")
    if isinstance(delta, bool) or not isinstance(delta, (int, float)):
        raise TypeError(f"For 'huber_loss', the type of 'delta' should be 'int' or 'float', but got "
                        f"'{type(delta).__name__}'.")
    if delta <= 0:
        raise ValueError(f"For 'huber_loss', the argument 'delta' must > 0.0, but got {delta}.")
    _check_reduction(reduction, "huber_loss")
    z = sub_checked(a, b, "Sub").abs()
    loss = torch.where(z < delta, 0.5 * z.square(), delta * (z - 0.5 * delta))
    return wrap(reduce_loss(loss, reduction))


def kl_div(logits, labels, reduction="mean") -> Tensor:
    """``sum(labels * (log(labels) - logits))`` reduced by ``'mean'`` (over all elements), ``'batchmean'``,
    ``'sum'`` or ``'none'``."""
    if reduction not in ("none", "mean", "batchmean", "sum"):  # a str is refused by the KLDivLoss primitive
        op = "KLDivLoss" if isinstance(reduction, str) else "kl_div"
        raise ValueError(f"For '{op}', the 'reduction' must be str and must be in '['none', 'mean', 'batchmean', "
                         f"'sum']', but got '{reduction}'.")
    x, y = _t(logits, "kl_div", "logits"), _t(labels, "kl_div", "labels")
    loss = F.kl_div(x, y, reduction="none")
    if reduction == "none":
        return wrap(loss)
    total = loss.sum()
    if reduction == "sum":
        return wrap(total)
    return wrap(total / (x.shape[0] if reduction == "batchmean" else x.numel()))


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


def _torch_reduction(reduction) -> str:
    return reduction if reduction in ("mean", "sum") else "none"


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
    if reduction not in ("none", "mean", "sum"):
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
    if logp.shape != y.shape:
        try:
            torch.broadcast_shapes(logp.shape, y.shape)
        except RuntimeError:
            raise broadcast_error("Mul", logp, y) from None
    prod = logp * y
    if w is not None:
        if not _broadcastable(prod.shape, w.shape):
            raise broadcast_error("Mul", prod, w) from None
        prod = prod * w
    if reduction == "mean":
        return -prod.sum() / (logp.numel() / n_classes)
    if reduction == "sum":
        return -prod.sum()
    return -prod.sum(class_dim)


def _broadcastable(a, b) -> bool:
    try:
        torch.broadcast_shapes(a, b)
        return True
    except RuntimeError:
        return False


def _broadcasts_to(shape, target) -> bool:
    """Whether ``shape`` broadcasts to exactly ``target`` (without growing it)."""
    return _broadcastable(shape, target) and tuple(torch.broadcast_shapes(shape, target)) == tuple(target)


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


_NO_IGNORE = -(2 ** 63)  # F.cross_entropy must not skip any label (torch's default ignore_index is -100)


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
    if w is not None and not _broadcastable(w.shape, x.shape):
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
    _check_enum_reduction(reduction, "BinaryCrossEntropy")
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
    _check_enum_reduction(reduction, op)
    return wrap(bce_with_logits(x, y, w, pw, reduction))


# --------------------------------------------------------------------------------------- margin / ranking
def margin_ranking_loss(input1, input2, target, margin=0.0, reduction="mean") -> Tensor:
    if not isinstance(margin, float):
        raise TypeError(f"For 'margin_ranking_loss', the type of 'margin' should be 'float', but got type "
                        f"'{type(margin).__name__}'.")
    a, b = _t(input1, "margin_ranking_loss", "input1"), _t(input2, "margin_ranking_loss", "input2")
    y = _t(target, "margin_ranking_loss", "target")
    for t, n in ((b, "input2"), (y, "target")):
        if t.dtype != a.dtype:
            raise TypeError(f"For margin_ranking_loss, the {n} dtype should be equal to input1 dtype, but got "
                            f"{n} dtype:{ms_dtype_name(t)}, input1 dtype:{ms_dtype_name(a)}.")
    return wrap(_reduce_loss(torch.clamp(-y * (a - b) + margin, min=0), reduction, "margin_ranking_loss"))


def soft_margin_loss(input, target, reduction="mean") -> Tensor:
    """``mean(log(1 + exp(-y x)))`` (MindSpore's CPU wheel lacks this kernel; formula from its documentation)."""
    _check_reduction(reduction, "SoftMarginLoss")
    x, y = _t(input, "SoftMarginLoss"), _t(target, "SoftMarginLoss", "target")
    return wrap(F.soft_margin_loss(x, y, reduction=reduction))


def hinge_embedding_loss(inputs, targets, margin=1.0, reduction="mean") -> Tensor:
    """``x`` where target > 0, ``max(0, margin - x)`` where target < 0 (0 where target == 0)."""
    x, y = _t(inputs, "hinge_embedding_loss", "inputs"), _t(targets, "hinge_embedding_loss", "targets")
    _check_reduction(reduction, "hinge_embedding_loss")
    pos = (y > 0).to(x.dtype)
    neg = (y < 0).to(x.dtype)
    loss = pos * x + torch.clamp(margin * neg - neg * x, min=0)
    return wrap(_reduce_plain(loss, reduction))


def cosine_embedding(a: torch.Tensor, b: torch.Tensor, y: torch.Tensor, margin: float) -> torch.Tensor:
    """Per-row ``1 - cos`` where ``y == 1``, ``max(0, cos - margin)`` where ``y == -1``, else 0."""
    cos = (a * b).sum(1) / (a.square().sum(1).sqrt() * b.square().sum(1).sqrt())
    zeros = torch.zeros_like(cos)
    return torch.where(y == 1, 1.0 - cos, zeros) + torch.where(y == -1, torch.clamp(cos - margin, min=0.0), zeros)


def cosine_embedding_loss(input1, input2, target, margin=0.0, reduction="mean") -> Tensor:
    a, b = _t(input1, "cosine_embedding_loss", "input1"), _t(input2, "cosine_embedding_loss", "input2")
    y = _t(target, "cosine_embedding_loss", "target")
    if not -1.0 <= margin <= 1.0:
        raise ValueError(f"For ops.cosine_embedding_loss, the value of 'margin' should be in [-1, 1],but got {margin}.")
    a, b = a.float() if not a.is_floating_point() else a, b.float() if not b.is_floating_point() else b
    return wrap(_reduce_loss(cosine_embedding(a, b, y, margin), reduction, "cosine_embedding_loss"))


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-06, swap=False, reduction="mean"):
    m = float(margin._t) if isinstance(margin, Tensor) else float(margin)
    ts = [_t(v, "TripletMarginLoss", n) for v, n in ((anchor, "anchor"), (positive, "positive"),
                                                      (negative, "negative"))]
    return wrap(F.triplet_margin_loss(*ts, margin=m, p=p, eps=eps, swap=swap, reduction=reduction))


def multi_margin_loss(input, target, p=1, margin=1, weight=None, reduction="mean") -> Tensor:
    if not isinstance(margin, int):
        raise TypeError(f"For 'multi_margin_loss', the type of 'margin' must be int, but got {type(margin)}.")
    w = None if weight is None else _t(weight, "MultiMarginLoss", "weight")
    return wrap(F.multi_margin_loss(_t(input, "MultiMarginLoss"), _t(target, "MultiMarginLoss", "target").long(),
                                    p, float(margin), w, reduction=reduction))


def multilabel_margin_loss(input, target, reduction="mean") -> Tensor:
    return wrap(F.multilabel_margin_loss(_t(input, "MultilabelMarginLoss"),
                                         _t(target, "MultilabelMarginLoss", "target").long(), reduction=reduction))


def multilabel_soft_margin_loss(input, target, weight=None, reduction="mean") -> Tensor:
    x, y = _t(input, "multilabel_soft_margin_loss"), _t(target, "multilabel_soft_margin_loss", "target")
    loss = y * torch.log(torch.exp(-x) + 1) + (1 - y) * torch.log(torch.exp(x) + 1)
    if weight is not None:
        loss = loss * _t(weight, "multilabel_soft_margin_loss", "weight")
    loss = loss.sum(x.dim() - 1) / x.shape[-1]
    return wrap(_reduce_loss(loss, reduction, "multilabel_soft_margin_loss"))


def gaussian_nll_loss(x, target, var, full=False, eps=1e-06, reduction="mean") -> Tensor:
    for v, n in ((x, "x"), (target, "target"), (var, "var")):
        if not isinstance(v, (Tensor, torch.Tensor)):
            raise TypeError(f"For 'gaussian_nll_loss', '{n}' must be a tensor, but got {type(v)}.")
    if not isinstance(full, bool):
        raise TypeError(f"For 'gaussian_nll_loss', 'full' must be a bool, but got {type(full)}.")
    if not isinstance(eps, float) or eps <= 0:
        raise ValueError(f"For 'gaussian_nll_loss', 'eps' must be a positive float, but got {eps}.")
    if reduction not in _REDUCTIONS:
        raise ValueError(f"For 'gaussian_nll_loss', 'reduction' must be one of 'none', 'mean', or 'sum', but got "
                         f"{reduction}.")
    a, y, v = _t(x, "gaussian_nll_loss", "x"), _t(target, "gaussian_nll_loss", "target"), \
        _t(var, "gaussian_nll_loss", "var")
    if a.shape != v.shape and a.shape[:-1] == v.shape:
        v = v.unsqueeze(-1)
    m = torch.clamp(v, min=eps)
    loss = 0.5 * (torch.log(m) + (a - y).square() / m) + (0.5 * math.log(2 * math.pi) if full else 0)
    return wrap(_reduce_plain(loss, reduction))


# ------------------------------------------------------------------------------------------------------ CTC
def _ctc_log_alpha(lp: torch.Tensor, tg: torch.Tensor, il: torch.Tensor, tl: torch.Tensor, blank: int) -> torch.Tensor:
    """The CTC forward variables ``log_alpha`` of shape ``(N, T, 2 * max_target_length + 1)`` (-inf where unused)."""
    t_len, n = lp.shape[0], lp.shape[1]
    max_len = tg.shape[-1] if tg.dim() > 1 else int(tl.max())
    s_len = 2 * max_len + 1
    if tg.dim() == 1:  # concatenated targets -> padded rows
        rows, start = [], 0
        for k in range(n):
            length = int(tl[k])
            rows.append(F.pad(tg[start:start + length], (0, max_len - length), value=blank))
            start += length
        tg = torch.stack(rows) if rows else tg.reshape(n, 0)
    ext = torch.full((n, s_len), blank, dtype=torch.long, device=lp.device)
    ext[:, 1::2] = tg[:, :max_len].long()
    ninf = torch.tensor(float("-inf"), dtype=lp.dtype, device=lp.device)
    lp_ext = torch.gather(lp.permute(1, 0, 2), 2, ext.unsqueeze(1).expand(n, t_len, s_len))  # (N, T, S)
    skip = torch.zeros((n, s_len), dtype=torch.bool, device=lp.device)
    skip[:, 2:] = (ext[:, 2:] != blank) & (ext[:, 2:] != ext[:, :-2])
    valid_s = torch.arange(s_len, device=lp.device).unsqueeze(0) < (2 * tl.long() + 1).unsqueeze(1)
    alpha = torch.full((n, t_len, s_len), float("-inf"), dtype=lp.dtype, device=lp.device)
    first = torch.full((n, s_len), float("-inf"), dtype=lp.dtype, device=lp.device)
    first[:, 0] = lp_ext[:, 0, 0]
    if s_len > 1:
        first[:, 1] = torch.where(tl > 0, lp_ext[:, 0, 1], ninf)
    alpha[:, 0] = torch.where(valid_s, first, ninf)
    for t in range(1, t_len):
        prev = alpha[:, t - 1]
        a1 = F.pad(prev, (1, 0), value=float("-inf"))[:, :-1]
        a2 = torch.where(skip, F.pad(prev, (2, 0), value=float("-inf"))[:, :-2], ninf)
        cur = torch.logsumexp(torch.stack([prev, a1, a2]), 0) + lp_ext[:, t]
        active = (t < il.long()).unsqueeze(1) & valid_s
        alpha[:, t] = torch.where(active, cur, ninf)
    return alpha


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean", zero_infinity=False):
    """``ops.ctc_loss`` -> ``(loss, log_alpha)``; ``'mean'`` divides each loss by its target length first."""
    lp = _t(log_probs, "CTCLossV2", "log_probs")
    tg = _t(targets, "CTCLossV2", "targets")
    il = _t(input_lengths, "CTCLossV2", "input_lengths")
    tl = _t(target_lengths, "CTCLossV2", "target_lengths")
    if reduction not in _REDUCTIONS:
        raise ValueError(f"For 'ctc_loss', the 'reduction' must be in ['mean', 'sum', 'none'], but got {reduction}.")
    loss = F.ctc_loss(lp, tg.long(), il.long(), tl.long(), blank, reduction="none", zero_infinity=zero_infinity)
    if reduction == "sum":
        loss = loss.sum()
    elif reduction == "mean":
        loss = (loss.float() / tl.float().clamp(min=1.0)).mean().to(loss.dtype)
    with torch.no_grad():
        log_alpha = _ctc_log_alpha(lp.detach(), tg, il, tl, blank)
    return wrap(loss), wrap(log_alpha)
