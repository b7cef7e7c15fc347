"""Dataset pipeline throughput: MindSpore's beginner-tutorial MNIST pipeline on msshim and on real MindSpore.

    python benchmarks/bench_dataset.py [--mindspore-python /path/to/venv-ms/bin/python] [--rounds 5]

Pipeline (60,000 generated 28x28 images in idx-ubyte files in a temporary directory):
    MnistDataset(dir, usage="train")  (shuffled, as by default)
    .map([Rescale(1/255, 0), Normalize((0.1307,), (0.3081,)), HWC2CHW()], "image")
    .map(TypeCast(int32), "label")
    .batch(64)
and one full epoch through ``create_tuple_iterator`` (938 batches of Tensors).  Reported: batches per second,
median of ``--rounds`` epochs.  msshim is measured twice: as written (the batch runs the vision transforms on
whole batches) and with a Python identity function added to the image map, which forces the per-row path.
"""
from __future__ import annotations

import argparse
import json
import os
import struct
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

N_IMAGES = 60000
BATCH = 64

PIPELINE = '''
def build(ms, ds, vision, transforms, path, batch, row_path=False):
    image_ops = [vision.Rescale(1.0 / 255.0, 0), vision.Normalize(mean=(0.1307,), std=(0.3081,)), vision.HWC2CHW()]
    if row_path:
        image_ops.append(lambda x: x)
    dataset = ds.MnistDataset(path, usage="train")
    dataset = dataset.map(image_ops, "image")
    dataset = dataset.map(transforms.TypeCast(ms.int32), "label")
    return dataset.batch(batch)


def epoch_rates(ms, ds, vision, transforms, path, batch, rounds, row_path=False):
    import time
    rates = []
    for _ in range(rounds):
        dataset = build(ms, ds, vision, transforms, path, batch, row_path)
        start = time.perf_counter()
        n = 0
        for image, label in dataset.create_tuple_iterator(num_epochs=1):
            n += 1
        rates.append(n / (time.perf_counter() - start))
        assert tuple(image.shape)[1:] == (1, 28, 28), image.shape
    return sorted(rates)[len(rates) // 2], n
'''

MINDSPORE_MAIN = PIPELINE + '''
import json, sys
import mindspore as ms
import mindspore.dataset as ds
import mindspore.dataset.transforms as transforms
import mindspore.dataset.vision as vision
rate, n = epoch_rates(ms, ds, vision, transforms, sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
print(json.dumps({"rate": rate, "batches": n}))
'''


def write_mnist(directory: str, n: int) -> None:
    rng = np.random.RandomState(0)
    images = rng.randint(0, 256, (n, 28, 28)).astype(np.uint8)
    labels = rng.randint(0, 10, n).astype(np.uint8)
    with open(os.path.join(directory, "train-images-idx3-ubyte"), "wb") as f:
        f.write(struct.pack(">IIII", 2051, n, 28, 28) + images.tobytes())
    with open(os.path.join(directory, "train-labels-idx1-ubyte"), "wb") as f:
        f.write(struct.pack(">II", 2049, n) + labels.tobytes())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mindspore-python", help="interpreter with mindspore==2.10.0 installed")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    import msshim
    msshim.install_as_mindspore()
    import mindspore as ms
    import mindspore.dataset as ds
    import mindspore.dataset.transforms as transforms
    import mindspore.dataset.vision as vision

    namespace: dict = {}
    exec(PIPELINE, namespace)  # the same pipeline code MindSpore runs below
    with tempfile.TemporaryDirectory() as path:
        write_mnist(path, N_IMAGES)
        t0 = time.perf_counter()
        fast, n = namespace["epoch_rates"](ms, ds, vision, transforms, path, BATCH, args.rounds)
        rows, _ = namespace["epoch_rates"](ms, ds, vision, transforms, path, BATCH, max(1, args.rounds // 2),
                                           row_path=True)
        msshim_seconds = time.perf_counter() - t0
        reference = None
        if args.mindspore_python:
            with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as script:
                script.write(MINDSPORE_MAIN)
            try:
                out = subprocess.run([args.mindspore_python, script.name, path, str(BATCH), str(args.rounds)],
                                     capture_output=True, text=True, check=True)
            finally:
                os.unlink(script.name)
            reference = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"MNIST tutorial pipeline, {N_IMAGES} images, batch {BATCH}, {n} batches per epoch, "
          f"median of {args.rounds} epochs ({msshim_seconds:.1f} s for msshim)")
    print("| pipeline | batches/s | ms per batch | vs MindSpore |")
    print("|---|---|---|---|")
    for label, rate in (("msshim (batched transforms)", fast), ("msshim (per-row path)", rows)):
        ratio = f"{rate / reference['rate']:.1f}x" if reference else "-"
        print(f"| {label} | {rate:.0f} | {1e3 / rate:.3f} | {ratio} |")
    if reference:
        print(f"| MindSpore 2.10 | {reference['rate']:.0f} | {1e3 / reference['rate']:.3f} | 1.0x |")


if __name__ == "__main__":
    main()
