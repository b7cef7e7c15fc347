"""MindSpore's text forms of a tensor.

``repr(t)`` is ``Tensor(shape=[2, 3], dtype=Float32, value=<data>)`` where ``<data>`` follows a line break for
ndim >= 2 and a space otherwise.  MindSpore has two data printers:

* the C++ printer, used for every tensor made by an op or by the constructor: floats in scientific notation
  right-aligned to width 15 with 8 digits (width 11, 4 digits for Float16), integers and BFloat16 (``%g``)
  right-aligned to the widest printed value, booleans to width 5, comma separators, no blank lines between
  blocks.  A dimension longer than 6 is summarised to 3 leading and 3 trailing items joined by a bare
  ``...`` (1-D tensors only beyond 1000 elements), and 1-D tensors break the line after every 12th
  float/bool (24th integer) element.  0-d tensors print ``%g``-style (``0.333333``, ``1e-07``).
* numpy's ``array2string(a, separator=', ')`` for tensors whose memory is a numpy array
  (``Tensor.from_numpy``, ``init_data()``), e.g. ``[0., 1., 2.]``.

``str(t)`` is numpy's ``str`` of ``t.asnumpy()``, printed as numpy 1.26 (MindSpore's numpy) prints it;
BFloat16 values print as ``%f``.  Tensors still waiting for their initializer print ``<uninitialized>``.
"""
from __future__ import annotations

import contextlib

import numpy as np
import torch

_EDGE = 3  # items kept at each end of a summarised dimension
_THRESHOLD = 6  # dimensions (ndim >= 2) longer than this are summarised
_THRESHOLD_1D = 1000  # 1-D tensors longer than this are summarised
_FLOAT_STYLE = {torch.float16: (11, 4), torch.float32: (15, 8), torch.float64: (15, 8)}


def _numpy_legacy():
    """numpy >= 2.3 prints float32 differently from numpy 1.26 (MindSpore's); legacy='2.2' restores it."""
    try:
        with np.printoptions(legacy="2.2"):
            pass
    except (ValueError, TypeError):
        return contextlib.nullcontext
    return lambda: np.printoptions(legacy="2.2")


_legacy_printing = _numpy_legacy()


# ---------------------------------------------------------------------------------------------- scalars
def _g(value: float) -> str:
    """C++ ``ostream << value`` with default precision (``%g``); NaN prints without its sign bit."""
    if value != value:
        return "nan"
    return "%g" % value


def _complex_text(value: complex) -> str:
    imag = value.imag
    sign = "-" if imag < 0 or (imag == 0 and np.signbit(imag)) else "+"
    return f"{_g(value.real)}{sign}{_g(abs(imag))}j"


def _scalar_text(value, kind: str) -> str:
    if kind == "bool":
        return "True" if value else "False"
    if kind in ("float", "other_float"):
        return _g(float(value))
    if kind == "complex":
        return _complex_text(complex(value))
    return str(int(value))


def _kind(dtype: torch.dtype) -> str:
    if dtype in _FLOAT_STYLE:
        return "float"
    if dtype is torch.bool:
        return "bool"
    if dtype.is_complex:
        return "complex"
    if dtype.is_floating_point:  # bfloat16, float8: MindSpore's "other" printer with %g
        return "other_float"
    return "int"


# ---------------------------------------------------------------------------------------------- C++ printer
def _element_texts(arr: np.ndarray, kind: str, dtype: torch.dtype) -> list:
    flat = arr.reshape(-1).tolist()
    if kind == "float":
        width, digits = _FLOAT_STYLE[dtype]
        out = []
        for v in flat:
            if v != v:
                text = "nan"
            elif v in (float("inf"), float("-inf")):
                text = "inf" if v > 0 else "-inf"
            else:
                text = f"{v:.{digits}e}"
            out.append(text.rjust(width))
        return out
    if kind == "bool":
        return [("True" if v else "False").rjust(5) for v in flat]
    if kind == "complex":
        return [_complex_text(v) for v in flat]
    texts = [_g(v) for v in flat] if kind == "other_float" else [str(v) for v in flat]
    width = max(len(s) for s in texts)  # MindSpore pads integers to the widest printed value
    return [s.rjust(width) for s in texts]


def _trim(t: torch.Tensor, summarised: list) -> torch.Tensor:
    """Keep only the edge items of summarised dimensions (before any device copy or formatting)."""
    for d, cut in enumerate(summarised):
        if cut:
            n = t.shape[d]
            t = torch.cat([t.narrow(d, 0, _EDGE), t.narrow(d, n - _EDGE, _EDGE)], d)
    return t


def _cpp_data(t: torch.Tensor) -> str:
    ndim = t.dim()
    if t.numel() == 0:
        return ""
    kind = _kind(t.dtype)
    if ndim == 0:
        return _scalar_text(t.item(), kind)
    shape = list(t.shape)
    summarised = [n > _THRESHOLD_1D if ndim == 1 else n > _THRESHOLD for n in shape]
    if any(summarised):
        t = _trim(t, summarised)
    if kind == "other_float":
        t = t.float()
    arr = t.cpu().resolve_conj().resolve_neg().numpy()
    texts = _element_texts(arr, kind, t.dtype)
    linefeed = 12 if kind in ("float", "bool") else 24
    pos = [0]

    def row(count: int) -> str:
        # MindSpore counts the 1-D line feed within each printed run (a summarised tail never breaks)
        parts = []
        for j in range(count):
            parts.append(texts[pos[0]])
            pos[0] += 1
            if j != count - 1:
                parts.append(", ")
            if ndim == 1 and (j + 1) % linefeed == 0:
                parts.append("\n ")
        return "".join(parts)

    def block(depth: int) -> str:
        n = shape[depth]
        cut = summarised[depth]
        if depth == ndim - 1:
            if cut:
                return "[" + row(_EDGE) + " ... " + row(_EDGE) + "]"
            return "[" + row(n) + "]"
        indent = " " * (depth + 1)
        sep = ",\n" + indent
        if cut:
            head = sep.join(block(depth + 1) for _ in range(_EDGE))
            tail = sep.join(block(depth + 1) for _ in range(_EDGE))
            return "[" + head + sep + "...\n" + indent + tail + "]"
        return "[" + sep.join(block(depth + 1) for _ in range(n)) + "]"

    return block(0)


def _host(t: torch.Tensor) -> torch.Tensor:
    t = t.detach()
    return t if t.device.type == "cpu" else t.cpu()


def _numpy_data(t: torch.Tensor) -> str:
    from msshim.common._convert import torch_to_numpy

    with _legacy_printing():
        return np.array2string(torch_to_numpy(t), separator=", ")


def _head(t: torch.Tensor, dtype_name: str) -> str:
    return f"Tensor(shape={list(t.shape)}, dtype={dtype_name}, value=" + ("\n" if t.dim() > 1 else " ")


def tensor_repr(t: torch.Tensor, dtype_name: str, numpy_backed: bool = False) -> str:
    """MindSpore's ``repr``; ``numpy_backed`` selects the numpy printer (tensors sharing a numpy array)."""
    t = _host(t)
    data = _numpy_data(t) if numpy_backed else _cpp_data(t)
    return _head(t, dtype_name) + data + ")"


def uninitialized_str(t: torch.Tensor, dtype_name: str) -> str:
    """``str`` of a tensor whose initializer has not run yet (``Tensor(shape=..., init=...)``)."""
    head = f"Tensor(shape={list(t.shape)}, dtype={dtype_name}, value="
    return head + ("\n" if t.dim() > 1 else "") + "<uninitialized>)"


def tensor_str(t: torch.Tensor) -> str:
    t = _host(t)
    if t.dtype is torch.bfloat16:  # MindSpore's numpy bfloat16 prints every value as %f, unpadded
        arr = t.float().numpy()
        if arr.ndim == 0:
            return "%f" % arr.item()
        with np.printoptions(formatter={"float_kind": lambda v: "%f" % v}):
            return str(arr)
    from msshim.common._convert import torch_to_numpy

    with _legacy_printing():
        return str(torch_to_numpy(t))
