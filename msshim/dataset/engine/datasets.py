"""``mindspore.dataset.Dataset`` and its operations (map, batch, shuffle, repeat, take, skip, zip, concat, rename,
project, filter, split), executed in Python on numpy arrays.

Each node yields rows (tuples of numpy arrays, one per column) for one epoch from ``_rows(ctx)``; ``ctx`` carries
the iterator's random generator.  Nodes that can also produce *blocks* (several rows stacked per column:
mappable sources reading by fancy indexing, maps whose operations all work on a stacked batch, project and
rename) answer ``_blocks(ctx, n)``; a ``batch`` over such a chain then never touches single rows, which keeps
the MnistDataset -> map(Rescale, Normalize, HWC2CHW) -> batch pipeline at a few numpy calls per batch.
The two paths give identical arrays: the batched operations are element-wise or per-image.
"""
from __future__ import annotations

import builtins
import inspect
import itertools
import math

import numpy as np

from msshim.dataset.core import config
from msshim.dataset.core.validator_helpers import (INT32_MAX, check_columns, check_num_parallel_workers,
                                                   check_pos_int32, check_value, type_check, type_check_list)
from msshim.dataset.engine import _rows
from msshim.dataset.engine._rows import pipeline_error, pyfunc_error

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


# ---------------------------------------------------------------------------------------------------- map
class MapDataset(Dataset):
    """``dataset.map``: operations run in order on the input columns of every row."""

    def __init__(self, input_dataset, operations, input_columns=None, output_columns=None,
                 num_parallel_workers=None, python_multiprocessing=False, cache=None, callbacks=None,
                 max_rowsize=None, offload=None):
        _check_map_args(operations, input_columns, output_columns, num_parallel_workers, python_multiprocessing)
        super().__init__(input_dataset, num_parallel_workers)
        ops = operations if isinstance(operations, list) else [operations]
        from msshim.dataset.transforms.transforms import Compose
        self.operations = [op.transforms if isinstance(op, Compose) else [op] for op in ops]
        self.operations = [op for group in self.operations for op in group]
        self.input_columns = _as_list(input_columns)
        self.output_columns = _as_list(output_columns)
        self.python_multiprocessing = python_multiprocessing
        self._batchable = all(getattr(op, "_batchable", False) for op in self.operations)
        self._layout = None

    def _plan(self):
        """(child columns, indices of the input columns, output column names, output column order)."""
        if self._layout is None:
            child_cols = self.children[0]._columns()
            in_cols = self.input_columns if self.input_columns is not None else child_cols[:1]
            for name in in_cols:
                if name not in child_cols:
                    raise pipeline_error(f"Invalid parameter, input column name: {name} doesn't exist in the "
                                         f"dataset columns.")
            out_cols = self.output_columns if self.output_columns is not None else list(in_cols)
            in_idx = [child_cols.index(c) for c in in_cols]
            if len(out_cols) == len(in_cols):
                # outputs replace the input columns in place
                names = list(child_cols)
                for i, name in builtins.zip(in_idx, out_cols):
                    names[i] = name
                order = None
            else:
                # MindSpore puts the new columns first, then the untouched ones in their order
                rest = [i for i, c in enumerate(child_cols) if c not in in_cols]
                names = list(out_cols) + [child_cols[i] for i in rest]
                order = rest
            self._layout = (child_cols, in_idx, out_cols, names, order)
        return self._layout

    def _columns(self):
        return self._plan()[3]

    def _static_size(self):
        return self.children[0]._static_size()

    def _apply(self, args: list) -> list:
        for op in self.operations:
            try:
                out = op(*args)
            except RuntimeError as exc:
                if _rows.is_pipeline_error(exc):
                    raise
                raise pyfunc_error(_map_failure()) from exc
            except Exception as exc:  # noqa: BLE001 - MindSpore reports any pyfunc failure as RuntimeError
                raise pyfunc_error(_map_failure()) from exc
            args = list(out) if isinstance(out, tuple) else [out]
        return args

    def _finish(self, row: tuple, outs: list, in_idx, out_cols, order) -> tuple:
        if len(outs) != len(out_cols):
            raise pipeline_error("Invalid columns, the number of columns returned in 'map' operations should match "
                                 "the number of 'output_columns', but got the number of columns returned in 'map' "
                                 f"operations: {len(outs)}, the number of 'output_columns': {len(out_cols)}.")
        outs = [_rows.to_array(v) for v in outs]
        if order is None:
            new = list(row)
            for i, v in builtins.zip(in_idx, outs):
                new[i] = v
            return tuple(new)
        return tuple(outs) + tuple(row[i] for i in order)

    def _rows(self, ctx):
        _, in_idx, out_cols, _, order = self._plan()
        rows = self.children[0]._rows(ctx)
        workers = self.num_parallel_workers or 1
        if self.python_multiprocessing and workers > 1:
            from msshim.dataset.engine._workers import map_in_processes
            yield from map_in_processes(self, rows, workers)
            return
        apply, finish = self._apply, self._finish
        for row in rows:
            yield finish(row, apply([row[i] for i in in_idx]), in_idx, out_cols, order)

    def _blocks(self, ctx, n):
        if not self._batchable:
            return None
        blocks = self.children[0]._blocks(ctx, n)
        if blocks is None:
            return None
        return self._map_blocks(blocks)

    def _map_blocks(self, blocks):
        _, in_idx, out_cols, _, order = self._plan()
        for block in blocks:
            args = [block[i] for i in in_idx]
            for op in self.operations:
                out = op._batch(*args)
                args = list(out) if isinstance(out, tuple) else [out]
            yield self._finish(block, args, in_idx, out_cols, order)


def _map_failure() -> str:
    import traceback
    return "map operation: [PyFunc] failed. Error description:\n" + traceback.format_exc()


def _check_map_args(operations, input_columns, output_columns, num_parallel_workers, python_multiprocessing):
    ops = operations if isinstance(operations, list) else [operations]
    import msshim.nn as nn
    from msshim.ops.primitive import Primitive
    for item in ops:
        if isinstance(item, (nn.Cell, Primitive)):
            raise ValueError("Input operations should not contain network computing operator like in "
                             "mindspore.nn or mindspore.ops, got operation: ", str(item))
    if num_parallel_workers is not None:
        check_num_parallel_workers(num_parallel_workers)
    type_check(python_multiprocessing, (bool,), "python_multiprocessing")
    for name, value in (("input_columns", input_columns), ("output_columns", output_columns)):
        if value is not None:
            check_columns(value, name)
    for i, op in enumerate(ops):
        if not callable(op):
            raise TypeError("operations[{}] is neither a transforms op (TensorOperation) nor a callable pyfunc."
                            .format(i))
        if type(op) is type:
            raise ValueError("op_list[{}] should be a dataset processing operation instance, but got: {}. It may "
                             "be missing parentheses for instantiation.".format(i, op))


# ---------------------------------------------------------------------------------------------------- batch
class BatchInfo:
    """What a callable ``batch_size`` / ``per_batch_map`` is told: the batch and epoch numbers (from 0)."""

    def __init__(self, batch_num: int = 0, epoch_num: int = 0):
        self._batch_num = batch_num
        self._epoch_num = epoch_num

    def get_batch_num(self) -> int:
        return self._batch_num

    def get_epoch_num(self) -> int:
        return self._epoch_num


class BatchDataset(Dataset):
    """``dataset.batch``: stacks consecutive rows per column."""

    def __init__(self, input_dataset, batch_size, drop_remainder=False, num_parallel_workers=None,
                 per_batch_map=None, input_columns=None, output_columns=None, python_multiprocessing=False,
                 max_rowsize=None):
        if not (isinstance(batch_size, int) or callable(batch_size)) or isinstance(batch_size, bool):
            raise TypeError("batch_size should either be an int or a callable.")
        if callable(batch_size):
            if len(inspect.signature(batch_size).parameters) != 1:
                raise ValueError("callable batch_size should take one parameter (BatchInfo).")
        elif batch_size != -1:
            check_pos_int32(int(batch_size), "batch_size")
        if num_parallel_workers is not None:
            check_num_parallel_workers(num_parallel_workers)
        type_check(drop_remainder, (bool,), "drop_remainder")
        if input_columns is not None and per_batch_map is None:
            raise ValueError("input_columns can be specified only when per_batch_map is set.")
        if input_columns is not None:
            check_columns(input_columns, "input_columns")
            if len(_as_list(input_columns)) != len(inspect.signature(per_batch_map).parameters) - 1:
                raise ValueError("The signature of per_batch_map should match with input columns.")
        if output_columns is not None:
            check_columns(output_columns, "output_columns")
        type_check(python_multiprocessing, (bool,), "python_multiprocessing")
        super().__init__(input_dataset, num_parallel_workers)
        self.batch_size = batch_size
        self.drop_remainder = drop_remainder
        self.per_batch_map = per_batch_map
        self.input_columns = _as_list(input_columns)
        self.output_columns = _as_list(output_columns)
        self._layout = None
        self._epoch = 0

    def _plan(self):
        if self._layout is None:
            child_cols = self.children[0]._columns()
            if self.per_batch_map is None:
                self._layout = (child_cols, None, None, child_cols, None)
            else:
                map_node = MapDataset.__new__(MapDataset)
                map_node.children = self.children
                map_node.input_columns = self.input_columns if self.input_columns is not None else child_cols
                map_node.output_columns = self.output_columns
                map_node._layout = None
                self._layout = map_node._plan()
        return self._layout

    def _columns(self):
        return self._plan()[3]

    def _static_batch_size(self):
        return self.batch_size if isinstance(self.batch_size, int) else -1

    def _static_size(self):
        if not isinstance(self.batch_size, int):
            return None
        n = self.children[0]._static_size()
        if n is None:
            return None
        if n < 0:
            return n
        return n // self.batch_size if self.drop_remainder else math.ceil(n / self.batch_size)

    def _rows(self, ctx):
        self._plan()
        epoch = self._epoch
        self._epoch += 1
        if isinstance(self.batch_size, int) and self.per_batch_map is None:
            blocks = self.children[0]._blocks(ctx, self.batch_size)
            if blocks is not None:
                for block in blocks:
                    if len(block[0]) < self.batch_size and self.drop_remainder:
                        return
                    yield block
                return
        rows = iter(self.children[0]._rows(ctx))
        batch_num = 0
        while True:
            size = self._size_for(batch_num, epoch)
            chunk = list(itertools.islice(rows, size))
            if not chunk or (len(chunk) < size and self.drop_remainder):
                return
            yield self._make_batch(chunk, batch_num, epoch)
            batch_num += 1

    def _size_for(self, batch_num, epoch) -> int:
        if isinstance(self.batch_size, int):
            return self.batch_size
        try:
            size = self.batch_size(BatchInfo(batch_num, epoch))
        except Exception as exc:  # noqa: BLE001
            raise pyfunc_error() from exc
        if not isinstance(size, (int, np.integer)) or size <= 0:
            raise pipeline_error(f"Invalid batch_size function, batch_size should be positive, but got: {size}.")
        return int(size)

    def _make_batch(self, chunk, batch_num, epoch):
        if self.per_batch_map is None:
            return _rows.stack_rows(chunk)
        child_cols, in_idx, out_cols, _, order = self._plan()
        columns = [[row[i] for row in chunk] for i in in_idx]
        try:
            out = self.per_batch_map(*columns, BatchInfo(batch_num, epoch))
        except Exception as exc:  # noqa: BLE001
            raise pyfunc_error() from exc
        out = list(out) if isinstance(out, tuple) else [out]
        if len(out) != len(out_cols):
            raise pipeline_error("Invalid columns, the number of columns returned in 'per_batch_map' function "
                                 "should match the number of 'output_columns', but got the number of columns "
                                 f"returned in 'per_batch_map' function: {len(out)}, the number of "
                                 f"'output_columns': {len(out_cols)}.")
        stacked_out = [_rows.stack_column([_rows.to_array(v) for v in col], j) for j, col in enumerate(out)]
        rest = [_rows.stack_column([row[i] for row in chunk], i) for i in range(len(child_cols))]
        if order is None:
            for i, v in builtins.zip(in_idx, stacked_out):
                rest[i] = v
            return tuple(rest)
        return tuple(stacked_out) + tuple(rest[i] for i in order)


# ---------------------------------------------------------------------------------------------------- shuffle etc.
class ShuffleDataset(Dataset):
    """``dataset.shuffle``: a buffer of ``buffer_size`` rows; each output row is a random pick from it."""

    def __init__(self, input_dataset, buffer_size, reshuffle_each_epoch=True):
        super().__init__(input_dataset)
        self.buffer_size = buffer_size
        self.reshuffle_each_epoch = reshuffle_each_epoch
        self._fixed_seed = None if reshuffle_each_epoch else int(config._new_rng().integers(1 << 62))

    def _columns(self):
        return self.children[0]._columns()

    def _static_size(self):
        return self.children[0]._static_size()

    def is_shuffled(self):
        return True

    def _rows(self, ctx):
        rng = ctx.rng if self._fixed_seed is None else np.random.default_rng(self._fixed_seed)
        rows = iter(self.children[0]._rows(ctx))
        buffer = list(itertools.islice(rows, self.buffer_size))
        for row in rows:
            j = int(rng.integers(len(buffer)))
            yield buffer[j]
            buffer[j] = row
        order = rng.permutation(len(buffer))
        for j in order:
            yield buffer[j]


class RepeatDataset(Dataset):
    def __init__(self, input_dataset, count=None):
        super().__init__(input_dataset)
        self.count = -1 if count is None else count

    def _columns(self):
        return self.children[0]._columns()

    def get_repeat_count(self):
        return self.count

    def _static_size(self):
        n = self.children[0]._static_size()
        if self.count == -1:
            # MindSpore reports one pass of an endless repeat (counted on the child, never on the endless stream)
            return n if n is not None else sum(1 for _ in self.children[0]._rows(_Context()))
        return None if n is None else (n if n < 0 else n * self.count)

    def _rows(self, ctx):
        repeats = itertools.count() if self.count == -1 else range(self.count)
        for _ in repeats:
            yield from self.children[0]._rows(ctx)


class SkipDataset(Dataset):
    def __init__(self, input_dataset, count):
        super().__init__(input_dataset)
        self.count = count

    def _columns(self):
        return self.children[0]._columns()

    def _static_size(self):
        n = self.children[0]._static_size()
        return None if n is None else (n if n < 0 else max(n - self.count, 0))

    def _rows(self, ctx):
        return itertools.islice(self.children[0]._rows(ctx), self.count, None)


class TakeDataset(Dataset):
    def __init__(self, input_dataset, count=-1):
        super().__init__(input_dataset)
        self.count = count

    def _columns(self):
        return self.children[0]._columns()

    def _static_size(self):
        n = self.children[0]._static_size()
        if n is None or self.count == -1:
            return n
        return self.count if n < 0 else min(n, self.count)

    def _rows(self, ctx):
        rows = self.children[0]._rows(ctx)
        return rows if self.count == -1 else itertools.islice(rows, self.count)


class ZipDataset(Dataset):
    def __init__(self, datasets):
        super().__init__(list(datasets))

    def _columns(self):
        names = []
        for child in self.children:
            for name in child._columns():
                if name in names:
                    raise pipeline_error(f"Invalid data, duplicate column {name} already exists when zipping "
                                         f"datasets.")
                names.append(name)
        return names

    def _static_size(self):
        sizes = [child._static_size() for child in self.children]
        if any(s is None for s in sizes):
            return None
        finite = [s for s in sizes if s >= 0]
        return min(finite) if finite else -1

    def _rows(self, ctx):
        self._columns()
        for parts in builtins.zip(*(child._rows(ctx) for child in self.children)):
            yield tuple(v for part in parts for v in part)


class ConcatDataset(Dataset):
    def __init__(self, datasets):
        super().__init__(list(datasets))

    def _columns(self):
        names = self.children[0]._columns()
        for child in self.children[1:]:
            if child._columns() != names:
                raise pipeline_error("Invalid columns, the column names of all datasets to be concatenated "
                                     "should be the same.")
        return names

    def _static_batch_size(self):
        return self.children[0]._static_batch_size()

    def _static_size(self):
        sizes = [child._static_size() for child in self.children]
        return None if any(s is None or s < 0 for s in sizes) else sum(sizes)

    def _rows(self, ctx):
        for child in self.children:
            yield from child._rows(ctx)


class RenameDataset(Dataset):
    def __init__(self, input_dataset, input_columns, output_columns):
        super().__init__(input_dataset)
        self.input_columns = _as_list(input_columns)
        self.output_columns = _as_list(output_columns)

    def _columns(self):
        names = list(self.children[0]._columns())
        for old, new in builtins.zip(self.input_columns, self.output_columns):
            if old not in names:
                raise pipeline_error("Invalid column, column to be renamed does not exist.")
            names[names.index(old)] = new
        return names

    def _static_size(self):
        return self.children[0]._static_size()

    def _rows(self, ctx):
        self._columns()
        return self.children[0]._rows(ctx)

    def _blocks(self, ctx, n):
        self._columns()
        return self.children[0]._blocks(ctx, n)


class ProjectDataset(Dataset):
    def __init__(self, input_dataset, columns):
        super().__init__(input_dataset)
        self.columns = _as_list(columns)

    def _index(self):
        names = self.children[0]._columns()
        for name in self.columns:
            if name not in names:
                raise pipeline_error(f"Invalid column, column name: {name} does not exist.")
        return [names.index(c) for c in self.columns]

    def _columns(self):
        self._index()
        return list(self.columns)

    def _static_size(self):
        return self.children[0]._static_size()

    def _rows(self, ctx):
        idx = self._index()
        for row in self.children[0]._rows(ctx):
            yield tuple(row[i] for i in idx)

    def _blocks(self, ctx, n):
        idx = self._index()
        blocks = self.children[0]._blocks(ctx, n)
        return None if blocks is None else (tuple(b[i] for i in idx) for b in blocks)


class FilterDataset(Dataset):
    def __init__(self, input_dataset, predicate, input_columns=None):
        super().__init__(input_dataset)
        self.predicate = predicate
        self.input_columns = _as_list(input_columns)

    def _columns(self):
        return self.children[0]._columns()

    def _rows(self, ctx):
        names = self.children[0]._columns()
        cols = self.input_columns or names
        for name in cols:
            if name not in names:
                raise pipeline_error(f"Invalid parameter, column name: {name} does not exist in the dataset "
                                     f"columns.")
        idx = [names.index(c) for c in cols]
        for row in self.children[0]._rows(ctx):
            try:
                keep = self.predicate(*(row[i] for i in idx))
            except Exception as exc:  # noqa: BLE001
                raise pyfunc_error() from exc
            if bool(np.asarray(keep)):
                yield row
