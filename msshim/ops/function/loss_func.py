"""Loss functions (``ops.l1_loss``, ``ops.kl_div``, ``ops.margin_ranking_loss``, ``ops.ctc_loss``, ...) with
MindSpore 2.10's formulas, dtypes, gradients and argument checks (see tests/fixtures/loss/make_loss.py for the
oracle); the cross-entropy family lives in :mod:`msshim.ops.function.cross_entropy_func` and is re-exported here.

Differences from torch kept here:

* ``smooth_l1_loss`` defaults to ``reduction='none'``; ``beta=0`` is the L1 loss.
* ``kl_div`` ``'mean'`` divides the summed loss by the number of elements.
* Reductions of the generic ``_get_loss`` run in Float32 and cast back to the loss dtype.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from msshim.common.tensor import Tensor, wrap
from msshim.common._errors import MSRuntimeError
from msshim.ops.function import cross_entropy_func as _xent
from msshim.ops.function._loss_utils import (REDUCTIONS, check_enum_reduction, check_reduction, reduce_checked,
                                             reduce_loss, reduce_plain, sub_checked)
from msshim.ops.function._utils import check_tensor as _t, ms_dtype_name
from msshim.ops.function.cross_entropy_func import (binary_cross_entropy, binary_cross_entropy_with_logits,
                                                    cross_entropy, nll_loss)

__all__ = ["l1_loss", "mse_loss", "smooth_l1_loss", "huber_loss", "kl_div", "cross_entropy", "nll_loss",
           "binary_cross_entropy", "binary_cross_entropy_with_logits", "margin_ranking_loss", "soft_margin_loss",
           "hinge_embedding_loss", "cosine_embedding_loss", "triplet_margin_loss", "multi_margin_loss",
           "multilabel_margin_loss", "multilabel_soft_margin_loss", "gaussian_nll_loss", "ctc_loss"]

# The SoftmaxCrossEntropyWithLogits primitives (ops.operations.nn_ops) reach their losses through this module.
softmax_cross_entropy = _xent.softmax_cross_entropy
sparse_softmax_cross_entropy = _xent.sparse_softmax_cross_entropy


# ------------------------------------------------------------------------------------------- regression
def l1_loss(input, target, reduction="mean") -> Tensor:
    a, b = _t(input, "l1_loss"), _t(target, "l1_loss", "target")
    if reduction not in REDUCTIONS:
        raise ValueError(f"For l1_loss, the 'reduction' must be in ['mean', 'sum', 'none'], but got {reduction}.")
    return wrap(reduce_loss(sub_checked(a, b).abs(), reduction))


def mse_loss(input, target, reduction="mean") -> Tensor:
    if reduction not in REDUCTIONS:
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
        return reduce_plain((a - b).abs(), reduction)
    return F.smooth_l1_loss(a, b, reduction=reduction, beta=float(beta))


def smooth_l1_loss(input, target, beta=1.0, reduction="none") -> Tensor:
    """``ops.smooth_l1_loss(input, target, beta=1.0, reduction='none')`` (note the default reduction);
    ``beta=0`` is the L1 loss (MindSpore's CPU wheel lacks that kernel; other backends compute it)."""
    a, b = _t(input, "smooth_l1_loss"), _t(target, "smooth_l1_loss", "target")
    check_enum_reduction(reduction, "smooth_l1_loss")
    check_smooth_l1(a, b, beta, allow_zero=True)
    return wrap(smooth_l1(a, b, beta, reduction))


def huber_loss(input, target, reduction="mean", delta=1.0) -> Tensor:
    a, b = _t(input, "huber_loss"), _t(target, "huber_loss", "target")
    if isinstance(delta, bool) or not isinstance(delta, (int, float)):
        raise TypeError(f"For 'huber_loss', the type of 'delta' should be 'int' or 'float', but got "
                        f"'{type(delta).__name__}'.")
    if delta <= 0:
        raise ValueError(f"For 'huber_loss', the argument 'delta' must > 0.0, but got {delta}.")
    check_reduction(reduction, "huber_loss")
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
    return wrap(reduce_checked(torch.clamp(-y * (a - b) + margin, min=0), reduction, "margin_ranking_loss"))


def soft_margin_loss(input, target, reduction="mean") -> Tensor:
    """``mean(log(1 + exp(-y x)))`` (MindSpore's CPU wheel lacks this kernel; formula from its documentation)."""
    check_reduction(reduction, "SoftMarginLoss")
    x, y = _t(input, "SoftMarginLoss"), _t(target, "SoftMarginLoss", "target")
    return wrap(F.soft_margin_loss(x, y, reduction=reduction))


def hinge_embedding_loss(inputs, targets, margin=1.0, reduction="mean") -> Tensor:
    """``x`` where target > 0, ``max(0, margin - x)`` where target < 0 (0 where target == 0)."""
    x, y = _t(inputs, "hinge_embedding_loss", "inputs"), _t(targets, "hinge_embedding_loss", "targets")
    check_reduction(reduction, "hinge_embedding_loss")
    pos = (y > 0).to(x.dtype)
    neg = (y < 0).to(x.dtype)
    loss = pos * x + torch.clamp(margin * neg - neg * x, min=0)
    return wrap(reduce_plain(loss, reduction))


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
    return wrap(reduce_checked(cosine_embedding(a, b, y, margin), reduction, "cosine_embedding_loss"))


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
    return wrap(reduce_checked(loss, reduction, "multilabel_soft_margin_loss"))


def gaussian_nll_loss(x, target, var, full=False, eps=1e-06, reduction="mean") -> Tensor:
    for v, n in ((x, "x"), (target, "target"), (var, "var")):
        if not isinstance(v, (Tensor, torch.Tensor)):
            raise TypeError(f"For 'gaussian_nll_loss', '{n}' must be a tensor, but got {type(v)}.")
    if not isinstance(full, bool):
        raise TypeError(f"For 'gaussian_nll_loss', 'full' must be a bool, but got {type(full)}.")
    if not isinstance(eps, float) or eps <= 0:
        raise ValueError(f"For 'gaussian_nll_loss', 'eps' must be a positive float, but got {eps}.")
    if reduction not in REDUCTIONS:
        raise ValueError(f"For 'gaussian_nll_loss', 'reduction' must be one of 'none', 'mean', or 'sum', but got "
                         f"{reduction}.")
    a, y, v = _t(x, "gaussian_nll_loss", "x"), _t(target, "gaussian_nll_loss", "target"), \
        _t(var, "gaussian_nll_loss", "var")
    if a.shape != v.shape and a.shape[:-1] == v.shape:
        v = v.unsqueeze(-1)
    m = torch.clamp(v, min=eps)
    loss = 0.5 * (torch.log(m) + (a - y).square() / m) + (0.5 * math.log(2 * math.pi) if full else 0)
    return wrap(reduce_plain(loss, reduction))


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
    check_reduction(reduction, "ctc_loss")
    loss = F.ctc_loss(lp, tg.long(), il.long(), tl.long(), blank, reduction="none", zero_infinity=zero_infinity)
    if reduction == "sum":
        loss = loss.sum()
    elif reduction == "mean":
        loss = (loss.float() / tl.float().clamp(min=1.0)).mean().to(loss.dtype)
    with torch.no_grad():
        log_alpha = _ctc_log_alpha(lp.detach(), tg, il, tl, blank)
    return wrap(loss), wrap(log_alpha)
