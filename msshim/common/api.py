"""``mindspore.jit``: MindSpore compiles a function or ``construct`` to a graph; msshim runs it eagerly by
default (identical results) and compiles it with ``torch.compile`` when asked, either per call
(``jit(fn, backend="inductor")``) or for the whole process (environment ``MSSHIM_JIT=inductor``).
"""
from __future__ import annotations

import functools
import os

_TORCH_BACKENDS = {"inductor", "eager", "aot_eager", "cudagraphs", "torch_compile"}


def _compile(fn, backend: str, fullgraph: bool):
    import torch

    compiled = torch.compile(fn, backend="inductor" if backend == "torch_compile" else backend, fullgraph=fullgraph)

    @functools.wraps(fn)
    def run(*args, **kwargs):
        return compiled(*args, **kwargs)

    return run


def jit(function=None, *, mode="PSJit", input_signature=None, hash_args=None, jit_config=None, compile_once=False,
        capture_mode="ast", jit_level="O0", dynamic=0, fullgraph=False, backend="", **options):
    """Decorate a function or a Cell's ``construct``; see the module docstring for what it does in msshim."""
    chosen = backend or os.environ.get("MSSHIM_JIT", "")

    def decorate(fn):
        if chosen in _TORCH_BACKENDS:
            return _compile(fn, chosen, bool(fullgraph))
        return fn

    if function is None:
        return decorate
    return decorate(function)


def ms_function(fn=None, input_signature=None, hash_args=None, jit_config=None):
    """MindSpore 1.x name of ``jit``."""
    return jit(fn, input_signature=input_signature)


def jit_class(cls):
    """Marks a class usable in graph mode; nothing to do when running eagerly."""
    return cls
