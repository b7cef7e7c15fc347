"""Row helpers shared by the dataset nodes: MindSpore's conversion of Python values to column arrays, batching
(stacking) of rows, shapes and dtypes as MindSpore reports them, and its pipeline error format."""
from __future__ import annotations

import traceback

import numpy as np

_PIPELINE_ERROR = ("Exception thrown from dataset pipeline. Refer to 'Dataset Pipeline Error Message'. \n\n"
                   "------------------------------------------------------------------\n"
                   "- Dataset Pipeline Error Message: \n"
                   "------------------------------------------------------------------\n"
                   "[ERROR] {}\n")
_PYFUNC_ERROR = ("Exception thrown from user defined Python function in dataset. \n\n"
                 "------------------------------------------------------------------\n"
                 "- Python Call Stack: \n"
                 "------------------------------------------------------------------\n"
                 "{}\n")


def pipeline_error(message: str) -> RuntimeError:
    """The RuntimeError MindSpore's C++ engine raises, with its message layout."""
    return RuntimeError(_PIPELINE_ERROR.format(message))


def pyfunc_error(message: str = None) -> RuntimeError:
    """The RuntimeError MindSpore raises when user Python code in the pipeline fails (call stack included)."""
    return RuntimeError(_PYFUNC_ERROR.format(message if message is not None else traceback.format_exc()))


def is_pipeline_error(exc: BaseException) -> bool:
    return isinstance(exc, RuntimeError) and str(exc).startswith(("Exception thrown from", "Syntax error"))


def to_array(value, idx: int = None) -> np.ndarray:
    """A generator/map output value as a column array (MindSpore's ``_convert_row`` for one item)."""
    if isinstance(value, np.ndarray):
        if value.dtype == object:
            raise _object_error(value, idx)
        return value
    if hasattr(value, "asnumpy") and hasattr(value, "_t"):  # an msshim Tensor
        return value.asnumpy()
    if isinstance(value, dict):
        return value
    item = np.asarray(value)
    if item.dtype == object:
        raise _object_error(item, idx)
    return item


def _object_error(item, idx) -> TypeError:
    if idx is None:
        return TypeError("Data type of the input or its converted Numpy array is expected to be "
                         "int or float or str, but got {}.".format(item.dtype))
    return TypeError("Data type of {}th item of the input or its converted Numpy array is expected to be "
                     "int or float or str, but got {}.".format(idx, item.dtype))


def convert_row(row) -> tuple:
    """A source's Python row as a tuple of arrays (a lone value is a one-column row)."""
    if isinstance(row, (int, float, str, bytes, np.ndarray, np.number, np.bool_)) or hasattr(row, "_t"):
        return (to_array(row),)
    if isinstance(row, dict):
        return (row,)
    return tuple(to_array(x, i + 1) for i, x in enumerate(row))


def shape_text(shape) -> str:
    return "<" + ",".join(str(int(s)) for s in shape) + ">"


def stack_column(values: list, column: int) -> np.ndarray:
    """Batch one column: every element must have the same shape (MindSpore's BatchOp)."""
    first = values[0]
    shape = first.shape
    for v in values:
        if v.shape != shape:
            raise pipeline_error(f"Cannot batch tensors with different shapes in column {column}. First element "
                                 f"had shape {shape_text(shape)} and this element had shape {shape_text(v.shape)}")
    if first.dtype.kind in "US":
        return np.array(values)
    dtypes = {v.dtype for v in values}
    if len(dtypes) > 1:
        raise pipeline_error(f"Inconsistent batch type, batch operation expects same type for each data row, "
                             f"but got inconsistent type in column {column}.")
    return np.stack(values)


def stack_rows(rows: list) -> tuple:
    return tuple(stack_column([r[j] for r in rows], j) for j in range(len(rows[0])))


def report_dtype(array) -> np.dtype:
    """The dtype ``output_types()`` reports: strings and bytes lose their width (``<U0`` / ``|S0``)."""
    dtype = getattr(array, "dtype", None)
    if dtype is None:
        return np.dtype(object)
    if dtype.kind == "U":
        return np.dtype(np.str_)
    if dtype.kind == "S":
        return np.dtype(np.bytes_)
    return dtype
