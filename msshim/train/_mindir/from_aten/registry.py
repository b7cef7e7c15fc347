"""The ATen translator table: one function per ATen op overload, registered with ``@_register(target, ...)``
by the per-family op modules, plus the argument helpers they share."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

import torch

from .values import _meta

if TYPE_CHECKING:
    from .translate import _Translator


class UnsupportedOpsError(RuntimeError):
    pass


# ----------------------------------------------------------------------------------------------- table
TABLE: dict[Any, Callable[[_Translator, torch.fx.Node], Any]] = {}


def _register(*targets):
    def deco(fn):
        for target in targets:
            TABLE[target] = fn
        return fn
    return deco


def _arg(node: torch.fx.Node, index: int, name: str, default=None):
    if len(node.args) > index:
        return node.args[index]
    return node.kwargs.get(name, default)


def _shape(node) -> tuple[int, ...]:
    return tuple(int(d) for d in _meta(node).shape)


def _rank(node) -> int:
    return len(_meta(node).shape)
