"""Cells that wrap a network with its loss (MindSpore's ``nn.wrap.cell_wrapper``)."""
from __future__ import annotations

from msshim.nn.cell import Cell

__all__ = ["WithLossCell", "WithEvalCell"]


class WithLossCell(Cell):
    """``WithLossCell(backbone, loss_fn)``: ``construct(data, label) = loss_fn(backbone(data), label)``.

    Built with ``auto_prefix=False``: the backbone's parameter names stay as they were (``0.weight``)."""

    def __init__(self, backbone: Cell, loss_fn: Cell):
        super().__init__(auto_prefix=False)
        self._backbone = backbone
        self._loss_fn = loss_fn

    def construct(self, data, label):
        return self._loss_fn(self._backbone(data), label)

    @property
    def backbone_network(self) -> Cell:
        return self._backbone


class WithEvalCell(Cell):
    """``WithEvalCell(network, loss_fn, add_cast_fp32=False)``: returns ``(loss, outputs, label)``."""

    def __init__(self, network: Cell, loss_fn: Cell, add_cast_fp32: bool = False):
        super().__init__(auto_prefix=False)
        self._network = network
        self._loss_fn = loss_fn
        self.add_cast_fp32 = add_cast_fp32

    def construct(self, data, label):
        outputs = self._network(data)
        if self.add_cast_fp32:
            label = label.float()
            outputs = outputs.float()
        return self._loss_fn(outputs, label), outputs, label
