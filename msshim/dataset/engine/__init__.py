"""The dataset engine: dataset nodes, sources, samplers and iterators."""
from msshim.dataset.engine.datasets import (BatchDataset, BatchInfo, ConcatDataset, Dataset, FilterDataset,
                                            MapDataset, ProjectDataset, RenameDataset, RepeatDataset,
                                            ShuffleDataset, SkipDataset, TakeDataset, ZipDataset, zip)
from msshim.dataset.engine._source import MappableDataset, SourceDataset
from msshim.dataset.engine.datasets_user_defined import GeneratorDataset, NumpySlicesDataset, PaddedDataset, Schema
from msshim.dataset.engine.datasets_vision import MnistDataset
from msshim.dataset.engine.iterators import DictIterator, Iterator, TupleIterator
from msshim.dataset.engine.samplers import (DistributedSampler, IterSampler, PKSampler, RandomSampler, Sampler,
                                            SequentialSampler, Shuffle, SubsetRandomSampler, SubsetSampler,
                                            WeightedRandomSampler)

__all__ = ["Dataset", "BatchInfo", "zip", "MappableDataset", "SourceDataset", "GeneratorDataset",
           "NumpySlicesDataset", "PaddedDataset", "Schema", "MnistDataset", "DistributedSampler", "PKSampler",
           "RandomSampler", "SequentialSampler", "SubsetRandomSampler", "SubsetSampler", "WeightedRandomSampler",
           "Sampler", "IterSampler", "Shuffle", "Iterator", "TupleIterator", "DictIterator", "BatchDataset",
           "MapDataset", "ShuffleDataset", "RepeatDataset", "SkipDataset", "TakeDataset", "ZipDataset",
           "ConcatDataset", "RenameDataset", "ProjectDataset", "FilterDataset"]
