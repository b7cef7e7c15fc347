"""The row-order and column-structure nodes: shuffle, repeat, skip, take, zip, concat, rename, project and
filter (exported from ``mindspore.dataset.engine.datasets``)."""
from __future__ import annotations

import itertools

import numpy as np

from msshim.dataset.core import config
from msshim.dataset.engine._rows import pipeline_error, pyfunc_error
from msshim.dataset.engine.datasets import Dataset, _as_list, _Context


class _OneChild(Dataset):
    """A node over one child: its columns, and unless the node says otherwise its row count, are the child's."""

    def _columns(self):
        return self.children[0]._columns()

    def _static_size(self):
        return self.children[0]._static_size()


class ShuffleDataset(_OneChild):
    """``dataset.shuffle``: a buffer of ``buffer_size`` rows; each output row is a random pick from it."""

    def __init__(self, input_dataset, buffer_size, reshuffle_each_epoch=True):
        super().__init__(input_dataset)
        self.buffer_size = buffer_size
        self.reshuffle_each_epoch = reshuffle_each_epoch
        self._fixed_seed = None if reshuffle_each_epoch else int(config._new_rng().integers(1 << 62))

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


class RepeatDataset(_OneChild):
    def __init__(self, input_dataset, count=None):
        super().__init__(input_dataset)
        self.count = -1 if count is None else count

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


class SkipDataset(_OneChild):
    def __init__(self, input_dataset, count):
        super().__init__(input_dataset)
        self.count = count

    def _static_size(self):
        n = self.children[0]._static_size()
        return None if n is None else (n if n < 0 else max(n - self.count, 0))

    def _rows(self, ctx):
        return itertools.islice(self.children[0]._rows(ctx), self.count, None)


class TakeDataset(_OneChild):
    def __init__(self, input_dataset, count=-1):
        super().__init__(input_dataset)
        self.count = count

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
        for parts in zip(*(child._rows(ctx) for child in self.children)):
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


class RenameDataset(_OneChild):
    def __init__(self, input_dataset, input_columns, output_columns):
        super().__init__(input_dataset)
        self.input_columns = _as_list(input_columns)
        self.output_columns = _as_list(output_columns)

    def _columns(self):
        names = list(self.children[0]._columns())
        for old, new in zip(self.input_columns, self.output_columns):
            if old not in names:
                raise pipeline_error("Invalid column, column to be renamed does not exist.")
            names[names.index(old)] = new
        return names

    def _rows(self, ctx):
        self._columns()
        return self.children[0]._rows(ctx)

    def _blocks(self, ctx, n):
        self._columns()
        return self.children[0]._blocks(ctx, n)


class ProjectDataset(_OneChild):
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

    def _rows(self, ctx):
        idx = self._index()
        for row in self.children[0]._rows(ctx):
            yield tuple(row[i] for i in idx)

    def _blocks(self, ctx, n):
        idx = self._index()
        blocks = self.children[0]._blocks(ctx, n)
        return None if blocks is None else (tuple(b[i] for i in idx) for b in blocks)


class FilterDataset(_OneChild):
    def __init__(self, input_dataset, predicate, input_columns=None):
        super().__init__(input_dataset)
        self.predicate = predicate
        self.input_columns = _as_list(input_columns)

    def _static_size(self):
        return None  # known only by iterating

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
