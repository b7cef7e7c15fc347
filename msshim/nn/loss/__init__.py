"""``mindspore.nn.loss``: loss cells."""
from msshim.nn.loss.loss import (BCELoss, BCEWithLogitsLoss, CosineEmbeddingLoss, CrossEntropyLoss, CTCLoss, DiceLoss,
                                 FocalLoss, GaussianNLLLoss, HingeEmbeddingLoss, HuberLoss, KLDivLoss, L1Loss,
                                 L1LossExt, LossBase, MAELoss, MarginRankingLoss, MSELoss, MultiClassDiceLoss,
                                 MultilabelMarginLoss, MultiLabelSoftMarginLoss, MultiMarginLoss, NLLLoss,
                                 PoissonNLLLoss, RMSELoss, SampledSoftmaxLoss, SmoothL1Loss, SoftMarginLoss,
                                 SoftmaxCrossEntropyWithLogits, TripletMarginLoss, TripletMarginWithDistanceLoss)

__all__ = ["LossBase", "L1Loss", "CTCLoss", "MSELoss", "SmoothL1Loss", "SoftMarginLoss", "FocalLoss",
           "SoftmaxCrossEntropyWithLogits", "BCELoss", "BCEWithLogitsLoss", "MultiMarginLoss",
           "CosineEmbeddingLoss", "TripletMarginWithDistanceLoss", "PoissonNLLLoss",
           "MultiLabelSoftMarginLoss", "DiceLoss", "MultiClassDiceLoss", "MultilabelMarginLoss",
           "RMSELoss", "MAELoss", "HuberLoss", "CrossEntropyLoss", "NLLLoss", "KLDivLoss", "MarginRankingLoss",
           "GaussianNLLLoss", "HingeEmbeddingLoss", "TripletMarginLoss", "L1LossExt", "SampledSoftmaxLoss"]
