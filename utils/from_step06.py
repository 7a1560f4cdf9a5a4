"""Step 6's Keras character language model, as the notebook shows it: the windows of text, the model
(an embedding, one recurrent layer, scores for the next character) and its compiled reader for generation.
Step 7 trains the same model.

GENERATED from notebooks/06_rnns_and_language.ipynb (its cells that start with "# @save") by
``python course.py export``: edit the notebook, not this file; the tests fail when they differ.
"""

import keras
import tensorflow as tf


def windows_of(ids, window=100):
    """Non-overlapping windows of a text's character ids: inputs (n, window), and targets (n, window), the
    same characters shifted by one."""
    count = (len(ids) - 1) // window
    return ids[: count * window].reshape(count, window), ids[1 : count * window + 1].reshape(count, window)


def char_language_model(vocabulary_size, layer_type=keras.layers.GRU, units=128, embedding_size=64, learning_rate=1e-2, seed=0):
    """Character ids (batch, time) -> scores for the next character (batch, time, vocabulary_size): an
    Embedding, one recurrent layer (GRU, LSTM or SimpleRNN) of `units`, a Dense layer; compiled with Adam and
    the cross-entropy of the scores. The seed fixes the initial weights."""
    keras.utils.set_random_seed(seed)
    characters = keras.Input(shape=(None,), dtype="int32")
    embedded = keras.layers.Embedding(vocabulary_size, embedding_size, name="embedding")(characters)     # (batch, time, 64)
    states = layer_type(units, return_sequences=True, return_state=True, name="recurrent")(embedded)[0]  # (batch, time, units)
    scores = keras.layers.Dense(vocabulary_size, name="scores")(states)                                  # (batch, time, vocabulary)
    model = keras.Model(characters, scores, name=f"char_{layer_type.__name__}")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def next_character_reader(model):
    """For a model made by char_language_model: a compiled function (ids (1, n), states) -> (the scores for the
    character after them (vocabulary,), the recurrent layer's states after reading them)."""
    embedding, recurrent, scores = (model.get_layer(name) for name in ("embedding", "recurrent", "scores"))

    @tf.function(reduce_retracing=True)   # traced once into a graph: a step costs far less than eager Keras calls
    def read(ids, states):
        outputs = recurrent(embedding(ids), initial_state=states)   # (sequence, *states after the last character)
        return scores(outputs[0][:, -1])[0], outputs[1:]

    return read


def initial_states(model):
    """The recurrent layer's states before any character: zeros, one (1, units) tensor (two for an LSTM: h and c)."""
    recurrent = model.get_layer("recurrent")
    return [tf.zeros((1, recurrent.units))] * (2 if isinstance(recurrent, keras.layers.LSTM) else 1)
