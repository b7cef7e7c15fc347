"""``mindspore.parallel``: the auto-parallel context store (``_auto_parallel_context``) and the helpers
training cells read it through (``_utils``).  msshim runs data parallelism only (on torch.distributed)."""
