"""Text as numbers: character and word vocabularies, vectorisation, sampling with a temperature, and
max-over-time pooling.

Taught in step 6 (``notebooks/06_rnns_and_language.ipynb``): characters for the language models,
words for the sentence classifier.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from utils.checks import ArgumentTypeError, arguments, array, fail, number, optional, positive, positive_integer, random_generator, require

PADDING, UNKNOWN = "", "[UNK]"


def _text(function: str, name: str, value):
    """A str (a whole text), not a list of strings or bytes."""
    if not isinstance(value, str):
        fail(function, name, value, f"is a {type(value).__name__}", "give a str", ArgumentTypeError)
    return value


def _sentences(function: str, name: str, value):
    """A list (or other sequence) of sentences, each a str: not one str, whose "sentences" would be its characters."""
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__"):
        fail(function, name, value, f"is a {type(value).__name__}", "give a list of sentences, each a str", ArgumentTypeError)
    for index, sentence in enumerate(value):
        if not isinstance(sentence, str):
            fail(
                function, f"{name}[{index}]", sentence, f"is a {type(sentence).__name__}", "give each sentence as a str", ArgumentTypeError
            )
    return value


def _words(function: str, name: str, value):
    """A vocabulary: a list of words (str), as build_vocabulary returns."""
    if isinstance(value, (str, bytes, dict)) or not hasattr(value, "__len__") or not all(isinstance(word, str) for word in value):
        fail(
            function,
            name,
            value,
            f"is a {type(value).__name__}, not a list of words",
            "give the list build_vocabulary returns",
            ArgumentTypeError,
        )
    return value


class CharVocabulary:
    """The distinct characters of a text, in sorted order, each with an integer id."""

    @arguments(text=_text)
    def __init__(self, text: str):
        self.characters = sorted(set(text))
        self.ids = {character: number for number, character in enumerate(self.characters)}

    def __len__(self) -> int:
        return len(self.characters)

    @arguments(text=_text)
    def encode(self, text: str) -> np.ndarray:
        """str of length n -> int array (n,). Characters outside the vocabulary are an error."""
        unknown = sorted(set(text) - set(self.ids))
        if unknown:
            raise ValueError(f"characters not in the vocabulary: {''.join(unknown)!r}")
        return np.array([self.ids[character] for character in text], dtype=np.int64)

    @arguments(ids=array(ndim=1, integers=True))
    def decode(self, ids) -> str:
        """ids (n,) -> str of length n."""
        values = np.asarray(ids)
        if values.size:
            low, high = values.min(), values.max()
            wanted = f"give ids from 0 to {len(self.characters) - 1}"
            require(low >= 0, "CharVocabulary.decode", "ids", ids, f"holds {low:g}, not a character's id", wanted)
            require(high < len(self.characters), "CharVocabulary.decode", "ids", ids, f"holds {high:g}, not a character's id", wanted)
        return "".join(self.characters[int(i)] for i in ids)


@arguments(logits=array(), temperature=positive)
def softmax(logits, temperature: float = 1.0) -> np.ndarray:
    """Probabilities from scores: exp(logits / T) normalised along the last axis (computed stably)."""
    scaled = np.asarray(logits, dtype=float) / temperature
    scaled = scaled - scaled.max(axis=-1, keepdims=True)
    exponentials = np.exp(scaled)
    return exponentials / exponentials.sum(axis=-1, keepdims=True)


@arguments(scores=array(ndim=1), temperature=positive, rng=random_generator)
def sample_with_temperature(scores, temperature: float, rng: np.random.Generator) -> int:
    """Draw one index from softmax(scores / T): scores (vocab,), the temperature T > 0, rng the
    generator to draw with -> an int in 0 .. vocab - 1.

    Temperature 1 samples the model's own distribution; below 1 sharpens it towards the most
    likely choices (safer, more repetitive text); above 1 flattens it (more surprising, more errors).
    Taught in step 6, section 2 (the lab ``sample_with_temperature``), written out rather than with
    :func:`softmax`: subtracting the largest scaled score keeps every exponential at most 1.
    """
    scaled = np.asarray(scores, dtype=float) / temperature
    weights = np.exp(scaled - scaled.max())  # the largest is e^0 = 1: nothing can overflow
    probabilities = weights / weights.sum()
    return int(rng.choice(len(probabilities), p=probabilities))


def tokenize(sentence: str) -> list[str]:
    """Split a sentence into words. The movie reviews are already lower-cased and tokenised with
    spaces (punctuation stands apart), so splitting on white space is enough."""
    return sentence.split()


@arguments(sentences=_sentences, max_words=optional(number(minimum=2, integer=True)))
def build_vocabulary(sentences, max_words: int | None = None) -> list[str]:
    """The words of ``sentences``, most frequent first (ties alphabetically), after two reserved entries:
    index 0 is padding and index 1 stands for any word not in the vocabulary."""
    counts = Counter(word for sentence in sentences for word in tokenize(sentence))
    words = sorted(counts, key=lambda word: (-counts[word], word))
    return [PADDING, UNKNOWN] + words[: None if max_words is None else max_words - 2]


@arguments(sentences=_sentences, vocabulary=_words, length=positive_integer)
def vectorize(sentences, vocabulary: list[str], length: int) -> np.ndarray:
    """Sentences -> int array (n, length): word ids, cut to ``length`` words or padded with 0 at the end."""
    index = {word: number for number, word in enumerate(vocabulary)}
    encoded = np.zeros((len(sentences), length), dtype=np.int64)
    for row, sentence in enumerate(sentences):
        ids = [index.get(word, 1) for word in tokenize(sentence)][:length]
        encoded[row, : len(ids)] = ids
    return encoded


@arguments(feature_maps=array(ndim=3))
def max_over_time(feature_maps: np.ndarray) -> np.ndarray:
    """Max-over-time pooling (Kim 2014): feature maps (batch, time, channels) -> (batch, channels), the
    strongest response of each feature (channel) anywhere in the sentence, whatever its length.
    Taught in step 6, section 4 (the warm-up ``max_over_time``); Keras' ``GlobalMaxPooling1D`` does it.
    """
    return feature_maps.max(axis=1)
