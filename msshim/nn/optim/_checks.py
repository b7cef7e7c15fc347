"""Argument checks of the optimizers and learning-rate helpers, with MindSpore's ``_checkparam`` rules:
a wrong type raises TypeError, a value out of range ValueError (``bool`` is never an int or a float here),
and the messages name the argument (``For 'Momentum', the 'momentum' must be float ...``)."""
from __future__ import annotations

import math
import operator

_RELS = {">": operator.gt, ">=": operator.ge}


def _prefix(prim_name) -> str:
    return f"For '{prim_name}', the " if prim_name else "The "


def check_number(value, bound, rel: str, arg_type: type, arg_name=None, prim_name=None):
    """MindSpore's ``_check_number``: ``value`` must be an ``arg_type`` (not bool) with ``value <rel> bound``."""
    info = _prefix(prim_name) + (f"'{arg_name}'" if arg_name else "input value")
    if not isinstance(value, arg_type):
        raise TypeError(f"{info} must be {arg_type.__name__}, but got '{type(value).__name__}'")
    if math.isinf(value) or math.isnan(value):
        raise ValueError(f"{info} must be a legal value, but got '{value}'.")
    if isinstance(value, bool) or not _RELS[rel](value, bound):
        msg = (f"{info} must be {arg_type.__name__} and must {rel} {bound}, but got '{value}' with type "
               f"'{type(value).__name__}'.")
        raise TypeError(msg) if isinstance(value, bool) else ValueError(msg)
    return value


def check_positive_int(value, arg_name=None, prim_name=None) -> int:
    return check_number(value, 0, ">", int, arg_name, prim_name)


def check_positive_float(value, arg_name=None, prim_name=None) -> float:
    return check_number(value, 0, ">", float, arg_name, prim_name)


def check_non_negative_float(value, arg_name=None, prim_name=None) -> float:
    return check_number(value, 0, ">=", float, arg_name, prim_name)


def check_float_type_non_negative(value, arg_name: str, owner: str, prim_name=None) -> float:
    """A float (TypeError ``For '<owner>', the argument '<arg>' must be type of float ...`` otherwise) that is
    ``>= 0``: the learning-rate functions' and schedules' check of a rate that may be zero."""
    if not isinstance(value, float):
        raise TypeError(f"For '{owner}', the argument '{arg_name}' must be type of float, but got '{arg_name}' "
                        f"type: {type(value)}.")
    return check_non_negative_float(value, arg_name, prim_name)


def check_is_float(value, arg_name=None, prim_name=None) -> float:
    name = f"'{arg_name}'" if arg_name else "input value"
    if isinstance(value, bool) or not isinstance(value, float):
        raise TypeError(f"{_prefix(prim_name)}type of {name} must be 'float', but got '{type(value).__name__}'.")
    if math.isinf(value) or math.isnan(value):
        raise ValueError(f"{_prefix(prim_name)}{name} must be a legal float, but got '{value}'.")
    return value


def check_float_open_range(value, low: float, high: float, arg_name: str, prim_name: str) -> float:
    """``low < value < high`` for a float (MindSpore's ``check_float_range(..., INC_NEITHER)``)."""
    if isinstance(value, bool) or not isinstance(value, float):
        raise TypeError(f"{_prefix(prim_name)}'{arg_name}' must be 'float',  but got '{type(value).__name__}'.")
    if not low < value < high:
        raise ValueError(f"{_prefix(prim_name)}'{arg_name}' must be in range of ({low}, {high}), but got {value} "
                         f"with type 'float'.")
    return value


def check_value_type(arg_name: str, value, valid_types, prim_name=None):
    """``isinstance(value, valid_types)``, where a bool only passes when ``bool`` is listed."""
    valid_types = tuple(valid_types) if isinstance(valid_types, (list, tuple)) else (valid_types,)
    if (isinstance(value, bool) and bool not in valid_types) or not isinstance(value, valid_types):
        names = [t.__name__ for t in valid_types]
        expected = f"one of '{names}'" if len(names) > 1 else f"'{names[0]}'"
        raise TypeError(f"{_prefix(prim_name)}type of '{arg_name}' should be {expected}, but got type "
                        f"'{type(value).__name__}'.")
    return value


def check_bool(value, arg_name=None, prim_name=None) -> bool:
    if not isinstance(value, bool):
        name = f"'{arg_name}'" if arg_name else "input value"
        raise TypeError(f"{_prefix(prim_name)}{name} must be a bool, but got {type(value).__name__}.")
    return value
