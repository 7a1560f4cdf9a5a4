"""The framework side of step 7's attention section: a transformer block assembled from Keras layers, a
small causal transformer language model, step 6's GRU language model beside it, and what it takes to train
both on equal terms and look inside them.

Taught in step 7 (``notebooks/07_further_topics.ipynb``), section 7 ("Attention: what replaced
recurrence"). The NumPy versions the learner writes (scaled dot-product attention, multi-head attention,
the block) are ``utils.attention``; :class:`TransformerBlock` is the same block in Keras layers, and the
lab ``transformer_block`` is checked against it given the same weights.

``gru_language_model`` and ``character_windows`` are step 6's GRU language model and its windows of 100
characters (``notebooks/06_rnns_and_language.ipynb``, section 2 builds them in its own cells), so that
step 7 compares its transformer with the same model on the same data.
"""

from __future__ import annotations

import time

import keras
import numpy as np
import tensorflow as tf

from utils.checks import arguments, array, positive, positive_integer, require
from utils.text import sample_with_temperature

#: Step 6's GRU language model and its training: windows of 100 characters, batches of 64, Adam at 3e-3.
WINDOW, BATCH_SIZE, LEARNING_RATE = 100, 64, 3e-3


@arguments(ids=array(ndim=1, integers=True), window=positive_integer)
def character_windows(ids: np.ndarray, window: int = WINDOW) -> tuple[np.ndarray, np.ndarray]:
    """Non-overlapping windows of a sequence of character ids: inputs (n, window) and the same characters
    shifted by one, the targets (n, window). Step 6's ``windows_of``."""
    wanted = f"give a window below {len(ids)}, the length of the text"
    require(window < len(ids), "character_windows", "window", window, f"leaves no window in {len(ids)} ids", wanted)
    count = (len(ids) - 1) // window
    inputs = ids[: count * window].reshape(count, window)
    targets = ids[1 : count * window + 1].reshape(count, window)
    return inputs, targets


def _compiled(model: keras.Model, jit_compile: bool | str = "auto") -> keras.Model:
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=LEARNING_RATE),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        jit_compile=jit_compile,
    )
    return model


def gru_language_model(vocabulary_size: int, seed: int, embedding_size: int = 64, units: int = 256) -> keras.Model:
    """Step 6's character language model (notebook 06, section 2), seeded: Embedding(64) -> GRU(256) -> Dense
    (scores for the next character), compiled with Adam (3e-3) and the cross-entropy of the scores.
    (batch, n) character ids -> (batch, n, vocabulary) scores."""
    keras.utils.set_random_seed(seed)
    characters = keras.Input(shape=(None,), dtype="int32")
    embedded = keras.layers.Embedding(vocabulary_size, embedding_size)(characters)
    states = keras.layers.GRU(units, return_sequences=True)(embedded)
    return _compiled(keras.Model(characters, keras.layers.Dense(vocabulary_size)(states), name="gru_language_model"), jit_compile=False)


class TransformerBlock(keras.layers.Layer):
    """One pre-norm transformer block from Keras layers: x + attention(norm1(x)), then that plus
    Dense(width)(ReLU(Dense(hidden)(norm2(.)))). (batch, n, width) -> (batch, n, width).

    ``params()`` and ``set_params()`` read and write its weights as the dict that ``utils.attention.transformer_block``
    takes, so the two can be compared given the same weights."""

    project: keras.layers.Dense  # Dense(width), made in build once the width is known

    def __init__(
        self,
        num_heads: int,
        key_dim: int,
        hidden: int,
        epsilon: float = 1e-3,
        kernel_initializer: str = "glorot_uniform",
        seed: int | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.num_heads, self.key_dim, self.hidden, self.epsilon = num_heads, key_dim, hidden, epsilon
        self.kernel_initializer = kernel_initializer
        self.norm1 = keras.layers.LayerNormalization(epsilon=epsilon)
        self.attention = keras.layers.MultiHeadAttention(num_heads, key_dim, kernel_initializer=kernel_initializer, seed=seed)
        self.norm2 = keras.layers.LayerNormalization(epsilon=epsilon)
        self.expand = keras.layers.Dense(hidden, activation="relu", kernel_initializer=kernel_initializer)

    def build(self, input_shape):
        width = input_shape[-1]
        self.project = keras.layers.Dense(width, kernel_initializer=self.kernel_initializer)
        self.norm1.build(input_shape)
        self.attention.build(input_shape, input_shape)
        self.norm2.build(input_shape)
        self.expand.build(input_shape)
        self.project.build((*input_shape[:-1], self.hidden))

    def call(self, x, attention_mask=None, use_causal_mask=False, return_attention_scores=False):
        h = self.norm1(x)
        attended = self.attention(
            h, h, attention_mask=attention_mask, use_causal_mask=use_causal_mask, return_attention_scores=return_attention_scores
        )
        attended, scores = attended if return_attention_scores else (attended, None)
        x = x + attended
        x = x + self.project(self.expand(self.norm2(x)))
        return (x, scores) if return_attention_scores else x

    def params(self) -> dict:
        """The weights as ``utils.attention.transformer_block`` takes them (NumPy arrays)."""
        return {
            "norm1": tuple(self.norm1.get_weights()),
            "attention": self.attention.get_weights(),
            "norm2": tuple(self.norm2.get_weights()),
            "feed_forward": (*self.expand.get_weights(), *self.project.get_weights()),
        }

    def set_params(self, params: dict) -> None:
        W1, b1, W2, b2 = params["feed_forward"]
        self.norm1.set_weights(list(params["norm1"]))
        self.attention.set_weights(list(params["attention"]))
        self.norm2.set_weights(list(params["norm2"]))
        self.expand.set_weights([W1, b1])
        self.project.set_weights([W2, b2])

    def get_config(self):
        return {
            **super().get_config(),
            "num_heads": self.num_heads,
            "key_dim": self.key_dim,
            "hidden": self.hidden,
            "epsilon": self.epsilon,
        }


class PositionEmbedding(keras.layers.Layer):
    """A learned vector for each character plus a learned vector for each position (as in GPT):
    (batch, n) ids, n at most ``window`` -> (batch, n, width)."""

    def __init__(self, vocabulary_size: int, window: int, width: int, **kwargs):
        super().__init__(**kwargs)
        self.vocabulary_size, self.window, self.width = vocabulary_size, window, width
        self.characters = keras.layers.Embedding(vocabulary_size, width)
        self.positions = keras.layers.Embedding(window, width)

    def build(self, input_shape):
        self.characters.build(input_shape)
        self.positions.build((self.window,))

    def call(self, ids):
        return self.characters(ids) + self.positions(keras.ops.arange(keras.ops.shape(ids)[-1]))

    def get_config(self):
        return {**super().get_config(), "vocabulary_size": self.vocabulary_size, "window": self.window, "width": self.width}


def transformer_language_model(
    vocabulary_size: int,
    seed: int,
    window: int = WINDOW,
    width: int = 100,
    num_heads: int = 4,
    key_dim: int = 25,
    hidden: int = 400,
    blocks: int = 2,
    head_scale: float = 0.02,
    jit_compile: bool | str = False,
) -> keras.Model:
    """A small causal transformer language model, seeded: character and position embeddings -> ``blocks``
    pre-norm blocks with a causal mask -> a last layer normalisation -> Dense (scores for the next character),
    compiled as the GRU model is. (batch, n) ids, n ≤ window -> (batch, n, vocabulary) scores. With the defaults
    and 62 characters it has 265,262 parameters, step 6's GRU model 267,198."""
    keras.utils.set_random_seed(seed)
    characters = keras.Input(shape=(None,), dtype="int32")
    x = PositionEmbedding(vocabulary_size, window, width, name="embedding")(characters)
    for number in range(blocks):
        x = TransformerBlock(num_heads, key_dim, hidden, name=f"block{number + 1}")(x, use_causal_mask=True)
    # The scores start small (as GPT-2's weights do), so that the untrained model predicts every character about
    # equally: a loss near ln(vocabulary), where a Glorot-sized last layer would start higher.
    head = keras.layers.Dense(vocabulary_size, kernel_initializer=keras.initializers.RandomNormal(stddev=head_scale))
    scores = head(keras.layers.LayerNormalization(epsilon=1e-3)(x))
    return _compiled(keras.Model(characters, scores, name="transformer_language_model"), jit_compile=jit_compile)


def keras_transformer_block(x, params: dict, mask=None, epsilon: float = 1e-3) -> np.ndarray:
    """The independent reference of lab ``transformer_block``: a :class:`TransformerBlock` of Keras layers given
    the same weights, on x (batch, n, width) with the attention mask (batch, n, n) or None -> (batch, n, width).
    A causal mask (lower triangular everywhere) is handed to Keras as ``use_causal_mask=True``."""
    Wq, Wo = params["attention"][0], params["attention"][6]
    key = (x.shape[-1], Wq.shape[1], Wq.shape[2], params["feed_forward"][0].shape[1], epsilon)
    if key not in _BLOCKS:
        # zero initialisers and a fixed seed: building it draws nothing from the notebook's random generators
        block = TransformerBlock(key[1], key[2], key[3], epsilon=epsilon, kernel_initializer="zeros", seed=0)
        block.build((None, None, key[0]))
        _BLOCKS[key] = block
    block = _BLOCKS[key]
    assert Wo.shape[-1] == x.shape[-1], "the block's attention returns its input width"
    block.set_params({name: tuple(np.asarray(w, "float32") for w in value) for name, value in params.items()})
    return block(np.asarray(x, "float32"), **mask_arguments(mask)).numpy().astype(float)


_BLOCKS: dict = {}


def mask_arguments(mask) -> dict:
    """A mask as Keras' MultiHeadAttention takes it: a causal one as use_causal_mask=True, any other as attention_mask."""
    if mask is None:
        return {}
    mask = np.asarray(mask, dtype=bool)
    if mask.shape[-1] == mask.shape[-2] and np.array_equal(mask, np.broadcast_to(np.tril(np.ones(mask.shape[-2:], bool)), mask.shape)):
        return {"use_causal_mask": True}
    return {"attention_mask": mask}


@arguments(steps=positive_integer, batch_size=positive_integer)
def train_steps(model: keras.Model, inputs: np.ndarray, targets: np.ndarray, steps: int, seed: int, batch_size: int = BATCH_SIZE):
    """Train ``model`` for exactly ``steps`` batches of ``batch_size`` windows, drawn in a shuffled order that the
    seed fixes (a new shuffle after each pass over the windows). Returns (seconds the steps took after the first,
    which may trace the model; the loss of each batch)."""
    if not model.optimizer.built:
        model.optimizer.build(model.trainable_variables)  # now, so that the first step is traced once, not twice
    rng = np.random.default_rng(seed)
    order = np.concatenate([rng.permutation(len(inputs)) for _ in range(steps * batch_size // len(inputs) + 1)])
    losses, started = [], None
    for step in range(steps):
        batch = order[step * batch_size : (step + 1) * batch_size]
        model.reset_metrics()  # train_on_batch reports the mean since the last reset: make it this batch's loss
        losses.append(float(model.train_on_batch(inputs[batch], targets[batch])))
        if step == 0:
            started = time.perf_counter()
    return (time.perf_counter() - started if started else 0.0), losses


def perplexity(model: keras.Model, inputs: np.ndarray, targets: np.ndarray) -> float:
    """e to the mean cross-entropy (nats per character) of ``model``'s predictions of ``targets``, in one batch."""
    return float(np.exp(model.evaluate(inputs, targets, batch_size=len(inputs), verbose=0)))


@arguments(length=positive_integer, temperature=positive, window=positive_integer)
def generate(model: keras.Model, vocabulary, prompt: str, length: int, temperature: float, seed: int, window: int = WINDOW) -> str:
    """Continue ``prompt`` by ``length`` characters sampled (``utils.text.sample_with_temperature``) from either
    language model here. The GRU model reads one character at a time and carries its state, as step 6 sampled; the
    transformer reads the last ``window`` characters at every step, padded on the right to ``window`` so that one
    traced call serves every step (a causal model's score at position i does not depend on what comes after i)."""
    rng = np.random.default_rng(seed)
    ids = list(vocabulary.encode(prompt))
    recurrent = any(isinstance(layer, keras.layers.GRU) for layer in model.layers)
    next_scores = _recurrent_scores(model, ids) if recurrent else _windowed_scores(model, window)
    for _ in range(length):
        ids.append(sample_with_temperature(next_scores(ids), temperature, rng))
    return vocabulary.decode(ids[len(prompt) :])


def _recurrent_scores(model: keras.Model, prompt_ids: list):
    """scores(ids) for a model Embedding -> GRU -> Dense: reads only the ids it has not read yet, from its state."""
    embedding, gru, head = (next(layer for layer in model.layers if isinstance(layer, kind)) for kind in _RECURRENT_PARTS)
    state = {"read": 0, "h": tf.zeros((1, gru.units))}

    @tf.function(input_signature=[tf.TensorSpec((1, None), tf.int32), tf.TensorSpec((1, gru.units), tf.float32)])
    def step(new, h):
        h = gru(embedding(new), initial_state=[h])[:, -1]  # a GRU's output is its state
        return h, head(h)

    def scores(ids):
        state["h"], next_scores = step(np.asarray(ids[state["read"] :], dtype="int32")[None, :], state["h"])
        state["read"] = len(ids)
        return next_scores.numpy()[0]

    return scores


_RECURRENT_PARTS = (keras.layers.Embedding, keras.layers.GRU, keras.layers.Dense)


def _windowed_scores(model: keras.Model, window: int):
    """scores(ids) for a causal model of windows: the last ``window`` ids, padded on the right, in one traced call."""
    scores_of = tf.function(lambda x: model(x, training=False), input_signature=[tf.TensorSpec((1, window), tf.int32)])

    def scores(ids):
        recent = ids[-window:]
        padded = np.zeros((1, window), dtype="int32")
        padded[0, : len(recent)] = recent
        return scores_of(padded).numpy()[0, len(recent) - 1]

    return scores


def attention_maps(model: keras.Model, ids: np.ndarray) -> np.ndarray:
    """The attention weights of every block of a model made by :func:`transformer_language_model`, on one
    sequence of ids (n,): (blocks, heads, n, n), row i the weights position i gives to positions 0..i."""
    x = model.get_layer("embedding")(np.asarray(ids, "int32")[None, :])
    maps = []
    for layer in model.layers:
        if isinstance(layer, TransformerBlock):
            x, scores = layer(x, use_causal_mask=True, return_attention_scores=True)
            maps.append(scores.numpy()[0])
    return np.stack(maps)
