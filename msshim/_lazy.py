"""Lazy package attributes (PEP 562): a package's public names are imported on first use.

``msshim`` and ``msshim.train`` use this so that ``import msshim.train.ckpt_format`` (numpy + protobuf, no torch)
does not pull torch in through the package ``__init__`` files.
"""
from __future__ import annotations

import importlib
from typing import Callable


def lazy_attributes(package: str, table: dict[str, str], module_globals: dict) -> tuple[Callable, Callable]:
    """``(__getattr__, __dir__)`` for ``package``: ``table`` maps a public name to the module defining it
    (a name equal to its module's last component is the submodule itself)."""

    def __getattr__(name: str):
        module_name = table.get(name)
        if module_name is None:
            raise AttributeError(f"module '{package}' has no attribute '{name}'")
        module = importlib.import_module(module_name)
        value = module if module_name.rsplit(".", 1)[-1] == name and not hasattr(module, name) else \
            getattr(module, name)
        module_globals[name] = value
        return value

    def __dir__():
        return sorted(set(module_globals) | set(table))

    return __getattr__, __dir__
