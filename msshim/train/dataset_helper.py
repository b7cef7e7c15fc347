"""``DatasetHelper`` and ``connect_network_with_dataset`` (MindSpore's ``train/dataset_helper.py``).

msshim feeds every batch from the host, as MindSpore does on CPU: there is no device queue, so
``dataset_sink_mode=True`` iterates the dataset like the non-sink mode (``sink_size`` only reports through
:meth:`DatasetHelper.sink_size`), and the send-control methods do nothing.
"""
from __future__ import annotations

from msshim.nn.layer._conv_padding import check_bool


def _check_is_int(value) -> int:
    """``Validator.check_is_int`` without an argument name."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"The type of input value must be 'int', but got '{type(value).__name__}'.")
    return value


class _DatasetIterNormal:
    """One tuple iterator over ``epoch_num`` epochs: each ``for`` loop over it yields one epoch's batches (a
    list of Tensors per step), as MindSpore's multi-epoch iterator does."""

    def __init__(self, dataset, epoch_num=-1):
        self.dataset = dataset
        self.iter = dataset.create_tuple_iterator(num_epochs=epoch_num)

    def __iter__(self):
        return self

    def __next__(self):
        return next(self.iter)


class DatasetHelper:
    """``DatasetHelper(dataset, dataset_sink_mode=True, sink_size=-1, epoch_num=1)``: iterating it gives one
    epoch of the dataset's rows (lists of Tensors, column order)."""

    def __init__(self, dataset, dataset_sink_mode=True, sink_size=-1, epoch_num=1):
        check_bool(dataset_sink_mode)
        _check_is_int(sink_size)
        if sink_size < -1 or sink_size == 0:
            raise ValueError("The 'sink_size' must be -1 or positive, but got sink_size {}.".format(sink_size))
        if sink_size == -1:
            sink_size = dataset.get_dataset_size()
        self._sink_size = sink_size
        self._sink_mode = dataset_sink_mode
        self.iter = _DatasetIterNormal(dataset, epoch_num=epoch_num)

    def __iter__(self):
        return self.iter.__iter__()

    def sink_size(self) -> int:
        """Steps per sink: ``sink_size``, or the dataset size when it was -1.  A non-sink helper has none:
        AttributeError, as MindSpore's host iterator raises."""
        if not self._sink_mode:
            raise AttributeError("'_DatasetIterNormal' object has no attribute 'get_sink_size'")
        return self._sink_size

    def types_shapes(self):
        """``(types, shapes)`` of the dataset's output columns."""
        dataset = self.iter.dataset
        return dataset.output_types(), dataset.output_shapes()

    def stop_send(self):
        """No device queue in msshim: nothing to stop."""

    def release(self):
        """No device queue in msshim: nothing to release."""

    def continue_send(self):
        """No device queue in msshim: nothing to resume."""

    def get_data_info(self):
        return self.types_shapes()


def connect_network_with_dataset(network, dataset_helper):
    """MindSpore binds ``network`` to the device queue of a sink-mode ``dataset_helper``; msshim has no device
    queue, so the network (which takes the batches as arguments) is returned unchanged.  A non-sink helper
    raises RuntimeError, as in MindSpore."""
    if not dataset_helper._sink_mode:
        raise RuntimeError("The API 'connect_network_with_dataset' should be called in dataset sink mode.")
    return network


__all__ = ["DatasetHelper", "connect_network_with_dataset"]
