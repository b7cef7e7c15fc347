"""Source datasets: ``SourceDataset`` and ``MappableDataset`` (random-access sources read through a sampler)."""
from __future__ import annotations

import numpy as np

from msshim.dataset.engine import samplers
from msshim.dataset.engine.datasets import Dataset
from msshim.dataset.core.validator_helpers import replace_none

__all__ = ["SourceDataset", "MappableDataset", "UnionBaseDataset", "VisionBaseDataset", "TextBaseDataset",
           "AudioBaseDataset"]


class SourceDataset(Dataset):
    """A dataset that produces rows from outside the pipeline (files, Python objects)."""

    def __init__(self, num_parallel_workers=None, num_samples=None, shuffle=True, num_shards=None, shard_id=None,
                 cache=None):
        super().__init__(num_parallel_workers=num_parallel_workers)
        self.num_samples = replace_none(num_samples, 0)
        self.num_shards = replace_none(num_shards, 1)
        self.shard_id = replace_none(shard_id, 0)
        if shuffle is not None and not isinstance(shuffle, (bool, samplers.Shuffle)):
            raise TypeError("shuffle must be of boolean or enum of 'Shuffle' values like 'Shuffle.ADAPTIVE' or "
                            "'Shuffle.GLOBAL' or 'Shuffle.PARTIAL' or 'Shuffle.FILES' or 'Shuffle.INFILE'.")
        self.shuffle_flag = 0 if shuffle is False or shuffle == samplers.Shuffle.FALSE else 2

    def is_shuffled(self) -> bool:
        return self.shuffle_flag > 0

    def is_sharded(self) -> bool:
        return self.num_shards > 1


class MappableDataset(SourceDataset):
    """A random-access source: ``_num_rows()`` rows, read one by one (``_get_row``) or, when the subclass can,
    many at once (``_get_block``, stacked per column) in the order its sampler gives."""

    _has_block = False

    def __init__(self, num_parallel_workers=None, sampler=None, num_samples=None, shuffle=None, num_shards=None,
                 shard_id=None, cache=None):
        mode = None
        if sampler is None:
            mode = samplers.Shuffle.GLOBAL if shuffle is None or shuffle is True else samplers.Shuffle.FALSE
        super().__init__(num_parallel_workers=num_parallel_workers, num_samples=num_samples,
                         shuffle=mode if mode is not None else shuffle, num_shards=num_shards, shard_id=shard_id)
        self.sampler = samplers.select_sampler(num_samples, sampler, shuffle, num_shards, shard_id)

    # subclass hooks -------------------------------------------------------------------------------------
    def _num_rows(self) -> int:
        raise NotImplementedError

    def _get_row(self, index: int) -> tuple:
        raise NotImplementedError

    def _get_block(self, indices: np.ndarray) -> tuple:
        raise NotImplementedError

    # engine ---------------------------------------------------------------------------------------------
    def _indices(self, ctx) -> np.ndarray:
        return self.sampler._indices(self._num_rows(), ctx.rng)

    def _static_size(self):
        return self.sampler._count(self._num_rows())

    def _rows(self, ctx):
        get = self._get_row
        for i in self._indices(ctx).tolist():
            yield get(i)

    def _blocks(self, ctx, n):
        if not self._has_block:
            return None
        return self._block_iter(self._indices(ctx), n)

    def _block_iter(self, indices, n):
        for start in range(0, len(indices), n):
            yield self._get_block(indices[start:start + n])

    # public API -----------------------------------------------------------------------------------------
    def add_sampler(self, new_sampler) -> None:
        """Chain ``new_sampler`` after the current sampler."""
        self.dataset_size = None
        new_sampler.add_child(self.sampler)
        self.sampler = new_sampler

    def use_sampler(self, new_sampler) -> None:
        """Replace the sampler."""
        if new_sampler is None:
            raise TypeError("Input sampler can not be None.")
        if not isinstance(new_sampler, samplers.BuiltinSampler):
            raise TypeError("Input sampler is not an instance of a sampler.")
        self.dataset_size = None
        self.sampler = new_sampler

    def is_shuffled(self) -> bool:
        return self.sampler.is_shuffled()

    def is_sharded(self) -> bool:
        return self.sampler.is_sharded()

    def split(self, sizes, randomize=True):
        """Split the rows into non-overlapping datasets; with ``randomize`` the rows of each part are chosen at
        random once (same seed, same parts)."""
        from msshim.dataset.engine.datasets import _check_split
        _check_split(sizes, randomize)
        if self.is_sharded():
            raise RuntimeError("Dataset should not be sharded before split.")
        absolute = self._get_absolute_split_sizes(sizes)
        from msshim.dataset.core.config import _new_rng
        order = self._indices(type("Ctx", (), {"rng": _new_rng()})())
        if randomize:
            order = _new_rng().permutation(order)
        splits, start = [], 0
        for size in absolute:
            part = self._clone()
            part.sampler = samplers.SubsetSampler(order[start:start + size])
            part.dataset_size = None
            splits.append(part)
            start += size
        return tuple(splits)

    def _clone(self):
        clone = object.__new__(type(self))
        clone.__dict__.update(self.__dict__)
        return clone


class UnionBaseDataset(Dataset):
    """Marker base shared by vision, text and audio datasets (MindSpore's class tree)."""


VisionBaseDataset = TextBaseDataset = AudioBaseDataset = UnionBaseDataset
