"""Classification losses: SoftmaxCrossEntropyWithLogits, CrossEntropyLoss, NLLLoss, BCELoss,
BCEWithLogitsLoss, FocalLoss."""
from __future__ import annotations

import torch

from msshim.common.parameter import Parameter
from msshim.common.tensor import Tensor, wrap
from msshim.nn.layer._conv_padding import check_bool, check_value_type
from msshim.nn.loss._base import LossBase, check_float_range, check_type_name, tensor_of
from msshim.ops.function import cross_entropy_func as CE

__all__ = ["SoftmaxCrossEntropyWithLogits", "CrossEntropyLoss", "NLLLoss", "BCELoss", "BCEWithLogitsLoss",
           "FocalLoss", "SampledSoftmaxLoss"]

_F16_F32 = (torch.float16, torch.float32)


def _weight_tensor(weight, cls_name: str):
    """A class-weight argument: None or a Float16/Float32 Tensor (TypeError otherwise)."""
    if weight is None:
        return None
    check_value_type("weight", weight, [Tensor], cls_name)
    check_type_name("weight", weight._t, _F16_F32, cls_name)
    return weight


class SoftmaxCrossEntropyWithLogits(LossBase):
    """``SoftmaxCrossEntropyWithLogits(sparse=False, reduction='none')`` (note both defaults).

    Dense labels (``sparse=False``) must have the logits' shape and float type; 2-D only.  Sparse labels must be
    Int32 or Int64 (Float labels raise TypeError, in MindSpore from OneHot or, with ``reduction='mean'``, from
    SparseSoftmaxCrossEntropyWithLogits).  With ``reduction='mean'`` sparse labels go through the fused sparse
    kernel: any rank, labels in ``[0, C)`` (RuntimeError otherwise), Float16 logits allowed.  Otherwise they are
    one-hot encoded in Float32 (so Float16 logits raise TypeError, and out-of-range labels give an all-zero
    row: loss 0).  The gradient w.r.t. the logits is ``softmax - labels`` scaled by the incoming gradient.
    """

    def __init__(self, sparse=False, reduction="none"):
        super().__init__(reduction)
        self.sparse = check_bool(sparse, "sparse", self.cls_name)

    def construct(self, logits, labels):
        x, y = tensor_of(logits, "logits", self.cls_name), tensor_of(labels, "labels", self.cls_name)
        if self.sparse:
            if self.reduction == "mean":
                return wrap(CE.sparse_softmax_cross_entropy(x, y))
            loss = CE.sparse_softmax_cross_entropy_rows(x, y)
            if loss is not None:
                return wrap(self._reduce(loss))
            y = CE.one_hot_labels(y, x.shape[-1] if x.dim() else 1)
        return wrap(self._reduce(CE.softmax_cross_entropy(x, y)))


def _check_cross_entropy_inputs(x: torch.Tensor, y: torch.Tensor, cls_name: str) -> None:
    check_type_name("logits", x, _F16_F32, cls_name)
    prefix = f"For '{cls_name}', the"
    if x.dim() == y.dim():
        check_type_name("labels", y, _F16_F32, cls_name)
        if x.shape != y.shape:
            raise ValueError(f"{prefix} shape of 'logits' should be (N, C, d_0, d_1, ...), and the shape of 'labels' "
                             f"should be (N, C, d_0, d_1, ...), but get 'logits' shape: {tuple(x.shape)} and "
                             f"'labels' shape: {tuple(y.shape)}.")
    elif y.dim() == x.dim() - 1:
        check_type_name("labels", y, (torch.int32,), cls_name)
        if x.dim() != 1 and (x.shape[0], *x.shape[2:]) != tuple(y.shape):
            raise ValueError(f"{prefix} shape of 'logits' should be (N, C, d_0, d_1, ...), and the shape of 'labels' "
                             f"should be (N, d_0, d_1, ...), but get 'logits' shape: {tuple(x.shape)} and 'labels' "
                             f"shape: {tuple(y.shape)}.")
    else:
        raise ValueError(f"{prefix} rank of 'logits' and 'labels' should be:\n1. 'logits.ndim == labels.ndim' for "
                         f"probabilities, \n2. 'logits.ndim - 1 == labels.ndim' for class indices, \nbut get "
                         f"'logits' rank: {x.dim()} and 'labels' rank: {y.dim()}.")


class CrossEntropyLoss(LossBase):
    """``CrossEntropyLoss(weight=None, ignore_index=-100, reduction='mean', label_smoothing=0.0)``.

    Labels are Int32 class indices (shape ``(N, d...)``; Int64 is rejected, unlike ``ops.cross_entropy``) or
    Float16/Float32 class probabilities of the logits' shape.  ``'mean'`` divides by the summed weights of the
    non-ignored labels (index targets) or by ``numel / C`` (probability targets).
    """

    def __init__(self, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
        super().__init__(reduction)
        cls = self.cls_name
        check_value_type("ignore_index", ignore_index, [int], cls)
        check_value_type("label_smoothing", label_smoothing, [float], cls)
        check_float_range(label_smoothing, 0.0, 1.0, "label_smoothing", cls)
        self.weight = _weight_tensor(weight, cls)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def construct(self, logits, labels):
        x, y = tensor_of(logits, "logits", self.cls_name), tensor_of(labels, "labels", self.cls_name)
        _check_cross_entropy_inputs(x, y, self.cls_name)
        w = None if self.weight is None else self.weight._t
        args = (x, y, w, self.ignore_index, self.reduction, self.label_smoothing)
        out = CE.cross_entropy_fused(*args)
        return wrap(out if out is not None else CE.cross_entropy_t(*args))


class NLLLoss(LossBase):
    """``NLLLoss(weight=None, ignore_index=-100, reduction='mean')`` on log-probabilities; Int32/Int64 labels,
    negative labels count from the last class, out-of-range labels raise RuntimeError."""

    def __init__(self, weight=None, ignore_index=-100, reduction="mean"):
        super().__init__(reduction)
        check_value_type("ignore_index", ignore_index, [int], self.cls_name)
        self.weight = _weight_tensor(weight, self.cls_name)
        self.ignore_index = ignore_index

    def construct(self, logits, labels):
        return CE.nll_loss(logits, labels, self.weight, self.ignore_index, self.reduction)


class BCELoss(LossBase):
    """``BCELoss(weight=None, reduction='mean')`` on probabilities in ``[0, 1]`` (RuntimeError otherwise, checked
    on CPU); logits, labels and weight share one float type; logarithms clamp at ``log(1e-12)``."""

    def __init__(self, weight=None, reduction="mean"):
        super().__init__(reduction)
        self.weight = weight

    def construct(self, logits, labels):
        return CE.binary_cross_entropy(logits, labels, self.weight, self.reduction)


class BCEWithLogitsLoss(LossBase):
    """``BCEWithLogitsLoss(reduction='mean', weight=None, pos_weight=None)``.  As in MindSpore, ``reduction`` is
    checked only when the cell is called (ValueError), Parameters are refused as weights (TypeError), the
    weights must broadcast to the input's shape and the result has ``target``'s dtype."""

    def __init__(self, reduction="mean", weight=None, pos_weight=None):
        super().__init__()
        if isinstance(weight, Parameter):
            raise TypeError(f"For '{self.cls_name}', the 'weight' can not be a Parameter.")
        if isinstance(pos_weight, Parameter):
            raise TypeError(f"For '{self.cls_name}', the 'pos_weight' can not be a Parameter.")
        self.reduction = reduction
        self.weight = weight
        self.pos_weight = pos_weight

    def construct(self, input, target):
        tensor_of(input, "input", self.cls_name)
        tensor_of(target, "target", self.cls_name)
        return CE.binary_cross_entropy_with_logits(input, target, self.weight, self.pos_weight, self.reduction)


class FocalLoss(LossBase):
    """``FocalLoss(weight=None, gamma=2.0, reduction='mean')`` (deprecated in MindSpore 2.8): logits ``(N, C, ...)``,
    labels ``(N, 1, ...)`` class indices or ``(N, C, ...)`` one-hot; ``-(1 - p)^gamma * log p`` averaged over
    the class axis (index labels: over the spatial axis), then reduced."""

    def __init__(self, weight=None, gamma=2.0, reduction="mean"):
        super().__init__(reduction)
        self.gamma = check_value_type("gamma", gamma, [float])
        if weight is not None and not isinstance(weight, Tensor):
            raise TypeError(f"For '{self.cls_name}', the type of 'weight' must be a Tensor, but got "
                            f"{type(weight).__name__}.")
        if isinstance(weight, Tensor) and weight.ndim != 1:
            raise ValueError(f"For '{self.cls_name}', the dimension of 'weight' must be 1, but got {weight.ndim}.")
        self.weight = weight

    def construct(self, logits, labels):
        cls = self.cls_name
        x, y = tensor_of(logits, "logits", cls), tensor_of(labels, "labels", cls)
        for t, name in ((x, "logits"), (y, "labels")):
            if not 2 <= t.dim() <= 4:
                raise ValueError(f"For '{cls}', the dimensions of '{name}' must be in [2, 4], but got dimension of "
                                 f"'{name}' {t.dim()}.")
        if x.dim() != y.dim():
            raise ValueError(f"For '{cls}', the dimensions of 'logits' and 'labels' must be equal, but got dimension "
                             f"of 'logits' {x.dim()} and dimension of 'labels' {y.dim()}.")
        c, cl = x.shape[1], y.shape[1]
        if c == 1:
            raise ValueError(f"For '{cls}', the 'logits'.shape[1] cannot be one, but got {c}.")
        if cl not in (1, c):
            raise ValueError(f"For '{cls}', the 'labels'.shape[1] must be one or equal to 'logits'.shape[1]: {c}, "
                             f"but got {cl}.")
        check_type_name("labels", y, (torch.int32, torch.int64, torch.float16, torch.float32), cls)
        n = x.shape[0]
        x = x.reshape(n, c, -1)
        y = y.reshape(n, cl, -1)
        log_p = torch.log_softmax(x, 1)
        index = y.long() if cl == 1 else None
        if index is not None:
            log_p = torch.gather(log_p, 1, index).squeeze(1)
        prob = torch.exp(log_p)
        if self.weight is not None:
            w = self.weight._t.reshape(1, -1, 1).expand(n, c, x.shape[2])
            log_p = log_p * (torch.gather(w, 1, index).squeeze(1) if index is not None else w)
        focal = torch.pow(1 - prob, self.gamma)
        loss = (-focal * log_p).mean(1) if index is not None else (-focal * y * log_p).mean(-1)
        return wrap(self._reduce(loss))


class SampledSoftmaxLoss(LossBase):
    """``SampledSoftmaxLoss(num_sampled, num_classes, num_true=1, sampled_values=None, remove_accidental_hits=True,
    seed=0, reduction='none')`` (deprecated in MindSpore 2.8): softmax cross-entropy over the true classes and
    ``num_sampled`` sampled classes, with logits ``x W^T + b`` corrected by ``-log(expected count)``.  Called as
    ``(weights (C, dim), biases (C,), labels (N, num_true), logits (N, dim))``; returns the per-example loss
    ``(N,)`` whatever ``reduction`` says, as MindSpore does.

    With ``sampled_values=(sampled, true_expected_count, sampled_expected_count)`` the result is exactly
    MindSpore's.  Without, classes are drawn uniformly without replacement from torch's generator (skipping the
    labels when ``remove_accidental_hits``), with expected counts ``num_sampled / num_classes``: the same
    distribution as MindSpore's UniformCandidateSampler, not the same draws.
    """

    def __init__(self, num_sampled, num_classes, num_true=1, sampled_values=None, remove_accidental_hits=True,
                 seed=0, reduction="none"):
        super().__init__(reduction)
        cls = self.cls_name
        if num_true < 1:
            raise ValueError(f"For '{cls}', the 'num_true' must be greater than or equal to 1, but got {num_true}.")
        if seed < 0:
            raise ValueError(f"For '{cls}', the 'seed' must be greater than or equal to 0, but got {seed}.")
        if num_sampled > num_classes:
            raise ValueError(f"For '{cls}', the 'num_sampled' must be smaller than or equal to 'num_classes', but got "
                             f"'num_sampled': {num_sampled} and 'num_classes': {num_classes}.")
        if num_true > num_classes:
            raise ValueError(f"For '{cls}', the 'num_true' must be smaller than or equal to 'num_classes', but got "
                             f"'num_true': {num_true} amd 'num_classes': {num_classes}.")
        if sampled_values is not None:
            if not isinstance(sampled_values, (list, tuple)):
                raise TypeError(f"For '{cls}', the type of 'sampled_values' must be a list or tuple, but got "
                                f"{type(sampled_values).__name__}.")
            if len(sampled_values) != 3:
                raise ValueError(f"For '{cls}', the length of 'sampled_values' must be equal to 3,but got "
                                 f"{len(sampled_values)}.")
        self.num_sampled, self.num_classes, self.num_true = num_sampled, num_classes, num_true
        self.sampled_values = sampled_values
        self.remove_accidental_hits = remove_accidental_hits
        self.seed = seed
        self._generator = None

    def _sample(self, labels: torch.Tensor) -> tuple:
        if self._generator is None:
            self._generator = torch.Generator().manual_seed(self.seed) if self.seed else None
        scores = torch.rand(self.num_classes, generator=self._generator)
        if self.remove_accidental_hits:
            scores[labels.reshape(-1).long().cpu()] = 2.0  # never among the smallest
        sampled = torch.argsort(scores)[:self.num_sampled].to(device=labels.device, dtype=torch.int32)
        p = self.num_sampled / self.num_classes
        return (sampled, torch.full(labels.shape, p, device=labels.device),
                torch.full((self.num_sampled,), p, device=labels.device))

    def construct(self, weights, biases, labels, logits):
        cls = self.cls_name
        w, b = tensor_of(weights, "weights", cls), tensor_of(biases, "biases", cls)
        y, x = tensor_of(labels, "labels", cls), tensor_of(logits, "logits", cls)
        check_type_name("labels", y, (torch.int32, torch.int64), cls)
        y = y.reshape(-1, self.num_true).long()
        if self.sampled_values is None:
            sampled, true_expected, sampled_expected = self._sample(y)
        else:
            sampled, true_expected, sampled_expected = (tensor_of(v, "sampled_values", cls)
                                                        for v in self.sampled_values)
        sampled = sampled.long()
        n_dim = w.shape[1]
        true_w = w[y.reshape(-1)].reshape(-1, self.num_true, n_dim)
        true_logits = (x.unsqueeze(1) * true_w).sum(-1) + b[y.reshape(-1)].reshape(-1, self.num_true)
        sampled_logits = x @ w[sampled].T + b[sampled]
        true_logits = true_logits - torch.log(true_expected.to(true_logits.dtype))
        sampled_logits = sampled_logits - torch.log(sampled_expected.to(sampled_logits.dtype))
        out_logits = torch.cat((true_logits, sampled_logits), 1)
        out_labels = torch.cat((torch.ones_like(true_logits) / self.num_true, torch.zeros_like(sampled_logits)), 1)
        stable = torch.exp(out_logits - out_logits.amax(1, keepdim=True))
        pred = stable / stable.sum(1, keepdim=True)
        return wrap(-(out_labels * torch.log(pred + 1.0e-20)).sum(1))
