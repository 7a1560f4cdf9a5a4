"""Text as numbers: character and word vocabularies, vectorisation, sampling with a temperature, and
max-over-time pooling.

Taught in step 6 (``notebooks/06_rnns_and_language.ipynb``): characters for the language models,
words for the sentence classifier.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

PADDING, UNKNOWN = "", "[UNK]"


class CharVocabulary:
    """The distinct characters of a text, in sorted order, each with an integer id."""

    def __init__(self, text: str):
        self.characters = sorted(set(text))
        self.ids = {character: number for number, character in enumerate(self.characters)}

    def __len__(self) -> int:
        return len(self.characters)

    def encode(self, text: str) -> np.ndarray:
        """str of length n -> int array (n,). Characters outside the vocabulary are an error."""
        unknown = sorted(set(text) - set(self.ids))
        if unknown:
            raise ValueError(f"characters not in the vocabulary: {''.join(unknown)!r}")
        return np.array([self.ids[character] for character in text], dtype=np.int64)

    def decode(self, ids) -> str:
        """ids (n,) -> str of length n."""
        return "".join(self.characters[int(i)] for i in ids)


def softmax(logits, temperature: float = 1.0) -> np.ndarray:
    """Probabilities from scores: exp(logits / T) normalised along the last axis (computed stably)."""
    if temperature <= 0:
        raise ValueError(f"temperature must be positive, got {temperature}.")
    scaled = np.asarray(logits, dtype=float) / temperature
    scaled = scaled - scaled.max(axis=-1, keepdims=True)
    exponentials = np.exp(scaled)
    return exponentials / exponentials.sum(axis=-1, keepdims=True)


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


def build_vocabulary(sentences, max_words: int | None = None) -> list[str]:
    """The words of ``sentences``, most frequent first (ties alphabetically), after two reserved entries:
    index 0 is padding and index 1 stands for any word not in the vocabulary."""
    counts = Counter(word for sentence in sentences for word in tokenize(sentence))
    words = sorted(counts, key=lambda word: (-counts[word], word))
    return [PADDING, UNKNOWN] + words[: None if max_words is None else max_words - 2]


def vectorize(sentences, vocabulary: list[str], length: int) -> np.ndarray:
    """Sentences -> int array (n, length): word ids, cut to ``length`` words or padded with 0 at the end."""
    index = {word: number for number, word in enumerate(vocabulary)}
    encoded = np.zeros((len(sentences), length), dtype=np.int64)
    for row, sentence in enumerate(sentences):
        ids = [index.get(word, 1) for word in tokenize(sentence)][:length]
        encoded[row, : len(ids)] = ids
    return encoded


def max_over_time(feature_maps: np.ndarray) -> np.ndarray:
    """Max-over-time pooling (Kim 2014): feature maps (batch, time, channels) -> (batch, channels), the
    strongest response of each feature (channel) anywhere in the sentence, whatever its length.
    Taught in step 6, section 4 (the warm-up ``max_over_time``); Keras' ``GlobalMaxPooling1D`` does it.
    """
    return feature_maps.max(axis=1)
