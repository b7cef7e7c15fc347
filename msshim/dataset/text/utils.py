"""``mindspore.dataset.text.utils``: ``Vocab`` and string/bytes conversion helpers."""
from __future__ import annotations

import collections

import numpy as np

from msshim.dataset.core.validator_helpers import (INT32_MAX, check_positive, check_value, type_check,
                                                   type_check_list)

__all__ = ["Vocab", "to_str", "to_bytes"]


def _unique_words(words, arg_name: str) -> set:
    type_check(words, (list,), arg_name)
    seen = set()
    for word in words:
        type_check(word, (str,), arg_name)
        if word in seen:
            raise ValueError(arg_name + " contains duplicate word: " + word + ".")
        seen.add(word)
    return seen


def _ordered(words: list, special_tokens, special_first: bool) -> dict:
    special_tokens = list(special_tokens or [])
    ordered = special_tokens + words if special_first else words + special_tokens
    return {word: i for i, word in enumerate(ordered)}


class Vocab:
    """A token <-> id table (``from_list``, ``from_dict``, ``from_file``, ``from_dataset``)."""

    def __init__(self):
        self.c_vocab = None

    @classmethod
    def _of(cls, table: dict) -> "Vocab":
        vocab = cls()
        vocab.c_vocab = dict(table)
        vocab._ids = {i: w for w, i in table.items()}
        return vocab

    @classmethod
    def from_list(cls, word_list, special_tokens=None, special_first=True):
        """Ids in list order; ``special_tokens`` go first (or last with ``special_first=False``)."""
        words = _unique_words(word_list, "word_list")
        if special_tokens is not None:
            specials = _unique_words(special_tokens, "special_tokens")
            if words & specials:
                raise ValueError("special_tokens and word_list contain duplicate word :" + str(words & specials)
                                 + ".")
        type_check(special_first, (bool,), "special_first")
        return cls._of(_ordered(list(word_list), special_tokens, special_first))

    @classmethod
    def from_dict(cls, word_dict):
        type_check(word_dict, (dict,), "word_dict")
        for word, word_id in word_dict.items():
            type_check(word, (str,), "word")
            type_check(word_id, (int,), "word_id")
            check_value(word_id, (0, INT32_MAX), "word_id")
        return cls._of(word_dict)

    @classmethod
    def from_file(cls, file_path, delimiter="", vocab_size=None, special_tokens=None, special_first=True):
        """One token per line (the text before ``delimiter``), at most ``vocab_size`` of them."""
        type_check(file_path, (str,), "file_path")
        type_check(delimiter, (str,), "delimiter")
        words = []
        with open(file_path, encoding="utf-8") as f:
            for line in f:
                word = line.rstrip("\n").rstrip("\r")
                word = word.split(delimiter)[0] if delimiter else word
                if word in words:
                    raise RuntimeError(f"from_file: word_list contains duplicate word:{word}.")
                words.append(word)
                if vocab_size is not None and len(words) >= vocab_size:
                    break
        return cls._of(_ordered(words, special_tokens, special_first))

    @classmethod
    def from_dataset(cls, dataset, columns=None, freq_range=None, top_k=None, special_tokens=None,
                     special_first=True):
        """Tokens of ``columns`` by descending frequency (ties in code-point order), filtered by
        ``freq_range`` (inclusive), the first ``top_k`` kept."""
        if columns is not None and not isinstance(columns, list):
            columns = [columns]
            type_check_list(columns, (str,), "col")
        if freq_range is not None:
            type_check(freq_range, (tuple,), "freq_range")
            if len(freq_range) != 2:
                raise ValueError("freq_range needs to be a tuple of 2 element.")
            for num in freq_range:
                if num is not None and not isinstance(num, int):
                    raise ValueError("freq_range needs to be either None or a tuple of 2 integers or an int and a "
                                     "None.")
            if isinstance(freq_range[0], int) and isinstance(freq_range[1], int):
                if freq_range[0] > freq_range[1] or freq_range[0] < 0:
                    raise ValueError("frequency range [a,b] should be 0 <= a <= b (a,b are inclusive).")
        type_check(top_k, (int, type(None)), "top_k")
        if isinstance(top_k, int):
            check_positive(top_k, "top_k")
        type_check(special_first, (bool,), "special_first")
        if special_tokens is not None:
            _unique_words(special_tokens, "special_tokens")
        return cls._of(dataset._build_vocab(columns, freq_range, top_k, special_tokens, special_first))

    def _check(self) -> None:
        if not isinstance(self.c_vocab, dict):
            raise RuntimeError("The Vocab has not built yet, got type {0}. Use Vocab.from_dataset(), "
                               "Vocab.from_list(), Vocab.from_file() or Vocab.from_dict() to build a Vocab."
                               .format(type(self.c_vocab)))

    def vocab(self) -> dict:
        self._check()
        return dict(self.c_vocab)

    def tokens_to_ids(self, tokens):
        """Id of each token (-1 when absent); a str gives an int."""
        type_check(tokens, (str, list, np.ndarray), "tokens")
        if isinstance(tokens, list):
            type_check_list(tokens, (str, np.str_), ["tokens[{0}]".format(i) for i in range(len(tokens))])
        self._check()
        if isinstance(tokens, np.ndarray):
            tokens = tokens.tolist()
        if isinstance(tokens, str):
            return self.c_vocab.get(tokens, -1)
        return [self.c_vocab.get(t, -1) for t in tokens]

    def ids_to_tokens(self, ids):
        """Token of each id ('' when absent); an int gives a str."""
        type_check(ids, (int, list, np.ndarray), "ids")
        if isinstance(ids, int):
            check_value(ids, (0, INT32_MAX), "ids")
        if isinstance(ids, list):
            for index, id_ in enumerate(ids):
                type_check(id_, (int, np.int_), "ids[{}]".format(index))
                check_value(id_, (0, INT32_MAX), "ids[{}]".format(index))
        self._check()
        if isinstance(ids, np.ndarray):
            ids = ids.tolist()
        if isinstance(ids, int):
            return self._ids.get(ids, "")
        return [self._ids.get(int(i), "") for i in ids]


def _vocab_from_rows(dataset, columns, freq_range, top_k, special_tokens, special_first) -> dict:
    names = dataset.get_col_names()
    columns = names if columns is None else columns
    for name in columns:
        if name not in names:
            from msshim.dataset.engine._rows import pipeline_error
            raise pipeline_error(f"BuildVocab: column name: {name} does not exist in the dataset columns.")
    idx = [names.index(c) for c in columns]
    counts: collections.Counter = collections.Counter()
    for row in dataset.create_tuple_iterator(num_epochs=1, output_numpy=True):
        for i in idx:
            values = np.asarray(row[i])
            if values.dtype.kind == "S":
                values = np.char.decode(values, "utf-8")
            counts.update(str(v) for v in values.reshape(-1).tolist())
    low, high = (None, None) if freq_range is None else freq_range
    words = [w for w, c in counts.items() if (low is None or c >= low) and (high is None or c <= high)]
    words.sort(key=lambda w: (-counts[w], w.encode("utf-8")))
    specials = set(special_tokens or [])
    words = [w for w in words if w not in specials]
    if top_k is not None:
        words = words[:top_k]
    return _ordered(words, special_tokens, special_first)


def to_bytes(array, encoding="utf8"):
    """Encode a numpy array of str to bytes."""
    if not isinstance(array, np.ndarray):
        raise ValueError("input should be a NumPy array.")
    return np.char.encode(array, encoding)


def to_str(array, encoding="utf8"):
    """Decode a numpy array of bytes to str."""
    if not isinstance(array, np.ndarray):
        raise TypeError("input should be a NumPy array.")
    return np.char.decode(array, encoding)
