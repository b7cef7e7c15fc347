"""``mindspore.common.initializer``: weight initializers with MindSpore's formulas and aliases.

As in MindSpore, an Initializer fills a numpy array in place (``init(arr)``), draws its random numbers
from a numpy generator seeded from ``np.random`` (so ``set_seed`` makes them repeatable), and
``initializer(init, shape, dtype)`` returns a Tensor.  Values are not bit-identical to MindSpore's C++
random kernels; the distributions and bounds are.
"""
from __future__ import annotations

import math
import numbers
from functools import reduce

import numpy as np
import torch

from msshim.common import dtype as mstype

_ALIASES: dict[str, type] = {}


class Initializer:
    """Base class: subclasses implement ``_initialize(arr)`` on a float32 numpy array."""

    def __init__(self, **kwargs):
        self._kwargs = kwargs
        self._seed = None

    @property
    def seed(self):
        return self._seed

    @seed.setter
    def seed(self, value):
        self._seed = value

    def _initialize(self, arr: np.ndarray) -> None:
        raise NotImplementedError(f"{type(self).__name__} must override '_initialize'.")

    def __call__(self, arr: np.ndarray):
        return self._initialize(arr)

    def _rng(self) -> np.random.Generator:
        seed = self._seed if self._seed is not None else np.random.randint(1, 1 << 62, dtype=np.int64)
        return np.random.default_rng(int(seed))


def _register(*aliases):
    def add(cls):
        _ALIASES.setdefault(cls.__name__.lower(), cls)
        for alias in aliases:
            _ALIASES.setdefault(alias, cls)
        return cls

    return add


def _assign(arr: np.ndarray, values) -> None:
    if arr.shape == ():
        arr.reshape(1)[:] = values
    else:
        arr[...] = values


def _calculate_fan_in_and_fan_out(shape) -> tuple[int, int]:
    dimensions = len(shape)
    if dimensions < 2:
        raise ValueError("'fan_in' and 'fan_out' can not be computed for tensor with fewer than 2 dimensions, "
                         f"but got dimensions {dimensions}.")
    if dimensions == 2:
        return shape[1], shape[0]
    receptive = reduce(lambda a, b: a * b, shape[2:], 1)
    return shape[1] * receptive, shape[0] * receptive


def _calculate_correct_fan(shape, mode: str) -> int:
    mode = mode.lower()
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"'mode' {mode} not supported, please use one of ['fan_in', 'fan_out']")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(shape)
    return fan_in if mode == "fan_in" else fan_out


def _calculate_gain(nonlinearity: str, param=None) -> float:
    linear = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
              "sigmoid")
    if nonlinearity in linear:
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, (int, float)) and not isinstance(param, bool):
            slope = param
        else:
            raise ValueError(f"For 'HeUniform', 'negative_slope' {param} is not a valid number.")
        return math.sqrt(2.0 / (1 + slope ** 2))
    raise ValueError(f"For 'HeUniform', the argument 'nonlinearity' should be one of ['sigmoid', 'tanh', 'relu' or "
                     f"'leaky_relu'], but got {nonlinearity}.")


@_register("zeros")
class Zero(Initializer):
    def _initialize(self, arr):
        arr.fill(0)


@_register("ones")
class One(Initializer):
    def _initialize(self, arr):
        arr.fill(1)


@_register()
class Constant(Initializer):
    def __init__(self, value):
        super().__init__(value=value)
        self.value = value

    def _initialize(self, arr):
        _assign(arr, self.value)


@_register("xavier_normal")
class XavierNormal(Initializer):
    def __init__(self, gain=1):
        super().__init__(gain=gain)
        self.gain = gain

    def _initialize(self, arr):
        fan_in, fan_out = _calculate_fan_in_and_fan_out(arr.shape)
        std = self.gain * math.sqrt(2.0 / float(fan_in + fan_out))
        _assign(arr, self._rng().normal(0, std, arr.shape))


@_register("xavier_uniform")
class XavierUniform(Initializer):
    def __init__(self, gain=1):
        super().__init__(gain=gain)
        self.gain = gain

    def _initialize(self, arr):
        n_in, n_out = _calculate_fan_in_and_fan_out(arr.shape)
        bound = self.gain * math.sqrt(6.0 / (n_in + n_out))
        _assign(arr, self._rng().uniform(-bound, bound, arr.shape))


@_register("he_uniform")
class HeUniform(Initializer):
    """U(-b, b) with b = gain * sqrt(3 / fan); Dense and Conv use ``HeUniform(math.sqrt(5))`` by default."""

    def __init__(self, negative_slope=0, mode="fan_in", nonlinearity="leaky_relu"):
        super().__init__(negative_slope=negative_slope, mode=mode, nonlinearity=nonlinearity)
        self.negative_slope = negative_slope
        self.mode = mode
        self.nonlinearity = nonlinearity

    def _initialize(self, arr):
        fan = _calculate_correct_fan(arr.shape, self.mode)
        bound = math.sqrt(3.0) * _calculate_gain(self.nonlinearity, self.negative_slope) / math.sqrt(fan)
        _assign(arr, self._rng().uniform(-bound, bound, arr.shape))


@_register("he_normal")
class HeNormal(Initializer):
    def __init__(self, negative_slope=0, mode="fan_in", nonlinearity="leaky_relu"):
        super().__init__(negative_slope=negative_slope, mode=mode, nonlinearity=nonlinearity)
        self.negative_slope = negative_slope
        self.mode = mode
        self.nonlinearity = nonlinearity

    def _initialize(self, arr):
        fan = _calculate_correct_fan(arr.shape, self.mode)
        std = _calculate_gain(self.nonlinearity, self.negative_slope) / math.sqrt(fan)
        _assign(arr, self._rng().normal(0, std, arr.shape))


@_register()
class Uniform(Initializer):
    def __init__(self, scale=0.07):
        super().__init__(scale=scale)
        self.scale = scale

    def _initialize(self, arr):
        _assign(arr, self._rng().uniform(-self.scale, self.scale, arr.shape))


@_register()
class Normal(Initializer):
    def __init__(self, sigma=0.01, mean=0.0):
        super().__init__(sigma=sigma, mean=mean)
        self.sigma = sigma
        self.mean = mean

    def _initialize(self, arr):
        if self.sigma < 0:
            raise ValueError("sigma < 0")
        _assign(arr, self._rng().normal(self.mean, self.sigma, arr.shape))


@_register()
class TruncatedNormal(Initializer):
    """Normal(mean, sigma) truncated to [a, b] (resampling outside values)."""

    def __init__(self, sigma=0.01, mean=0.0, a=-2.0, b=2.0):
        super().__init__(sigma=sigma, mean=mean, a=a, b=b)
        self.sigma, self.mean, self.a, self.b = sigma, mean, a, b

    def _initialize(self, arr):
        if self.sigma < 0:
            raise ValueError("sigma < 0")
        rng = self._rng()
        values = rng.normal(self.mean, self.sigma, arr.shape)
        bad = (values < self.a) | (values > self.b)
        while bad.any():
            values[bad] = rng.normal(self.mean, self.sigma, int(bad.sum()))
            bad = (values < self.a) | (values > self.b)
        _assign(arr, values)


@_register()
class Identity(Initializer):
    def _initialize(self, arr):
        if arr.ndim != 2:
            raise ValueError(f"For Identity initializer, the dimension of the initialized tensor should be 2, "
                             f"but got {arr.ndim}.")
        _assign(arr, np.eye(arr.shape[0], arr.shape[1]))


def _resolve(init) -> Initializer:
    if isinstance(init, Initializer):
        return init
    if isinstance(init, str):
        cls = _ALIASES.get(init.lower())
        if cls is None:
            raise ValueError(f"For 'initializer', the class corresponding to '{init}' was not found.")
        return cls()
    if isinstance(init, numbers.Number):
        return Constant(init)
    raise TypeError(f"For 'initializer', the type of the 'init' argument should be 'Tensor', 'number', 'string' "
                    f"or 'initializer', but got {type(init)}.")


def make_tensor(init, shape: tuple, torch_dtype: torch.dtype) -> torch.Tensor:
    """A torch tensor of ``shape`` filled by ``init`` (an Initializer, alias or number; None gives zeros)."""
    from msshim import _runtime

    device = _runtime.current_device()
    if init is None:
        return torch.zeros(shape, dtype=torch_dtype, device=device)
    initializer_ = _resolve(init)
    if isinstance(initializer_, Zero):
        return torch.zeros(shape, dtype=torch_dtype, device=device)
    if isinstance(initializer_, One):
        return torch.ones(shape, dtype=torch_dtype, device=device)
    arr = np.zeros(shape, dtype=np.float64 if torch_dtype is torch.float64 else np.float32)
    initializer_(arr)
    return torch.from_numpy(arr).to(device=device, dtype=torch_dtype)


def initializer(init, shape=None, dtype=mstype.float32):
    """Create a Tensor of ``shape``/``dtype`` filled by ``init`` (Tensor, alias string, Initializer or number)."""
    from msshim.common.tensor import Tensor, wrap

    if not isinstance(init, (Tensor, numbers.Number, str, Initializer)):
        raise TypeError(f"For 'initializer', the type of the 'init' argument should be 'Tensor', 'number', "
                        f"'string' or 'initializer', but got {type(init)}.")
    if isinstance(init, Tensor):
        if shape is not None:
            expected = tuple(shape) if isinstance(shape, (list, tuple)) else (shape,)
            if init.shape != expected:
                raise ValueError(f"For 'initializer', the shape of the 'init' argument should be same as the "
                                 f"argument 'shape', but got the 'init' shape {list(init.shape)} and the 'shape' "
                                 f"{list(expected)}.")
        return init
    if isinstance(shape, list):
        shape = tuple(shape)
    elif isinstance(shape, numbers.Number):
        shape = (shape,)
    if shape is None:
        shape = ()
    for value in shape:
        if not isinstance(value, int) or value <= 0:
            raise ValueError(f"For 'initializer', the argument 'shape' is invalid, the value of 'shape' must be "
                             f"positive integer, but got {shape}")
    return wrap(make_tensor(init, shape, mstype.to_torch_dtype(dtype)))


__all__ = ["Initializer", "initializer", "TruncatedNormal", "Normal", "Uniform", "HeUniform", "HeNormal",
           "XavierUniform", "XavierNormal", "One", "Zero", "Constant", "Identity"]
