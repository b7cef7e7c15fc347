"""``mindspore.dataset.text``: text transforms and vocabularies."""
from msshim.dataset.text import transforms, utils
from msshim.dataset.text.transforms import Lookup, PythonTokenizer, ToNumber, Truncate
from msshim.dataset.text.utils import Vocab, to_bytes, to_str

__all__ = ["transforms", "utils", "Lookup", "PythonTokenizer", "ToNumber", "Truncate", "Vocab", "to_bytes",
           "to_str"]
