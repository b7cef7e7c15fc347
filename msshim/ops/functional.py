"""``mindspore.ops.functional`` (imported as ``F`` in MindSpore code): the functional operators."""
from msshim.ops.function import *  # noqa: F401,F403
from functools import partial  # noqa: F401,E402  (F.partial)
from msshim.ops.composite.base import HyperMap as _HyperMap  # noqa: E402

hyper_map = _HyperMap()
