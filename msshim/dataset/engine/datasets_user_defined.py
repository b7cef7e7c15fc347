"""User-defined sources: ``GeneratorDataset`` (random-access, iterable or generator-function sources) and
``NumpySlicesDataset`` (Python lists / tuples / dicts / arrays sliced along their first dimension)."""
from __future__ import annotations

import builtins
import collections.abc
from types import GeneratorType

import numpy as np

from msshim.dataset.core.validator_helpers import (INT32_MAX, check_columns, check_dataset_num_shards_shard_id,
                                                   check_value, parse_user_args, type_check,
                                                   validate_dataset_param_value)
from msshim.dataset.engine import samplers
from msshim.dataset.engine._rows import convert_row, pyfunc_error, stack_rows, to_array
from msshim.dataset.engine._source import MappableDataset, UnionBaseDataset

__all__ = ["GeneratorDataset", "NumpySlicesDataset", "PaddedDataset", "Schema"]


class Schema:
    """Column names, types and shapes of a dataset (only what GeneratorDataset needs from it)."""

    def __init__(self, schema_file=None):
        if schema_file is not None:
            raise NotImplementedError("msshim: schema files are not supported; use Schema().add_column().")
        self.columns = []

    def add_column(self, name, de_type, shape=None) -> None:
        type_check(name, (str,), "name")
        self.columns.append({"name": name, "type": de_type, "shape": shape})

    def parse_columns(self, columns) -> None:
        if isinstance(columns, dict):
            columns = [dict(name=k, **v) for k, v in columns.items()]
        for column in columns:
            self.add_column(column["name"], column["type"], column.get("shape"))

    def to_json(self) -> str:
        import json
        return json.dumps({"columns": [{**c, "type": str(c["type"])} for c in self.columns]})


def _check_generator_args(method):
    import functools

    @functools.wraps(method)
    def new_method(self, *args, **kwargs):
        _, param = parse_user_args(method, *args, **kwargs)
        source = param.get("source")
        if not callable(source):
            try:
                iter(source)
            except TypeError as exc:
                raise TypeError("Input `source` function of GeneratorDataset should be callable, iterable or random"
                                " accessible, commonly it should implement one of the method like yield, "
                                "__getitem__ or __next__(__iter__).") from exc
        column_names = param.get("column_names")
        if column_names is not None:
            check_columns(column_names, "column_names")
        schema = param.get("schema")
        if column_names is None and schema is None:
            raise ValueError("Neither columns_names nor schema are provided.")
        if schema is not None and not isinstance(schema, (Schema, str)):
            raise ValueError("schema should be a path to schema file or a schema object.")
        validate_dataset_param_value(["max_rowsize", "num_samples", "num_parallel_workers", "num_shards",
                                      "shard_id"], param, int)
        validate_dataset_param_value(["column_types"], param, list)
        validate_dataset_param_value(["shuffle", "python_multiprocessing"], param, bool)
        if param.get("max_rowsize") is not None:
            check_value(param["max_rowsize"], [-1, INT32_MAX], "max_rowsize")
        num_shards, shard_id = param.get("num_shards"), param.get("shard_id")
        check_dataset_num_shards_shard_id(num_shards, shard_id)
        sampler = param.get("sampler")
        if sampler is not None:
            if isinstance(sampler, samplers.PKSampler):
                raise ValueError("GeneratorDataset doesn't support PKSampler.")
            if not isinstance(sampler, samplers.BuiltinSampler):
                try:
                    iter(sampler)
                except TypeError as exc:
                    raise TypeError("sampler should be either iterable or from mindspore.dataset.samplers.") from exc
        batch_sampler, collate_fn = param.get("batch_sampler"), param.get("collate_fn")
        if batch_sampler is not None:
            if not all(param.get(p) is None for p in ("num_samples", "shuffle", "num_shards", "shard_id",
                                                      "sampler")):
                raise ValueError("batch_sampler is mutually exclusive with num_samples, shuffle, num_shards, "
                                 "shard_id and sampler.")
            if not isinstance(batch_sampler, (samplers.BuiltinSampler, collections.abc.Iterable)):
                raise TypeError("batch_sampler should have __getitem__ or __iter__ method.")
        if collate_fn is not None:
            if batch_sampler is None:
                raise ValueError("collate_fn can be specified only when batch_sampler is set.")
            if not callable(collate_fn):
                raise TypeError("collate_fn should be callable.")
        if not hasattr(source, "__getitem__"):
            for name in ("sampler", "batch_sampler", "num_shards"):
                if param.get(name) is not None:
                    raise ValueError(f"{name} is not supported if source does not have attribute '__getitem__'.")
        return method(self, *args, **kwargs)

    return new_method


class _GeneratorWrapper:
    """Lets a generator object be iterated again (MindSpore's behaviour: later epochs continue it)."""

    def __init__(self, generator):
        self.generator = generator

    def __iter__(self):
        return self.generator


class GeneratorDataset(MappableDataset, UnionBaseDataset):
    """Rows from Python: a random-access source (``__getitem__`` + ``__len__``, read through the sampler), an
    iterable (``__iter__``) or a generator function (called once per epoch).

    Values are converted as MindSpore does: Python ints become int64 arrays, floats float64, bools bool, str
    ``<U`` arrays, msshim Tensors their numpy arrays.  With ``num_parallel_workers > 1`` a random-access source
    is read by worker processes (a torch DataLoader; ``python_multiprocessing=False``: threads).
    """

    @_check_generator_args
    def __init__(self, source, column_names=None, column_types=None, schema=None, num_samples=None,
                 num_parallel_workers=1, shuffle=None, sampler=None, num_shards=None, shard_id=None,
                 python_multiprocessing=True, max_rowsize=None, batch_sampler=None, collate_fn=None):
        super().__init__(num_parallel_workers=num_parallel_workers, sampler=sampler, num_samples=num_samples,
                         shuffle=shuffle, num_shards=num_shards, shard_id=shard_id)
        if isinstance(source, builtins.zip):
            source = list(source)
        if isinstance(source, GeneratorType):
            source = _GeneratorWrapper(source)
        self.source = source
        if column_names is not None:
            self.column_names = [column_names] if isinstance(column_names, str) else list(column_names)
        else:
            self.column_names = [c["name"] for c in (schema.columns if isinstance(schema, Schema) else [])]
        self.column_types = column_types or []
        self.schema = schema
        self.python_multiprocessing = python_multiprocessing
        self.batch_sampler = batch_sampler
        self.collate_fn = collate_fn
        self.random_access = hasattr(source, "__getitem__")
        self.source_len = len(source) if hasattr(source, "__len__") else -1
        self._np_types = [_np_dtype(t) for t in self.column_types]

    def _columns(self):
        return list(self.column_names)

    def _num_rows(self):
        if self.source_len == -1:
            raise RuntimeError("Attempt to construct a random access dataset, '__len__' method is required!")
        return self.source_len

    def _static_size(self):
        if self.batch_sampler is not None:
            return len(self.batch_sampler) if hasattr(self.batch_sampler, "__len__") else None
        if self.random_access:
            return super()._static_size()
        if self.source_len >= 0:
            return min(self.source_len, self.num_samples) if self.num_samples else self.source_len
        return None

    def _check(self, row) -> tuple:
        if len(row) != len(self.column_names):
            raise pyfunc_error("Invalid Python function, the 'source' of 'GeneratorDataset' should return same "
                               "number of NumPy arrays as specified in column_names, the size of column_names is:"
                               f"{len(self.column_names)} and number of returned NumPy array is:{len(row)}")
        if self._np_types:
            row = tuple(v.astype(t, copy=False) if isinstance(v, np.ndarray) else v
                        for v, t in builtins.zip(row, self._np_types))
        return row

    def _get_row(self, index):
        try:
            row = convert_row(self.source[index])
        except Exception as exc:  # noqa: BLE001 - MindSpore wraps any source failure
            raise pyfunc_error() from exc
        return self._check(row)

    def _rows(self, ctx):
        if self.batch_sampler is not None:
            return self._batch_sampler_rows()
        if self.random_access:
            workers = self.num_parallel_workers or 1
            if workers > 1:
                from msshim.dataset.engine._workers import read_in_parallel
                return read_in_parallel(self, self._indices(ctx), workers, self.python_multiprocessing)
            return super()._rows(ctx)
        return self._stream_rows()

    def _stream_rows(self):
        try:
            it = iter(self.source()) if not hasattr(self.source, "__iter__") else iter(self.source)
        except Exception as exc:  # noqa: BLE001
            raise pyfunc_error() from exc
        count = 0
        while not self.num_samples or count < self.num_samples:
            try:
                value = next(it)
            except StopIteration:
                return
            except Exception as exc:  # noqa: BLE001
                raise pyfunc_error() from exc
            try:
                row = convert_row(value)
            except Exception as exc:  # noqa: BLE001
                raise pyfunc_error() from exc
            yield self._check(row)
            count += 1

    def _batch_sampler_rows(self):
        for indices in self.batch_sampler:
            rows = [self._get_row(int(i)) for i in indices]
            if self.collate_fn is None:
                yield stack_rows(rows)
                continue
            columns = [[r[j] for r in rows] for j in range(len(self.column_names))]
            try:
                out = self.collate_fn(*columns)
            except Exception as exc:  # noqa: BLE001
                raise pyfunc_error() from exc
            yield tuple(to_array(v) for v in (out if isinstance(out, tuple) else (out,)))

    def __getitem__(self, index):
        type_check(index, (int, np.number), "index")
        if not hasattr(self.source, "__getitem__"):
            raise RuntimeError("Dataset don't support randomized access.")
        if self.batch_sampler is not None:
            raise RuntimeError("GeneratorDataset with batch_sampler does not support random access.")
        if isinstance(self.sampler, samplers.SequentialSampler) and self.sampler.child_sampler is None:
            return self.source[int(index) + self.sampler.start_index]
        from msshim.dataset.core.config import _new_rng
        mapped = self.sampler._indices(self._num_rows(), _new_rng())
        return self.source[int(mapped[int(index)])]

    def __len__(self):
        return self.get_dataset_size()


def _np_dtype(t):
    from msshim.common import dtype as mstype
    if isinstance(t, mstype.Type):
        return np.dtype(mstype.dtype_to_nptype(t))
    return np.dtype(t)


class _Slices:
    """The columns of NumpySlicesDataset's data (MindSpore's ``_NumpySlicesDataset``), kept as numpy arrays
    where the column converts cleanly so rows and batches are plain indexing."""

    def __init__(self, data, column_list=None):
        self.column_list = None
        if isinstance(data, dict):
            data = self._process_dict(data)
        self.data = data if isinstance(data, tuple) else (data,)
        lengths = [len(d) for d in self.data]
        if lengths[1:] != lengths[:-1]:
            raise ValueError("Data length in each column is not equal.")
        if column_list is not None:
            self.column_list = [column_list] if isinstance(column_list, str) else list(column_list)
        elif self.column_list is None:
            self.column_list = ["column_" + str(i) for i in range(len(self.data))]
        self.arrays = [self._as_array(d) for d in self.data]

    @staticmethod
    def _as_array(column):
        if isinstance(column, np.ndarray):
            return column
        try:
            array = np.asarray(column)
        except ValueError:  # ragged
            return None
        return None if array.dtype == object else array

    def _process_dict(self, input_data):
        keys = list(input_data.keys())
        if hasattr(input_data[keys[0]], "values"):  # pandas-like columns
            input_data = {k: input_data[k].values for k in keys}
        self.column_list = keys
        return tuple(list(input_data[k]) for k in keys)

    def __getitem__(self, index):
        return tuple(d[index] for d in self.data)

    def __len__(self):
        return len(self.data[0])


def _check_slices_args(data, column_names) -> None:
    type_check(data, (list, tuple, dict, np.ndarray), "data")
    if data is None or len(data) == 0:  # noqa: PLC1802
        raise ValueError("Argument data cannot be empty")
    if isinstance(data, tuple):
        type_check(data[0], (list, np.ndarray), "data[0]")
    if column_names is not None:
        check_columns(column_names, "column_names")
        column_num = 1 if isinstance(column_names, str) else len(column_names)
        if isinstance(data, dict):
            required = len(list(data.keys()))
        elif isinstance(data, tuple):
            required = len(data)
        else:
            if column_num != 1:
                raise ValueError("Num of input column names is {0}, but required is {1} as data is list."
                                 .format(column_num, 1))
            return
        if column_num != required:
            raise ValueError("Num of input column names is {0}, but required is {1}.".format(column_num, required))


class NumpySlicesDataset(GeneratorDataset):
    """Rows are slices along the first dimension of ``data``: a list (one column ``column_0``), a tuple of
    lists/arrays (``column_0``, ``column_1`` ...) or a dict (its keys name the columns)."""

    def __init__(self, data, column_names=None, num_samples=None, num_parallel_workers=1, shuffle=None,
                 sampler=None, num_shards=None, shard_id=None):
        _check_slices_args(data, column_names)
        slices = _Slices(data, column_names)
        super().__init__(slices, column_names=slices.column_list, num_samples=num_samples,
                         num_parallel_workers=num_parallel_workers, shuffle=shuffle, sampler=sampler,
                         num_shards=num_shards, shard_id=shard_id)
        self._arrays = slices.arrays
        self._has_block = all(a is not None for a in self._arrays)

    def _get_row(self, index):
        if self._has_block:
            return tuple(np.asarray(a[index]) for a in self._arrays)
        return super()._get_row(index)

    def _get_block(self, indices):
        return tuple(_narrow(a[indices]) for a in self._arrays)


def _narrow(block: np.ndarray) -> np.ndarray:
    """Strings take the width of the longest one in the block (as stacking the rows would give)."""
    if block.dtype.kind in "US" and block.size:
        width = int(np.char.str_len(block).max())
        return block.astype(f"{block.dtype.kind}{max(width, 1)}")
    return block


class PaddedDataset(GeneratorDataset):
    """Rows given as a list of dicts (column name -> value)."""

    def __init__(self, padded_samples):
        if not isinstance(padded_samples, list) or not padded_samples:
            raise TypeError("padded_samples should be a non-empty list of dict.")
        names = list(padded_samples[0].keys())
        rows = [tuple(sample[k] for k in names) for sample in padded_samples]
        super().__init__(rows, column_names=names, shuffle=False)
