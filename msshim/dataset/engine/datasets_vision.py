"""Vision datasets read from their published file formats: ``MnistDataset``."""
from __future__ import annotations

import functools
import os

import numpy as np

from msshim.dataset.core.validator_helpers import (check_dir, check_sampler_shuffle_shard_options, check_valid_str,
                                                   parse_user_args, validate_dataset_param_value)
from msshim.dataset.engine._rows import pipeline_error
from msshim.dataset.engine._source import MappableDataset, VisionBaseDataset

__all__ = ["MnistDataset"]


def _check_mnist_args(method):
    @functools.wraps(method)
    def new_method(self, *args, **kwargs):
        _, param = parse_user_args(method, *args, **kwargs)
        check_dir(param.get("dataset_dir"))
        usage = param.get("usage")
        if usage is not None:
            check_valid_str(usage, ["train", "test", "all"], "usage")
        validate_dataset_param_value(["num_samples", "num_parallel_workers", "num_shards", "shard_id"], param, int)
        validate_dataset_param_value(["shuffle"], param, bool)
        check_sampler_shuffle_shard_options(param)
        return method(self, *args, **kwargs)

    return new_method


def _read_idx(path: str, magic: int, ndim: int) -> np.ndarray:
    """An idx-ubyte file: big-endian magic and ``ndim`` sizes, then the uint8 payload."""
    with open(path, "rb") as f:
        header = np.frombuffer(f.read(4 * (1 + ndim)), dtype=">u4")
        if len(header) != 1 + ndim or int(header[0]) != magic:
            raise pipeline_error(f"Invalid file, this file: {path} is not a valid MNIST file (magic number "
                                 f"{int(header[0]) if len(header) else 'missing'}, expected {magic}).")
        shape = tuple(int(s) for s in header[1:])
        data = np.fromfile(f, dtype=np.uint8)
    if data.size < int(np.prod(shape)):
        raise pipeline_error(f"Invalid file, failed to read {path}: expected {int(np.prod(shape))} bytes of data, "
                             f"got {data.size}.")
    return data[:int(np.prod(shape))].reshape(shape)


class MnistDataset(MappableDataset, VisionBaseDataset):
    """MNIST from its idx-ubyte files (``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``, ``t10k-*``).

    Columns: ``image`` uint8 of shape (28, 28, 1) (HWC) and ``label`` a uint32 scalar.  ``usage``: "train"
    (60,000 rows), "test" (10,000) or "all" (test then train: MindSpore reads the files in name order; the
    default).  Like every mappable source it is
    shuffled unless ``shuffle=False`` or a sampler is given.
    """

    _has_block = True

    @_check_mnist_args
    def __init__(self, dataset_dir, usage=None, num_samples=None, num_parallel_workers=None, shuffle=None,
                 sampler=None, num_shards=None, shard_id=None, cache=None):
        super().__init__(num_parallel_workers=num_parallel_workers, sampler=sampler, num_samples=num_samples,
                         shuffle=shuffle, num_shards=num_shards, shard_id=shard_id)
        self.dataset_dir = dataset_dir
        self.usage = usage if usage is not None else "all"
        self._data = None

    def _columns(self):
        return ["image", "label"]

    def _load(self):
        if self._data is None:
            # "all" reads the files in name order, so the test images (t10k-*) come first, as in MindSpore
            prefixes = {"train": ["train"], "test": ["t10k"], "all": ["t10k", "train"]}[self.usage]
            names = sorted(os.listdir(self.dataset_dir))
            images, labels = [], []
            for prefix in prefixes:
                image_files = [n for n in names if f"{prefix}-images-idx3-ubyte" in n and not n.endswith(".gz")]
                label_files = [n for n in names if f"{prefix}-labels-idx1-ubyte" in n and not n.endswith(".gz")]
                for image_name, label_name in zip(image_files, label_files):
                    image = _read_idx(os.path.join(self.dataset_dir, image_name), 2051, 3)
                    label = _read_idx(os.path.join(self.dataset_dir, label_name), 2049, 1)
                    if len(image) != len(label):
                        raise pipeline_error(f"Invalid data, num of images: {len(image)} is not equal to num of "
                                             f"labels: {len(label)}.")
                    images.append(image)
                    labels.append(label)
            if not images:
                raise pipeline_error("Invalid data, MnistDataset API can't read the data file (interface mismatch "
                                     "or no data found). Check mnist file in directory: " + self.dataset_dir)
            image = np.concatenate(images)
            self._data = (image.reshape(image.shape + (1,)), np.concatenate(labels).astype(np.uint32))
        return self._data

    def _num_rows(self):
        return len(self._load()[1])

    def _get_row(self, index):
        images, labels = self._load()
        return images[index].copy(), np.array(labels[index])

    def _get_block(self, indices):
        images, labels = self._load()
        return images[indices], labels[indices]

    def num_classes(self):
        return None
