"""``mindspore.dataset`` on numpy and PyTorch: sources (GeneratorDataset, NumpySlicesDataset, MnistDataset),
pipeline operations (map, batch, shuffle, repeat ...), iterators yielding msshim Tensors, samplers,
``config``, and the ``vision`` / ``transforms`` / ``text`` transform packages.

Shuffled orders are deterministic under ``config.set_seed`` (or ``mindspore.set_seed``) but are not MindSpore's.
"""
import importlib

from msshim.dataset.core import config
from msshim.dataset.engine import (BatchDataset, BatchInfo, ConcatDataset, Dataset, DictIterator,
                                   DistributedSampler, FilterDataset, GeneratorDataset, Iterator, IterSampler,
                                   MapDataset, MappableDataset, MnistDataset, NumpySlicesDataset, PaddedDataset,
                                   PKSampler, ProjectDataset, RandomSampler, RenameDataset, RepeatDataset, Sampler,
                                   Schema, SequentialSampler, Shuffle, ShuffleDataset, SkipDataset, SourceDataset,
                                   SubsetRandomSampler, SubsetSampler, TakeDataset, TupleIterator,
                                   WeightedRandomSampler, ZipDataset, zip)

__all__ = ["config", "BatchDataset", "BatchInfo", "ConcatDataset", "Dataset", "DictIterator", "DistributedSampler",
           "FilterDataset", "GeneratorDataset", "Iterator", "IterSampler", "MapDataset", "MappableDataset",
           "MnistDataset", "NumpySlicesDataset", "PaddedDataset", "PKSampler", "ProjectDataset", "RandomSampler",
           "RenameDataset", "RepeatDataset", "Sampler", "Schema", "SequentialSampler", "Shuffle", "ShuffleDataset",
           "SkipDataset", "SourceDataset", "SubsetRandomSampler", "SubsetSampler", "TakeDataset", "TupleIterator",
           "WeightedRandomSampler", "ZipDataset", "zip"]

_SUBPACKAGES = ("vision", "transforms", "text")


def __getattr__(name):
    if name in _SUBPACKAGES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_SUBPACKAGES))
