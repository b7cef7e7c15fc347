"""The translator table: one function per MindSpore primitive, registered with ``@translator("Name")``.

A translator receives the :class:`~.emitter.Emitter` (the ONNX graph being built) and a :class:`Call` (the
primitive's arguments and attributes) and returns the value the primitive produces: an ONNX tensor name
(``str``), a :class:`Const`, a ``tuple`` of values (multi-output primitives, MakeTuple) or ``MONAD``.

Both ways MindSpore writes a primitive reach the translator through ``Call.arg(index, attr_name, default)``:
2.x PRIMITIVE_FUNCTION nodes pass every argument as a node input (constants included), old-style PRIMITIVE
nodes carry them as attributes of ``ModelProto.primitives[...]``.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .values import MONAD

__all__ = ["Const", "Call", "TranslateError", "TRANSLATORS", "translator", "REQUIRED"]

REQUIRED = object()


class TranslateError(RuntimeError):
    """A primitive this translator knows cannot be expressed for these arguments (non-constant shape ...)."""


class Const:
    """A compile-time value (a Constant node's value, or something computed from constants)."""

    __slots__ = ("value",)

    def __init__(self, value: Any):
        self.value = value

    def __repr__(self) -> str:
        return f"Const({self.value!r})"


class Call:
    """One primitive application: ``op`` with ``args`` (values) and ``attrs`` (primitive attributes)."""

    __slots__ = ("op", "args", "attrs", "out", "name")

    def __init__(self, op: str, args: list, attrs: dict, out: Any, name: str):
        self.op = op
        self.args = args
        self.attrs = attrs
        self.out = out      # the node's recorded output type (TypeSpec / tuple of them) or None
        self.name = name    # the MindIR output name (diagnostics)

    def has(self, index: int) -> bool:
        return index < len(self.args) and self.args[index] is not MONAD

    def arg(self, index: int, attr: str | tuple[str, ...] | None = None, default: Any = REQUIRED) -> Any:
        """The compile-time value of argument ``index`` (PRIMITIVE_FUNCTION form) or of attribute ``attr``
        (old-style form; several spellings may be given), else ``default``."""
        if self.has(index):
            value = self.args[index]
            if isinstance(value, Const):
                return value.value
            if isinstance(value, tuple) and all(isinstance(v, Const) for v in value):
                return tuple(v.value for v in value)
            raise TranslateError(f"{self.op}: argument {index} must be a constant, got a computed tensor")
        for key in (attr,) if isinstance(attr, str) else (attr or ()):
            if key in self.attrs:
                return self.attrs[key]
        if default is REQUIRED:
            raise TranslateError(f"{self.op}: missing argument {index}" + (f" / attribute '{attr}'" if attr else ""))
        return default


Translator = Callable[[Any, Call], Any]
TRANSLATORS: dict[str, Translator] = {}


def translator(*names: str) -> Callable[[Translator], Translator]:
    """Registers the decorated function for the primitive ``names`` (aliases share one translator)."""
    def register(fn: Translator) -> Translator:
        for name in names:
            if name in TRANSLATORS:
                raise ValueError(f"duplicate translator for primitive {name}")
            TRANSLATORS[name] = fn
        return fn
    return register


def as_int_tuple(value: Any) -> tuple[int, ...]:
    """An int or a sequence/array of ints as a tuple."""
    if isinstance(value, (int, np.integer)):
        return (int(value),)
    return tuple(int(v) for v in np.asarray(value).reshape(-1))
