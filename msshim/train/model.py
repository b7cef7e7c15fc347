"""``mindspore.train.Model``: the high-level wrapper around a network, its loss and optimizer."""
from __future__ import annotations

from msshim.common.tensor import Tensor


class Model:
    """``Model(network, loss_fn=None, optimizer=None, metrics=None, eval_network=None, eval_indexes=None,
    amp_level="O0", boost_level="O0", **kwargs)``.

    ``predict`` runs the network in inference mode.  Training and evaluation loops (``train``, ``eval``)
    come with msshim's training support; until then they raise a RuntimeError saying so.
    """

    def __init__(self, network, loss_fn=None, optimizer=None, metrics=None, eval_network=None, eval_indexes=None,
                 amp_level="O0", boost_level="O0", **kwargs):
        self._network = network
        self._loss_fn = loss_fn
        self._optimizer = optimizer
        self._metrics = metrics
        self._eval_network = eval_network
        self._amp_level = amp_level

    @property
    def predict_network(self):
        return self._network

    @property
    def train_network(self):
        return self._network

    def predict(self, *predict_data, backend=None) -> Tensor:
        """Run the network on ``predict_data`` in inference mode (no autograd graph)."""
        self._network.set_train(False)
        return self._network(*predict_data)

    def _unavailable(self, what: str):
        raise RuntimeError(f"Model.{what} needs msshim's training support (losses, optimizers, datasets), which "
                           f"this version does not include yet; Model.predict works.")

    def train(self, epoch, train_dataset, callbacks=None, dataset_sink_mode=False, sink_size=-1, initial_epoch=0):
        self._unavailable("train")

    def eval(self, valid_dataset, callbacks=None, dataset_sink_mode=False):
        self._unavailable("eval")
