"""MindSpore's text forms of a tensor.

``str(t)`` is numpy's ``str`` of ``t.asnumpy()``; ``repr(t)`` is MindSpore's C++ form
``Tensor(shape=[2, 3], dtype=Float32, value=\\n[[ 1.00000000e+00, ...]])``: floats in scientific notation
(8 digits, 4 for Float16), comma separators, a leading space for the sign, arrays over 1000 elements
summarised with 3 edge items and a bare `` ...``; 0-d tensors print their shortest value.
"""
from __future__ import annotations

import numpy as np
import torch

_SCI_DIGITS = {torch.float16: 4, torch.float32: 8, torch.float64: 8}


def _shortest(value) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "True" if value else "False"
    if isinstance(value, float):
        return np.format_float_positional(value, trim="-") if value == value and abs(value) < 1e16 else repr(value)
    return str(value)


def _bf16_elements(arr: np.ndarray) -> str:
    texts = [_shortest(float(v)) for v in arr.reshape(-1)]
    width = max((len(s) for s in texts), default=0)
    body = ", ".join(s.rjust(width) for s in texts)
    return "[" + body + "]"


def tensor_repr(t: torch.Tensor, dtype_name: str) -> str:
    t = t.detach()
    if t.device.type != "cpu":
        t = t.cpu()
    shape = list(t.shape)
    head = f"Tensor(shape={shape}, dtype={dtype_name}, value="
    if t.numel() == 0:
        return head + "\n)"
    if t.dim() == 0:
        return head + " " + _shortest(t.item()) + ")"
    if t.dtype is torch.bfloat16 and t.dim() == 1:
        return head + " " + _bf16_elements(t.float().numpy()) + ")"
    if t.dtype is torch.bfloat16:
        t = t.float()
    arr = t.numpy()
    digits = _SCI_DIGITS.get(t.dtype)
    formatter = None
    if digits is not None:
        formatter = {"float_kind": lambda v, d=digits: f"{v: .{d}e}"}
    sign = " " if digits is not None else "-"
    text = np.array2string(arr, separator=", ", sign=sign, threshold=1000, edgeitems=3, max_line_width=10**9,
                           formatter=formatter, prefix="")
    text = text.replace(", ...,", " ...")
    sep = " " if t.dim() == 1 else "\n"
    return head + sep + text + ")"


def tensor_str(t: torch.Tensor) -> str:
    t = t.detach()
    if t.device.type != "cpu":
        t = t.cpu()
    if t.dtype is torch.bfloat16:
        arr = t.float().numpy()
        with np.printoptions(formatter={"float_kind": lambda v: f"{v:.6f}"}):
            return str(arr)
    return str(t.numpy())
