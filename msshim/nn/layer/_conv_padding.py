"""Shared helpers of the convolution and pooling layers (conv.py, pooling.py): MindSpore's argument
checks (same exception types and messages as ``mindspore._checkparam``), MindSpore's padding arithmetic,
the pooling argument normalisers of ``mindspore.nn.layer.pooling`` and MindSpore's shape-error texts.

Padding rules (MindSpore 2.10, every backend):
* ``'same'`` (forward conv and pooling): output ``ceil(in / stride)``; the total padding
  ``max((out - 1) * stride + k_eff - in, 0)`` is split ``total // 2`` before and the rest *after*, so an
  odd amount puts the extra row/column at the end.  torch's ``padding='same'`` handles stride 1 only and
  pooling has no asymmetric padding, hence explicit pads (convolution) or :class:`SamePad` (pooling).
* Transposed convolutions crop the full transposed result ``(in - 1) * stride + k_eff`` (see
  :func:`deconv_plan`).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from msshim.common._errors import MSRuntimeError  # noqa: F401  (re-exported for the layers)

# ---------------------------------------------------------------------------------------------- checks


def _prefix(prim_name: str | None) -> str:
    return f"For '{prim_name}', the" if prim_name else "The"


def _arg(arg_name: str | None) -> str:
    return f"'{arg_name}'" if arg_name else "input value"


def check_int_rel(value, bound: int, rel: str, arg_name=None, prim_name=None) -> int:
    """``Validator.check_int`` / ``check_positive_int`` / ``check_non_negative_int`` (rel '>', '>=', '=')."""
    prim = f"For '{prim_name}', the " if prim_name else "The "
    info = prim + _arg(arg_name)
    if not isinstance(value, int):
        raise TypeError(f"{info} must be int, but got '{type(value).__name__}'")
    ok = {">": value > bound, ">=": value >= bound, "=": value == bound}[rel]
    if isinstance(value, bool) or not ok:
        msg = (f"{info} must be int and must {rel} {bound}, but got '{value}' with type "
               f"'{type(value).__name__}'.")
        if isinstance(value, bool):
            raise TypeError(msg)
        raise ValueError(msg)
    return value


def check_positive_int(value, arg_name=None, prim_name=None) -> int:
    return check_int_rel(value, 0, ">", arg_name, prim_name)


def check_non_negative_int(value, arg_name=None, prim_name=None) -> int:
    return check_int_rel(value, 0, ">=", arg_name, prim_name)


def check_value_type(arg_name: str, value, valid_types, prim_name=None):
    """``Validator.check_value_type``: bool is rejected unless listed."""
    valid_types = tuple(valid_types) if isinstance(valid_types, (list, tuple)) else (valid_types,)
    if (isinstance(value, bool) and bool not in valid_types) or not isinstance(value, valid_types):
        names = [t.__name__ if hasattr(t, "__name__") else str(t) for t in valid_types]
        several = len(valid_types) > 1
        raise TypeError(f"{_prefix(prim_name)} type of '{arg_name}' should be {'one of ' if several else ''}"
                        f"'{names if several else names[0]}', but got type '{type(value).__name__}'.")
    return value


def check_string(value, valid_values, arg_name=None, prim_name=None) -> str:
    arg_name = arg_name if arg_name else "parameter"
    if not (isinstance(value, str) and value in valid_values):
        raise ValueError(f"{_prefix(prim_name)} '{arg_name}' must be str and must be in '{valid_values}', "
                         f"but got '{value}'.")
    return value


def check_bool(value, arg_name=None, prim_name=None) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{_prefix(prim_name)} {_arg(arg_name)} must be a bool, but got {type(value).__name__}.")
    return value


def check_int_range(value, low: int, high: int, arg_name=None, prim_name=None) -> int:
    """``check_int_range(..., INC_LEFT)``: ``low <= value < high``."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{_prefix(prim_name)} {_arg(arg_name)} must be 'int',  but got "
                        f"'{type(value).__name__}'.")
    if not low <= value < high:
        raise ValueError(f"{_prefix(prim_name)} {_arg(arg_name)} must be in range of [{low}, {high}), but got "
                         f"{value} with type 'int'.")
    return value


def twice(value) -> tuple:
    """``mindspore._checkparam.twice``: an int becomes ``(v, v)``; a tuple must hold exactly two ints."""
    if not isinstance(value, tuple):
        if isinstance(value, int) and not isinstance(value, bool):
            return (value, value)
        raise TypeError(f"When expanding an int number to tuple, input type must be integer or tuple[int], "
                        f"but got {type(value)}")
    if len(value) != 2:
        raise TypeError(f"When expanding an int number to tuple, input tuple dimension must be 2, but got {value}")
    for item in value:
        if not isinstance(item, int) or isinstance(item, bool):
            raise TypeError(f"When expanding an int number to tuple, the type of element in input tuple must be "
                            f"an integer, but got {type(item)}.")
    return value


def check_3d_int_or_tuple(arg_name: str, value, prim_name: str, greater_zero: bool = True) -> tuple:
    """``_check_3d_int_or_tuple`` (no five-element form): an int or a 3-tuple of positive (or >= 0) ints."""
    check_value_type(arg_name, value, (int, tuple), prim_name)
    if isinstance(value, int):
        ret = (value,) * 3
    elif len(value) == 3:
        ret = tuple(value)
    else:
        ret = None
    if ret is None or not all(isinstance(i, int) and not isinstance(i, bool) and (i > 0 if greater_zero else i >= 0)
                              for i in ret):
        shown = value if ret is None else ret
        raise ValueError(f"For '{prim_name}', the parameter '{arg_name}' must be an positive integer or a tuple of "
                         f"three positive integer, but got {shown}")
    return ret


def check_pos_int_or_tuple(arg_name: str, value, prim_name: str) -> tuple:
    """``nn_ops._check_positive_int_or_tuple`` (two elements): used by the Conv2D primitive family."""
    check_value_type(arg_name, value, (int, tuple), prim_name)
    ret = (value, value) if isinstance(value, int) else tuple(value)
    if len(ret) != 2 or not all(isinstance(i, int) and not isinstance(i, bool) and i > 0 for i in ret):
        raise ValueError(f"For '{prim_name}' attr '{arg_name}' must be an positive int number or a tuple of two "
                         f"positive int numbers, but got {value}")
    return ret


def nhwc_error(cls: str, mindspore_message: str) -> ValueError:
    """NHWC: MindSpore's own error off GPU (``{platform}`` is filled in); on GPU, where MindSpore would
    accept it, msshim's (only NCHW is implemented)."""
    from msshim import context

    platform = str(context.get_context("device_target"))
    if platform != "GPU":
        return ValueError(mindspore_message.replace("{platform}", platform))
    return ValueError(f"For '{cls}', msshim supports the 'NCHW' data_format only, but got 'NHWC'.")


def dtype_name(t: torch.Tensor) -> str:
    from msshim.common import dtype as mstype

    return str(mstype.from_torch(t.dtype))


def float_only(t: torch.Tensor, cls: str) -> None:
    """MindSpore's pooling kernels have no integer version ("Kernel select failed")."""
    if not t.is_floating_point():
        raise TypeError(f"For '{cls}', kernel select failed: the input must be a float Tensor, but got "
                        f"Tensor[{dtype_name(t)}].")


def as_tuple(value, n: int) -> tuple:
    return (value,) * n if isinstance(value, int) else tuple(value)


# ---------------------------------------------------------------------------------------------- padding


def same_pads(size: int, k_eff: int, stride: int) -> tuple[int, int]:
    """MindSpore 'same' padding of one dimension: ``(before, after)`` with the odd element after."""
    out = -(-size // stride)
    total = max((out - 1) * stride + k_eff - size, 0)
    return total // 2, total - total // 2


def torch_pads(pairs) -> list[int]:
    """``F.pad`` order (last dimension first) from ``(before, after)`` pairs given first dimension first."""
    flat: list[int] = []
    for before, after in reversed(pairs):
        flat += [before, after]
    return flat


def split_symmetric(pairs) -> tuple[tuple[int, ...] | None, list[int] | None]:
    """``(padding for the torch op, None)`` when every pair is symmetric, else ``(None, F.pad list)``."""
    if all(b == a for b, a in pairs):
        return tuple(b for b, _ in pairs), None
    return None, torch_pads(pairs)


def effective_kernel(kernel: int, dilation: int) -> int:
    return (kernel - 1) * dilation + 1


def deconv_plan(size: int, kernel: int, stride: int, dilation: int, mode: str, pad_before: int = 0,
                pad_after: int = 0, extra: int = 0) -> tuple[int, int, int, int]:
    """How a MindSpore transposed convolution maps onto ``torch.conv_transposeNd`` for one dimension.

    MindSpore's output is the full transposed result ``full = (in - 1) * s + k_eff`` (zero-extended at the
    end when needed) cropped to ``[start, start + length)``:

    * ``'valid'``: start 0, length ``in * s + max(k_eff - s, 0)`` (so ``k_eff < s`` appends zeros + bias);
    * ``'same'``: length ``in * s``, start ``max(k_eff - s, 0) // 2``;
    * ``'pad'``: length ``full - pad_before - pad_after``, start ``pad_before`` (asymmetric allowed);
    * ``extra`` (Conv3dTranspose's ``output_padding``) lengthens the computed output.

    Returns ``(torch_padding, torch_output_padding, slice_start, length)``; ``slice_start`` is -1 when the
    torch result needs no slicing.
    """
    k_eff = effective_kernel(kernel, dilation)
    full = (size - 1) * stride + k_eff
    if mode == "valid":
        start, length = 0, size * stride + max(k_eff - stride, 0)
    elif mode == "same":
        start, length = max(k_eff - stride, 0) // 2, size * stride
    else:
        start, length = pad_before, full - pad_before - pad_after
    length += extra
    end_crop = full - start - length
    pad = min(start, max(end_crop, 0))
    out_pad = max(-end_crop, 0)
    # out_pad < max(stride, dilation) always holds here (torch's limit): only 'valid'/'same' with
    # k_eff < stride (start 0) and output_padding (checked < max(stride, dilation)) extend past ``full``.
    torch_len = full - 2 * pad + out_pad
    offset = start - pad
    if offset == 0 and torch_len == length:
        return pad, out_pad, -1, length
    return pad, out_pad, offset, length


def ceil_div(a: int, b: int) -> int:
    return -(-a // b)


# ---------------------------------------------------------------------------------------------- pooling


class SamePad:
    """MindSpore 'same' padding of a pooling window, as torch pooling arguments (no copy of the input).

    With ``padding = before`` (the leading half) and ``ceil_mode=True`` torch produces exactly
    ``ceil(in / stride)`` windows, the last one running into the trailing odd pad, and clips that window
    to the input: the same as padding with -inf (max pooling) or as not counting the padding (average
    pooling).  With stride 1 ceil_mode cannot add that window, so the dimension is padded ``before + 1``
    on both sides and the first output dropped.  Plans depend on the input size; they are cached.
    """

    __slots__ = ("k", "s", "_plans")

    def __init__(self, k: tuple, s: tuple):
        self.k, self.s = k, s
        self._plans: dict = {}

    def pairs(self, sizes) -> list:
        return [same_pads(sizes[i], self.k[i], self.s[i]) for i in range(len(self.k))]

    def plan(self, sizes) -> tuple:
        """``(torch padding, dimensions (negative) whose first output is dropped)``."""
        plan = self._plans.get(sizes)
        if plan is None:
            n = len(self.k)
            pads, shifted = [], []
            for i, (before, after) in enumerate(self.pairs(sizes)):
                if after != before and self.s[i] == 1:
                    pads.append(before + 1)
                    shifted.append(i - n)
                else:
                    pads.append(before)
            plan = self._plans[sizes] = (tuple(pads), tuple(shifted))
        return plan

    def run(self, fn, t: torch.Tensor, *args) -> torch.Tensor:
        """``fn(t, kernel, stride, padding, *args)`` (``args`` must set ceil_mode=True) with the plan applied."""
        pads, shifted = self.plan(t.shape[-len(self.k):])
        out = fn(t, self.k, self.s, pads, *args)
        for dim in shifted:
            out = out.narrow(dim, 1, out.shape[dim] - 1)
        return out


AVG_POOL = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}


def check_tuple_length(value, arg_name: str, length: int, cls: str):
    if len(value) != length:
        raise ValueError(f"For {cls}, the length of {arg_name} must be equal to {length}, but got {len(value)}.")
    return value


def check_maxpool_padding(padding, nd: int, cls: str) -> tuple:
    """MindSpore's ``_check_maxpool_padding``: a 3-tuple with leading zeros for the unused dimensions."""
    check_value_type("padding", padding, (int, tuple, list), cls)
    if isinstance(padding, int):
        return (0,) * (3 - nd) + (padding,) * nd
    for idx, item in enumerate(padding):
        check_non_negative_int(item, f"padding[{idx}]", cls)
    if len(padding) == 1:
        return (0,) * (3 - nd) + tuple(padding) * nd
    if len(padding) != nd:
        raise ValueError(f"For {cls}, the length of padding must equal to {nd}, but got {len(padding)}.")
    return (0,) * (3 - nd) + tuple(padding)


def cal_dilation(dilation, nd: int, cls: str):
    if isinstance(dilation, int):
        return dilation
    if isinstance(dilation, tuple):
        if len(dilation) == 1:
            return dilation[0]
        if len(dilation) == nd:
            return (3 - nd) * (1,) + dilation
        if nd == 1:
            raise ValueError(f"For {cls}, the length of 'dilation' must be 1, but got {len(dilation)}.")
        raise ValueError(f"For {cls}, the length of 'dilation' must be 1 or {nd}, but got {len(dilation)}.")
    raise ValueError(f"For {cls}, the 'dilation' must be int or tuple, but got {type(dilation)}.")


def cal_padding(padding, cls: str, nd: int) -> tuple:
    """MindSpore's ``_cal_padding`` (average pooling): a 6-tuple ``(before, after)`` per D, H, W."""
    check_value_type("padding", padding, (int, tuple, list), cls)
    if isinstance(padding, int):
        return (0, 0) * (3 - nd) + (padding,) * nd * 2
    for idx, item in enumerate(padding):
        check_non_negative_int(item, f"padding[{idx}]", cls)
    if len(padding) == nd:
        return (0, 0) * (3 - nd) + tuple(padding[i // 2] for i in range(nd * 2))
    if len(padding) == 1:
        return (0, 0) * (3 - nd) + tuple(padding) * nd * 2
    if nd == 1:
        raise ValueError(f"For {cls}, the padding must be a int or tuple/list contains one int, but got "
                         f"tuple/list with length:{len(padding)}.")
    raise ValueError(f"For {cls}, the padding must be a int or tuple/list contains 1 or {nd} int, but got "
                     f"tuple/list with length:{len(padding)}.")



# ---------------------------------------------------------------------------------------------- pooling errors


def vec_text(values) -> str:
    """How MindSpore's C++ messages print a shape vector."""
    return "[const vector]{" + ", ".join(str(v) for v in values) + "}"


def _batch_dims(t: torch.Tensor, nd: int) -> list:
    return list(t.shape[:-nd]) if t.dim() == nd + 2 else [1] + list(t.shape[:-nd])


def argmax_size_error(t: torch.Tensor, nd: int, k, s, p, d, ceil: bool) -> None:
    """MaxPool3DWithArgmax ('pad' max pooling): raise MindSpore's error for an empty output."""
    outs = []
    for i in range(nd):
        span = t.shape[i - nd] + 2 * p[i] - d[i] * (k[i] - 1) - 1
        outs.append((ceil_div(span, s[i]) if ceil else span // s[i]) + 1)
    if min(outs) <= 0:
        full = _batch_dims(t, nd) + [1] * (3 - nd) + outs
        raise ValueError(f"for MaxPool3DWithArgmax, shape of out is {full}. It should be not less than zero.")


def plain_maxpool_size_error(t: torch.Tensor, nd: int, k, s) -> None:
    """MaxPool / MaxPool3D ('valid'): raise MindSpore's error for an empty output."""
    outs = [(t.shape[i - nd] - k[i]) // s[i] + 1 for i in range(nd)]
    if min(outs) > 0:
        return
    batch = _batch_dims(t, nd)
    if nd == 3:
        raise ValueError(f"For 'MaxPool3D', output shape's all elements must be positive, but got shape: "
                         f"{vec_text(batch + outs)}.")
    lead = [1] * (2 - nd)
    raise ValueError(f"For 'MaxPool', the each element of the output shape must be larger than 0, but got "
                     f"output shape: {vec_text(batch[:2] + lead + outs)}. The input shape: "
                     f"{vec_text(batch[:2] + lead + list(t.shape[-nd:]))}, kernel size: "
                     f"{vec_text([1, 1] + lead + list(k))}, strides: {vec_text([1, 1] + lead + list(s))}. "
                     f"Please check the official api documents for more information about the output.")


def avgpool_size_error(t: torch.Tensor, nd: int, k, avg3d: bool, mode: str, pairs) -> None:
    """AvgPool3D / AvgPool: raise MindSpore's error when the kernel does not fit the (padded) input."""
    sizes = list(t.shape[-nd:])
    if mode == "SAME":
        return
    padded = [sizes[i] + sum(pairs[i]) for i in range(nd)]
    if not any(padded[i] < k[i] for i in range(nd)):
        return
    if avg3d:
        full = [1] * (3 - nd) + padded
        kernel = ", ".join(str(v) for v in [1] * (3 - nd) + list(k))
        raise MSRuntimeError(f"For 'AvgPool3D, size of input with the padding is (D:{full[0]}, H:{full[1]}, "
                             f"W:{full[2]}) smaller than kernel size [const initializer_list]{{{kernel}}}")
    raise MSRuntimeError("For 'AvgPool' op, H_out/W_out must be positive, but H_out/W_out is 0, please check input "
                         "and parameters of op")


__all__: list[str] = []
