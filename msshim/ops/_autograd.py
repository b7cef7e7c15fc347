"""The engine behind MindSpore's gradient functions (``grad``, ``value_and_grad``, ``GradOperation``,
``TrainOneStepCell``) on torch autograd.

MindSpore differentiates a function with respect to chosen *positional inputs* and/or a list of
*Parameters*.  Here the forward runs once with ``RUNTIME.grad_depth`` raised (so cells record an autograd
graph, see ``msshim/nn/cell.py``), then ``torch.autograd.grad`` computes the requested gradients.

MindSpore's rules reproduced here (checked against MindSpore 2.10):

* every output contributes with a ``ones_like`` sensitivity unless ``has_aux`` (first output only) or an
  explicit ``sens`` is given;
* an input or Parameter the output does not depend on gets a zero gradient (also a Parameter with
  ``requires_grad=False`` listed in ``weights``);
* positions holding a non-Tensor argument are left out of the gradient tuple;
* a gradient function called inside another one keeps its graph, so gradients of gradients work.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import torch

from msshim._runtime import RUNTIME
from msshim.common.tensor import Tensor, wrap

_autograd_grad = torch.autograd.grad


def _leaf(t: torch.Tensor, nested: bool) -> torch.Tensor:
    """The tensor a gradient is taken with respect to.  Inside an outer gradient function an input that is
    already part of the outer graph is used as it is, so the outer function differentiates through; like
    MindSpore, which tracks tensors by identity, every use of that same tensor (closures included) then
    contributes to the inner gradient."""
    if nested and t.requires_grad:
        return t
    return t.detach().requires_grad_(True)


def _differentiable(t: torch.Tensor) -> bool:
    return t.is_floating_point() or t.is_complex()


def _flat_outputs(out: Any, into: list) -> None:
    if isinstance(out, Tensor):
        into.append(out._t)
    elif isinstance(out, torch.Tensor):
        into.append(out)
    elif isinstance(out, (tuple, list)):
        for o in out:
            _flat_outputs(o, into)
    elif isinstance(out, dict):
        for o in out.values():
            _flat_outputs(o, into)


def _detach_tree(out: Any) -> Any:
    if isinstance(out, Tensor):
        return wrap(out._t.detach())
    if isinstance(out, torch.Tensor):
        return wrap(out.detach())
    if isinstance(out, tuple):
        return tuple(_detach_tree(o) for o in out)
    if isinstance(out, list):
        return [_detach_tree(o) for o in out]
    if isinstance(out, dict):
        return {k: _detach_tree(v) for k, v in out.items()}
    return out


def _sens_pairs(outputs: list, sens: Any) -> tuple[list, list]:
    """(output tensors, their sensitivities): explicit ``sens`` (a Tensor or a tuple matching the outputs), or
    ones for every differentiable output that is part of the graph."""
    if isinstance(sens, (int, float)):  # TrainOneStepCell(sens=...): every output filled with this value
        pairs = [(o, torch.full_like(o, sens)) for o in outputs if o.requires_grad]
    elif isinstance(sens, torch.Tensor):  # a one-element torch tensor (the loss scale): the same, on device
        pairs = [(o, sens.to(o.dtype).expand_as(o)) for o in outputs if o.requires_grad]
    elif sens is not None:
        sens_list: list = []
        _flat_outputs(sens, sens_list)
        if len(sens_list) != len(outputs):
            raise ValueError(f"The sens should have the same structure as the outputs of the function: got "
                             f"{len(sens_list)} sens tensor(s) for {len(outputs)} output(s).")
        pairs = [(o, s.to(o.dtype)) for o, s in zip(outputs, sens_list) if o.requires_grad]
    else:
        pairs = [(o, None if o.dim() == 0 else torch.ones_like(o)) for o in outputs if o.requires_grad]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def differentiate(fn: Callable, args: Sequence, kwargs: dict, positions: Sequence[int] | None,
                  weights: Sequence | None, has_aux: bool = False, sens: Any = None
                  ) -> tuple[Any, tuple | None, tuple | None]:
    """Run ``fn(*args, **kwargs)`` once and return ``(outputs, input_grads, weight_grads)``.

    ``positions``: indices into ``args`` (None: no input gradients); ``weights``: Parameters (None: none).
    Gradients are msshim Tensors; outputs are detached unless this call is nested in another gradient function.
    """
    nested = RUNTIME.grad_depth > 0
    args = list(args)
    pos_slots: list[tuple[int, torch.Tensor | None]] = []
    if positions is not None:
        for p in positions:
            if p >= len(args):
                raise RuntimeError(f"Position index {p} is exceed input size.")
            a = args[p]
            if isinstance(a, Tensor):
                t = a._t
                if _differentiable(t):
                    t = _leaf(t, nested)
                    args[p] = wrap(t)
                    pos_slots.append((p, t))
                else:
                    pos_slots.append((p, None))
    weight_ts = [w._t for w in weights] if weights is not None else []

    RUNTIME.grad_depth += 1
    try:
        with torch.enable_grad():
            out = fn(*args, **kwargs)
    finally:
        RUNTIME.grad_depth -= 1

    if has_aux:
        if not isinstance(out, (tuple, list)) or len(out) < 2:
            raise ValueError("When has_aux is True, origin fn requires more than one outputs.")
        grad_source = out[0]
    else:
        grad_source = out
    outputs: list = []
    _flat_outputs(grad_source, outputs)
    outputs, grad_outputs = _sens_pairs(outputs, sens)

    targets = [t for _, t in pos_slots if t is not None] + [w for w in weight_ts if w.requires_grad]
    grads: tuple = ()
    if outputs and targets:
        grads = _autograd_grad(outputs, targets, grad_outputs, retain_graph=nested, create_graph=nested,
                               allow_unused=True, materialize_grads=True)
    it = iter(grads)

    def take(t: torch.Tensor | None, like: torch.Tensor) -> Tensor:
        if t is None or not outputs:
            return wrap(torch.zeros_like(like))
        return wrap(next(it))

    input_grads = None
    if positions is not None:
        input_grads = tuple(take(t, args[p]._t) for p, t in pos_slots)
    weight_grads = None
    if weights is not None:
        weight_grads = tuple(take(w if w.requires_grad else None, w) for w in weight_ts)
    return (out if nested else _detach_tree(out)), input_grads, weight_grads
