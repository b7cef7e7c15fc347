"""``mindspore.dataset.Dataset`` and its operations (map, batch, shuffle, repeat, take, skip, zip, concat, rename,
project, filter, split), executed in Python on numpy arrays.

Each node yields rows (tuples of numpy arrays, one per column) for one epoch from ``_rows(ctx)``; ``ctx`` carries
the iterator's random generator.  Nodes that can also produce *blocks* (several rows stacked per column:
mappable sources reading by fancy indexing, maps whose operations all work on a stacked batch, project and
rename) answer ``_blocks(ctx, n)``; a ``batch`` over such a chain then never touches single rows, which keeps
the MnistDataset -> map(Rescale, Normalize, HWC2CHW) -> batch pipeline at a few numpy calls per batch.
The two paths give identical arrays: the batched operations are element-wise or per-image.

This module holds the ``Dataset`` base class and the pipeline-wide checks; the nodes are in ``_map_batch.py``
(map, batch) and ``_nodes.py`` (the others), and are exported from here as in MindSpore.
"""
from __future__ import annotations

import builtins
import itertools

import numpy as np

from msshim.dataset.core import config
from msshim.dataset.core.validator_helpers import (INT32_MAX, check_columns, check_num_parallel_workers,
                                                   check_value, type_check, type_check_list)
from msshim.dataset.engine import _rows

__all__ = ["Dataset", "BatchInfo", "zip", "MapDataset", "BatchDataset", "ShuffleDataset", "RepeatDataset",
           "SkipDataset", "TakeDataset", "ZipDataset", "ConcatDataset", "RenameDataset", "ProjectDataset",
           "FilterDataset"]


class _Context:
    """Per-iterator state: the random generator shuffles draw from."""
    __slots__ = ("rng",)

    def __init__(self, rng=None):
        self.rng = rng if rng is not None else config._new_rng()


def _as_list(columns):
    if columns is None:
        return None
    return [columns] if isinstance(columns, str) else list(columns)


class Dataset:
    """Base class of every dataset node (MindSpore's ``mindspore.dataset.Dataset``)."""

    def __init__(self, children=None, num_parallel_workers=None):
        if children is None:
            children = []
        elif not isinstance(children, (list, tuple)):
            children = [children]
        self.children = list(children)
        self.num_parallel_workers = num_parallel_workers
        self.dataset_size = None
        self.saved_output_shapes = None
        self.saved_output_types = None
        self._col_names = None

    # ------------------------------------------------------------------ node protocol (engine side)
    def _columns(self) -> list:
        """Output column names; raises MindSpore's pipeline RuntimeError for inconsistent pipelines."""
        raise NotImplementedError

    def _rows(self, ctx: _Context):
        """Iterator over this epoch's rows (tuples of numpy arrays)."""
        raise NotImplementedError

    def _blocks(self, ctx: _Context, n: int):
        """Iterator over this epoch's rows stacked ``n`` at a time (the last block may be shorter), or None."""
        return None

    def _static_size(self):
        """Rows per epoch when known without iterating, else None."""
        return None

    def _static_batch_size(self) -> int:
        return self.children[0]._static_batch_size() if self.children else 1

    # ------------------------------------------------------------------ operations
    def batch(self, batch_size, drop_remainder=False, num_parallel_workers=None, **kwargs):
        """Stack ``batch_size`` consecutive rows per column (all rows of a column must have the same shape)."""
        return BatchDataset(self, batch_size, drop_remainder, num_parallel_workers, **kwargs)

    def shuffle(self, buffer_size):
        """Shuffle through a buffer of ``buffer_size`` rows (the order differs from MindSpore's)."""
        type_check(buffer_size, (int,), "buffer_size")
        check_value(buffer_size, [2, INT32_MAX], "buffer_size")
        return ShuffleDataset(self, buffer_size)

    def map(self, operations, input_columns=None, output_columns=None, num_parallel_workers=None, **kwargs):
        """Apply ``operations`` in order to ``input_columns``; results become ``output_columns``."""
        return MapDataset(self, operations, input_columns, output_columns, num_parallel_workers, **kwargs)

    def filter(self, predicate, input_columns=None, num_parallel_workers=None):
        if not callable(predicate):
            raise TypeError("Predicate should be a Python function or a callable Python object.")
        if num_parallel_workers is not None:
            check_num_parallel_workers(num_parallel_workers)
        if input_columns is not None:
            check_columns(input_columns, "input_columns")
        return FilterDataset(self, predicate, input_columns)

    def repeat(self, count=None):
        type_check(count, (int, type(None)), "repeat")
        if isinstance(count, int) and ((count <= 0 and count != -1) or count > INT32_MAX):
            raise ValueError("count should be either -1 or positive integer, range[1, INT32_MAX].")
        return RepeatDataset(self, count)

    def skip(self, count):
        type_check(count, (int,), "count")
        check_value(count, (0, INT32_MAX), "count")
        return SkipDataset(self, count)

    def take(self, count=-1):
        type_check(count, (int,), "count")
        if (count <= 0 and count != -1) or count > INT32_MAX:
            raise ValueError("count should be either -1 or within the required interval of ({}, {}], got {}."
                             .format(0, INT32_MAX, count))
        return TakeDataset(self, count)

    def zip(self, datasets):
        type_check(datasets, (tuple, Dataset), "datasets")
        datasets = (self, *datasets) if isinstance(datasets, tuple) else (self, datasets)
        return ZipDataset(datasets)

    def concat(self, datasets):
        type_check(datasets, (list, Dataset), "datasets")
        if isinstance(datasets, list):
            type_check_list(datasets, (Dataset,), "dataset")
        datasets = [self] + (datasets if isinstance(datasets, list) else [datasets])
        return ConcatDataset(datasets)

    def __add__(self, datasets):
        return self.concat(datasets)

    def rename(self, input_columns, output_columns):
        check_columns(input_columns, "input_columns")
        check_columns(output_columns, "output_columns")
        if len(_as_list(input_columns)) != len(_as_list(output_columns)):
            raise ValueError("Number of column in input_columns and output_columns is not equal.")
        return RenameDataset(self, input_columns, output_columns)

    def project(self, columns):
        check_columns(columns, "columns")
        return ProjectDataset(self, columns)

    def apply(self, apply_func):
        if not hasattr(apply_func, "__call__"):
            raise TypeError("apply_func must be a function.")
        dataset = apply_func(self)
        if not isinstance(dataset, Dataset):
            raise TypeError("apply_func must return a dataset.")
        return dataset

    def split(self, sizes, randomize=True):
        """Split into consecutive (or, with ``randomize``, randomly chosen) non-overlapping datasets."""
        _check_split(sizes, randomize)
        if self.is_sharded():
            raise RuntimeError("Dataset should not be sharded before split.")
        absolute = self._get_absolute_split_sizes(sizes)
        source = ShuffleDataset(self, 10000, reshuffle_each_epoch=False) if randomize else self
        splits, skip = [], 0
        for size in absolute:
            part = source.skip(skip) if skip else source
            splits.append(part.take(size))
            skip += size
        return tuple(splits)

    def _get_absolute_split_sizes(self, sizes):
        dataset_size = self.get_dataset_size()
        if dataset_size is None or dataset_size <= 0:
            raise RuntimeError("dataset_size is unknown, unable to split.")
        if all(isinstance(item, int) for item in sizes):
            if sum(sizes) != dataset_size:
                raise RuntimeError(f"Sum of split sizes {sum(sizes)} is not equal to dataset size {dataset_size}.")
            return list(sizes)
        absolute = []
        for item in sizes:
            size = int(round(item * dataset_size))
            if size == 0:
                raise RuntimeError(f"Split percentage {item} is too small.")
            absolute.append(size)
        difference = int(dataset_size - sum(absolute))
        if difference > 0:
            absolute[0] += difference
        else:
            for i, size in enumerate(absolute):
                if size + difference > 0:
                    absolute[i] += difference
                    break
        if sum(absolute) != dataset_size:
            raise RuntimeError(f"Sum of calculated split sizes {sum(absolute)} is not equal to "
                               f"dataset size {dataset_size}.")
        return absolute

    # ------------------------------------------------------------------ iteration
    def create_tuple_iterator(self, columns=None, num_epochs=-1, output_numpy=False, do_copy=False):
        """Rows as lists (one value per column): msshim Tensors, or numpy arrays with ``output_numpy``.
        String columns stay numpy arrays."""
        from msshim.dataset.engine.iterators import TupleIterator
        _check_iterator_args(num_epochs, output_numpy, do_copy)
        if columns is not None:
            check_columns(columns, "column_names")
        return TupleIterator(self, columns, num_epochs, bool(output_numpy), do_copy)

    def create_dict_iterator(self, num_epochs=-1, output_numpy=False, do_copy=False):
        """Rows as dicts {column name: value}."""
        from msshim.dataset.engine.iterators import DictIterator
        _check_iterator_args(num_epochs, output_numpy, do_copy)
        return DictIterator(self, num_epochs, bool(output_numpy), do_copy)

    def __iter__(self):
        return self.create_tuple_iterator(num_epochs=1)

    # ------------------------------------------------------------------ information
    def get_col_names(self) -> list:
        if self._col_names is None:
            self._col_names = list(self._columns())
        return list(self._col_names)

    def _first_row(self):
        self._columns()
        return next(iter(self._rows(_Context())), None)

    def output_shapes(self, estimate=False):
        """Shapes of the first row's columns (with ``estimate``, dimensions that vary become None)."""
        type_check(estimate, (bool,), "estimate")
        if estimate:
            shapes = None
            for row in self._rows(_Context()):
                current = [list(np.shape(v)) for v in row]
                shapes = current if shapes is None else [
                    [a if a == b else None for a, b in itertools.zip_longest(s, c)] if len(s) == len(c) else None
                    for s, c in builtins.zip(shapes, current)]
            return shapes or []
        if self.saved_output_shapes is None:
            row = self._first_row()
            self.saved_output_shapes = [] if row is None else [[int(d) for d in np.shape(v)] for v in row]
        return self.saved_output_shapes

    def output_types(self):
        """Numpy dtypes of the first row's columns."""
        if self.saved_output_types is None:
            row = self._first_row()
            self.saved_output_types = [] if row is None else [_rows.report_dtype(v) for v in row]
        return self.saved_output_types

    def get_dataset_size(self) -> int:
        """Rows (batches after ``batch``) per epoch; counted by iterating when it cannot be worked out."""
        if self.dataset_size is None:
            self._columns()
            size = self._static_size()
            if size is None:
                size = sum(1 for _ in self._rows(_Context()))
            self.dataset_size = size
        return self.dataset_size

    def get_batch_size(self) -> int:
        return self._static_batch_size()

    def get_repeat_count(self) -> int:
        return self.children[0].get_repeat_count() if self.children else 1

    def num_classes(self):
        return self.children[0].num_classes() if self.children else None

    def get_class_indexing(self):
        return self.children[0].get_class_indexing() if self.children else {}

    def is_shuffled(self) -> bool:
        return any(child.is_shuffled() for child in self.children)

    def is_sharded(self) -> bool:
        return any(child.is_sharded() for child in self.children)

    def reset(self) -> None:
        """Nothing to reset: every iterator rebuilds its epoch from the pipeline."""

    def device_que(self, send_epoch_end=True, create_data_info_queue=False, queue_name=""):
        raise RuntimeError("msshim: device queues (data sinking) are not supported; iterate the dataset instead.")

    def to_json(self, filename=""):
        raise NotImplementedError("msshim: dataset serialization is not supported.")

    def _build_vocab(self, columns, freq_range, top_k, special_tokens, special_first):
        from msshim.dataset.text.utils import _vocab_from_rows
        return _vocab_from_rows(self, columns, freq_range, top_k, special_tokens, special_first)


def _check_iterator_args(num_epochs, output_numpy, do_copy) -> None:
    for name, value in (("output_numpy", output_numpy), ("do_copy", do_copy)):
        if value is not None:
            type_check(value, (bool,), name)
    if num_epochs is not None:
        type_check(num_epochs, (int,), "num_epochs")
        check_value(num_epochs, [-1, INT32_MAX], "num_epochs")


def _check_split(sizes, randomize) -> None:
    type_check(sizes, (list,), "sizes")
    type_check(randomize, (bool,), "randomize")
    if not sizes:
        raise ValueError("sizes cannot be empty.")
    all_int = all(isinstance(item, int) for item in sizes)
    all_float = all(isinstance(item, float) for item in sizes)
    if not (all_int or all_float):
        raise ValueError("sizes should be list of int or list of float.")
    if all_int and not all(item > 0 for item in sizes):
        raise ValueError("sizes is a list of int, but there should be no negative or zero numbers.")
    if all_float:
        if not all(0 < item <= 1 for item in sizes):
            raise ValueError("sizes is a list of float, but there should be no numbers outside the range (0, 1].")
        if not abs(sum(sizes) - 1) < 0.00001:
            raise ValueError("sizes is a list of float, but the percentages do not sum up to 1.")


def zip(datasets):  # noqa: A001 - MindSpore's name
    """Zip a tuple of datasets column-wise (column names must be distinct)."""
    type_check(datasets, (tuple,), "datasets")
    if len(datasets) <= 1:
        raise ValueError("Can't zip empty or just one dataset!")
    for dataset in datasets:
        if not isinstance(dataset, Dataset):
            raise TypeError("Invalid dataset, expected Dataset object, but got %s!" % type(dataset))
    return ZipDataset(datasets)


# The nodes subclass Dataset, whose methods build them: imported last, from modules that import this one.
from msshim.dataset.engine._map_batch import BatchDataset, BatchInfo, MapDataset  # noqa: E402
from msshim.dataset.engine._nodes import (ConcatDataset, FilterDataset, ProjectDataset, RenameDataset,  # noqa: E402
                                          RepeatDataset, ShuffleDataset, SkipDataset, TakeDataset, ZipDataset)
