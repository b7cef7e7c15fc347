"""``dataset.map`` and ``dataset.batch`` nodes (``MapDataset``, ``BatchDataset``, ``BatchInfo``; exported from
``mindspore.dataset.engine.datasets``).

Both place their output columns the same way: as many outputs as inputs replace the input columns in place,
otherwise the outputs come first and the untouched columns follow in their order (MindSpore's layout).
"""
from __future__ import annotations

import inspect
import itertools
import math

import numpy as np

from msshim.dataset.core.validator_helpers import check_columns, check_num_parallel_workers, check_pos_int32, type_check
from msshim.dataset.engine import _rows
from msshim.dataset.engine._rows import pipeline_error, pyfunc_error
from msshim.dataset.engine.datasets import Dataset, _as_list


def _column_layout(child_cols: list, in_cols: list, output_columns) -> tuple:
    """``(child columns, indices of the input columns, output column names, the node's column names, order)``:
    ``order`` is None when the outputs replace the inputs in place, else the indices of the untouched columns
    that follow the outputs."""
    for name in in_cols:
        if name not in child_cols:
            raise pipeline_error(f"Invalid parameter, input column name: {name} doesn't exist in the "
                                 f"dataset columns.")
    out_cols = output_columns if output_columns is not None else list(in_cols)
    in_idx = [child_cols.index(c) for c in in_cols]
    if len(out_cols) == len(in_cols):
        names = list(child_cols)
        for i, name in zip(in_idx, out_cols):
            names[i] = name
        return child_cols, in_idx, out_cols, names, None
    rest = [i for i, c in enumerate(child_cols) if c not in in_cols]
    return child_cols, in_idx, out_cols, list(out_cols) + [child_cols[i] for i in rest], rest


def _place(row, in_idx: list, outs: list, order) -> tuple:
    """The row with the outputs placed as ``_column_layout``'s ``order`` says."""
    if order is None:
        new = list(row)
        for i, v in zip(in_idx, outs):
            new[i] = v
        return tuple(new)
    return tuple(outs) + tuple(row[i] for i in order)


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
        """``_column_layout`` of the input columns (the first column by default)."""
        if self._layout is None:
            child_cols = self.children[0]._columns()
            in_cols = self.input_columns if self.input_columns is not None else child_cols[:1]
            self._layout = _column_layout(child_cols, in_cols, self.output_columns)
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
        return _place(row, in_idx, [_rows.to_array(v) for v in outs], order)

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
                in_cols = self.input_columns if self.input_columns is not None else child_cols
                self._layout = _column_layout(child_cols, in_cols, self.output_columns)
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
        return _place(rest, in_idx, stacked_out, order)

