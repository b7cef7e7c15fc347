"""``SequentialCell``, ``CellList`` and ``CellDict`` with MindSpore's child names ("0", "1", ... or dict keys)
and MindSpore's parameter renaming (each child's parameters are prefixed with ``<key>.``)."""
from __future__ import annotations

from collections import OrderedDict
from typing import Iterable

from msshim.nn.cell import Cell


def _valid_cell(cell, owner: str) -> None:
    if not isinstance(cell, Cell):
        raise TypeError(f"For '{owner}', each cell should be subclass of Cell, but got {type(cell).__name__}.")


class _IndexedCells(Cell):
    """Shared list behaviour of SequentialCell and CellList."""

    def _add(self, key: str, cell: Cell) -> None:
        _valid_cell(cell, type(self).__name__)
        self.insert_child_to_cell(key, cell)
        if self._auto_prefix:
            cell.update_parameters_name(key + ".")

    def _key(self, index: int) -> str:
        n = len(self)
        if not -n <= index < n:
            raise IndexError(f"For '{type(self).__name__}', the value of 'index' should be a number in range "
                             f"[{-n}, {n}), but got {index}.")
        return list(self._modules.keys())[index % n]

    def __getitem__(self, index):
        if isinstance(index, slice):
            return type(self)(list(self._modules.values())[index])
        if isinstance(index, str):
            return self._modules[index]
        return self._modules[self._key(index)]

    def __setitem__(self, index, cell) -> None:
        _valid_cell(cell, type(self).__name__)
        key = self._key(index)
        self._modules[key] = cell
        if self._auto_prefix:
            cell.update_parameters_name(key + ".")

    def __delitem__(self, index) -> None:
        keys = list(self._modules.keys())
        for key in (keys[index] if isinstance(index, slice) else [self._key(index)]):
            del self._modules[key]
        self._renumber()

    def _renumber(self) -> None:
        cells = list(self._modules.values())
        self._modules.clear()
        for i, cell in enumerate(cells):
            self._modules[str(i)] = cell

    def __len__(self) -> int:
        return len(self._modules)

    def __bool__(self) -> bool:
        return len(self._modules) != 0

    def __iter__(self):
        return iter(self._modules.values())

    def append(self, cell: Cell) -> "_IndexedCells":
        self._add(str(len(self)), cell)
        return self

    def extend(self, cells: Iterable[Cell]) -> "_IndexedCells":
        for cell in cells:
            self.append(cell)
        return self

    def insert(self, index: int, cell: Cell) -> None:
        _valid_cell(cell, type(self).__name__)
        cells = list(self._modules.values())
        cells.insert(index, cell)
        self._modules.clear()
        for i, c in enumerate(cells):
            self._add(str(i), c)


class SequentialCell(_IndexedCells):
    """``SequentialCell(*cells)`` or ``SequentialCell([cells])`` or ``SequentialCell(OrderedDict)``."""

    _builtin_layer = False

    def __init__(self, *args):
        super().__init__()
        if len(args) == 1 and isinstance(args[0], OrderedDict):
            for name, cell in args[0].items():
                self._add(name, cell)
        elif len(args) == 1 and isinstance(args[0], list):
            for index, cell in enumerate(args[0]):
                self._add(str(index), cell)
        elif len(args) == 1 and not isinstance(args[0], Cell):
            raise TypeError(f"For 'SequentialCell', the 'args[0]' must be Cell, list or orderedDict, but got "
                            f"{type(args[0]).__name__}")
        else:
            for index, cell in enumerate(args):
                self._add(str(index), cell)

    def construct(self, input_data):
        for cell in self._modules.values():
            input_data = cell(input_data)
        return input_data


class CellList(_IndexedCells):
    """A list of cells, indexed like a Python list; it has no construct of its own."""

    def __init__(self, *args, **kwargs):
        auto_prefix = kwargs.pop("auto_prefix", True)
        super().__init__(auto_prefix=auto_prefix)
        if args:
            self.extend(args[0])

    def construct(self, *inputs):
        raise AttributeError("For 'CellList', the method 'construct' is not defined: iterate over the cells.")


class CellDict(Cell):
    """An ordered mapping of names to cells."""

    def __init__(self, *args, **kwargs):
        auto_prefix = kwargs.pop("auto_prefix", True)
        super().__init__(auto_prefix=auto_prefix)
        if args:
            self.update(args[0])

    def _set(self, key: str, cell: Cell) -> None:
        _valid_cell(cell, "CellDict")
        self.insert_child_to_cell(key, cell)
        if self._auto_prefix:
            cell.update_parameters_name(key + ".")

    def __getitem__(self, key: str) -> Cell:
        return self._modules[key]

    def __setitem__(self, key: str, cell: Cell) -> None:
        self._set(key, cell)

    def __delitem__(self, key: str) -> None:
        del self._modules[key]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules)

    def __contains__(self, key) -> bool:
        return key in self._modules

    def keys(self):
        return self._modules.keys()

    def values(self):
        return self._modules.values()

    def items(self):
        return self._modules.items()

    def clear(self) -> None:
        self._modules.clear()

    def pop(self, key: str) -> Cell:
        return self._modules.pop(key)

    def update(self, cells) -> None:
        items = cells.items() if hasattr(cells, "items") else cells
        for key, cell in items:
            self._set(key, cell)

    def construct(self, *inputs):
        raise AttributeError("For 'CellDict', the method 'construct' is not defined: look cells up by key.")
