"""Dataset iterators (``create_tuple_iterator`` / ``create_dict_iterator``), with MindSpore's epoch rules.

An iterator made with ``num_epochs=N`` runs N epochs: each ``for`` loop over it consumes one epoch and ends
with StopIteration; asking for data after the last epoch raises MindSpore's RuntimeError.  ``num_epochs=-1``
(the default) runs epochs for as long as it is iterated.  Values are msshim Tensors sharing the batch's memory
(``do_copy=True`` copies), numpy arrays with ``output_numpy=True``; string columns stay numpy arrays.
"""
from __future__ import annotations

import numpy as np

from msshim import _runtime
from msshim.common import _convert
from msshim.common.tensor import wrap
from msshim.dataset.engine._rows import pipeline_error
from msshim.dataset.engine.datasets import _Context

__all__ = ["Iterator", "TupleIterator", "DictIterator"]


def _to_tensor(value, do_copy: bool):
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "USO":
            return value
        t = _convert.numpy_to_torch(value, copy=do_copy)
        device = _runtime.DEVICE["device"]
        if device.type != "cpu":
            t = t.to(device, non_blocking=True)
        return wrap(t)
    if isinstance(value, dict):
        return {k: _to_tensor(np.asarray(v) if not isinstance(v, (dict, np.ndarray)) else v, do_copy)
                for k, v in value.items()}
    return value


class Iterator:
    """Base of the dataset iterators."""

    def __init__(self, dataset, num_epochs=-1, output_numpy=False, do_copy=False):
        self._dataset = dataset
        self._num_epochs = -1 if num_epochs is None else num_epochs
        self._output_numpy = output_numpy
        self._do_copy = bool(do_copy)
        self._ctx = _Context()
        self._epochs_done = 0
        self._rows = None
        self._col_names = list(dataset._columns())

    def __iter__(self):
        return self

    def _next_row(self):
        if self._rows is None:
            if self._num_epochs != -1 and self._epochs_done >= self._num_epochs:
                raise pipeline_error("EOF buffer encountered. User tries to fetch data beyond the specified number "
                                     "of epochs.")
            self._rows = iter(self._dataset._rows(self._ctx))
        try:
            return next(self._rows)
        except StopIteration:
            self._rows = None
            self._epochs_done += 1
            raise

    def _convert(self, row) -> list:
        if self._output_numpy:
            return [v.copy() if self._do_copy and isinstance(v, np.ndarray) else v for v in row]
        return [_to_tensor(v, self._do_copy) for v in row]

    def get_col_names(self) -> list:
        return list(self._col_names)

    def stop(self) -> None:
        """Stop iterating: later calls raise StopIteration."""
        self._rows = iter(())
        self._num_epochs = self._epochs_done

    release = stop

    def __deepcopy__(self, memo):
        return self


class TupleIterator(Iterator):
    """Yields a list per row, one value per column."""

    def __init__(self, dataset, columns=None, num_epochs=-1, output_numpy=False, do_copy=False):
        if columns is not None:
            dataset = dataset.project(columns if isinstance(columns, list) else [columns])
        super().__init__(dataset, num_epochs, output_numpy, do_copy)

    def __next__(self) -> list:
        return self._convert(self._next_row())


class DictIterator(Iterator):
    """Yields a dict per row, {column name: value}."""

    def __next__(self) -> dict:
        return dict(zip(self._col_names, self._convert(self._next_row())))
