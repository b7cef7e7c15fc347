"""Normalization layers: BatchNorm1d/2d/3d, LayerNorm, GroupNorm, InstanceNorm1d/2d/3d (MindSpore 2.10).

MindSpore behaviour kept here (checked against MindSpore 2.10 on CPU):

* BatchNorm parameters are created in the order moving_mean, moving_variance, gamma, beta, with the explicit
  names ``mean``, ``variance``, ``gamma``, ``beta`` (a parent cell renames them to their attribute path).
  ``affine=False`` keeps gamma/beta (and still applies them) but makes them ``requires_grad=False``.
* ``momentum`` is MindSpore's (``moving = momentum * moving + (1 - momentum) * batch``); the cell stores
  ``self.momentum = 1 - momentum`` as MindSpore does, which is exactly torch's momentum.  The moving variance
  receives the unbiased batch variance (a channel with one value per batch makes it NaN, as in MindSpore).
* ``use_batch_statistics``: None uses batch statistics (and updates the moving ones) in train mode and the
  moving statistics in eval mode; True always does the former, False always the latter.
* LayerNorm normalises over the axes ``begin_norm_axis:`` while gamma/beta must have the shape
  ``input.shape[begin_params_axis:]``; the two axes may differ.  Both must lie in ``[-1, rank)``.
* InstanceNorm always normalises with per-instance statistics and never changes its moving statistics (the
  MindSpore GPU kernel updates a scratch copy of them only).  MindSpore has no CPU kernel for it; msshim
  computes it on every device.
"""
from __future__ import annotations

import numbers

import torch
import torch.nn.functional as F

from msshim.common import dtype as mstype
from msshim.common.initializer import Initializer, initializer
from msshim.common.parameter import Parameter
from msshim.common.tensor import Tensor, wrap
from msshim.nn.cell import Cell
from msshim.nn.layer._conv_padding import MSRuntimeError

__all__ = ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "LayerNorm", "GroupNorm", "InstanceNorm1d",
           "InstanceNorm2d", "InstanceNorm3d"]

_REDUCED = (torch.float16, torch.bfloat16)
_BN_INPUT_DTYPES = (torch.float16, torch.float32, torch.bfloat16)
_FLOAT_DTYPES = (torch.float16, torch.float32, torch.float64, torch.bfloat16)


def _ms_name(t: torch.Tensor) -> str:
    return str(mstype.from_torch(t.dtype))


def _check_int(value, arg_name: str, cls_name: str) -> None:
    """``validator.check_value_type(arg_name, value, [int])``: bool is rejected."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"For '{cls_name}', the type of '{arg_name}' should be 'int', but got type "
                        f"'{type(value).__name__}'.")


def _check_type(value, arg_name: str, kind: type, cls_name: str) -> None:
    if isinstance(value, bool) and kind is not bool or not isinstance(value, kind):
        raise TypeError(f"For '{cls_name}', the type of '{arg_name}' should be '{kind.__name__}', but got type "
                        f"'{type(value).__name__}'.")


def _check_positive_int(value, arg_name: str, cls_name: str) -> int:
    """``validator.check_positive_int`` with its three distinct messages."""
    if isinstance(value, bool):
        raise TypeError(f"For '{cls_name}', the '{arg_name}' must be int and must > 0, but got '{value}' with type "
                        f"'bool'.")
    if not isinstance(value, int):
        raise TypeError(f"For '{cls_name}', the '{arg_name}' must be int, but got '{type(value).__name__}'")
    if value <= 0:
        raise ValueError(f"For '{cls_name}', the '{arg_name}' must be int and must > 0, but got '{value}' with type "
                         f"'int'.")
    return value


def _check_rank(ndim: int, target: int, cls_name: str) -> None:
    if ndim != target:
        raise ValueError(f"For '{cls_name}', the in_shape must have {target} dims, but got {ndim}.")


# ---------------------------------------------------------------------------------------------- BatchNorm
class _BatchNorm(Cell):
    """Batch Normalization base class (MindSpore's ``_BatchNorm``)."""

    _builtin_layer = True

    def __init__(self, num_features, eps=1e-5, momentum=0.9, affine=True, gamma_init="ones", beta_init="zeros",
                 moving_mean_init="zeros", moving_var_init="ones", use_batch_statistics=None, data_format="NCHW",
                 dtype=mstype.float32):
        super().__init__()
        cls_name = self.cls_name
        _check_int(num_features, "num_features", cls_name)
        if num_features < 1:
            raise ValueError(f"For '{cls_name}', the 'num_features' must be at least 1, but got {num_features}.")
        if momentum < 0 or momentum > 1:
            raise ValueError(f"For '{cls_name}', the 'momentum' must be a number in range [0, 1], but got "
                             f"{momentum}.")
        if not isinstance(data_format, str) or data_format not in ("NCHW", "NHWC"):
            raise ValueError(f"For '{cls_name}', the 'format' must be str and must be in '['NCHW', 'NHWC']', but "
                             f"got '{data_format}'.")
        from msshim import context

        target = context.get_context("device_target")
        if target != "GPU" and data_format == "NHWC":
            raise ValueError(f"For '{cls_name}', the 'NHWC' format only support in GPU target, but got device "
                             f"target {target}.")
        if use_batch_statistics is not None and not isinstance(use_batch_statistics, bool):
            raise ValueError(f"For '{cls_name}', the 'use_batch_statistics' must be a boolean value or None, but "
                             f"got {use_batch_statistics}.")
        self.format = data_format
        self.use_batch_statistics = use_batch_statistics
        self.num_features = num_features
        self.eps = eps
        self.beta_init = beta_init
        self.gamma_init = gamma_init
        self.moving_mean_init = moving_mean_init
        self.moving_var_init = moving_var_init
        self.moving_mean = Parameter(initializer(moving_mean_init, num_features, dtype=dtype), name="mean",
                                     requires_grad=False)
        self.moving_variance = Parameter(initializer(moving_var_init, num_features, dtype=dtype), name="variance",
                                         requires_grad=False)
        gamma = initializer(gamma_init, num_features, dtype=dtype)
        if not isinstance(affine, bool):
            raise TypeError("The argument `requires_grad` must be bool type")
        self.gamma = Parameter(gamma, name="gamma", requires_grad=affine)
        self.beta = Parameter(initializer(beta_init, num_features, dtype=dtype), name="beta", requires_grad=affine)
        # MindSpore keeps the weight of the *new* batch statistic, i.e. torch's momentum.
        self.momentum = 1.0 - momentum

    def _check_input_dim(self, ndim: int) -> None:
        """Subclasses restrict the rank with their own MindSpore message; the base accepts (N, C, *)."""
        if ndim < 2:
            _check_rank(ndim, 4, self.cls_name)

    def construct(self, x):
        t = x._t
        self._check_input_dim(t.dim())
        use_batch = self.training if self.use_batch_statistics is None else self.use_batch_statistics
        return wrap(self._normalize(t, use_batch))

    def _normalize(self, t: torch.Tensor, training: bool) -> torch.Tensor:
        params = self._parameters
        mean, var = params["moving_mean"], params["moving_variance"]
        gamma, beta = params["gamma"], params["beta"]
        nhwc = self.format == "NHWC" and t.dim() > 2
        if nhwc:
            t = t.movedim(-1, 1)
        if gamma.shape[0] != t.shape[1]:
            raise ValueError(f"For BatchNorm, scale.shape[0] should be equal to input_x's channel dimension: "
                             f"{t.shape[1]}, bug got scale.shape[0]: {gamma.shape[0]}.")
        if t.dtype not in _BN_INPUT_DTYPES:
            raise TypeError(f"For primitive[BatchNorm], the input argument[input_x] must be a type of "
                            f"{{Tensor[Float16], Tensor[Float32]}}, but got Tensor[{_ms_name(t)}].")
        # torch's kernels take parameters of the input's dtype, or float32 ones for half/bfloat16 input.
        kernel_dtype = torch.float32 if t.dtype in _REDUCED and mean.dtype is torch.float32 else t.dtype
        cudnn = torch.backends.cudnn.enabled
        if not training:
            # Copies: a later in-place update of the moving statistics must not invalidate this graph.
            rm = mean.to(kernel_dtype, copy=True) if torch.is_grad_enabled() else mean.to(kernel_dtype)
            rv = var.to(kernel_dtype, copy=True) if torch.is_grad_enabled() else var.to(kernel_dtype)
            out = torch.batch_norm(t, gamma.to(kernel_dtype), beta.to(kernel_dtype), rm, rv, False, 0.0, self.eps,
                                   cudnn)
        else:
            direct = mean.dtype is kernel_dtype and var.dtype is kernel_dtype and not mean.requires_grad \
                and not var.requires_grad
            # The kernel updates the running statistics in place, outside autograd, so the registered
            # Parameters stay the same objects; otherwise it works on copies that are written back.
            rm = mean if direct else mean.detach().to(kernel_dtype, copy=True)
            rv = var if direct else var.detach().to(kernel_dtype, copy=True)
            # torch.batch_norm, not F.batch_norm: a channel with a single value is legal in MindSpore.
            out = torch.batch_norm(t, gamma.to(kernel_dtype), beta.to(kernel_dtype), rm, rv, True, self.momentum,
                                   self.eps, cudnn)
            if not direct:
                with torch.no_grad():
                    mean.copy_(rm)
                    var.copy_(rv)
        return out.movedim(1, -1) if nhwc else out

    def extend_repr(self) -> str:
        return (f"num_features={self.num_features}, eps={self.eps}, momentum={1.0 - self.momentum}, "
                f"gamma={self.gamma}, beta={self.beta}, moving_mean={self.moving_mean}, "
                f"moving_variance={self.moving_variance}")


class BatchNorm1d(_BatchNorm):
    """``BatchNorm1d(num_features, eps=1e-5, momentum=0.9, affine=True, gamma_init='ones', beta_init='zeros',
    moving_mean_init='zeros', moving_var_init='ones', use_batch_statistics=None, data_format='NCHW',
    dtype=mstype.float32)`` on input ``(N, C)`` or ``(N, C, L)``."""

    def _check_input_dim(self, ndim: int) -> None:
        if ndim not in (2, 3):
            raise ValueError(f"For '{self.cls_name}', the must have 2 dims or 3 dims, but got {ndim}.")


class BatchNorm2d(_BatchNorm):
    """``BatchNorm2d(...)`` (same arguments as BatchNorm1d) on input ``(N, C, H, W)``."""

    def _check_input_dim(self, ndim: int) -> None:
        _check_rank(ndim, 4, self.cls_name)


class BatchNorm3d(Cell):
    """``BatchNorm3d(num_features, eps=1e-5, momentum=0.9, affine=True, gamma_init='ones', beta_init='zeros',
    moving_mean_init='zeros', moving_var_init='ones', use_batch_statistics=None, dtype=mstype.float32)``.

    As in MindSpore it wraps a ``BatchNorm2d`` child ``bn2d`` (parameters ``bn2d.moving_mean`` ...) and
    normalises ``(N, C, D, H, W)`` reshaped to ``(N, C, D*H, W)``.
    """

    _builtin_layer = True

    def __init__(self, num_features, eps=1e-5, momentum=0.9, affine=True, gamma_init="ones", beta_init="zeros",
                 moving_mean_init="zeros", moving_var_init="ones", use_batch_statistics=None, dtype=mstype.float32):
        super().__init__()
        self.bn2d = BatchNorm2d(num_features=num_features, eps=eps, momentum=momentum, affine=affine,
                                gamma_init=gamma_init, beta_init=beta_init, moving_mean_init=moving_mean_init,
                                moving_var_init=moving_var_init, use_batch_statistics=use_batch_statistics,
                                data_format="NCHW", dtype=dtype)

    def construct(self, x):
        t = x._t
        _check_rank(t.dim(), 5, self.cls_name)
        n, c, d, h, w = t.shape
        bn = self.bn2d
        use_batch = bn.training if bn.use_batch_statistics is None else bn.use_batch_statistics
        return wrap(bn._normalize(t.reshape(n, c, d * h, w), use_batch).reshape(t.shape))


# ---------------------------------------------------------------------------------------------- LayerNorm
class LayerNorm(Cell):
    """``LayerNorm(normalized_shape, begin_norm_axis=-1, begin_params_axis=-1, gamma_init='ones',
    beta_init='zeros', epsilon=1e-7, dtype=mstype.float32)``.

    Normalises over ``input.shape[begin_norm_axis:]``; gamma/beta (shape ``normalized_shape``) must equal
    ``input.shape[begin_params_axis:]`` and broadcast from there.  Parameters are cast to the input's dtype.
    """

    _builtin_layer = True

    def __init__(self, normalized_shape, begin_norm_axis=-1, begin_params_axis=-1, gamma_init="ones",
                 beta_init="zeros", epsilon=1e-7, dtype=mstype.float32):
        super().__init__()
        if not isinstance(normalized_shape, (tuple, list)):
            raise TypeError(f"For '{self.cls_name}', the type of 'normalized_shape' must be tuple[int] or list[int], "
                            f"but got {normalized_shape} and the type is {type(normalized_shape)}.")
        if not normalized_shape:
            raise ValueError(f"Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one "
                             f"element, but got normalized_shape = {normalized_shape}")
        self.normalized_shape = normalized_shape
        self.begin_norm_axis = begin_norm_axis
        self.begin_params_axis = begin_params_axis
        self.epsilon = epsilon
        self.gamma = Parameter(initializer(gamma_init, normalized_shape, dtype=dtype), name="gamma")
        self.beta = Parameter(initializer(beta_init, normalized_shape, dtype=dtype), name="beta")

    def _check_attrs(self) -> None:
        bna, bpa, eps = self.begin_norm_axis, self.begin_params_axis, self.epsilon
        if any(isinstance(v, bool) or not isinstance(v, int) for v in (bna, bpa)) or \
                isinstance(eps, bool) or not isinstance(eps, numbers.Real):
            names = ", ".join(f"{n}={type(v).__name__}" for n, v in
                              (("begin_norm_axis", bna), ("begin_params_axis", bpa), ("epsilon", eps)))
            raise TypeError(f'Failed calling LayerNorm with "LayerNorm({names})(input_x=Tensor, gamma=Tensor, '
                            f'beta=Tensor)".\nThe valid calling should be: \n"LayerNorm(begin_norm_axis=<int>, '
                            f'begin_params_axis=<int>, epsilon=<float>)(input_x=<Tensor>, gamma=<Tensor>, '
                            f'beta=<Tensor>)".')

    def construct(self, input_x):
        t = input_x._t
        self._check_attrs()
        rank = t.dim()
        for name, axis in (("begin_norm_axis", self.begin_norm_axis), ("begin_params_axis", self.begin_params_axis)):
            if not -1 <= axis < rank or rank == 0:
                raise MSRuntimeError(f"For primitive[LayerNorm], input_x's rank is {rank}, while the '{name}' value "
                                     f"should be in the range [-1, {rank}), but got {axis}")
        if t.dtype not in _FLOAT_DTYPES:
            raise TypeError(f"For 'LayerNorm', the input 'input_x' must be a Tensor of Float16, Float32, Float64 "
                            f"or BFloat16 (Select CPU operator[LayerNorm] fail! Unsupported data type!), but got "
                            f"Tensor[{_ms_name(t)}].")
        params = self._parameters
        gamma, beta = params["gamma"], params["beta"]
        norm_axis = self.begin_norm_axis % rank
        params_axis = self.begin_params_axis % rank
        expected = t.shape[params_axis:]
        if gamma.shape != expected or beta.shape != expected:
            raise ValueError(f"For 'LayerNorm', gamma or beta shape must match input shape, but got input shape: "
                             f"[const vector]{{{', '.join(map(str, t.shape))}}}, gamma shape: [const vector]"
                             f"{{{', '.join(map(str, gamma.shape))}}}, beta shape: [const vector]"
                             f"{{{', '.join(map(str, beta.shape))}}}.")
        gamma, beta = gamma.to(t.dtype), beta.to(t.dtype)
        eps = float(self.epsilon)
        if norm_axis == params_axis:
            return wrap(F.layer_norm(t, t.shape[norm_axis:], gamma, beta, eps))
        # The statistics and the affine parameters cover different axes: normalise, then broadcast.
        return wrap(torch.addcmul(beta, F.layer_norm(t, t.shape[norm_axis:], None, None, eps), gamma))

    def extend_repr(self) -> str:
        # "gamma{}" without '=' is MindSpore's own text.
        return (f"normalized_shape={self.normalized_shape}, begin_norm_axis={self.begin_norm_axis}, "
                f"begin_params_axis={self.begin_params_axis}, gamma{self.gamma}, beta={self.beta}")


# ---------------------------------------------------------------------------------------------- GroupNorm
class GroupNorm(Cell):
    """``GroupNorm(num_groups, num_channels, eps=1e-05, affine=True, gamma_init='ones', beta_init='zeros',
    dtype=mstype.float32)`` on input ``(N, C, *)`` of rank 2 to 8."""

    _builtin_layer = True

    def __init__(self, num_groups, num_channels, eps=1e-05, affine=True, gamma_init="ones", beta_init="zeros",
                 dtype=mstype.float32):
        super().__init__()
        cls_name = self.cls_name
        self.num_groups = _check_positive_int(num_groups, "num_groups", cls_name)
        self.num_channels = _check_positive_int(num_channels, "num_channels", cls_name)
        if num_channels % num_groups != 0:
            raise ValueError(f"For '{cls_name}', the 'num_channels' must be divided by 'num_groups', but got "
                             f"'num_channels': {num_channels}, 'num_groups': {num_groups}.")
        _check_type(eps, "eps", float, cls_name)
        self.eps = eps
        if not isinstance(affine, bool):
            raise TypeError(f"For '{cls_name}', the 'affine' must be a bool, but got {type(affine).__name__}.")
        self.affine = affine
        self.gamma = Parameter(initializer(gamma_init, num_channels, dtype=dtype), name="gamma", requires_grad=affine)
        self.beta = Parameter(initializer(beta_init, num_channels, dtype=dtype), name="beta", requires_grad=affine)

    def construct(self, x):
        t = x._t
        if not 2 <= t.dim() <= 8:
            raise MSRuntimeError(f"For 'GroupNorm', The dim of input must be between 2 and 8. But got: {t.dim()}.")
        if t.dtype not in _FLOAT_DTYPES:
            name = _ms_name(t)
            raise TypeError(f"For GroupNorm. input arguments' types must be the same and be one of [BFloat16, "
                            f"Float16, Float32, Float64]. But got input's type: {name}, weight's type: {name}, "
                            f"bias's type: {name}.")
        params = self._parameters
        gamma, beta = params["gamma"], params["beta"]
        if t.shape[1] != gamma.shape[0]:
            raise ValueError(f"For GroupNorm, shape of weight and bias should be equal to input_x's channel "
                             f"dimension: {t.shape[1]}, bug got shape: [const vector]{{{gamma.shape[0]}}}.")
        return wrap(F.group_norm(t, self.num_groups, gamma.to(t.dtype), beta.to(t.dtype), self.eps))

    def extend_repr(self) -> str:
        return f"num_groups={self.num_groups}, num_channels={self.num_channels}"


# ---------------------------------------------------------------------------------------------- InstanceNorm
class _InstanceNorm(Cell):
    """Instance Normalization base class (MindSpore's ``_InstanceNorm``)."""

    _builtin_layer = True
    _rank = 0

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, gamma_init="ones", beta_init="zeros",
                 dtype=mstype.float32):
        super().__init__()
        cls_name = self.cls_name
        _check_int(num_features, "num_features", cls_name)
        _check_type(eps, "eps", float, cls_name)
        _check_type(momentum, "momentum", float, cls_name)
        _check_type(affine, "affine", bool, cls_name)
        for key, val in (("gamma_init", gamma_init), ("beta_init", beta_init)):
            if not isinstance(val, (Tensor, numbers.Number, str, Initializer)):
                raise TypeError(f"For '{cls_name}', the type of '{key}' must be in [Tensor, numbers.Number, str, "
                                f"Initializer], but got type {type(val).__name__}.")
            if isinstance(val, Tensor) and val.dtype != mstype.float32:
                raise TypeError(f"For '{cls_name}', the type of '{key}' must be float32, but got {val.dtype}.")
        if num_features < 1:
            raise ValueError(f"For '{cls_name}', the 'num_features' must be at least 1, but got {num_features}.")
        if momentum < 0 or momentum > 1:
            raise ValueError(f"For '{cls_name}', the 'momentum' must be a number in range [0, 1], but got "
                             f"{momentum}.")
        self.num_features = num_features
        self.eps = eps
        self.moving_mean = Parameter(initializer("zeros", num_features, dtype=dtype), name="mean",
                                     requires_grad=False)
        self.moving_variance = Parameter(initializer("ones", num_features, dtype=dtype), name="variance",
                                         requires_grad=False)
        self.gamma = Parameter(initializer(gamma_init, num_features, dtype=dtype), name="gamma", requires_grad=affine)
        self.beta = Parameter(initializer(beta_init, num_features, dtype=dtype), name="beta", requires_grad=affine)
        self.momentum = momentum
        # The InstanceNorm primitive's own check (epsilon in (0, 1]).
        if not 0 < eps <= 1:
            raise ValueError(f"For 'InstanceNorm', the 'epsilon' must be in range of (0, 1], but got {eps} with "
                             f"type 'float'.")

    def construct(self, x):
        t = x._t
        _check_rank(t.dim(), self._rank, self.cls_name)
        if t.dtype not in (torch.float16, torch.float32):
            raise TypeError(f"For primitive[InstanceNorm], the input argument[input_x] must be a type of "
                            f"{{Tensor[Float16], Tensor[Float32]}}, but got Tensor[{_ms_name(t)}].")
        params = self._parameters
        gamma, beta = params["gamma"], params["beta"]
        if gamma.shape[0] != t.shape[1]:
            raise ValueError(f"For primitive[InstanceNorm], the gamma shape must be equal to (C, ) which is "
                             f"{t.shape[1]} , but got {gamma.shape[0]}.")
        # Per-instance statistics in every mode; the moving statistics are neither used nor updated.
        out = F.instance_norm(t.float(), None, None, gamma.float(), beta.float(), True, 0.0, self.eps)
        return wrap(out.to(t.dtype))

    def extend_repr(self) -> str:
        return (f"num_features={self.num_features}, eps={self.eps}, momentum={self.momentum}, gamma={self.gamma}, "
                f"beta={self.beta}, moving_mean={self.moving_mean}, moving_variance={self.moving_variance}")


class InstanceNorm1d(_InstanceNorm):
    """``InstanceNorm1d(num_features, eps=1e-5, momentum=0.1, affine=True, gamma_init='ones', beta_init='zeros',
    dtype=mstype.float32)`` on input ``(N, C, L)``."""

    _rank = 3


class InstanceNorm2d(_InstanceNorm):
    """``InstanceNorm2d(...)`` on input ``(N, C, H, W)``."""

    _rank = 4


class InstanceNorm3d(_InstanceNorm):
    """``InstanceNorm3d(...)`` on input ``(N, C, D, H, W)``."""

    _rank = 5
