"""MindSpore-API example networks used by ``msshim demo`` and the benchmarks (import after
``msshim.install_as_mindspore()``; the files also run unchanged under real MindSpore)."""
