"""Real MindSpore 2.10 side of bench_graph_cell.py (run in an interpreter that has mindspore installed):

    python _mindspore_graph_cell.py <msshim/_examples/nets.py> <out dir> <calls>

Exports each benchmark case with ``mindspore.export`` to <out dir>/<case>.mindir, loads it with
``mindspore.load`` + ``nn.GraphCell``, times ``graph(x).asnumpy()`` and saves input and output to
<out dir>/<case>.npz.  Prints one JSON object {case: seconds per call (median)}."""
import importlib.util
import json
import os
import sys
import time

import numpy as np

import mindspore as ms
from mindspore import Tensor, nn

_spec = importlib.util.spec_from_file_location("msshim_example_nets", sys.argv[1])
_nets = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = _nets  # MindSpore's graph compiler re-imports a construct's module by name
_spec.loader.exec_module(_nets)
OUT, CALLS = sys.argv[2], int(sys.argv[3])
CASES = {"LeNet5 b1": (_nets.LeNet5, (1, 1, 32, 32)), "LeNet5 b32": (_nets.LeNet5, (32, 1, 32, 32)),
         "tutorial MLP b1": (_nets.Network, (1, 1, 28, 28)), "tutorial MLP b64": (_nets.Network, (64, 1, 28, 28))}

result = {}
for i, (name, (make, shape)) in enumerate(CASES.items()):
    net = make()
    net.set_train(False)
    x = Tensor(np.random.RandomState(i).uniform(-1, 1, shape).astype(np.float32))
    stem = os.path.join(OUT, f"case{i}")
    ms.export(net, x, file_name=stem, file_format="MINDIR")
    graph = nn.GraphCell(ms.load(stem + ".mindir"))
    for _ in range(20):
        y = graph(x).asnumpy()
    times = []
    for _ in range(CALLS):
        start = time.perf_counter()
        graph(x).asnumpy()
        times.append(time.perf_counter() - start)
    np.savez(stem + ".npz", x=x.asnumpy(), y=y)
    result[name] = float(np.median(times))
print(json.dumps(result))
