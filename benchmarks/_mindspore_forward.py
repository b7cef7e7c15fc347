"""Times real MindSpore PyNative forward passes of the benchmark nets; run by bench_forward.py in an
interpreter that has mindspore installed. Prints one JSON object {case: seconds per call}."""
import json
import sys
import time

import numpy as np

sys.path.insert(0, sys.argv[1])
import mindspore as ms  # noqa: E402
from mindspore import Tensor  # noqa: E402

from nets import CASES  # noqa: E402

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
