"""Random primitives (``StandardNormal``, ``UniformReal``, ``UniformInt``, ``Multinomial``) on torch's generator.

A non-zero ``seed``/``seed2`` gives the primitive instance its own reproducible stream."""
from __future__ import annotations

import torch

from msshim.common import dtype as mstype
from msshim.common.tensor import wrap
from msshim.ops.function._utils import check_tensor, device, shape_arg
from msshim.ops.operations._base import Op
from msshim.ops.primitive import prim_attr_register

__all__ = ["StandardNormal", "UniformReal", "UniformInt", "Multinomial"]


class _Random(Op):
    def _generator(self):
        seed, seed2 = self.attrs.get("seed", 0), self.attrs.get("seed2", 0)
        if not seed and not seed2:
            return None
        gen = self.__dict__.get("_gen")
        if gen is None:
            gen = torch.Generator(device=device())
            gen.manual_seed(int(seed) * 1000003 + int(seed2))
            self.__dict__["_gen"] = gen
        return gen


class StandardNormal(_Random):
    @prim_attr_register
    def __init__(self, seed=0, seed2=0):
        pass

    def __call__(self, shape):
        return wrap(torch.randn(shape_arg(shape, "StandardNormal"), generator=self._generator(), device=device()))


class UniformReal(_Random):
    """Float32 samples in ``[0, 1)``."""

    @prim_attr_register
    def __init__(self, seed=0, seed2=0):
        pass

    def __call__(self, shape):
        return wrap(torch.rand(shape_arg(shape, "UniformReal"), generator=self._generator(), device=device()))


class UniformInt(_Random):
    """Int32 samples in ``[minval, maxval)`` (0-d Int32 tensors)."""

    @prim_attr_register
    def __init__(self, seed=0, seed2=0):
        pass

    def __call__(self, shape, minval, maxval):
        lo = int(check_tensor(minval, "UniformInt", "minval"))
        hi = int(check_tensor(maxval, "UniformInt", "maxval"))
        if hi <= lo:
            raise ValueError(f"For 'UniformInt', 'minval' must be less than 'maxval', but got {lo} and {hi}.")
        return wrap(torch.randint(lo, hi, shape_arg(shape, "UniformInt"), generator=self._generator(),
                                  device=device(), dtype=torch.int32))


class Multinomial(_Random):
    @prim_attr_register
    def __init__(self, seed=0, seed2=0, dtype=mstype.int32):
        pass

    def __call__(self, x, num_samples):
        t = check_tensor(x, "Multinomial", "x")
        out = torch.multinomial(t.float(), int(num_samples), True, generator=self._generator())
        return wrap(out.to(self.attrs["dtype"].to_torch()))
