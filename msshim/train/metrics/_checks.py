"""``mindspore._checkparam`` checks the metrics use (same exception types and wording)."""
from __future__ import annotations

import math

from msshim.nn.layer._conv_padding import check_string, check_value_type

__all__ = ["check_value_type", "check_string", "check_positive_float"]


def check_positive_float(value, arg_name: str, prim_name=None) -> float:
    prefix = f"For '{prim_name}', the " if prim_name else "The "
    info = f"{prefix}'{arg_name}'"
    if not isinstance(value, float):
        raise TypeError(f"{info} must be float, but got '{type(value).__name__}'")
    if math.isinf(value) or math.isnan(value):
        raise ValueError(f"{info} must be a legal value, but got '{value}'.")
    if not value > 0:
        raise ValueError(f"{info} must be float and must > 0, but got '{value}' with type 'float'.")
    return value
