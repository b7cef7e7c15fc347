"""``mindspore.train``: Model, checkpoints (serialization), callbacks and metrics."""
from msshim.train.model import Model  # noqa: F401
from msshim.train.serialization import (ckpt_to_safetensors, load_checkpoint, load_checkpoint_async,  # noqa: F401
                                        load_param_into_net, safetensors_to_ckpt, save_checkpoint)
