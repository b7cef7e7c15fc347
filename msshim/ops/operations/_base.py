"""The base of msshim's primitive classes: MindSpore's attribute access and ``repr``."""
from __future__ import annotations

from msshim.ops.primitive import Primitive, prim_attr_register

__all__: list = []

_HIDDEN = ("input_names", "output_names", "primitive_target")


def _fmt(value) -> str:
    return str(value)


class Op(Primitive):
    """A primitive whose attributes (constructor arguments) read as instance attributes, as in MindSpore
    (``ops.MatMul(transpose_b=True).transpose_b``), and whose repr is ``Prim[Name]<attr=value, ...>``."""

    def __getattr__(self, name: str):
        attrs = self.__dict__.get("attrs")
        if attrs is not None and name in attrs:
            return attrs[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __repr__(self) -> str:
        shown = [f"{k}={_fmt(v)}" for k, v in self.attrs.items() if k not in _HIDDEN]
        return f"Prim[{self.name}]" + (f"<{', '.join(shown)}>" if shown else "")


def stateless(cls):
    """Give a no-argument primitive class MindSpore's registered ``__init__``."""

    @prim_attr_register
    def __init__(self):
        pass

    cls.__init__ = __init__
    return cls
