"""``mindspore.dataset.transforms``: the operation base classes and the general transforms (Compose, TypeCast,
OneHot, Duplicate).

An operation works on numpy arrays: called directly (eager mode) it takes arrays (or msshim Tensors, lists ...)
and returns arrays; inside ``map`` it gets each row's column arrays.  Operations marked ``_batchable`` also
implement ``_batch`` on a block of rows stacked along a new first axis, which ``batch`` uses to transform a
whole batch at once.
"""
from __future__ import annotations

import numpy as np

from msshim.dataset.core.validator_helpers import check_positive, check_value, type_check
from msshim.dataset.engine._rows import pipeline_error

__all__ = ["TensorOperation", "PyTensorOperation", "Compose", "TypeCast", "OneHot", "Duplicate", "not_random",
           "Implementation"]


class Implementation:
    """Where MindSpore runs an operation (C++ or Python); informational in msshim."""
    C = "C"
    PY = "PY"


def _as_array(value) -> np.ndarray:
    if isinstance(value, np.ndarray):
        return value
    if hasattr(value, "asnumpy"):
        return value.asnumpy()
    try:
        return np.asarray(value)
    except (ValueError, TypeError) as exc:
        raise TypeError("Invalid user input. Got {}: {}, cannot be converted into tensor.".format(
            type(value), value)) from exc


class TensorOperation:
    """Base of the built-in operations: ``__call__`` converts inputs to arrays and runs ``_execute``."""

    _batchable = False

    def __init__(self):
        self.implementation = Implementation.C
        self.device_target = "CPU"
        self.random = False

    def __call__(self, *input_tensor_list):
        if len(input_tensor_list) == 1 and type(input_tensor_list[0]) is np.ndarray:
            return self._execute(input_tensor_list[0])
        return self._execute(*[_as_array(x) for x in input_tensor_list])

    def _execute(self, *arrays):
        raise NotImplementedError(f"{type(self).__name__} has to implement _execute().")

    def _batch(self, *blocks):
        """The operation on rows stacked along axis 0 (only for ``_batchable`` operations)."""
        raise NotImplementedError

    def device(self, device_target="CPU"):
        """MindSpore can run some operations on Ascend; msshim always runs them on the CPU."""
        type_check(device_target, (str,), "device_target")
        if device_target not in ("CPU", "Ascend"):
            raise ValueError("Input device_target is not within the valid set of ['CPU', 'Ascend'].")
        self.device_target = device_target
        return self

    def parse(self):
        """MindSpore builds its C++ operation here; msshim operations run in Python (returns self)."""
        return self


class PyTensorOperation(TensorOperation):
    """Base of operations MindSpore implements in Python."""

    def __init__(self):
        super().__init__()
        self.implementation = Implementation.PY
        self.transforms = []
        self.output_type = None


def not_random(function):
    """Mark a Python function as deterministic (MindSpore may cache its results; msshim just records it)."""
    function.random = False
    return function


class Compose(TensorOperation):
    """Apply ``transforms`` in order; each one's outputs are the next one's inputs."""

    def __init__(self, transforms):
        type_check(transforms, (list,), "transforms list")
        if not transforms:
            raise ValueError("transforms list can not be empty.")
        for i, op in enumerate(transforms):
            if not callable(op) and not hasattr(op, "parse"):
                raise TypeError("transforms[{0}] is neither a transforms op (TensorOperation) nor a callable "
                                "pyfunc.".format(i))
            if type(op) is type:
                raise ValueError("op_list[{}] should be a dataset processing operation instance, but got: {}. It "
                                 "may be missing parentheses for instantiation.".format(i, op))
        super().__init__()
        self.transforms = list(transforms)
        self._batchable = all(getattr(op, "_batchable", False) for op in self.transforms)

    def __call__(self, *args):
        for op in self.transforms:
            out = op(*args)
            args = out if isinstance(out, tuple) else (out,)
        return args[0] if len(args) == 1 else tuple(args)

    def _batch(self, *blocks):
        for op in self.transforms:
            out = op._batch(*blocks)
            blocks = out if isinstance(out, tuple) else (out,)
        return blocks[0] if len(blocks) == 1 else tuple(blocks)

    @staticmethod
    def reduce(operations):
        """MindSpore's helper that merges consecutive operations (kept for API compatibility)."""
        return operations


def _to_np_dtype(data_type, arg_name: str) -> np.dtype:
    from msshim.common import dtype as mstype
    if isinstance(data_type, mstype.Type):
        return np.dtype(mstype.dtype_to_nptype(data_type))
    if data_type is None:
        type_check(data_type, (mstype.Type, np.dtype), arg_name)
    try:
        return np.dtype(data_type)
    except (TypeError, ValueError):
        type_check(data_type, (mstype.Type, np.dtype), arg_name)
        raise


class TypeCast(TensorOperation):
    """Cast to ``data_type`` (a MindSpore dtype such as ``mindspore.int32`` or a numpy dtype); floats are
    truncated toward zero when cast to integers, as numpy's ``astype``."""

    _batchable = True

    def __init__(self, data_type):
        self._np_dtype = _to_np_dtype(data_type, "data_type")
        super().__init__()
        self.data_type = data_type

    def _execute(self, array):
        return array.astype(self._np_dtype)

    _batch = _execute


class OneHot(TensorOperation):
    """One-hot encode integer labels into ``num_classes`` columns (same dtype as the labels; with
    ``smoothing_rate`` float64 values ``1 - rate + rate / num_classes`` and ``rate / num_classes``).

    MindSpore 2.10 fills only the last row's hot entry when smoothing a 1-D label array (a C++ bug); msshim
    smooths every row."""

    _batchable = True

    def __init__(self, num_classes, smoothing_rate=0.0):
        type_check(smoothing_rate, (int, float), "smoothing_rate")
        type_check(num_classes, (int,), "num_classes")
        check_positive(num_classes)
        check_value(smoothing_rate, [0.0, 1.0], "smoothing_rate")
        super().__init__()
        self.num_classes = num_classes
        self.smoothing_rate = smoothing_rate

    def _execute(self, labels):
        if labels.dtype.kind not in "iu":
            raise pipeline_error("OneHot: OneHot only supports input of int type, but got:" + str(labels.dtype))
        if labels.size and (labels.max() >= self.num_classes or labels.min() < 0):
            bad = labels.max() if labels.max() >= self.num_classes else labels.min()
            raise pipeline_error(f"OneHot: index values should not bigger than num classes: {self.num_classes}, "
                                 f"but got: {int(bad)}")
        hot = labels[..., None] == np.arange(self.num_classes)
        if self.smoothing_rate:
            rate = self.smoothing_rate
            return np.where(hot, 1.0 - rate + rate / self.num_classes, rate / self.num_classes)
        return hot.astype(labels.dtype)

    _batch = _execute


class Duplicate(TensorOperation):
    """Return the input and a copy of it (two columns)."""

    _batchable = True

    def _execute(self, array):
        return array, array.copy()

    _batch = _execute
