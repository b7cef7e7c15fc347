"""Pass-through ATen ops (dtype-preserving copies, dropout, asserts) and tuple ``getitem``."""
from __future__ import annotations

import operator
from typing import TYPE_CHECKING

import torch

from .registry import UnsupportedOpsError, _register
from .values import _meta

if TYPE_CHECKING:
    from .translate import _Translator

aten = torch.ops.aten


# pass-through ------------------------------------------------------------------------------------------
@_register(aten.to.dtype, aten.to.dtype_layout, aten._to_copy.default, aten.clone.default,
           aten.contiguous.default, aten.alias.default, aten.detach.default, aten.dropout.default,
           aten.lift_fresh_copy.default, aten.type_as.default)
def _same(t: _Translator, node):
    source = node.args[0]
    if _meta(source).dtype != _meta(node).dtype:
        raise UnsupportedOpsError(f"dtype conversion ({_meta(source).dtype} -> {_meta(node).dtype}) is not "
                                  f"supported by MindIR export")
    return t.raw(source)


@_register(aten._assert_tensor_metadata.default, aten._assert_scalar.default,
           aten.sym_constrain_range_for_size.default)
def _ignored(t: _Translator, node):
    return None


@_register(operator.getitem)
def _getitem(t: _Translator, node):
    return t.raw(node.args[0])[node.args[1]]
