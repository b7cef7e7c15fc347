"""``mindspore.ops.composite`` (``C``): GradOperation, MultitypeFuncGraph, HyperMap, Map."""
from msshim.ops.composite.base import GradOperation, HyperMap, Map, MultitypeFuncGraph  # noqa: F401
from msshim.ops.function.grad_func import grad, value_and_grad  # noqa: F401

__all__ = ["GradOperation", "HyperMap", "Map", "MultitypeFuncGraph", "grad", "value_and_grad"]
