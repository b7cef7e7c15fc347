"""The learning-rate and weight-decay Cells an optimizer builds from its arguments (MindSpore keeps them in
``mindspore.nn.optim.optimizer``, which re-exports them): a fixed rate presented as a schedule, a per-step
list, and a weight-decay schedule times ``loss_scale``."""
from __future__ import annotations

import torch

from msshim.common import dtype as mstype
from msshim.common.parameter import Parameter
from msshim.common.tensor import Tensor, wrap
from msshim.nn.cell import Cell
from msshim.nn.learning_rate_schedule import LearningRateSchedule


class _ConvertToCell(LearningRateSchedule):
    """A fixed learning rate presented as a schedule (groups mixing fixed and dynamic rates)."""

    def __init__(self, learning_rate):
        super().__init__()
        if not isinstance(learning_rate, Parameter):
            raise TypeError(f"For 'Optimizer', the argument 'learning_rate' must be Parameter, but got "
                            f"{type(learning_rate)}.")
        self.learning_rate = learning_rate

    def construct(self, global_step):
        return wrap(self.learning_rate._t.detach().clone())


class _IteratorLearningRate(LearningRateSchedule):
    """A per-step learning-rate list: ``construct(global_step)`` gathers ``learning_rate[global_step]``."""

    def __init__(self, learning_rate, name: str):
        super().__init__()
        if isinstance(learning_rate, Tensor):
            if learning_rate.ndim != 1:
                raise ValueError(f"For 'Optimizer', the dimension of the argument 'learning_rate' should be 1, but "
                                 f"got {learning_rate.ndim}.")
        else:
            raise TypeError(f"For 'Optimizer', the argument 'learning_rate' must be Tensor, but got "
                            f"{type(learning_rate)}.")
        self.learning_rate = Parameter(learning_rate, name)

    def construct(self, global_step):
        table = self.learning_rate._t
        idx = global_step._t.long() if isinstance(global_step, Tensor) else torch.as_tensor(global_step).long()
        n = table.shape[0]
        if bool(((idx < 0) | (idx >= n)).any()):
            raise RuntimeError(f"For 'Gather', the 'input_indices' should be in the range [0, {n}), but got "
                               f"{idx.reshape(-1).tolist()}.")
        return wrap(table.detach()[idx])


class _WrappedWeightDecay(Cell):
    """A weight-decay schedule times ``loss_scale``."""

    def __init__(self, weight_decay: Cell, loss_scale: float = 1.0):
        super().__init__()
        self.weight_decay = weight_decay
        self.loss_scale = Tensor(loss_scale, mstype.float32)

    def construct(self, global_step):
        return self.weight_decay(global_step) * self.loss_scale
