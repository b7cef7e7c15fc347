"""``mindspore.set_seed`` / ``get_seed``: one seed for Python, numpy (initializers) and torch (ops, dropout)."""
from __future__ import annotations

import random

import numpy as np
import torch

_SEED: dict = {"seed": None}


def set_seed(seed: int) -> None:
    """Seed every random source msshim draws from, as MindSpore's global seed does."""
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"For 'set_seed', the argument 'seed' must be a non-negative int, but got {seed!r}.")
    _SEED["seed"] = seed
    random.seed(seed)
    np.random.seed(seed % (1 << 32))
    torch.manual_seed(seed)


def get_seed():
    return _SEED["seed"]
