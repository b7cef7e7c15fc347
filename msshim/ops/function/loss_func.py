"""Loss functions (``ops.cross_entropy``, ``ops.nll_loss``, ``ops.mse_loss``, ...) with MindSpore 2.10's formulas.

Differences from torch kept here: ``smooth_l1_loss`` defaults to ``reduction='none'``; ``kl_div`` ``'mean'``
divides the summed loss by the number of elements; ``cross_entropy`` with probability targets averages over
``numel / n_classes``; ``nll_loss``/``cross_entropy`` label smoothing mixes in the (weighted) sum over classes;
``margin_ranking_loss`` requires a float ``margin``; reductions of float16 losses are computed in Float32.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from msshim.common.tensor import Tensor, wrap
from msshim.ops.function._utils import check_tensor

__all__ = ["l1_loss", "mse_loss", "smooth_l1_loss", "huber_loss", "kl_div", "cross_entropy", "nll_loss",
           "binary_cross_entropy", "binary_cross_entropy_with_logits", "margin_ranking_loss", "soft_margin_loss",
           "hinge_embedding_loss", "cosine_embedding_loss", "triplet_margin_loss", "multi_margin_loss",
           "multilabel_margin_loss", "multilabel_soft_margin_loss", "gaussian_nll_loss", "ctc_loss"]

_REDUCTIONS = ("mean", "sum", "none")


def _t(x, op: str, name: str = "input") -> torch.Tensor:
    return check_tensor(x, op, name)


def _check_reduction(reduction, op: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"For '{op}', the 'reduction' must be in ['mean', 'sum', 'none'], but got {reduction}.")


def _reduce_loss(x: torch.Tensor, reduction: str, op: str) -> torch.Tensor:
    """MindSpore's ``_get_loss``: reduce in Float32, return in the loss dtype."""
    _check_reduction(reduction, op)
    if reduction == "none":
        return x
    dtype = x.dtype
    x32 = x.to(torch.float32) if x.dtype in (torch.float16, torch.bfloat16) else x
    out = x32.mean() if reduction == "mean" else x32.sum()
    return out.to(dtype)


def l1_loss(input, target, reduction="mean") -> Tensor:
    a, b = _t(input, "l1_loss"), _t(target, "l1_loss", "target")
    return wrap(_reduce_loss((a - b).abs(), reduction, "l1_loss"))


def mse_loss(input, target, reduction="mean") -> Tensor:
    if reduction not in _REDUCTIONS:
        raise ValueError("For ops.mse_loss, `reduction` value should be either 'mean', 'none' or 'sum'.")
    a, b = _t(input, "mse_loss"), _t(target, "mse_loss", "target")
    x = (a - b).square()
    if not x.is_floating_point():
        x = x.to(torch.float32)
    return wrap(_reduce_loss(x, reduction, "mse_loss"))


def smooth_l1_loss(input, target, beta=1.0, reduction="none") -> Tensor:
    """``ops.smooth_l1_loss(input, target, beta=1.0, reduction='none')`` (note the default reduction)."""
    a, b = _t(input, "SmoothL1Loss"), _t(target, "SmoothL1Loss", "target")
    _check_reduction(reduction, "SmoothL1Loss")
    return wrap(F.smooth_l1_loss(a, b, reduction=reduction, beta=float(beta)))


def huber_loss(input, target, reduction="mean", delta=1.0) -> Tensor:
    if delta <= 0:
        raise ValueError(f"For 'huber_loss', the 'delta' must be greater than 0.0, but got {delta}.")
    a, b = _t(input, "huber_loss"), _t(target, "huber_loss", "target")
    return wrap(_reduce_loss(F.huber_loss(a, b, reduction="none", delta=float(delta)), reduction, "huber_loss"))


def kl_div(logits, labels, reduction="mean") -> Tensor:
    """``sum(labels * (log(labels) - logits))`` reduced by ``'mean'`` (over all elements), ``'batchmean'``,
    ``'sum'`` or ``'none'``."""
    if reduction not in ("none", "mean", "batchmean", "sum"):
        raise ValueError(f"For 'kl_div', the 'reduction' must be str and must be in '['none', 'mean', 'batchmean', "
                         f"'sum']', but got '{reduction}'.")
    x, y = _t(logits, "kl_div", "logits"), _t(labels, "kl_div", "labels")
    loss = F.kl_div(x, y, reduction="none")
    if reduction == "none":
        return wrap(loss)
    total = loss.sum()
    if reduction == "sum":
        return wrap(total)
    return wrap(total / (x.shape[0] if reduction == "batchmean" else x.numel()))


def _nll(inputs: torch.Tensor, target: torch.Tensor, target_dim: int, weight, ignore_index, reduction: str,
         label_smoothing: float) -> torch.Tensor:
    """MindSpore's ``_nll_loss`` (class axis ``target_dim`` of ``inputs``)."""
    if target.dim() == inputs.dim() - 1:
        target = target.unsqueeze(target_dim)
    target = target.long()
    pad = target == ignore_index
    target = target.masked_fill(pad, 0)
    if weight is not None:
        loss_weights = weight[target]
        shape = [1] * inputs.dim()
        shape[1 if inputs.dim() > 1 else 0] = -1
        weighted = inputs * weight.reshape(shape)
    else:
        weighted = inputs
        loss_weights = torch.ones_like(target, dtype=inputs.dtype)
    loss = -torch.gather(weighted, target_dim, target)
    smooth = -weighted.sum(target_dim, keepdim=True)
    loss = loss.masked_fill(pad, 0)
    loss_weights = loss_weights.masked_fill(pad, 0)
    smooth = smooth.masked_fill(pad, 0)
    loss = loss.squeeze(target_dim)
    smooth = smooth.squeeze(target_dim)
    if reduction == "sum":
        loss, smooth = loss.sum(), smooth.sum()
    elif reduction == "mean":
        denom = loss_weights.sum()
        loss, smooth = loss.sum() / denom, smooth.sum() / denom
    eps_i = label_smoothing / inputs.shape[target_dim]
    return (1.0 - label_smoothing) * loss + eps_i * smooth


def nll_loss(inputs, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0) -> Tensor:
    """``ops.nll_loss(inputs, target, weight=None, ignore_index=-100, reduction='mean', label_smoothing=0.0)``."""
    _check_reduction(reduction, "nll_loss")
    x = _t(inputs, "nll_loss", "inputs")
    y = _t(target, "nll_loss", "target")
    w = None if weight is None else _t(weight, "nll_loss", "weight").to(x.dtype)
    if x.dim() in (1, 2):
        return wrap(_nll(x, y, -1 if x.dim() == 2 else 0, w, ignore_index, reduction, label_smoothing))
    if x.dim() == 4:
        return wrap(_nll(x, y, 1, w, ignore_index, reduction, label_smoothing))
    n, c = x.shape[0], x.shape[1]
    out = _nll(x.reshape(n, c, 1, -1), y.reshape(n, 1, -1), 1, w, ignore_index, reduction, label_smoothing)
    return wrap(out if reduction != "none" else out.reshape((n,) + tuple(x.shape[2:])))


def cross_entropy(input, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0) -> Tensor:
    """Class-index targets go through ``log_softmax`` + ``nll_loss``; Float targets are class probabilities."""
    _check_reduction(reduction, "cross_entropy")
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"For 'cross_entropy', the 'label_smoothing' must be in [0, 1], but got {label_smoothing}.")
    x = _t(input, "cross_entropy")
    y = _t(target, "cross_entropy", "target")
    class_dim = 0 if x.dim() == 1 else 1
    logp = torch.log_softmax(x, class_dim)
    w = None if weight is None else _t(weight, "cross_entropy", "weight").to(x.dtype)
    if y.is_floating_point():
        n_classes = x.shape[class_dim]
        if label_smoothing > 0.0:
            y = y * (1 - label_smoothing) + label_smoothing / n_classes
        if w is not None and x.dim() != 1:
            shape = [1] * x.dim()
            shape[1] = -1
            w = w.reshape(shape)
        prod = logp * y if w is None else logp * y * w
        if reduction == "mean":
            return wrap(-prod.sum() / (x.numel() / n_classes))
        if reduction == "sum":
            return wrap(-prod.sum())
        return wrap(-prod.sum(class_dim))
    return nll_loss(wrap(logp), target, weight, ignore_index, reduction, label_smoothing)


def binary_cross_entropy(logits, labels, weight=None, reduction="mean") -> Tensor:
    _check_reduction(reduction, "BinaryCrossEntropy")
    x, y = _t(logits, "BinaryCrossEntropy", "logits"), _t(labels, "BinaryCrossEntropy", "labels")
    w = None if weight is None else _t(weight, "BinaryCrossEntropy", "weight")
    return wrap(F.binary_cross_entropy(x, y, w, reduction=reduction))


def binary_cross_entropy_with_logits(input, target, weight=None, pos_weight=None, reduction="mean") -> Tensor:
    _check_reduction(reduction, "BCEWithLogitsLoss")
    x, y = _t(input, "BCEWithLogitsLoss"), _t(target, "BCEWithLogitsLoss", "target")
    w = None if weight is None else _t(weight, "BCEWithLogitsLoss", "weight")
    pw = None if pos_weight is None else _t(pos_weight, "BCEWithLogitsLoss", "pos_weight")
    return wrap(F.binary_cross_entropy_with_logits(x, y, w, reduction=reduction, pos_weight=pw))


def margin_ranking_loss(input1, input2, target, margin=0.0, reduction="mean") -> Tensor:
    if not isinstance(margin, float):
        raise TypeError(f"For 'margin_ranking_loss', the type of 'margin' should be float, but got "
                        f"{type(margin).__name__}.")
    a, b = _t(input1, "margin_ranking_loss", "input1"), _t(input2, "margin_ranking_loss", "input2")
    y = _t(target, "margin_ranking_loss", "target")
    if not a.dtype == b.dtype == y.dtype:
        raise TypeError("For margin_ranking_loss, the input1, input2 and target dtypes should be equal.")
    return wrap(_reduce_loss(torch.clamp(-y * (a - b) + margin, min=0), reduction, "margin_ranking_loss"))


def soft_margin_loss(input, target, reduction="mean") -> Tensor:
    _check_reduction(reduction, "SoftMarginLoss")
    x, y = _t(input, "SoftMarginLoss"), _t(target, "SoftMarginLoss", "target")
    return wrap(F.soft_margin_loss(x, y, reduction=reduction))


def hinge_embedding_loss(inputs, targets, margin=1.0, reduction="mean") -> Tensor:
    """``x`` where target > 0, ``max(0, margin - x)`` where target < 0 (0 where target == 0)."""
    x, y = _t(inputs, "hinge_embedding_loss", "inputs"), _t(targets, "hinge_embedding_loss", "targets")
    pos = (y > 0).to(x.dtype)
    neg = (y < 0).to(x.dtype)
    loss = pos * x + torch.clamp(margin * neg - neg * x, min=0)
    return wrap(loss if reduction == "none" else (loss.mean() if reduction == "mean" else loss.sum()))


def cosine_embedding_loss(input1, input2, target, margin=0.0, reduction="mean") -> Tensor:
    a, b = _t(input1, "cosine_embedding_loss", "input1"), _t(input2, "cosine_embedding_loss", "input2")
    y = _t(target, "cosine_embedding_loss", "target")
    if not -1.0 <= margin <= 1.0:
        raise ValueError(f"For ops.cosine_embedding_loss, the value of 'margin' should be in [-1, 1],but got {margin}.")
    a, b = a.float() if not a.is_floating_point() else a, b.float() if not b.is_floating_point() else b
    cos = (a * b).sum(1) / (a.square().sum(1).sqrt() * b.square().sum(1).sqrt())
    loss = torch.where(y == 1, 1.0 - cos, torch.zeros_like(cos)) + \
        torch.where(y == -1, torch.clamp(cos - margin, min=0.0), torch.zeros_like(cos))
    return wrap(_reduce_loss(loss, reduction, "cosine_embedding_loss"))


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
    if not isinstance(eps, float) or eps <= 0:
        raise ValueError(f"For 'gaussian_nll_loss', 'eps' must be a positive float, but got {eps}.")
    a, y, v = _t(x, "gaussian_nll_loss", "x"), _t(target, "gaussian_nll_loss", "target"), \
        _t(var, "gaussian_nll_loss", "var")
    if a.shape != v.shape and a.shape[:-1] == v.shape:
        v = v.unsqueeze(-1)
    m = torch.clamp(v, min=eps)
    loss = 0.5 * (torch.log(m) + (a - y).square() / m) + (0.5 * math.log(2 * math.pi) if full else 0)
    return wrap(loss.mean() if reduction == "mean" else loss.sum() if reduction == "sum" else loss)


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
