"""``OcclusionSensitivity(pad_val=0.0, margin=2, n_batch=128, b_box=None)``: how much a classifier's score for
the label drops when each neighbourhood of the image is occluded."""
from __future__ import annotations

import numpy as np

from msshim.common.tensor import Tensor
from msshim.train.metrics._checks import check_value_type
from msshim.train.metrics.metric import Metric, rearrange_inputs

__all__ = ["OcclusionSensitivity"]


class OcclusionSensitivity(Metric):
    """``update(model, image (1, ...), label)`` with a 0-d label (a label of shape (1,) makes MindSpore's
    score indexing fail, here as there); ``eval()`` returns ``baseline score - occluded score`` per
    position (the image's shape without the batch axis, or the bounding box ``b_box``)."""

    def __init__(self, pad_val=0.0, margin=2, n_batch=128, b_box=None):
        super().__init__()
        self.pad_val = check_value_type("pad_val", pad_val, [float])
        self.margin = check_value_type("margin", margin, [int, list])
        self.n_batch = check_value_type("n_batch", n_batch, [int])
        self.b_box = b_box if b_box is None else check_value_type("b_box", b_box, [list])
        self.clear()

    def clear(self):
        self._baseline = 0
        self._sensitivity_im = 0
        self._is_update = False

    @rearrange_inputs
    def update(self, *inputs):
        from msshim.nn.cell import Cell

        if len(inputs) != 3:
            raise ValueError("For 'OcclusionSensitivity.update', it needs 3 inputs (classification model, "
                             "predicted value, label), but got {}.".format(len(inputs)))
        model = check_value_type("model", inputs[0], [Cell])
        y_pred = self._convert_data(inputs[1])
        label = self._convert_data(inputs[2])
        if y_pred.shape[0] > 1:
            raise RuntimeError(f"For 'OcclusionSensitivity.update', the shape at index 0 of the predicted value "
                               f"(input[1]) must be 1, but got {y_pred.shape[0]}.")
        if np.prod(label.shape) != y_pred.shape[0]:
            raise RuntimeError(f"For 'OcclusionSensitivity.update', the number of the label (input[2]) must be "
                               f"same as the batches, but got the label number {np.prod(label.shape)}, "
                               f"and batches {y_pred.shape[0]}.")
        shape = np.array(y_pred.shape[1:])
        b_min, b_max = _check_input_bounding_box(self.b_box, shape)
        self._baseline = model(Tensor(y_pred)).asnumpy()[0, label].item()
        out_shape = shape if self.b_box is None else b_max - b_min + 1
        total = int(np.prod(out_shape))
        images, ids = [], []
        sensitivity = np.empty(0, dtype=float)
        for i in range(total):
            idx = np.unravel_index(i, out_shape)
            if b_min is not None:
                idx += b_min
            lo = [max(0, k - self.margin) for k in idx]
            hi = [min(j, k + self.margin) for k, j in zip(idx, shape)]
            occluded = y_pred.copy()
            occluded[(...,) + tuple(slice(a, b) for a, b in zip(lo, hi))] = self.pad_val
            images.append(occluded)
            ids.append(label)
            if len(images) == self.n_batch or i == total - 1:
                sensitivity = _append_scores(model, images, ids, sensitivity)
                images, ids = [], []
        self._sensitivity_im = sensitivity.reshape(out_shape)
        self._is_update = True

    def eval(self):
        if not self._is_update:
            raise RuntimeError("Please call the 'update' method before calling 'eval' method.")
        return self._baseline - np.squeeze(self._sensitivity_im)


def _append_scores(model, images, ids, sensitivity) -> np.ndarray:
    """The model's scores for the label on a batch of occluded images, stacked under the previous ones (a
    0-d label gives one score per image)."""
    batch_ids = np.expand_dims(ids, 1)
    out = model(Tensor(np.vstack(images))).asnumpy()
    first = np.arange(batch_ids.shape[0])[:, None]
    scores = out[first, batch_ids]
    return np.vstack(scores) if sensitivity.size == 0 else np.vstack((sensitivity, scores))


def _check_input_bounding_box(b_box, im_shape):
    if b_box is None:
        return None, None
    if len(b_box) != 2 * len(im_shape):
        raise ValueError(f"For 'OcclusionSensitivity', the bounding box must contain upper and lower for "
                         f"all dimensions (except batch number), and the length of 'b_box' must be twice "
                         f"as long as predicted value's (except batch number), but got 'b_box' length "
                         f"{len(b_box)}, predicted value length (except batch number) {len(im_shape)}.")
    b_min = np.array(b_box[::2])
    b_max = np.array(b_box[1::2])
    b_min[b_min < 0] = 0
    b_max[b_max < 0] = im_shape[b_max < 0] - 1
    if np.any(b_max >= im_shape):
        raise ValueError("For 'OcclusionSensitivity', maximum bounding box must be smaller than image size "
                         "for all values.")
    if np.any(b_min > b_max):
        raise ValueError("For 'OcclusionSensitivity', minimum bounding box must be smaller than maximum "
                         "bounding box for all values.")
    return b_min, b_max
