"""``install_as_mindspore()``: make ``import mindspore`` (and every ``mindspore.x.y``) resolve to msshim.

A meta-path finder maps ``mindspore[.sub]`` to ``msshim[.sub]`` and registers the very same module object
under both names, so ``mindspore.nn.Dense is msshim.nn.Dense``.
"""
from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys

_ALIAS = "mindspore"
_TARGET = "msshim"


class _MindSporeAlias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname, path, target=None):
        if fullname != _ALIAS and not fullname.startswith(_ALIAS + "."):
            return None
        target_name = _TARGET + fullname[len(_ALIAS):]
        if target_name not in sys.modules and importlib.util.find_spec(target_name) is None:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec):
        return importlib.import_module(_TARGET + spec.name[len(_ALIAS):])

    def exec_module(self, module):
        """The msshim module is already executed."""


_FINDER = _MindSporeAlias()


def install_as_mindspore() -> None:
    """Route ``import mindspore`` to msshim for the rest of the process (idempotent).

    Raises RuntimeError if the real MindSpore was already imported in this process.
    """
    existing = sys.modules.get(_ALIAS)
    if existing is not None and getattr(existing, "__name__", "") != _TARGET:
        raise RuntimeError("The real 'mindspore' package is already imported in this process; call "
                           "msshim.install_as_mindspore() before anything imports mindspore.")
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)
    for name, module in list(sys.modules.items()):
        if name == _TARGET or name.startswith(_TARGET + "."):
            sys.modules.setdefault(_ALIAS + name[len(_TARGET):], module)


def uninstall_as_mindspore() -> None:
    """Undo :func:`install_as_mindspore` (for tests and tools)."""
    if _FINDER in sys.meta_path:
        sys.meta_path.remove(_FINDER)
    for name in [n for n in sys.modules if n == _ALIAS or n.startswith(_ALIAS + ".")]:
        if getattr(sys.modules[name], "__name__", "").startswith(_TARGET):
            del sys.modules[name]
