"""Random operators: ``standard_normal``, ``normal``, ``uniform``, ``randn``, ``rand``, ``randint``, ``*_like``,
``multinomial``, ``bernoulli``, ``randperm``, ``shuffle``.

Numbers come from torch's generator (seeded by ``mindspore.set_seed``), so they differ from MindSpore's own
streams.  An explicit ``seed`` argument selects a private generator for that op and seed, created once and
advanced on every call: the sequence is reproducible, and successive calls differ (as in MindSpore).
"""
from __future__ import annotations

import torch

from msshim.common import dtype as mstype
from msshim.common.seed import get_seed
from msshim.common.tensor import Tensor, wrap
from msshim.ops.function._utils import check_tensor, device, shape_arg, tensor_arg, to_dtype

__all__ = ["standard_normal", "normal", "uniform", "randn", "rand", "randint", "randn_like", "rand_like",
           "randint_like", "multinomial", "bernoulli", "randperm", "shuffle"]

_GENERATORS: dict = {}


def generator(op: str, seed) -> torch.Generator | None:
    """The private generator of ``(op, seed)`` (None -> torch's global generator)."""
    if seed is None:
        return None
    key = (op, int(seed), get_seed(), str(device()))
    gen = _GENERATORS.get(key)
    if gen is None:
        gen = torch.Generator(device=device())
        gen.manual_seed((int(seed) * 1000003 + (get_seed() or 0)) % (1 << 63))
        _GENERATORS[key] = gen
    return gen


def _size(size: tuple, op: str) -> tuple:
    if len(size) == 1 and isinstance(size[0], (tuple, list, Tensor)):
        return shape_arg(size[0], op)
    return shape_arg(tuple(size), op)


def _float_dtype(dtype, op: str) -> torch.dtype:
    if dtype is None:
        return torch.float32
    if dtype not in mstype.float_type:
        raise ValueError(f"For '{op}', the 'dtype' must be a float type, but got {dtype}.")
    return to_dtype(dtype)


def standard_normal(shape, seed=None) -> Tensor:
    """Float32 samples of N(0, 1)."""
    return wrap(torch.randn(shape_arg(shape, "StandardNormal"), generator=generator("standard_normal", seed),
                            device=device()))


def normal(shape, mean, stddev, seed=None) -> Tensor:
    """``standard_normal(shape) * stddev + mean`` (``mean``/``stddev`` broadcast into the result)."""
    z = torch.randn(shape_arg(shape, "normal"), generator=generator("normal", seed), device=device())
    return wrap(z * tensor_arg(stddev, "stddev", "normal") + tensor_arg(mean, "mean", "normal"))


def uniform(shape, minval, maxval, seed=None, dtype=mstype.float32) -> Tensor:
    """Samples in ``[minval, maxval)``; ``minval``/``maxval`` are Tensors of ``dtype`` (Float32 or Int32)."""
    if not isinstance(minval, Tensor) or not isinstance(maxval, Tensor):
        raise TypeError("For functional operator[uniform], the input[minval] and input[maxval] must be a Tensor.")
    if dtype not in (mstype.int32, mstype.float32):
        raise TypeError(f"For 'uniform', the 'dtype' must be Int32 or Float32, but got {dtype}.")
    for t in (minval, maxval):
        if t.dtype != dtype:
            raise TypeError(f"For 'uniform', the dtype of 'minval' and 'maxval' must be {dtype}, but got {t.dtype}.")
    shape = shape_arg(shape, "uniform")
    gen = generator("uniform", seed)
    lo, hi = minval._t, maxval._t
    if dtype == mstype.int32:
        u = torch.rand(shape, generator=gen, device=device(), dtype=torch.float64)
        return wrap((lo + torch.floor(u * (hi - lo))).to(torch.int32))
    return wrap(torch.rand(shape, generator=gen, device=device()) * (hi - lo) + lo)


def randn(*size, dtype=None, seed=None) -> Tensor:
    return wrap(torch.randn(_size(size, "randn"), generator=generator("randn", seed), device=device(),
                            dtype=_float_dtype(dtype, "randn")))


def rand(*size, dtype=None, seed=None) -> Tensor:
    return wrap(torch.rand(_size(size, "rand"), generator=generator("rand", seed), device=device(),
                           dtype=_float_dtype(dtype, "rand")))


def randint(low, high, size, seed=None, *, dtype=None) -> Tensor:
    """Integers in ``[low, high)``, Int64 unless ``dtype`` is given."""
    if not isinstance(size, tuple):
        raise ValueError(f"For 'randint', the input 'size' must be a tuple, but got {size}.")
    out_dtype = torch.int64 if dtype is None else to_dtype(dtype)
    return wrap(torch.randint(int(low), int(high), size, generator=generator("randint", seed), device=device(),
                              dtype=out_dtype))


def randn_like(input, seed=None, *, dtype=None) -> Tensor:
    t = check_tensor(input, "randn_like")
    return wrap(torch.randn(t.shape, generator=generator("randn_like", seed), device=t.device,
                            dtype=_float_dtype(dtype, "randn_like")))


def rand_like(input, seed=None, *, dtype=None) -> Tensor:
    t = check_tensor(input, "rand_like")
    out_dtype = t.dtype if dtype is None else to_dtype(dtype)
    if not out_dtype.is_floating_point:
        raise ValueError(f"For 'rand_like', the 'dtype' must be a float type, but got {mstype.from_torch(out_dtype)}.")
    return wrap(torch.rand(t.shape, generator=generator("rand_like", seed), device=t.device, dtype=out_dtype))


def randint_like(input, low, high, seed=None, *, dtype=None) -> Tensor:
    t = check_tensor(input, "randint_like")
    out_dtype = t.dtype if dtype is None else to_dtype(dtype)
    return wrap(torch.randint(int(low), int(high), t.shape, generator=generator("randint_like", seed),
                              device=t.device, dtype=out_dtype))


def multinomial(input, num_samples, replacement=True, seed=None) -> Tensor:
    """Int32 indices drawn from the rows of ``input`` (1-D or 2-D, unnormalised weights)."""
    t = check_tensor(input, "multinomial")
    if t.dim() not in (1, 2):
        raise ValueError(f"For 'multinomial', the dimension of inputs must be 1d or 2d, but got {t.dim()}.")
    out = torch.multinomial(t.float(), int(num_samples), replacement, generator=generator("multinomial", seed))
    return wrap(out.to(torch.int32))


def bernoulli(input, p=0.5, seed=None) -> Tensor:
    """Samples of Bernoulli(``p``) shaped and typed like ``input``."""
    t = check_tensor(input, "bernoulli")
    prob = p._t if isinstance(p, Tensor) else torch.tensor(float(p), device=t.device)
    prob = torch.broadcast_to(prob.to(torch.float32), t.shape)
    gen = generator("bernoulli", seed if seed not in (None, -1) else None)
    return wrap(torch.bernoulli(prob, generator=gen).to(t.dtype))


def randperm(n, seed=0, offset=0, dtype=mstype.int64) -> Tensor:
    n = int(n._t) if isinstance(n, Tensor) else int(n)
    return wrap(torch.randperm(n, generator=generator("randperm", seed) if seed else None, device=device(),
                               dtype=to_dtype(dtype)))


def shuffle(x, seed=None) -> Tensor:
    """A random permutation of ``x`` along axis 0."""
    t = check_tensor(x, "shuffle", "x")
    if t.dim() == 0:
        return wrap(t.clone())
    perm = torch.randperm(t.shape[0], generator=generator("shuffle", seed), device=t.device)
    return wrap(t[perm])
