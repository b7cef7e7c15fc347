"""Parallel execution: reading a random-access GeneratorDataset source with worker processes (a torch
DataLoader) or threads, and running a ``map(python_multiprocessing=True)`` in a forked process pool.

Row order is kept, so results equal the single-process path.  Worker failures come back as MindSpore's
RuntimeError with the worker's traceback.
"""
from __future__ import annotations

import multiprocessing
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from msshim.dataset.engine._rows import is_pipeline_error, pyfunc_error

_CHUNK = 64


def _identity(row):
    return row


class _Rows:
    """A torch map-style dataset over a GeneratorDataset's rows (fetched with its conversion and checks)."""

    def __init__(self, dataset):
        self.dataset = dataset

    def __getitem__(self, index):
        return self.dataset._get_row(index)

    def __len__(self):
        return self.dataset._num_rows()


def _fork_available() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def read_in_parallel(dataset, indices: np.ndarray, workers: int, processes: bool):
    """Rows ``indices`` of ``dataset`` in order, read by ``workers`` processes (or threads)."""
    indices = indices.tolist()
    if processes and _fork_available():
        from torch.utils.data import DataLoader
        loader = DataLoader(_Rows(dataset), batch_size=None, sampler=indices, num_workers=workers,
                            collate_fn=_identity, multiprocessing_context="fork")
        try:
            yield from loader
        except Exception as exc:  # noqa: BLE001 - re-raised as MindSpore reports worker failures
            if is_pipeline_error(exc):
                raise
            raise pyfunc_error(str(exc)) from exc
        return
    with ThreadPoolExecutor(workers) as pool:
        for start in range(0, len(indices), _CHUNK):
            yield from pool.map(dataset._get_row, indices[start:start + _CHUNK])


_MAP_NODES: dict = {}


def _apply_map(task):
    key, row = task
    node = _MAP_NODES[key]
    _, in_idx, out_cols, _, order = node._plan()
    try:
        return node._finish(row, node._apply([row[i] for i in in_idx]), in_idx, out_cols, order)
    except RuntimeError as exc:
        # the message (with the worker's traceback) survives pickling; the exception chain does not
        return RuntimeError(str(exc))


def map_in_processes(node, rows, workers: int):
    """``node``'s map over ``rows`` in a pool of forked processes (ops are inherited, not pickled)."""
    if not _fork_available():
        yield from _serial(node, rows)
        return
    key = id(node)
    _MAP_NODES[key] = node
    node._plan()
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for out in pool.imap(_apply_map, ((key, row) for row in rows), chunksize=8):
                if isinstance(out, RuntimeError):
                    raise out
                yield out
    finally:
        _MAP_NODES.pop(key, None)


def _serial(node, rows):
    _, in_idx, out_cols, _, order = node._plan()
    for row in rows:
        yield node._finish(row, node._apply([row[i] for i in in_idx]), in_idx, out_cols, order)
