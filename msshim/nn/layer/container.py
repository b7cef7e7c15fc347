"""``SequentialCell``, ``CellList`` and ``CellDict`` with MindSpore's child keys ("0", "1", ... or dict keys)
and MindSpore's parameter renaming.

A container that already sits inside another cell does not know its own attribute path; like MindSpore,
it infers the prefix of a newly added child's parameters from the names its existing children's parameters
already carry (``_get_prefix_and_index``), so ``self.layers.append(...)`` yields ``layers.3.weight``.
"""
from __future__ import annotations

from collections import OrderedDict, abc

from msshim.nn.cell import Cell


def _valid_index(length: int, index, cls_name: str) -> int:
    if not isinstance(index, int) or isinstance(index, bool):
        raise TypeError(f"For '{cls_name}', the type of 'index' must be int or slice, but got "
                        f"{type(index).__name__}.")
    if not -length <= index < length:
        raise IndexError(f"For '{cls_name}', the value of 'index' should be a number in range [{-length}, "
                         f"{length}), but got {index}.")
    return index % length


def _valid_index_for_inserting(length: int, index: int, cls_name: str) -> int:
    if not isinstance(index, int) or isinstance(index, bool):
        raise TypeError(f"For '{cls_name}', the type of 'index' must be int, but got {type(index).__name__}.")
    if not -length <= index <= length:
        raise IndexError(f"For '{cls_name}', the value of 'index' should be a number in range [{-length}, "
                         f"{length}], but got {index}.")
    return index % length if index != length else length


def _valid_cell(cell, cls_name: str) -> bool:
    if not isinstance(cell, Cell) or isinstance(cell, CellDict):
        raise TypeError(f"For '{cls_name}', each cell should be subclass of Cell, but got "
                        f"{type(cell).__name__}.")
    return True


def _get_prefix_and_index(cells: "OrderedDict[str, Cell]") -> tuple[str, int]:
    """The name prefix the children's parameters carry, and the position of the child key in their names."""
    first_param = first_key = second_param = second_key = None
    for key, cell in cells.items():
        param = next((p for _, p in cell.parameters_and_names()), None)
        if param is None:
            continue
        if first_param is None:
            first_param, first_key = param, key
            continue
        second_param, second_key = param, key
        break
    prefix, index = "", 0
    if first_param is None:
        return prefix, index
    split_names = first_param.name.split(".")
    for idx, name in enumerate(split_names):
        if name == first_key:
            prefix = ".".join(split_names[:idx])
            prefix = prefix + "." if prefix else prefix
            index = idx
            if second_param is not None and second_param.name.split(".")[idx] == second_key:
                break
    return prefix, index


def _rename_moved(cell: Cell, prefix: str, new_key: str, key_index: int) -> None:
    for _, param in cell.parameters_and_names():
        param.name = prefix + new_key + "." + ".".join(param.name.split(".")[key_index + 1:])


def _replace_children(owner: Cell, children: "OrderedDict[str, Cell]") -> None:
    owner._modules.clear()
    owner._modules.update(children)


class _CellSequence(Cell):
    """What SequentialCell and CellList share: list protocol over the children, recursive set_grad."""

    def __len__(self) -> int:
        return len(self._modules)

    def __bool__(self) -> bool:
        return len(self._modules) != 0

    def __iter__(self):
        return iter(self._modules.values())

    def set_grad(self, flag: bool = True) -> "_CellSequence":
        super().set_grad(flag)
        for cell in self._modules.values():
            cell.set_grad(flag)
        return self


class SequentialCell(_CellSequence):
    """``SequentialCell(*cells)``, ``SequentialCell([cells])`` or ``SequentialCell(OrderedDict)``: calls its cells
    in order.  Children are always renamed (``0.weight``), even with ``auto_prefix=False`` on a parent."""

    def __init__(self, *args):
        super().__init__()
        object.__setattr__(self, "_is_dynamic_name", [])
        if len(args) == 1 and isinstance(args[0], OrderedDict):
            items = [(name, cell, False) for name, cell in args[0].items()]
        elif len(args) == 1 and isinstance(args[0], list):
            items = [(str(i), cell, True) for i, cell in enumerate(args[0])]
        elif len(args) == 1 and not isinstance(args[0], Cell):
            raise TypeError(f"For 'SequentialCell', the 'args[0]' must be Cell, list or orderedDict, but got "
                            f"{type(args[0]).__name__}")
        else:
            items = [(str(i), cell, True) for i, cell in enumerate(args)]
        for key, cell, dynamic in items:
            self.insert_child_to_cell(key, cell)
            cell.update_parameters_name(key + ".")
            self._is_dynamic_name.append(dynamic)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return type(self)(OrderedDict(list(self._modules.items())[index]))
        index = _valid_index(len(self), index, type(self).__name__)
        return list(self._modules.values())[index]

    def __setitem__(self, index, cell) -> None:
        _valid_cell(cell, type(self).__name__)
        prefix, _ = _get_prefix_and_index(self._modules)
        key = list(self._modules.keys())[_valid_index(len(self), index, type(self).__name__)]
        self._modules[key] = cell
        cell.update_parameters_name(prefix + key + ".")

    def __delitem__(self, index) -> None:
        keys = list(self._modules.keys())
        if isinstance(index, slice):
            doomed = keys[index]
            del self._is_dynamic_name[index]
        else:
            position = _valid_index(len(self), index, type(self).__name__)
            doomed = [keys[position]]
            del self._is_dynamic_name[position]
        for key in doomed:
            del self._modules[key]
        prefix, key_index = _get_prefix_and_index(self._modules)
        children = OrderedDict()
        for idx, (key, cell) in enumerate(self._modules.items()):
            if self._is_dynamic_name[idx]:
                _rename_moved(cell, prefix, str(idx), key_index)
                children[str(idx)] = cell
            else:
                children[key] = cell
        _replace_children(self, children)

    def append(self, cell) -> "SequentialCell":
        _valid_cell(cell, type(self).__name__)
        prefix, _ = _get_prefix_and_index(self._modules)
        cell.update_parameters_name(prefix + str(len(self)) + ".")
        self._is_dynamic_name.append(True)
        self._modules[str(len(self))] = cell
        return self

    def insert(self, index: int, cell) -> None:
        """Insert ``cell`` before ``index``, shifting later children's keys (and their parameter names)."""
        idx = _valid_index_for_inserting(len(self), index, type(self).__name__)
        _valid_cell(cell, type(self).__name__)
        keys = list(self._modules.keys())
        prefix, key_index = _get_prefix_and_index(self._modules)
        cells = list(self._modules.values())
        children = OrderedDict((keys[i], cells[i]) for i in range(idx))
        children[str(idx)] = cell
        for i in range(idx, len(cells)):
            if self._auto_prefix:
                _rename_moved(cells[i], prefix, str(i + 1), key_index)
            children[str(i + 1)] = cells[i]
        _replace_children(self, children)
        if self._auto_prefix:
            cell.update_parameters_name(prefix + str(idx) + ".")
        self._is_dynamic_name.insert(index, True)

    _insert = insert

    def construct(self, input_data):
        for cell in self._modules.values():
            input_data = cell(input_data)
        return input_data


class CellList(_CellSequence):
    """A list of cells, indexed like a Python list; it has no construct of its own."""

    def __init__(self, *args, **kwargs):
        super().__init__(kwargs.get("auto_prefix", True))
        if len(args) == 1:
            self.extend(args[0])

    def __getitem__(self, index):
        if isinstance(index, slice):
            return CellList(list(self._modules.values())[index])
        return self._modules[str(_valid_index(len(self), index, "CellList"))]

    def __setitem__(self, index, cell) -> None:
        _valid_cell(cell, "CellList")
        index = _valid_index(len(self), index, "CellList")
        if self._auto_prefix:
            prefix, _ = _get_prefix_and_index(self._modules)
            cell.update_parameters_name(prefix + str(index) + ".")
        self._modules[str(index)] = cell

    def __delitem__(self, index) -> None:
        if isinstance(index, slice):
            for key in list(self._modules.keys())[index]:
                del self._modules[key]
        elif isinstance(index, int):
            del self._modules[str(_valid_index(len(self), index, "CellList"))]
        else:
            raise TypeError(f"For 'CellList', the type of 'index' must be int type or slice type, but got "
                            f"{type(index).__name__}.")
        prefix, key_index = _get_prefix_and_index(self._modules)
        children = OrderedDict()
        for idx, cell in enumerate(self._modules.values()):
            if self._auto_prefix:
                _rename_moved(cell, prefix, str(idx), key_index)
            children[str(idx)] = cell
        _replace_children(self, children)

    def __iadd__(self, cells) -> "CellList":
        return self.extend(cells)

    def insert(self, index: int, cell) -> None:
        """Insert ``cell`` before ``index``, shifting later children's keys (and their parameter names)."""
        idx = _valid_index_for_inserting(len(self), index, "CellList")
        _valid_cell(cell, "CellList")
        prefix, key_index = _get_prefix_and_index(self._modules)
        cells = list(self._modules.values())
        children = OrderedDict((str(i), cells[i]) for i in range(idx))
        children[str(idx)] = cell
        for i in range(idx, len(cells)):
            if self._auto_prefix:
                _rename_moved(cells[i], prefix, str(i + 1), key_index)
            children[str(i + 1)] = cells[i]
        _replace_children(self, children)
        if self._auto_prefix:
            cell.update_parameters_name(prefix + str(idx) + ".")

    def extend(self, cells) -> "CellList":
        if not isinstance(cells, list):
            raise TypeError(f"For 'CellList', the new cells wanted to append should be instance of list, but got "
                            f"{type(cells).__name__}.")
        prefix, _ = _get_prefix_and_index(self._modules)
        for cell in cells:
            _valid_cell(cell, "CellList")
            if self._auto_prefix:
                cell.update_parameters_name(prefix + str(len(self)) + ".")
            self._modules[str(len(self))] = cell
        return self

    def append(self, cell) -> None:
        _valid_cell(cell, "CellList")
        if self._auto_prefix:
            prefix, _ = _get_prefix_and_index(self._modules)
            cell.update_parameters_name(prefix + str(len(self)) + ".")
        self._modules[str(len(self))] = cell

    def construct(self, *inputs):
        raise AttributeError("For 'CellList', the method 'construct' is not defined: iterate over the cells.")


class CellDict(Cell):
    """An ordered mapping of names to cells (no CellDict/CellList/SequentialCell values)."""

    def __init__(self, *args, **kwargs):
        super().__init__(kwargs.get("auto_prefix", True))
        if len(args) == 1:
            self.update(args[0])

    def _validate_key(self, key) -> None:
        if not isinstance(key, str):
            raise TypeError(f"For 'CellDict', the type of key should be string, but got {type(key).__name__}.")
        if key not in self._modules and (key in self.__dict__ or hasattr(type(self), key)):
            raise KeyError(f"For 'CellDict', the key can not be same as the attributes of class Cell, but got key "
                           f"{key}.")
        if "." in key:
            raise KeyError(f"For 'CellDict', the key can not contain '.', but got key {key}")
        if key == "":
            raise KeyError(f"For 'CellDict', the key can not be an empty string, but got key {key}")

    @staticmethod
    def _validate_cell_type(cell) -> None:
        if cell is None:
            raise TypeError("For 'CellDict', the value can not be None.")
        if not isinstance(cell, Cell):
            raise TypeError(f"For 'CellDict', the type of cell should be Cell, but got {type(cell).__name__}.")
        if isinstance(cell, (CellDict, CellList, SequentialCell)):
            raise TypeError(f"For 'CellDict', the type of cell can not be CellDict, CellList or SequentialCell, "
                            f"but got {type(cell).__name__}.")

    def __getitem__(self, key: str) -> Cell:
        return self._modules[key]

    def __setitem__(self, key: str, cell: Cell) -> None:
        self._validate_key(key)
        self._validate_cell_type(cell)
        if self._auto_prefix:
            prefix, _ = _get_prefix_and_index(self._modules)
            cell.update_parameters_name(prefix + key + ".")
        self._modules[key] = cell

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
        value = self[key]
        del self[key]
        return value

    def update(self, cells) -> None:
        if not isinstance(cells, abc.Iterable):
            raise TypeError(f"CellDict.update() should be called with an iterable of key-value pairs, but got "
                            f"{type(cells).__name__}")
        if isinstance(cells, (OrderedDict, CellDict, abc.Mapping)):
            for key, cell in cells.items():
                self[key] = cell
            return
        for number, pair in enumerate(cells):
            if not isinstance(pair, abc.Iterable):
                raise TypeError(f"CellDict update sequence element #{number} should be Iterable; but got "
                                f"{type(pair).__name__}")
            if len(pair) != 2:
                raise ValueError(f"CellDict update sequence element #{number}, length should be 2; but has length "
                                 f"{len(pair)}")
            self[pair[0]] = pair[1]

    def construct(self, *inputs):
        raise AttributeError("For 'CellDict', the method 'construct' is not defined: look cells up by key.")
