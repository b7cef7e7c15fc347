"""MindSpore optimizer state names (msshim/nn/optim, as MindSpore names them), for ``weights_only``."""
from __future__ import annotations

import re

__all__ = ["STATE_PREFIXES", "STATE_NAMES", "is_optimizer_state"]

# Per-parameter state clones are named "<prefix>.<parameter name>" (Optimizer._clone_state / ParameterTuple
# clone(prefix=...)): Momentum "moments", Adam/AdamWeightDecay/AdaMax "moment1"/"moment2", Adagrad/ProximalAdagrad
# "accum", FTRL "moments"/"linear", RMSProp "mean_grad"/"mean_square"/"moment", LARS/ASGD "stat", AMSGrad "vhat",
# LazyAdam "adam_m"/"adam_v", Lamb "lamb_m"/"lamb_v"; SGD "accum"/"stat".
STATE_PREFIXES = ("moments", "moment1", "moment2", "moment", "accum", "stat", "linear", "mean_grad",
                  "mean_square", "vhat", "adam_m", "adam_v", "lamb_m", "lamb_v")
# Optimizer scalars; "learning_rate_group_<i>" and "learning_rate.learning_rate" for grouped / list rates.
STATE_NAMES = ("beta1_power", "beta2_power", "global_step", "learning_rate", "momentum")
_RE = re.compile(r"(?:%s)\..+|(?:%s)|learning_rate_group_\d+|learning_rate\.learning_rate" % (
    "|".join(STATE_PREFIXES), "|".join(STATE_NAMES)))


def is_optimizer_state(name: str) -> bool:
    return _RE.fullmatch(name) is not None
