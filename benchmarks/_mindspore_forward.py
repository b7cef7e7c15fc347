"""Times real MindSpore PyNative forward passes of the benchmark nets; run by bench_forward.py in an
interpreter that has mindspore installed: ``python _mindspore_forward.py <path of msshim/_examples/nets.py> N``.
Prints one JSON object {case: seconds per call}."""
import json
import sys
import time

import numpy as np

import importlib.util  # noqa: E402

import mindspore as ms  # noqa: E402
from mindspore import Tensor  # noqa: E402

_spec = importlib.util.spec_from_file_location("msshim_example_nets", sys.argv[1])
_nets = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_nets)
CASES = _nets.CASES

ms.set_context(mode=ms.PYNATIVE_MODE)
repeat = int(sys.argv[2])
result = {}
for name, (make, shape) in CASES.items():
    net = make()
    net.set_train(False)
    x = Tensor(np.random.RandomState(0).uniform(-1, 1, shape).astype(np.float32))
    for _ in range(20):
        net(x).asnumpy()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        net(x).asnumpy()
        times.append(time.perf_counter() - start)
    result[name] = float(np.median(times))
print(json.dumps(result))
