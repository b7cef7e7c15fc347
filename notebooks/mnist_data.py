"""MNIST for the tutorial notebooks, offline.

``mnist_dir()`` returns a folder laid out like the tutorials' downloaded ``MNIST_Data``: ``train/`` holding
``train-images-idx3-ubyte`` + ``train-labels-idx1-ubyte`` and ``test/`` holding ``t10k-images-idx3-ubyte`` +
``t10k-labels-idx1-ubyte``, so ``mindspore.dataset.MnistDataset(os.path.join(mnist_dir(), "train"))`` works.

It is ``$MSSHIM_MNIST_DIR`` when that folder holds the real files.  Otherwise (no network is used) it writes, once,
a small synthetic MNIST in the same idx-ubyte format into ``notebooks/.mnist`` (git-ignored): 600 training and
100 test images of 28x28 uint8.  Each label has a fixed random stroke pattern; an image is its label's pattern,
randomly dimmed and shifted by a pixel, plus noise, so the tutorials' networks learn it within an epoch or two.
"""
from __future__ import annotations

import os
import struct
import tempfile

import numpy as np

ENV_VAR = "MSSHIM_MNIST_DIR"
SYNTHETIC_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), ".mnist")
FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
SIZES = {"train": 600, "test": 100}
IMAGE_MAGIC, LABEL_MAGIC = 2051, 2049  # big-endian idx headers: images (n, 28, 28), labels (n,)


def holds_mnist(directory: str) -> bool:
    """True when ``directory`` has ``train/`` and ``test/`` with the four standard MNIST file names."""
    return all(os.path.isfile(os.path.join(directory, split, name))
               for split, names in FILES.items() for name in names)


def _synthetic_split(rng: np.random.RandomState, patterns: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    labels = np.arange(n) % 10
    rng.shuffle(labels)
    brightness = rng.uniform(0.6, 1.0, (n, 1, 1))
    images = patterns[labels] * brightness
    for i, (dy, dx) in enumerate(rng.randint(-1, 2, (n, 2))):
        images[i] = np.roll(images[i], (dy, dx), axis=(0, 1))
    images = images + rng.uniform(0, 60, images.shape)
    return np.clip(images, 0, 255).astype(np.uint8), labels.astype(np.uint8)


def _write_atomic(path: str, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def write_synthetic_mnist(directory: str, seed: int = 0) -> str:
    """Write the synthetic MNIST (idx-ubyte, the tutorials' train/ + test/ layout) into ``directory``."""
    rng = np.random.RandomState(seed)
    patterns = (rng.uniform(size=(10, 28, 28)) < 0.2) * 255.0  # ten fixed stroke masks
    for split, (image_name, label_name) in FILES.items():
        images, labels = _synthetic_split(rng, patterns, SIZES[split])
        folder = os.path.join(directory, split)
        os.makedirs(folder, exist_ok=True)
        n = len(labels)
        _write_atomic(os.path.join(folder, label_name), struct.pack(">II", LABEL_MAGIC, n) + labels.tobytes())
        _write_atomic(os.path.join(folder, image_name),
                      struct.pack(">IIII", IMAGE_MAGIC, n, 28, 28) + images.tobytes())
    return directory


def mnist_dir() -> str:
    """``$MSSHIM_MNIST_DIR`` if it holds MNIST, else the synthetic MNIST (written on first use)."""
    given = os.environ.get(ENV_VAR)
    if given and holds_mnist(given):
        return given
    if not holds_mnist(SYNTHETIC_DIR):
        write_synthetic_mnist(SYNTHETIC_DIR)
    return SYNTHETIC_DIR


if __name__ == "__main__":
    print(mnist_dir())
