"""``mindspore.ops.Primitive``: the base of operator classes that model-zoo code instantiates
(``ops.ReduceMean(keep_dims=True)(x, axis)``).  An msshim primitive is a small callable object holding its
MindSpore attributes; calling it runs the corresponding torch computation eagerly."""
from __future__ import annotations

import functools
import inspect


class Primitive:
    """Base class of primitive operators: holds ``name``, ``attrs`` and an ``instance_name``."""

    def __init__(self, name: str | None = None):
        self.name = name or type(self).__name__
        self.attrs: dict = {}
        self.instance_name = ""

    def add_prim_attr(self, name: str, value) -> "Primitive":
        self.attrs[name] = value
        return self

    def add_prim_attrs(self, **attrs) -> "Primitive":
        self.attrs.update(attrs)
        return self

    def del_prim_attr(self, name: str) -> "Primitive":
        self.attrs.pop(name, None)
        return self

    def set_prim_instance_name(self, instance_name: str) -> "Primitive":
        self.instance_name = instance_name
        return self

    def init_prim_io_names(self, inputs, outputs) -> None:
        self.add_prim_attr("input_names", inputs)
        self.add_prim_attr("output_names", outputs)

    def set_device(self, device_target: str) -> "Primitive":
        return self.add_prim_attr("primitive_target", device_target)

    def recompute(self, mode: bool = True) -> "Primitive":
        return self

    def shard(self, *args, **kwargs) -> "Primitive":
        return self

    def __call__(self, *args, **kwargs):
        raise TypeError(f"Primitive '{self.name}' has no msshim implementation to call: define __call__ in a "
                        f"subclass (msshim runs primitives eagerly on torch).")

    def __repr__(self) -> str:
        return f"Prim[{self.name}]"


PrimitiveWithInfer = Primitive
PrimitiveWithCheck = Primitive


def prim_attr_register(fn):
    """Decorator for a primitive's ``__init__`` that records its arguments as primitive attributes."""

    @functools.wraps(fn)
    def init(self, *args, **kwargs):
        Primitive.__init__(self, type(self).__name__)
        bound = inspect.signature(fn).bind(self, *args, **kwargs)
        bound.apply_defaults()
        for name, value in list(bound.arguments.items())[1:]:
            self.add_prim_attr(name, value)
        fn(self, *args, **kwargs)

    return init


def constexpr(fn=None, **kwargs):
    """MindSpore's compile-time constant decorator: in eager msshim the function simply runs."""
    if fn is None:
        return lambda f: f
    return fn
