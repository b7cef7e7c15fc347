"""State and debug primitives: ``Assign``/``AssignAdd``/``AssignSub`` (in place on Parameters), ``Print`` and the
summary operators (which record nothing outside a MindSpore SummaryCollector and are no-ops here)."""
from __future__ import annotations

from msshim.common.tensor import Tensor
from msshim.ops.function import index_func as I
from msshim.ops.operations._base import Op, stateless

__all__ = ["Assign", "AssignAdd", "AssignSub", "Print", "ScalarSummary", "TensorSummary", "ImageSummary",
           "HistogramSummary"]


@stateless
class Assign(Op):
    """``Assign()(variable, value)``: writes ``value`` into ``variable`` and returns ``variable``."""

    def __call__(self, variable, value):
        return I.assign(variable, value)


@stateless
class AssignAdd(Op):
    def __call__(self, variable, value):
        return I.assign_add(variable, value)


@stateless
class AssignSub(Op):
    def __call__(self, variable, value):
        return I.assign_sub(variable, value)


@stateless
class Print(Op):
    """``Print()(*inputs)``: each input on its own line (tensors as their repr); returns None."""

    def __call__(self, *inputs):
        for value in inputs:
            print(repr(value) if isinstance(value, Tensor) else value)


class _Summary(Op):
    """``XSummary()(name, value)``: accepted and ignored (no summary writer in eager msshim)."""

    def __call__(self, name, value):
        if not isinstance(name, str):
            raise TypeError(f"For '{self.name}', the 'name' must be str, but got {type(name).__name__}.")


@stateless
class ScalarSummary(_Summary):
    pass


@stateless
class TensorSummary(_Summary):
    pass


@stateless
class ImageSummary(_Summary):
    pass


@stateless
class HistogramSummary(_Summary):
    pass
