"""MindSpore (numpy) indexing rules on torch tensors.

torch differs from numpy/MindSpore in two places that matter here:

* negative slice steps (``t[:, ::-1]``) are not supported by torch: the dimension is flipped and the
  slice rewritten with a positive step;
* an integer next to an array index: numpy treats the integer as an advanced index too, so
  ``t[1, :, [0, 3]]`` on a (2, 3, 4) tensor has shape (2, 3) (the broadcast index dimension first), while
  torch applies the integer first and gives (3, 2).  Integers are turned into 1-element index tensors
  whenever a non-scalar advanced index is present, which makes torch follow numpy's placement.
"""
from __future__ import annotations

import numpy as np
import torch

from msshim.common import _convert


def _convert_item(item):
    t = getattr(item, "_t", None)
    if isinstance(t, torch.Tensor):
        return t
    if isinstance(item, np.ndarray):
        return _convert.numpy_to_torch(item, copy=False)
    return item


def _is_array_index(item) -> bool:
    return isinstance(item, list) or (isinstance(item, torch.Tensor) and item.dim() > 0)


def _consumed(item) -> int:
    """Number of source dimensions an index item consumes (Ellipsis is resolved by the caller)."""
    if item is None or isinstance(item, bool):
        return 0
    if isinstance(item, torch.Tensor) and item.dtype is torch.bool:
        return item.dim()  # a mask consumes as many dimensions as it has
    return 1


_PLAIN = frozenset((int, bool, type(None), type(Ellipsis)))


def _plain(item) -> bool:
    """Index items torch handles exactly as numpy does."""
    kind = type(item)
    return kind in _PLAIN or (kind is slice and (item.step is None or item.step > 0))


def prepare(t: torch.Tensor, index, for_write: bool = False):
    """Return ``(tensor, index)`` ready for torch's ``__getitem__`` / ``__setitem__``.

    For reading, negative-step slices flip ``tensor`` (a copy); for writing (``for_write``) they become
    explicit position tensors so that the write lands in ``t`` itself."""
    if type(index) is tuple:
        if all(_plain(i) for i in index):
            return t, index
    elif _plain(index):
        return t, index
    else:
        item = _convert_item(index)
        if not isinstance(item, slice):  # a single tensor / array / list index
            return t, item
    items = list(index) if isinstance(index, tuple) else [index]
    items = [_convert_item(i) for i in items]
    has_negative = any(isinstance(i, slice) and i.step is not None and i.step < 0 for i in items)
    if any(_is_array_index(i) for i in items) and any(type(i) is int for i in items):
        device = t.device
        items = [torch.tensor([i], device=device) if type(i) is int else i for i in items]
    if has_negative:
        t, items = _positive_steps(t, items, for_write)
    return t, (tuple(items) if isinstance(index, tuple) or len(items) != 1 else items[0])


def _positive_steps(t: torch.Tensor, items: list, for_write: bool):
    explicit = sum(_consumed(i) for i in items if i is not Ellipsis)
    dim = 0
    out = []
    for item in items:
        if item is Ellipsis:
            dim += t.dim() - explicit
            out.append(item)
            continue
        if isinstance(item, slice) and item.step is not None and item.step < 0:
            n = t.shape[dim]
            positions = range(*item.indices(n))
            if for_write:
                item = torch.tensor(list(positions), dtype=torch.long, device=t.device)
            else:
                t = torch.flip(t, (dim,))
                item = slice(n - 1 - positions[0], n - 1 - positions[-1] + 1, -item.step) if len(positions) \
                    else slice(0, 0)
        out.append(item)
        dim += _consumed(item)
    return t, out


def assign(t: torch.Tensor, index, value) -> None:
    """``t[index] = value`` in place.  MindSpore takes numbers, Tensors, tuples and lists as the value (a numpy
    array is a TypeError) and reports a value that does not broadcast as a ValueError."""
    inner = getattr(value, "_t", None)
    if isinstance(inner, torch.Tensor):
        value = inner
    elif isinstance(value, np.ndarray):
        raise TypeError(f"only support numbers, Tensor, tuple, list as value, but got {value} with type "
                        f"{type(value)}")
    elif isinstance(value, (list, tuple)):
        value = _convert.python_to_torch(value).to(dtype=t.dtype, device=t.device)
    _, index = prepare(t, index, for_write=True)
    try:
        if t.requires_grad and t.is_leaf:  # a Parameter's data is written outside autograd
            with torch.no_grad():
                t[index] = value
        else:
            t[index] = value
    except RuntimeError as e:
        raise ValueError(f"For 'Tensor.__setitem__', the value cannot be broadcast to the indexed shape: "
                         f"{str(e).splitlines()[0]}") from None
