"""``mindspore.nn.optim``: the optimizers (also exported from ``mindspore.nn``)."""
from msshim.nn.optim.optimizer import Optimizer
from msshim.nn.optim.sgd import SGD
from msshim.nn.optim.momentum import Momentum
from msshim.nn.optim.adam import Adam, AdamWeightDecay
from msshim.nn.optim.rmsprop import RMSProp
from msshim.nn.optim.ada_grad import Adagrad
from msshim.nn.optim.adamax import AdaMax
from msshim.nn.optim.lamb import Lamb
from msshim.nn.optim.ftrl import FTRL

__all__ = ["Optimizer", "SGD", "Momentum", "Adam", "AdamWeightDecay", "RMSProp", "Adagrad", "AdaMax", "Lamb", "FTRL"]
