"""``mindspore.ops``: functional operators and primitive classes, run eagerly on torch."""
from msshim.ops import composite, function, operations
from msshim.ops.composite import GradOperation, HyperMap, Map, MultitypeFuncGraph  # noqa: F401
from msshim.ops.function import *  # noqa: F401,F403
from msshim.ops.operations import *  # noqa: F401,F403
from msshim.ops.primitive import Primitive, PrimitiveWithCheck, PrimitiveWithInfer, constexpr, prim_attr_register
from msshim.ops import functional  # noqa: E402  (module alias: from mindspore.ops import functional as F)
from msshim.ops.functional import hyper_map, partial  # noqa: E402,F401
