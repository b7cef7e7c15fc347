"""``mindspore.ops.functional`` (imported as ``F`` in MindSpore code): the functional operators."""
from msshim.ops.function import *  # noqa: F401,F403
