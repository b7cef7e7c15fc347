"""``mindspore.dataset`` samplers: which row indices a mappable source reads in one epoch.

Each sampler turns the source's row count into an index array per epoch (``_indices(num_rows, rng)``);
random ones draw from the iterator's generator (seeded by ``dataset.config.set_seed``), so orders are
deterministic under a seed but differ from MindSpore's.
"""
from __future__ import annotations

import math
from enum import Enum

import numpy as np

from msshim.dataset.core.validator_helpers import INT32_MAX, type_check

__all__ = ["BuiltinSampler", "Sampler", "SequentialSampler", "RandomSampler", "DistributedSampler",
           "SubsetRandomSampler", "SubsetSampler", "WeightedRandomSampler", "PKSampler", "IterSampler", "Shuffle"]


class Shuffle(str, Enum):
    """Shuffle modes of source datasets."""
    ADAPTIVE = "adaptive"
    GLOBAL = "global"
    PARTIAL = "partial"
    FILES = "files"
    INFILE = "infile"
    FALSE = "false"


class BuiltinSampler:
    """Base class of MindSpore's built-in samplers."""

    def __init__(self, num_samples=None):
        self.child_sampler = None
        self.num_samples = num_samples

    def add_child(self, sampler) -> None:
        """Chain ``sampler``: this sampler then picks among the indices ``sampler`` produced."""
        self.child_sampler = sampler

    def get_child(self):
        return self.child_sampler

    def get_num_samples(self):
        return self.num_samples

    def is_shuffled(self) -> bool:
        shuffled = self._shuffled()
        return shuffled or (self.child_sampler is not None and self.child_sampler.is_shuffled())

    def is_sharded(self) -> bool:
        return self._sharded() or (self.child_sampler is not None and self.child_sampler.is_sharded())

    def get_shuffle_mode(self):
        return Shuffle.GLOBAL if self._shuffled() else Shuffle.FALSE

    def _shuffled(self) -> bool:
        return False

    def _sharded(self) -> bool:
        return False

    # engine side --------------------------------------------------------------------------------------
    def _indices(self, num_rows: int, rng: np.random.Generator) -> np.ndarray:
        """The epoch's indices into the source (through the child sampler, if any)."""
        if self.child_sampler is None:
            return self._own(num_rows, rng)
        base = self.child_sampler._indices(num_rows, rng)
        return base[self._own(len(base), rng)]

    def _count(self, num_rows: int) -> int:
        if self.child_sampler is not None:
            num_rows = self.child_sampler._count(num_rows)
        return self._own_count(num_rows)

    def _own(self, num_rows: int, rng) -> np.ndarray:
        raise NotImplementedError

    def _own_count(self, num_rows: int) -> int:
        return len(self._own(num_rows, np.random.default_rng(0)))

    def _cap(self, n: int) -> int:
        return n if not self.num_samples else min(n, self.num_samples)


def _check_num_samples(num_samples) -> None:
    if num_samples is not None:
        type_check(num_samples, (int,), "num_samples")
        if num_samples < 0 or num_samples > INT32_MAX:
            raise ValueError(f"num_samples exceeds the boundary between 0 and {INT32_MAX}(INT32_MAX)!")


class SequentialSampler(BuiltinSampler):
    """Rows ``start_index, start_index + 1, ...`` (``num_samples`` of them; all by default)."""

    def __init__(self, start_index=None, num_samples=None):
        if start_index is not None:
            type_check(start_index, (int,), "start_index")
            if start_index < 0:
                raise ValueError("start_index should be a non-negative integer.")
        _check_num_samples(num_samples)
        super().__init__(num_samples)
        self.start_index = start_index or 0

    def _own(self, num_rows, rng):
        start = min(self.start_index, num_rows)
        return np.arange(start, start + self._cap(num_rows - start), dtype=np.int64)

    def _own_count(self, num_rows):
        return self._cap(max(num_rows - self.start_index, 0))


class RandomSampler(BuiltinSampler):
    """A new random order every epoch; with ``replacement``, ``num_samples`` independent draws."""

    def __init__(self, replacement=False, num_samples=None, shuffle=Shuffle.GLOBAL):
        type_check(replacement, (bool,), "replacement")
        _check_num_samples(num_samples)
        super().__init__(num_samples)
        self.replacement = replacement
        self.reshuffle_each_epoch = True
        self._fixed = None

    def _shuffled(self):
        return True

    def _own(self, num_rows, rng):
        if not self.reshuffle_each_epoch:
            if self._fixed is None or len(self._fixed[0]) != num_rows:
                from msshim.dataset.core.config import _new_rng
                self._fixed = (self._draw(num_rows, _new_rng()),)
            return self._fixed[0]
        return self._draw(num_rows, rng)

    def _draw(self, num_rows, rng):
        if self.replacement:
            return rng.integers(0, max(num_rows, 1), self.num_samples or num_rows).astype(np.int64)
        return rng.permutation(num_rows)[:self._cap(num_rows)].astype(np.int64)

    def _own_count(self, num_rows):
        return (self.num_samples or num_rows) if self.replacement else self._cap(num_rows)


class DistributedSampler(BuiltinSampler):
    """Shard ``shard_id`` of ``num_shards``: rows ``shard_id, shard_id + num_shards, ...`` of the (shuffled)
    order, ``ceil(num_rows / num_shards)`` of them, wrapping around so every shard has the same count."""

    def __init__(self, num_shards, shard_id, shuffle=True, num_samples=None, offset=-1):
        type_check(num_shards, (int,), "num_shards")
        type_check(shard_id, (int,), "shard_id")
        if isinstance(shuffle, bool):
            shuffle = Shuffle.GLOBAL if shuffle else Shuffle.FALSE
        if num_shards <= 0:
            raise ValueError("num_shards should be a positive integer value, but got num_shards: {}.".format(
                num_shards))
        if shard_id < 0 or shard_id >= num_shards:
            raise ValueError("shard_id should in range [0, {}], but got shard_id: {}.".format(num_shards - 1,
                                                                                        shard_id))
        _check_num_samples(num_samples)
        super().__init__(num_samples)
        self.num_shards = num_shards
        self.shard_id = shard_id
        self.shuffle = shuffle != Shuffle.FALSE
        self.offset = offset

    def _shuffled(self):
        return self.shuffle

    def _sharded(self):
        return self.num_shards > 1

    def _own(self, num_rows, rng):
        if num_rows == 0:
            return np.zeros(0, np.int64)
        order = rng.permutation(num_rows) if self.shuffle else np.arange(num_rows)
        per_shard = math.ceil(num_rows / self.num_shards)
        picks = (self.shard_id + np.arange(per_shard) * self.num_shards) % num_rows
        return order[picks][:self._cap(per_shard)].astype(np.int64)

    def _own_count(self, num_rows):
        return self._cap(math.ceil(num_rows / self.num_shards)) if num_rows else 0


class SubsetSampler(BuiltinSampler):
    """Exactly the given indices, in the given order."""

    def __init__(self, indices, num_samples=None):
        if not isinstance(indices, (list, tuple, np.ndarray)):
            indices = [indices]
        for i, item in enumerate(indices):
            if not isinstance(item, (int, np.integer)) or isinstance(item, bool):
                raise TypeError("SubsetSampler: Type of indices element must be int, but got list[{}]: {}, "
                                "type: {}.".format(i, item, type(item)))
        _check_num_samples(num_samples)
        super().__init__(num_samples)
        self.indices = np.asarray(indices, dtype=np.int64).reshape(-1)

    def _own(self, num_rows, rng):
        idx = self.indices[:self._cap(len(self.indices))]
        if len(idx) and (idx.max() >= num_rows or idx.min() < 0):
            from msshim.dataset.engine._rows import pipeline_error
            raise pipeline_error(f"Invalid data, sample ID is out of bound, sample ID: {int(idx.max())}, "
                                 f"number of rows: {num_rows}.")
        return idx

    def _own_count(self, num_rows):
        return self._cap(len(self.indices))


class SubsetRandomSampler(SubsetSampler):
    """The given indices in a new random order every epoch."""

    def _shuffled(self):
        return True

    def _own(self, num_rows, rng):
        return rng.permutation(super()._own(num_rows, rng))


class WeightedRandomSampler(BuiltinSampler):
    """``num_samples`` draws of indices with probability proportional to ``weights``."""

    def __init__(self, weights, num_samples=None, replacement=True):
        if not isinstance(weights, (list, tuple, np.ndarray)) or len(weights) == 0:
            raise ValueError("weights size should not be 0")
        _check_num_samples(num_samples)
        super().__init__(num_samples)
        self.weights = np.asarray(weights, dtype=np.float64)
        if (self.weights < 0).any():
            raise ValueError("weights should not contain negative numbers.")
        self.replacement = replacement

    def _shuffled(self):
        return True

    def _own(self, num_rows, rng):
        n = self.num_samples or len(self.weights)
        p = self.weights / self.weights.sum()
        return rng.choice(len(self.weights), size=n, replace=self.replacement, p=p).astype(np.int64)

    def _own_count(self, num_rows):
        return self.num_samples or len(self.weights)


class PKSampler(BuiltinSampler):
    """Not supported by msshim (needs class labels from the source)."""

    def __init__(self, num_val, num_class=None, shuffle=False, class_column="label", num_samples=None):
        raise NotImplementedError("msshim: PKSampler is not supported.")


class Sampler(BuiltinSampler):
    """Base class for user-defined samplers: subclasses implement ``__iter__`` yielding row indices
    (``self.dataset_size`` holds the source's row count)."""

    def __init__(self, num_samples=None):
        super().__init__(num_samples)
        self.dataset_size = 0

    def __iter__(self):
        raise NotImplementedError

    def _own(self, num_rows, rng):
        self.dataset_size = num_rows
        idx = np.fromiter((int(i) for i in iter(self)), dtype=np.int64)
        return idx[:self._cap(len(idx))]


class IterSampler(Sampler):
    """Any iterable of indices given as ``sampler=`` (a list, a generator-producing object ...)."""

    def __init__(self, sampler, num_samples=None):
        super().__init__(num_samples)
        self.sampler = sampler

    def __iter__(self):
        return iter(self.sampler)


def select_sampler(num_samples, input_sampler, shuffle, num_shards, shard_id):
    """MindSpore's choice of sampler from a source's num_samples / sampler / shuffle / num_shards arguments."""
    if input_sampler is not None:
        if isinstance(input_sampler, BuiltinSampler) and any(
                arg is not None for arg in [num_shards, shard_id, shuffle, num_samples]):
            raise ValueError("Conflicting arguments during sampler assignments. num_samples: {}, num_shards: {},"
                             " shard_id: {}, shuffle: {}.".format(num_samples, num_shards, shard_id, shuffle))
        if isinstance(input_sampler, BuiltinSampler):
            return input_sampler
        if isinstance(input_sampler, (np.ndarray, list, tuple)):
            return SubsetSampler(input_sampler, num_samples)
        if isinstance(input_sampler, int):
            return SubsetSampler([input_sampler])
        if hasattr(input_sampler, "__iter__"):
            return IterSampler(input_sampler, num_samples)
        raise TypeError("Unsupported sampler object of type ({})".format(type(input_sampler)))
    if shuffle is None or shuffle is True or shuffle == Shuffle.GLOBAL:
        if num_shards is not None:
            return DistributedSampler(num_shards, shard_id, shuffle=True, num_samples=num_samples)
        if num_samples is not None:
            # (MindSpore draws with replacement when shuffle and num_samples are both given)
            return RandomSampler(replacement=True, num_samples=num_samples)
        return RandomSampler()
    if num_shards is not None:
        return DistributedSampler(num_shards, shard_id, shuffle=False, num_samples=num_samples)
    return SequentialSampler(num_samples=num_samples)
