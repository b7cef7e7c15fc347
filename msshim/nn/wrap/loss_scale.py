"""Training with loss scaling (``nn.TrainOneStepWithLossScaleCell``) and the cells that update the scale.

Overflow is detected as on MindSpore's GPU backend: any non-finite gradient.  MindSpore's CPU wheel has no
overflow check and refuses update cells in ``build_train_network``; msshim supports them on every device.
"""
from __future__ import annotations

import torch

from msshim.common import dtype as mstype
from msshim.common.parameter import Parameter
from msshim.common.tensor import Tensor, wrap
from msshim.nn.cell import Cell
from msshim.nn.wrap.cell_wrapper import TrainOneStepCell

__all__ = ["DynamicLossScaleUpdateCell", "FixedLossScaleUpdateCell", "TrainOneStepWithLossScaleCell"]


def grads_overflow(grads) -> bool:
    """True when any gradient holds an inf or NaN (one fused reduction over all of them)."""
    ts = [g._t for g in grads]
    if not ts:
        return False
    return not bool(torch.stack([torch.isfinite(t).all() for t in ts]).all())


class DynamicLossScaleUpdateCell(Cell):
    """``DynamicLossScaleUpdateCell(loss_scale_value, scale_factor, scale_window)``: on overflow the scale becomes
    ``max(scale / factor, 1)``; after ``scale_window`` steps since the last overflow it is multiplied by
    ``factor``.  Its step counters are the Parameters ``current_iterator_step`` and
    ``last_overflow_iterator_step`` (Int32), saved in checkpoints as MindSpore does."""

    def __init__(self, loss_scale_value, scale_factor, scale_window):
        super().__init__()
        self.scale_window = int(scale_window)
        self.scale_factor = float(scale_factor)
        self.loss_scale_value = loss_scale_value
        self.cur_iter = Parameter(Tensor(1, dtype=mstype.int32), name="current_iterator_step")
        self.last_overflow_iter = Parameter(Tensor(0, dtype=mstype.int32), name="last_overflow_iterator_step")

    def get_loss_scale(self):
        return self.loss_scale_value

    def construct(self, loss_scale, overflow):
        overflow = bool(overflow)
        scale = loss_scale._t
        cur, last = self.cur_iter._t, self.last_overflow_iter._t
        with torch.no_grad():
            if overflow:
                scale.copy_(torch.clamp(scale / self.scale_factor, min=1.0))
            should_inc = self.scale_window <= int(cur - last)
            if overflow or should_inc:
                last.copy_(cur)
            if should_inc and not overflow:
                scale.mul_(self.scale_factor)
            cur.add_(1)
        return overflow


class FixedLossScaleUpdateCell(Cell):
    """``FixedLossScaleUpdateCell(loss_scale_value)``: the scale never changes; returns ``overflow``."""

    def __init__(self, loss_scale_value):
        super().__init__()
        self.loss_scale_value = loss_scale_value

    def get_loss_scale(self):
        return self.loss_scale_value

    def construct(self, _, overflow):
        return overflow


class TrainOneStepWithLossScaleCell(TrainOneStepCell):
    """``TrainOneStepWithLossScaleCell(network, optimizer, scale_sense)``: the loss's sensitivity is the scale,
    the gradients are divided by it, and the optimizer runs only when no gradient overflowed.  Returns
    ``(loss, overflow, scale)``.  ``scale_sense`` is a Tensor of shape () or (1,) (kept as the Parameter
    ``scale_sense``) or an update cell from a loss scale manager."""

    def __init__(self, network: Cell, optimizer: Cell, scale_sense):
        super().__init__(network, optimizer, sens=None)
        self.loss_scaling_manager = None
        if isinstance(scale_sense, Cell):
            self.loss_scaling_manager = scale_sense
            self.scale_sense = Parameter(Tensor(scale_sense.get_loss_scale(), dtype=mstype.float32),
                                         name="scale_sense")
        elif isinstance(scale_sense, Tensor):
            if scale_sense.shape in ((1,), ()):
                self.scale_sense = Parameter(scale_sense, name="scale_sense")
            else:
                raise ValueError("For 'TrainOneStepWithLossScaleCell', the shape of 'scale_sense' must be (1,) or "
                                 "(), but got {}.".format(scale_sense.shape))
        else:
            raise TypeError("For 'TrainOneStepWithLossScaleCell', the 'scale_sense' must be Cell or Tensor, but "
                            "got 'scale_sense' type: {}.".format(type(scale_sense)))

    def construct(self, *inputs):
        scaling_sens = self.scale_sense
        scale = scaling_sens._t
        loss, grads = self._loss_and_grads(inputs, scale.detach().reshape(()), reduce=False)
        inv = torch.reciprocal(scale)
        grads = tuple(wrap(g._t * inv.to(g._t.dtype)) for g in grads)
        if self.reducer_flag:  # data parallel: MindSpore all-reduces the unscaled gradients
            grads = self.grad_reducer(grads)
        cond = self.get_overflow_status(None, grads)
        overflow = self.process_loss_scale(cond)
        if not overflow:
            self.optimizer(grads)
        return loss, wrap(torch.tensor(bool(cond))), wrap(scale.detach().clone())

    def set_sense_scale(self, sens) -> None:
        """Replace the loss scale (a Tensor)."""
        if self.scale_sense is not None and isinstance(sens, Tensor):
            self.scale_sense.set_data(sens)
        else:
            raise TypeError("The input type must be Tensor, but got {}".format(type(sens)))

    def start_overflow_check(self, pre_cond, compute_input):
        """Kept for custom training cells written against MindSpore: returns ``(status, compute_input)``."""
        return Tensor([0] * 8, mstype.int32), compute_input

    def get_overflow_status(self, status, compute_output) -> bool:
        """Whether any of ``compute_output`` (the gradients) is inf or NaN."""
        return grads_overflow(compute_output)

    def process_loss_scale(self, overflow) -> bool:
        if self.loss_scaling_manager is not None:
            return self.loss_scaling_manager(self.scale_sense, overflow)
        return overflow

