"""``mindspore.nn.loss.loss``: every loss cell (defined by kind in the sibling modules)."""
from msshim.nn.loss._base import LossBase
from msshim.nn.loss.classification import (BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, FocalLoss, NLLLoss,
                                           SampledSoftmaxLoss, SoftmaxCrossEntropyWithLogits)
from msshim.nn.loss.dice import DiceLoss, MultiClassDiceLoss
from msshim.nn.loss.margin import (CosineEmbeddingLoss, HingeEmbeddingLoss, MarginRankingLoss, MultilabelMarginLoss,
                                   MultiLabelSoftMarginLoss, MultiMarginLoss, SoftMarginLoss, TripletMarginLoss,
                                   TripletMarginWithDistanceLoss)
from msshim.nn.loss.probabilistic import CTCLoss, GaussianNLLLoss, KLDivLoss, PoissonNLLLoss
from msshim.nn.loss.regression import HuberLoss, L1Loss, L1LossExt, MAELoss, MSELoss, RMSELoss, SmoothL1Loss

__all__ = ["LossBase", "L1Loss", "CTCLoss", "MSELoss", "SmoothL1Loss", "SoftMarginLoss", "FocalLoss",
           "SoftmaxCrossEntropyWithLogits", "BCELoss", "BCEWithLogitsLoss", "MultiMarginLoss",
           "CosineEmbeddingLoss", "TripletMarginWithDistanceLoss", "PoissonNLLLoss",
           "MultiLabelSoftMarginLoss", "DiceLoss", "MultiClassDiceLoss", "MultilabelMarginLoss",
           "RMSELoss", "MAELoss", "HuberLoss", "CrossEntropyLoss", "NLLLoss", "KLDivLoss", "MarginRankingLoss",
           "GaussianNLLLoss", "HingeEmbeddingLoss", "TripletMarginLoss", "L1LossExt", "SampledSoftmaxLoss"]
