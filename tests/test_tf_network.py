"""TensorFlow agrees with the hand-written network: gradients on random shapes, whole training runs
in float64 (TF loop and Keras), Mazur's example as a Keras model; and step 4's lab references (the
sigmoid's slope, the tape's gradients, the training step, the sigmoid dense layer)."""

import copy

import keras
import numpy as np
import pytest
import tensorflow as tf

from utils.from_step04 import to_keras, train_keras, train_tf_loop
from utils.network import CrossEntropyCost, Network, QuadraticCost, mazur_example, one_hot
from utils.tf_network import compare_three_ways, lines_of_code, max_gradient_difference, tf_gradients, train_step


@pytest.fixture
def keras_float64():
    """Keras computes losses and optimizer state in its default float type (float32) whatever the layers'
    dtype; digit-for-digit comparisons with NumPy need float64 throughout."""
    keras.config.set_floatx("float64")
    yield
    keras.config.set_floatx("float32")


def problem(sizes, batch, cost, seed):
    rng = np.random.default_rng(seed)
    network = Network(sizes, cost=cost, seed=seed)
    return network, rng.normal(size=(batch, sizes[0])), one_hot(rng.integers(0, sizes[-1], size=batch), sizes[-1])


@pytest.mark.parametrize("cost", [QuadraticCost, CrossEntropyCost])
@pytest.mark.parametrize("sizes, batch, seed", [([3, 2], 1, 0), ([7, 5, 4], 9, 1), ([10, 8, 6, 4, 3], 5, 2), ([784, 30, 10], 10, 3)])
def test_tensorflow_gradients_equal_backpropagation(cost, sizes, batch, seed):
    network, X, Y = problem(sizes, batch, cost, seed)
    ours, theirs = network.gradients(X, Y), tf_gradients(network, X, Y)
    for part_ours, part_theirs in zip(ours, theirs):
        for a, b in zip(part_ours, part_theirs):
            assert a.shape == b.shape
            np.testing.assert_allclose(a, b, rtol=0, atol=1e-10)
    assert max_gradient_difference(network, X, Y) < 1e-10


def test_tensorflow_loop_and_keras_retrace_numpy_training_in_float64(keras_float64):
    network, X, Y = problem([6, 5, 3], 40, QuadraticCost, 4)
    expected, epoch_rng = copy.deepcopy(network), np.random.default_rng(7)
    for _ in range(2):
        expected.train_epoch(X, Y, 10, 0.5, epoch_rng)
    weights, biases = train_tf_loop(network, X, Y, epochs=2, batch_size=10, learning_rate=0.5, seed=7, step=train_step, dtype="float64")
    model = train_keras(network, X, Y, epochs=2, batch_size=10, learning_rate=0.5, seed=7, dtype="float64")
    for layer, W, b, tf_W, tf_b in zip(model.layers, expected.weights, expected.biases, weights, biases):
        np.testing.assert_allclose(tf_W.numpy(), W, rtol=0, atol=1e-12)
        np.testing.assert_allclose(tf_b.numpy(), b, rtol=0, atol=1e-12)
        keras_W, keras_b = layer.get_weights()
        np.testing.assert_allclose(keras_W, W, rtol=0, atol=1e-12)
        np.testing.assert_allclose(keras_b, b, rtol=0, atol=1e-12)


def test_mazur_step_in_keras_matches_numpy(keras_float64):
    network, X, Y = mazur_example()
    model = to_keras(network, dtype="float64")
    for layer in model.layers:
        layer.bias.trainable = False  # Mazur keeps his biases fixed
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.5), loss="mse")
    # Keras' mean squared error averages over the two outputs: (1/2) Σ (t - o)², which is Mazur's E.
    assert model.evaluate(X, Y, verbose=0) == pytest.approx(network.total_cost(X, Y), abs=1e-15)
    model.fit(X, Y, epochs=1, batch_size=1, verbose=0)
    weight_grads, _ = network.gradients(X, Y)
    for layer, W, dW in zip(model.layers, network.weights, weight_grads):
        np.testing.assert_allclose(layer.get_weights()[0], W - 0.5 * dW, rtol=0, atol=1e-15)


def test_lines_of_code_skips_docstrings_comments_and_blanks():
    def sample(x):
        """A docstring
        on two lines."""
        # a comment

        y = x + 1  # counted
        return y

    assert lines_of_code(sample) == 3


def test_three_ways_on_a_small_slice():
    rng = np.random.default_rng(0)
    X = rng.random((200, 784))
    labels = (X[:, :10].argmax(axis=1)).astype(int)
    rows = compare_three_ways(Network([784, 30, 10], cost=QuadraticCost, seed=0), X, one_hot(labels), X[:50], labels[:50], epochs=1)
    assert list(rows) == ["NumPy by hand (step 3)", "TensorFlow loop", "Keras compile/fit"]
    accuracies = [row["accuracy"] for row in rows.values()]
    assert max(accuracies) - min(accuracies) <= 0.02  # float32 frameworks vs float64 NumPy: one example in 50 at most
    assert all(row["lines"] > 5 and row["seconds_per_epoch"] > 0 for row in rows.values())


def test_seconds_per_image_times_the_three_ways_and_leaves_the_network_alone():
    from utils.tf_network import seconds_per_image

    rng = np.random.default_rng(1)
    X, Y = rng.random((120, 784)), one_hot(rng.integers(0, 10, size=120))
    network = Network([784, 40, 10], cost=QuadraticCost, seed=0)
    before = [W.copy() for W in network.weights]
    seconds = seconds_per_image(network, X, Y, batch_size=30)
    assert list(seconds) == ["NumPy by hand (step 3)", "TensorFlow loop", "Keras compile/fit"]
    assert all(0 < value < 1 for value in seconds.values())
    assert all(np.array_equal(W, V) for W, V in zip(network.weights, before))


def test_sigmoid_slope_is_sigma_times_one_minus_sigma():
    from utils.nn import sigmoid_prime
    from utils.tf_network import sigmoid_slope

    z = np.array([[-30.0, -2.0, 0.0], [0.5, 3.0, 30.0]])
    # atol: far out on the tails NumPy's 1 - σ(z) loses digits (σ(30) rounds towards 1), the tape's does not
    np.testing.assert_allclose(sigmoid_slope(z).numpy(), sigmoid_prime(z), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("cost", [QuadraticCost, CrossEntropyCost])
def test_tape_gradients_returns_two_lists_equal_to_backpropagation(cost):
    from utils.tf_network import cross_entropy_cost, quadratic_cost, tape_gradients

    network, X, Y = problem([5, 4, 3], 1, cost, 5)
    weight_grads, bias_grads = tape_gradients(
        network.weights, network.biases, X, Y, cross_entropy_cost if cost is CrossEntropyCost else quadratic_cost
    )
    assert len(weight_grads) == len(bias_grads) == 2
    for ours, theirs in zip(network.gradients(X, Y), (weight_grads, bias_grads)):
        for a, b in zip(ours, theirs):
            assert b.dtype == tf.float64
            np.testing.assert_allclose(b.numpy(), a, rtol=0, atol=1e-12)


def test_train_step_is_one_numpy_gradient_step_in_place():
    from utils.tf_network import train_step

    network, X, Y = problem([6, 5, 3], 7, QuadraticCost, 6)
    weights = [tf.Variable(W) for W in network.weights]
    biases = [tf.Variable(b) for b in network.biases]
    first = weights[0]
    loss = train_step(weights, biases, tf.constant(X), tf.constant(Y), 0.5)
    assert float(loss) == pytest.approx(network.total_cost(X, Y), abs=1e-14)
    weight_grads, bias_grads = network.gradients(X, Y)
    assert weights[0] is first  # changed in place, not replaced
    for variable, value, gradient in zip(weights + biases, network.weights + network.biases, weight_grads + bias_grads):
        np.testing.assert_allclose(variable.numpy(), value - 0.5 * gradient, rtol=0, atol=1e-14)


def test_train_tf_loop_runs_the_step_it_is_given():
    def frozen(weights, biases, X, Y, learning_rate):
        return tf.constant(0.0, dtype=X.dtype)

    network, X, Y = problem([4, 3, 2], 20, QuadraticCost, 8)
    weights, biases = train_tf_loop(network, X, Y, epochs=1, batch_size=5, learning_rate=1.0, seed=0, step=frozen)
    for variable, value in zip(weights + biases, network.weights + network.biases):
        np.testing.assert_allclose(variable.numpy(), value, rtol=1e-6)
    trained, _ = train_tf_loop(network, X, Y, epochs=1, batch_size=5, learning_rate=1.0, seed=0, step=train_step)
    assert not np.allclose(trained[0].numpy(), network.weights[0])


@pytest.mark.parametrize("batch, n_in, units", [(1, 3, 5), (4, 6, 2)])
def test_sigmoid_dense_equals_keras_dense_and_learns(batch, n_in, units):
    from utils.tf_network import SigmoidDense

    rng = np.random.default_rng(batch)
    x = rng.normal(size=(batch, n_in)).astype("float32")
    kernel, bias = rng.normal(size=(n_in, units)), rng.normal(size=units)
    ours = keras.Sequential([keras.Input(shape=(n_in,)), SigmoidDense(units, name="ours")])
    dense = keras.Sequential([keras.Input(shape=(n_in,)), keras.layers.Dense(units, activation="sigmoid")])
    for model in (ours, dense):
        model.layers[0].set_weights([kernel, bias])
    np.testing.assert_allclose(ours(x).numpy(), dense(x).numpy(), rtol=1e-6, atol=1e-7)
    layer = ours.layers[0]
    assert layer.name == "ours" and [tuple(w.shape) for w in layer.trainable_weights] == [(n_in, units), (units,)]
    with tf.GradientTape() as tape:
        total = tf.reduce_sum(layer(x))
    assert all(g is not None and np.abs(g.numpy()).sum() > 0 for g in tape.gradient(total, layer.trainable_weights))
