"""Gradient-related functional operators."""
from __future__ import annotations

from msshim.common._convert import to_torch
from msshim.common.tensor import wrap

__all__ = ["stop_gradient"]


def stop_gradient(value):
    """The same values with no gradient flowing back through them (tuples/lists handled element-wise)."""
    if isinstance(value, (tuple, list)):
        return type(value)(stop_gradient(v) for v in value)
    t = to_torch(value)
    return wrap(t.detach()) if hasattr(t, "detach") else value
