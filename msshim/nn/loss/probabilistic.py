"""Distribution and sequence losses: KLDivLoss, GaussianNLLLoss, PoissonNLLLoss, CTCLoss."""
from __future__ import annotations

import math

import torch

from msshim.common.tensor import wrap
from msshim.nn.layer._conv_padding import check_string, check_value_type
from msshim.nn.loss._base import LossBase, tensor_of
from msshim.ops.function import loss_func as LF

__all__ = ["KLDivLoss", "GaussianNLLLoss", "PoissonNLLLoss", "CTCLoss"]


class KLDivLoss(LossBase):
    """``KLDivLoss(reduction='mean')`` on log-probabilities ``logits``: ``'mean'`` averages over every element,
    ``'batchmean'`` over the first axis; ``reduction`` is checked when called."""

    def __init__(self, reduction="mean"):
        super().__init__()
        self.reduction = reduction

    def construct(self, logits, labels):
        tensor_of(logits, "logits", self.cls_name)
        tensor_of(labels, "labels", self.cls_name)
        return LF.kl_div(logits, labels, self.reduction)


class GaussianNLLLoss(LossBase):
    """``GaussianNLLLoss(*, full=False, eps=1e-6, reduction='mean')``:
    ``0.5 (log(max(var, eps)) + (logits - labels)^2 / max(var, eps))`` (+ ``0.5 log(2 pi)`` when ``full``)."""

    def __init__(self, *, full=False, eps=1e-6, reduction="mean"):
        super().__init__()
        if isinstance(eps, bool) or not isinstance(eps, (int, float)) or not eps > 0:
            raise ValueError(f"For '{self.cls_name}', the 'eps' must be in range of (0, inf), but got {eps}.")
        check_value_type("full", full, [bool], self.cls_name)
        check_string(reduction, ["none", "mean", "sum"], "reduction", "gaussian_nll_loss")
        self.full, self.eps, self.reduction = full, eps, reduction

    def construct(self, logits, labels, var):
        for v, name in ((logits, "logits"), (labels, "labels"), (var, "var")):
            tensor_of(v, name, self.cls_name)
        return LF.gaussian_nll_loss(logits, labels, var, self.full, float(self.eps), self.reduction)


class PoissonNLLLoss(LossBase):
    """``PoissonNLLLoss(log_input=True, full=False, eps=1e-08, reduction='mean')``: ``exp(x) - t x`` (log input)
    or ``x - t log(x + eps)``, plus the Stirling term for targets > 1 when ``full``."""

    def __init__(self, log_input=True, full=False, eps=1e-08, reduction="mean"):
        super().__init__(reduction)
        self.log_input, self.full, self.eps = log_input, full, eps

    def construct(self, input, target):
        x, t = tensor_of(input, "input", self.cls_name), tensor_of(target, "target", self.cls_name)
        t = t.to(x.dtype)
        loss = torch.exp(x) - t * x if self.log_input else x - t * torch.log(x + self.eps)
        if self.full:
            t = torch.clamp(t, min=self.eps)
            stirling = (t > 1).to(t.dtype) * ((t + 0.5) * torch.log(t) - t + 0.5 * math.log(2 * math.pi))
            loss = loss + stirling.masked_fill(t <= 1, 0)
        return wrap(self._reduce(loss))


class CTCLoss(LossBase):
    """``CTCLoss(blank=0, reduction='mean', zero_infinity=False)``: ``log_probs`` ``(T, N, C)`` or unbatched
    ``(T, C)`` (then ``targets`` is 1-D or ``(1, S)``); ``'mean'`` divides each loss by its target length."""

    def __init__(self, blank=0, reduction="mean", zero_infinity=False):
        super().__init__()
        self.blank, self.reduction, self.zero_infinity = blank, reduction, zero_infinity

    def construct(self, log_probs, targets, input_lengths, target_lengths):
        lp, tg = tensor_of(log_probs, "log_probs", self.cls_name), tensor_of(targets, "targets", self.cls_name)
        if lp.dim() == 2:
            if tg.dim() > 2:
                raise ValueError(f"For CTCLoss, when the shape of log_probs is (T, C), the dimension of targets "
                                 f"shouldbe 1 or 2, but got {tg.dim()}.")
            if tg.dim() == 2 and tg.shape[0] != 1:
                raise ValueError(f"For CTCLoss, the first dimension of 2-D targets should be 1,but got "
                                 f"{tg.shape[0]}.")
            tg = tg.unsqueeze(0) if tg.dim() == 1 else tg
            loss, _ = LF.ctc_loss(wrap(lp.unsqueeze(-2)), wrap(tg), input_lengths, target_lengths, self.blank,
                                  self.reduction, self.zero_infinity)
            return wrap(loss._t.squeeze(0)) if self.reduction == "none" else loss
        loss, _ = LF.ctc_loss(log_probs, targets, input_lengths, target_lengths, self.blank, self.reduction,
                              self.zero_infinity)
        return loss
