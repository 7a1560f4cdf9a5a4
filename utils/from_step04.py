"""Step 4's TensorFlow and Keras code, as the notebook shows it: the two costs, the training loop
with tf.GradientTape, and the same network in Keras. ``utils.tf_network`` and the exercises use them.

GENERATED from notebooks/04_getting_practical.ipynb (its cells that start with "# @save") by
``python course.py export``: edit the notebook, not this file; the tests fail when they differ.
"""

import keras
import numpy as np
import tensorflow as tf

from utils.network import minibatches


def quadratic_cost(targets, outputs):
    """½ ||a - y||² for each example: (batch, n_out), (batch, n_out) -> (batch,)."""
    return 0.5 * tf.reduce_sum(tf.square(outputs - targets), axis=-1)


def cross_entropy_cost(targets, outputs):
    """-Σ [y ln a + (1 - y) ln(1 - a)] for each example: (batch, n_out), (batch, n_out) -> (batch,)."""
    return -tf.reduce_sum(targets * tf.math.log(outputs) + (1 - targets) * tf.math.log(1 - outputs), axis=-1)


def train_tf_loop(network, X, Y, epochs, batch_size, learning_rate, seed, step, dtype="float32"):
    """Mini-batch SGD with a tf.GradientTape training step ``step`` (such as ``train_step``):
    start from network's weights; return the trained tf.Variables."""
    step = tf.function(step)  # traced once into a graph, then run without Python in the loop
    weights = [tf.Variable(W, dtype=dtype) for W in network.weights]
    biases = [tf.Variable(b, dtype=dtype) for b in network.biases]
    X, Y = X.astype(dtype), Y.astype(dtype)
    rng = np.random.default_rng(seed)
    for _ in range(epochs):
        for batch in minibatches(len(X), batch_size, rng):
            step(weights, biases, X[batch], Y[batch], learning_rate)
    return weights, biases


def to_keras(network, dtype="float32"):
    """A Keras model with the network's layers and a copy of its weights."""
    model = keras.Sequential([keras.Input(shape=(network.sizes[0],), dtype=dtype)]
                             + [keras.layers.Dense(n, activation="sigmoid", dtype=dtype) for n in network.sizes[1:]])
    for layer, W, b in zip(model.layers, network.weights, network.biases):
        layer.set_weights([W, b])
    return model


def train_keras(network, X, Y, epochs, batch_size, learning_rate, seed, dtype="float32"):
    """The same training with Keras compile/fit; the batches come from the same shuffles as above."""
    model = to_keras(network, dtype)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate), loss=quadratic_cost)
    rng = np.random.default_rng(seed)
    for _ in range(epochs):
        order = np.concatenate(minibatches(len(X), batch_size, rng))
        model.fit(X[order], Y[order], batch_size=batch_size, epochs=1, shuffle=False, verbose=0)
    return model
