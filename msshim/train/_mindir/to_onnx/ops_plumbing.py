"""Side-effect and tuple plumbing MindSpore's exporter wraps around the computation.

``Load(param, U)`` reads a parameter, ``UpdateState``/``Depend`` order side effects, ``MakeTuple``/
``TupleGetItem`` build and take apart tuples; at inference on onnxruntime they are all pure data flow.
"""
from __future__ import annotations

from .registry import Call, Const, TranslateError, translator
from .values import MONAD


@translator("Load", "load")
def load(em, call: Call):
    return call.args[0]


@translator("UpdateState", "update_state")
def update_state(em, call: Call):
    return MONAD


@translator("Depend", "depend")
def depend(em, call: Call):
    return call.args[0]


@translator("MakeTuple", "make_tuple", "MakeList", "make_list")
def make_tuple(em, call: Call):
    return tuple(call.args)


@translator("TupleGetItem", "tuple_getitem", "ListGetItem", "list_getitem")
def tuple_get_item(em, call: Call):
    seq, index = call.args[0], call.arg(1)
    if isinstance(seq, Const) and isinstance(seq.value, (tuple, list)):
        return Const(seq.value[index])
    if not isinstance(seq, tuple):
        raise TranslateError(f"{call.op}: the first argument is not a tuple")
    return seq[index]


@translator("Identity", "identity")
def identity(em, call: Call):
    return call.args[0]


@translator("Return", "return")
def return_(em, call: Call):
    return call.args[-1] if call.args else MONAD
