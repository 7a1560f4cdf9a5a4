"""Bad inputs to the from-scratch modules of steps 1-4 (``utils.nn``, ``gradcheck``, ``logistic``, ``network``,
``mazur``, ``optimizers``) and to step 4's TensorFlow code (``utils.tf_network``): each refused by name, or, for
a run that diverges, warned about. The issue's examples are here: labels of shape (n, 1) and of the wrong length
for ``Network.accuracy``, mismatched shapes for ``CrossEntropyCost.value``, ``dense_forward`` and
``train_perceptron``, (n, 1) targets and targets outside {0, 1} for ``binary_cross_entropy`` and
``logistic_gradient``, negative learning rates and zero or negative batch sizes, NaN in the data, float labels
to ``one_hot``."""

from __future__ import annotations

import numpy as np

from bad_inputs import Bad, Diverges
from utils import gradcheck, logistic, mazur, nn, optimizers
from utils.network import (
    CrossEntropyCost,
    Network,
    QuadraticCost,
    l2_gradients,
    minibatches,
    network_gradients,
    one_hot,
    quadratic_output_error,
    sgd_epoch,
    train_epoch_per_example,
)

_rng = np.random.default_rng(26)
GATES = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
POINTS = _rng.normal(size=(20, 2))
POINT_LABELS = (POINTS.sum(axis=1) > 0).astype(float)
X6, Y6 = _rng.normal(size=(6, 3)), np.array([0.0, 1.0, 1.0, 0.0, 1.0, 0.0])
W3 = _rng.normal(size=3)
WEIGHTS = [_rng.normal(size=(3, 4)), _rng.normal(size=(4, 2))]
BIASES = [_rng.normal(size=4), _rng.normal(size=2)]
BATCH = _rng.normal(size=(5, 3))
TARGETS = one_hot(_rng.integers(0, 2, size=5), 2)
VECTORS = _rng.uniform(size=(30, 4))
DIGITS = np.arange(30) % 10
NETWORK = Network([4, 3, 10], seed=0)
X_NET = _rng.normal(size=(10, 4))
LABELS = np.arange(10)
Y_NET = one_hot(LABELS, 10)
PROBABILITIES = np.array([0.9, 0.2, 0.6, 0.01])
NAN_DATA = np.array([[0.1, np.nan, 0.3, 0.4], [0.5, 0.6, 0.7, 0.8]])


def _quietly(call):
    """NumPy's own overflow warnings silenced: the row is about the course's warning."""
    with np.errstate(over="ignore", invalid="ignore"):
        return call()


def _rng0():
    return np.random.default_rng(0)


def _backward(weights, biases, X, Y):
    return network_gradients(weights, biases, X, Y)


def _params():
    return [np.zeros((3, 2)), np.zeros(2)]


def _variables():
    import tensorflow as tf

    return [tf.Variable(W) for W in WEIGHTS], [tf.Variable(b) for b in BIASES]


def _train_step(weights, biases, learning_rate):
    from utils.tf_network import train_step

    return train_step(weights, biases, BATCH, TARGETS, learning_rate)


def _sigmoid_dense(units):
    from utils.tf_network import SigmoidDense

    return SigmoidDense(units)


def _tf(name):
    import utils.tf_network

    return getattr(utils.tf_network, name)


def _never(*args):
    raise AssertionError("a refused call must not reach its training")


_MNIST_LIKE = Network([4, 3, 10], cost=QuadraticCost, seed=0)
_THREE_WAYS = dict(epochs=1, tf_loop=_never, keras_fit=_never)

CASES = [
    # --- utils.nn: activations -------------------------------------------------------------------------------
    Bad("step z None", lambda: nn.step(None), TypeError, ("z", "None")),
    Bad("sigmoid_prime z a string", lambda: nn.sigmoid_prime("abc"), TypeError, ("z", "'abc'")),
    Bad("relu z ragged", lambda: nn.relu([[1.0, 2.0], [3.0]]), ValueError, ("z", "[[1.0, 2.0], [3.0]]")),
    Bad("relu_prime z complex", lambda: nn.relu_prime(np.array([1 + 2j])), TypeError, ("z", "complex128")),
    Bad("tanh_prime z None", lambda: nn.tanh_prime(None), TypeError, ("z", "None")),
    Bad("rotation_matrix theta a string", lambda: nn.rotation_matrix("30"), TypeError, ("theta", "'30'")),
    Bad("rotation_matrix theta an array", lambda: nn.rotation_matrix(np.array([0.1, 0.2])), TypeError, ("theta", "[0.1, 0.2]")),
    # --- utils.nn: perceptrons and layers --------------------------------------------------------------------
    Bad(
        "perceptron w one too many", lambda: nn.perceptron(GATES, [1.0, 1.0, 1.0], -1.5), ValueError, ("w", "[1.0, 1.0, 1.0]", "3 entries")
    ),
    Bad("perceptron b None", lambda: nn.perceptron(GATES, [1.0, 1.0], None), TypeError, ("b", "None")),
    Bad("perceptron x 3-D", lambda: nn.perceptron(np.zeros((2, 2, 2)), [1.0, 1.0], 0.0), ValueError, ("x", "shape (2, 2, 2)")),
    Bad(
        "train_perceptron targets a column",
        lambda: nn.train_perceptron(POINTS, POINT_LABELS[:, None], 3),
        ValueError,
        ("targets", "shape (20, 1)", "2 dimensions"),
    ),
    Bad(
        "train_perceptron targets -1 and 1",
        lambda: nn.train_perceptron(POINTS, 2 * POINT_LABELS - 1, 3),
        ValueError,
        ("targets", "shape (20,)", "other than 0 and 1"),
    ),
    Bad(
        "train_perceptron targets one short",
        lambda: nn.train_perceptron(POINTS, POINT_LABELS[:19], 3),
        ValueError,
        ("targets", "19 entries", "20 rows of inputs"),
    ),
    Bad("train_perceptron epochs 0", lambda: nn.train_perceptron(POINTS, POINT_LABELS, 0), ValueError, ("epochs", "0")),
    Bad("train_perceptron epochs fractional", lambda: nn.train_perceptron(POINTS, POINT_LABELS, 2.5), ValueError, ("epochs", "2.5")),
    Bad(
        "train_perceptron learning rate negative",
        lambda: nn.train_perceptron(POINTS, POINT_LABELS, 3, -1.0),
        ValueError,
        ("learning_rate", "-1.0"),
    ),
    Bad(
        "train_perceptron NaN in the inputs",
        lambda: nn.train_perceptron(np.where(POINTS > 1.5, np.nan, POINTS), POINT_LABELS, 3),
        ValueError,
        ("inputs", "NaN"),
    ),
    Bad(
        "dense_forward a bias of the wrong length",
        lambda: nn.dense_forward(BATCH, WEIGHTS, [np.zeros(1), BIASES[1]]),
        ValueError,
        ("biases[0]", "[0.] (an array)", "shape (1,)"),
    ),
    Bad("dense_forward a bias missing", lambda: nn.dense_forward(BATCH, WEIGHTS, BIASES[:1]), ValueError, ("biases", "1 array,")),
    Bad("dense_forward x of the wrong width", lambda: nn.dense_forward(BATCH[:, :2], WEIGHTS, BIASES), ValueError, ("x", "shape (5, 2)")),
    Bad(
        "dense_forward layers that do not chain",
        lambda: nn.dense_forward(BATCH, [WEIGHTS[0], WEIGHTS[1][:3]], BIASES),
        ValueError,
        ("weights[1]", "shape (3, 2)", "3 rows"),
    ),
    Bad(
        "dense_forward activation a string",
        lambda: nn.dense_forward(BATCH, WEIGHTS, BIASES, "sigmoid"),
        TypeError,
        ("activation", "'sigmoid'"),
    ),
    Bad("dense_forward weights not a list", lambda: nn.dense_forward(BATCH, WEIGHTS[0], BIASES), TypeError, ("weights", "ndarray")),
    Bad(
        "nearest_templates fractional labels",
        lambda: nn.nearest_templates(VECTORS, DIGITS + 0.5),
        ValueError,
        ("labels", "shape (30,)", "fractions"),
    ),
    Bad(
        "nearest_templates a class without examples",
        lambda: nn.nearest_templates(VECTORS, np.where(DIGITS == 3, 4, DIGITS)),
        ValueError,
        ("labels", "no example of class 3"),
    ),
    Bad("nearest_templates a label of 10", lambda: nn.nearest_templates(VECTORS, DIGITS + 1), ValueError, ("labels", "from 1 to 10")),
    Bad("nearest_templates labels one short", lambda: nn.nearest_templates(VECTORS, DIGITS[:29]), ValueError, ("labels", "29 entries")),
    Bad("nearest_templates classes 0", lambda: nn.nearest_templates(VECTORS, DIGITS, 0), ValueError, ("classes", "0")),
    # --- utils.nn: the loss and gradient of one sigmoid neuron ---------------------------------------------
    Bad(
        "binary_cross_entropy targets a column",
        lambda: nn.binary_cross_entropy(PROBABILITIES, np.array([[1.0], [0.0], [0.0], [1.0]])),
        ValueError,
        ("target", "shape (4, 1)", "shape of predicted, (4,)"),
    ),
    Bad(
        "binary_cross_entropy targets outside 0 and 1",
        lambda: nn.binary_cross_entropy(PROBABILITIES, np.array([2.0, -1.0, 0.0, 1.0])),
        ValueError,
        ("target", "[ 2., -1.,  0.,  1.]", "from -1 to 2"),
    ),
    Bad(
        "binary_cross_entropy predictions above 1",
        lambda: nn.binary_cross_entropy(np.array([1.5, 0.2]), np.array([1.0, 0.0])),
        ValueError,
        ("predicted", "[1.5, 0.2]"),
    ),
    Bad(
        "binary_cross_entropy NaN predictions",
        lambda: nn.binary_cross_entropy(np.array([np.nan, 0.2]), np.array([1.0, 0.0])),
        ValueError,
        ("predicted", "nan", "holds NaN"),
    ),
    Bad("binary_cross_entropy eps 0", lambda: nn.binary_cross_entropy(PROBABILITIES, PROBABILITIES, 0.0), ValueError, ("eps", "0.0")),
    Bad(
        "logistic_gradient targets a column",
        lambda: nn.logistic_gradient(X6, Y6[:, None], W3, 0.1),
        ValueError,
        ("y", "shape (6, 1)", "2 dimensions"),
    ),
    Bad(
        "logistic_gradient one weight too many",
        lambda: nn.logistic_gradient(X6, Y6, np.zeros(4), 0.1),
        ValueError,
        ("w", "[0., 0., 0., 0.]", "one per column of X (3)"),
    ),
    Bad("logistic_gradient a target of 2", lambda: nn.logistic_gradient(X6, Y6 * 2, W3, 0.1), ValueError, ("y", "other than 0 and 1")),
    Bad("logistic_gradient targets one short", lambda: nn.logistic_gradient(X6, Y6[:5], W3, 0.1), ValueError, ("y", "5 entries")),
    Bad("logistic_gradient b an array", lambda: nn.logistic_gradient(X6, Y6, W3, np.array([0.1])), TypeError, ("b", "[0.1]")),
    Bad("logistic_gradient X a vector", lambda: nn.logistic_gradient(W3, Y6, W3, 0.1), ValueError, ("X", "1 dimension")),
    # --- utils.nn: gradient descent on the bowl ------------------------------------------------------------
    Bad(
        "bowl a point of 3 coordinates", lambda: nn.bowl(np.array([1.0, 2.0, 3.0])), ValueError, ("point", "[1., 2., 3.]", "3 coordinates")
    ),
    Bad("bowl_gradient a point as a string", lambda: nn.bowl_gradient("ab"), TypeError, ("point", "'ab'")),
    Bad(
        "gradient_descent learning rate negative",
        lambda: nn.gradient_descent(nn.bowl_gradient, [-4.0, 1.5], -0.1, 10),
        ValueError,
        ("learning_rate", "-0.1"),
    ),
    Bad(
        "gradient_descent learning rate 0",
        lambda: nn.gradient_descent(nn.bowl_gradient, [-4.0, 1.5], 0, 10),
        ValueError,
        ("learning_rate", "0"),
    ),
    Bad("gradient_descent steps 0", lambda: nn.gradient_descent(nn.bowl_gradient, [-4.0, 1.5], 0.05, 0), ValueError, ("steps", "0")),
    Bad(
        "gradient_descent steps negative", lambda: nn.gradient_descent(nn.bowl_gradient, [-4.0, 1.5], 0.05, -3), ValueError, ("steps", "-3")
    ),
    Bad(
        "gradient_descent a gradient that is an array",
        lambda: nn.gradient_descent(np.array([2.0, 20.0]), [-4.0, 1.5], 0.05, 10),
        TypeError,
        ("gradient", "not a function"),
    ),
    Bad("gradient_descent NaN start", lambda: nn.gradient_descent(nn.bowl_gradient, [np.nan, 1.5], 0.05, 10), ValueError, ("start", "NaN")),
    Diverges(
        "gradient_descent beyond 2/20 on the bowl",
        lambda: _quietly(lambda: nn.gradient_descent(nn.bowl_gradient, [-4.0, 1.5], 0.2, 700)),
        "step 644",
    ),
    # --- utils.gradcheck -----------------------------------------------------------------------------------
    Bad("central_difference h 0", lambda: gradcheck.central_difference(np.sin, 1.0, 0.0), ValueError, ("h", "0.0")),
    Bad("central_difference f a number", lambda: gradcheck.central_difference(3.0, 1.0), TypeError, ("f", "3.0", "not a function")),
    Bad("numerical_gradient x a list", lambda: gradcheck.numerical_gradient(np.sum, [1.0, 2.0]), TypeError, ("x", "[1.0, 2.0]", "float64")),
    Bad(
        "numerical_gradient x of integers",
        lambda: gradcheck.numerical_gradient(np.sum, np.array([1, 2])),
        TypeError,
        ("x", "[1, 2]", "int64 array"),
    ),
    Bad("numerical_gradient h negative", lambda: gradcheck.numerical_gradient(np.sum, np.ones(2), -1e-5), ValueError, ("h", "-1e-05")),
    Bad("relative_error shapes differ", lambda: gradcheck.relative_error(np.ones(3), np.ones((3, 1))), ValueError, ("b", "shape (3, 1)")),
    Bad("relative_error a string", lambda: gradcheck.relative_error("0.1", 0.1), TypeError, ("a", "'0.1'")),
    # --- utils.logistic ------------------------------------------------------------------------------------
    Bad(
        "two_neuron_slopes w1 an array",
        lambda: logistic.two_neuron_slopes(W3, np.ones(3), 0.0, 1.0, 0.0),
        TypeError,
        ("w1", "[1., 1., 1.]"),
    ),
    Bad("two_neuron_slopes b2 None", lambda: logistic.two_neuron_slopes(W3, 1.0, 0.0, 1.0, None), TypeError, ("b2", "None")),
    Bad("train_logistic targets a column", lambda: logistic.train_logistic(X6, Y6[:, None], 0.5, 5), ValueError, ("y", "shape (6, 1)")),
    Bad(
        "train_logistic targets outside 0 and 1",
        lambda: logistic.train_logistic(X6, np.array([0.0, 1, 2, 0, 1, 0]), 0.5, 5),
        ValueError,
        ("y", "other than 0 and 1"),
    ),
    Bad(
        "train_logistic targets one short",
        lambda: logistic.train_logistic(X6, Y6[:5], 0.5, 5),
        ValueError,
        ("y", "5 entries", "6 rows of X"),
    ),
    Bad("train_logistic learning rate negative", lambda: logistic.train_logistic(X6, Y6, -0.5, 5), ValueError, ("learning_rate", "-0.5")),
    Bad("train_logistic steps 0", lambda: logistic.train_logistic(X6, Y6, 0.5, 0), ValueError, ("steps", "0")),
    Bad("train_logistic steps a string", lambda: logistic.train_logistic(X6, Y6, 0.5, "10"), TypeError, ("steps", "'10'")),
    Bad(
        "train_logistic NaN in X",
        lambda: logistic.train_logistic(np.where(X6 > 1, np.nan, X6), Y6, 0.5, 5),
        ValueError,
        ("X", "shape (6, 3)", "NaN"),
    ),
    Diverges(
        "train_logistic with a huge learning rate",
        lambda: _quietly(
            lambda: logistic.train_logistic(np.array([[1e300, -1e300], [-1e300, 1e300], [1e300, 1e300]]), np.array([1.0, 0, 1]), 1e10, 3)
        ),
        "step 1",
    ),
    # --- utils.network: labels, batches, costs -------------------------------------------------------------
    Bad("one_hot float labels", lambda: one_hot(np.array([0.0, 1.0, 2.0])), TypeError, ("labels", "[0., 1., 2.]", "float64")),
    Bad("one_hot a label of 10", lambda: one_hot(np.array([3, 10])), ValueError, ("labels", "[ 3, 10]", "from 0 to 9")),
    Bad("one_hot a negative label", lambda: one_hot([-1, 2], 3), ValueError, ("labels", "[-1, 2]", "from -1 to 2")),
    Bad("one_hot labels a column", lambda: one_hot(np.array([[1], [2]])), ValueError, ("labels", "shape (2, 1)")),
    Bad("one_hot classes 0", lambda: one_hot([0, 1], 0), ValueError, ("classes", "0")),
    Bad("minibatches batch size 0", lambda: minibatches(100, 0, _rng0()), ValueError, ("batch_size", "0")),
    Bad("minibatches batch size negative", lambda: minibatches(100, -10, _rng0()), ValueError, ("batch_size", "-10")),
    Bad("minibatches a seed for rng", lambda: minibatches(100, 10, 0), TypeError, ("rng", "0", "default_rng")),
    Bad(
        "quadratic_output_error targets of another shape",
        lambda: quadratic_output_error(TARGETS, TARGETS[:, 0]),
        ValueError,
        ("y", "shape of a, (5, 2)"),
    ),
    Bad(
        "QuadraticCost.value targets of another shape",
        lambda: QuadraticCost.value(TARGETS, TARGETS[:, :1]),
        ValueError,
        ("y", "shape (5, 1)"),
    ),
    Bad(
        "CrossEntropyCost.value labels for one-hot targets",
        lambda: CrossEntropyCost.value(NETWORK.predict(X_NET), LABELS % 2),
        ValueError,
        ("y", "shape (10,)", "(10, 10)"),
    ),
    Bad(
        "CrossEntropyCost.value targets outside 0 and 1",
        lambda: CrossEntropyCost.value(NETWORK.predict(X_NET), 2 * Y_NET - 1),
        ValueError,
        ("y", "from -1 to 1"),
    ),
    Bad("CrossEntropyCost.value outputs above 1", lambda: CrossEntropyCost.value(2 * Y_NET, Y_NET), ValueError, ("a", "from 0 to 2")),
    # --- utils.network: backpropagation and SGD, as the labs write them ------------------------------------
    Bad(
        "network_gradients targets of the wrong width",
        lambda: network_gradients(WEIGHTS, BIASES, BATCH, TARGETS[:, :1]),
        ValueError,
        ("Y", "shape (5, 1)", "(5, 2)"),
    ),
    Bad(
        "network_gradients a bias missing",
        lambda: network_gradients(WEIGHTS, BIASES[:1], BATCH, TARGETS),
        ValueError,
        ("biases", "1 array,"),
    ),
    Bad(
        "network_gradients cost a string",
        lambda: network_gradients(WEIGHTS, BIASES, BATCH, TARGETS, "quadratic"),
        TypeError,
        ("cost", "'quadratic'"),
    ),
    Bad("network_gradients X a vector", lambda: network_gradients(WEIGHTS, BIASES, BATCH[0], TARGETS), ValueError, ("X", "1 dimension")),
    Bad(
        "sgd_epoch batch size 0",
        lambda: sgd_epoch(WEIGHTS, BIASES, BATCH, TARGETS, 0, 0.5, _rng0(), _backward),
        ValueError,
        ("batch_size", "0"),
    ),
    Bad(
        "sgd_epoch batch size negative",
        lambda: sgd_epoch(WEIGHTS, BIASES, BATCH, TARGETS, -2, 0.5, _rng0(), _backward),
        ValueError,
        ("batch_size", "-2"),
    ),
    Bad(
        "sgd_epoch learning rate negative",
        lambda: sgd_epoch(WEIGHTS, BIASES, BATCH, TARGETS, 2, -3.0, _rng0(), _backward),
        ValueError,
        ("learning_rate", "-3.0"),
    ),
    Bad(
        "sgd_epoch targets one short",
        lambda: sgd_epoch(WEIGHTS, BIASES, BATCH, TARGETS[:4], 2, 0.5, _rng0(), _backward),
        ValueError,
        ("Y", "shape (4, 2)", "4 entries"),
    ),
    Bad(
        "sgd_epoch backward called, not given",
        lambda: sgd_epoch(WEIGHTS, BIASES, BATCH, TARGETS, 2, 0.5, _rng0(), (None, None)),
        TypeError,
        ("backward", "(None, None)"),
    ),
    Bad("sgd_epoch a seed for rng", lambda: sgd_epoch(WEIGHTS, BIASES, BATCH, TARGETS, 2, 0.5, 7, _backward), TypeError, ("rng", "7")),
    Diverges(
        "sgd_epoch NaN in the data",
        lambda: sgd_epoch(WEIGHTS, BIASES, np.where(BATCH > 1, np.nan, BATCH), TARGETS, 2, 0.5, _rng0(), _backward),
        "the end of an epoch",
    ),
    Bad(
        "l2_gradients l2 negative", lambda: l2_gradients(WEIGHTS, BIASES, BATCH, TARGETS, -5.0, 100, _backward), ValueError, ("l2", "-5.0")
    ),
    Bad("l2_gradients n_train 0", lambda: l2_gradients(WEIGHTS, BIASES, BATCH, TARGETS, 5.0, 0, _backward), ValueError, ("n_train", "0")),
    # --- utils.network: the Network class -------------------------------------------------------------------
    Bad("Network one layer", lambda: Network([784]), ValueError, ("sizes", "[784]", "1 layer")),
    Bad("Network a layer of 0", lambda: Network([784, 0, 10]), ValueError, ("sizes[1]", "0")),
    Bad("Network a fractional width", lambda: Network([784, 30.5, 10]), ValueError, ("sizes[1]", "30.5")),
    Bad("Network sizes a number", lambda: Network(784), TypeError, ("sizes", "784")),
    Bad("Network init xavier", lambda: Network([4, 2], init="xavier"), ValueError, ("init", "'xavier'")),
    Bad("Network cost a string", lambda: Network([4, 2], cost="cross-entropy"), TypeError, ("cost", "'cross-entropy'")),
    Bad("Network dtype int32", lambda: Network([4, 2], dtype="int32"), ValueError, ("dtype", "'int32'")),
    Bad("Network seed negative", lambda: Network([4, 2], seed=-1), ValueError, ("seed", "-1")),
    Bad(
        "Network.accuracy labels a column",
        lambda: NETWORK.accuracy(X_NET, LABELS[:, None]),
        ValueError,
        ("labels", "shape (10, 1)", "one label per example"),
    ),
    Bad(
        "Network.accuracy labels one short",
        lambda: NETWORK.accuracy(X_NET, LABELS[:9]),
        ValueError,
        ("labels", "9 entries", "10 rows of X"),
    ),
    Bad("Network.accuracy one-hot rows for labels", lambda: NETWORK.accuracy(X_NET, Y_NET), ValueError, ("labels", "(10, 10)", "argmax")),
    Bad("Network.accuracy a label of 10", lambda: NETWORK.accuracy(X_NET, LABELS + 1), ValueError, ("labels", "from 1 to 10")),
    Bad("Network.accuracy fractional labels", lambda: NETWORK.accuracy(X_NET, LABELS + 0.5), ValueError, ("labels", "fractions")),
    Bad("Network.predict a single example", lambda: NETWORK.predict(X_NET[0]), ValueError, ("X", "1 dimension", "reshape(1, -1)")),
    Bad("Network.predict X of the wrong width", lambda: NETWORK.predict(X_NET[:, :3]), ValueError, ("X", "shape (10, 3)", "3 columns")),
    Bad("Network.forward X of strings", lambda: NETWORK.forward(np.array([["a"] * 4])), TypeError, ("X", "<U1")),
    Bad("Network.gradients labels for targets", lambda: NETWORK.gradients(X_NET, LABELS), ValueError, ("Y", "shape (10,)", "one_hot")),
    Bad("Network.train_epoch batch size 0", lambda: NETWORK.train_epoch(X_NET, Y_NET, 0, 3.0, _rng0()), ValueError, ("batch_size", "0")),
    Bad(
        "Network.train_epoch batch size negative",
        lambda: NETWORK.train_epoch(X_NET, Y_NET, -10, 3.0, _rng0()),
        ValueError,
        ("batch_size", "-10"),
    ),
    Bad(
        "Network.train_epoch learning rate negative",
        lambda: NETWORK.train_epoch(X_NET, Y_NET, 10, -3.0, _rng0()),
        ValueError,
        ("learning_rate", "-3.0"),
    ),
    Bad("Network.train_epoch a seed for rng", lambda: NETWORK.train_epoch(X_NET, Y_NET, 10, 3.0, 42), TypeError, ("rng", "42")),
    Bad(
        "Network.train_epoch labels for targets",
        lambda: NETWORK.train_epoch(X_NET, LABELS, 10, 3.0, _rng0()),
        ValueError,
        ("Y", "shape (10,)"),
    ),
    Bad(
        "Network.train_epoch l2 negative", lambda: NETWORK.train_epoch(X_NET, Y_NET, 10, 3.0, _rng0(), l2=-1.0), ValueError, ("l2", "-1.0")
    ),
    Diverges(
        "Network.train_epoch NaN in the data",
        lambda: Network([4, 3, 2]).train_epoch(NAN_DATA, one_hot([0, 1], 2), 1, 3.0, _rng0()),
        "the end of an epoch",
    ),
    Bad("Network.total_cost l2 negative", lambda: NETWORK.total_cost(X_NET, Y_NET, l2=-1.0), ValueError, ("l2", "-1.0")),
    Bad("Network.total_cost n_train 0", lambda: NETWORK.total_cost(X_NET, Y_NET, l2=1.0, n_train=0), ValueError, ("n_train", "0")),
    Bad(
        "train_epoch_per_example a list for the network",
        lambda: train_epoch_per_example([NETWORK], X_NET, Y_NET, 10, 3.0, _rng0()),
        TypeError,
        ("network", "list"),
    ),
    Bad(
        "train_epoch_per_example batch size 0",
        lambda: train_epoch_per_example(NETWORK, X_NET, Y_NET, 0, 3.0, _rng0()),
        ValueError,
        ("batch_size", "0"),
    ),
    # --- utils.mazur ---------------------------------------------------------------------------------------
    Bad(
        "posted_step_by_matrices w5 missing",
        lambda: mazur.posted_step_by_matrices({k: v for k, v in mazur.start_weights.items() if k != "w5"}),
        ValueError,
        ("w", "'w5'"),
    ),
    Bad(
        "posted_step_by_matrices a list",
        lambda: mazur.posted_step_by_matrices(list(mazur.start_weights.values())),
        TypeError,
        ("w", "list"),
    ),
    Bad(
        "posted_step a weight as a string",
        lambda: mazur.posted_step({**mazur.start_weights, "w3": "0.25"}),
        TypeError,
        ("w['w3']", "'0.25'"),
    ),
    # --- utils.optimizers ----------------------------------------------------------------------------------
    Bad(
        "momentum_update a gradient of the wrong shape",
        lambda: optimizers.momentum_update(_params(), [np.zeros((2, 3)), np.zeros(2)], _params(), 0.1, 0.9),
        ValueError,
        ("grads[0]", "shape (2, 3)", "(3, 2)"),
    ),
    Bad(
        "momentum_update a velocity missing",
        lambda: optimizers.momentum_update(_params(), _params(), _params()[:1], 0.1, 0.9),
        ValueError,
        ("velocities", "1 array,"),
    ),
    Bad(
        "momentum_update learning rate negative",
        lambda: optimizers.momentum_update(_params(), _params(), _params(), -0.1, 0.9),
        ValueError,
        ("learning_rate", "-0.1"),
    ),
    Bad(
        "momentum_update momentum 1",
        lambda: optimizers.momentum_update(_params(), _params(), _params(), 0.1, 1.0),
        ValueError,
        ("momentum", "1.0"),
    ),
    Bad("adam_update step 0", lambda: optimizers.adam_update(_params(), _params(), _params(), _params(), 0), ValueError, ("t", "0")),
    Bad(
        "adam_update beta_2 1",
        lambda: optimizers.adam_update(_params(), _params(), _params(), _params(), 1, beta_2=1.0),
        ValueError,
        ("beta_2", "1.0"),
    ),
    Bad(
        "adam_update m of the wrong shape",
        lambda: optimizers.adam_update(_params(), _params(), [np.zeros(3), np.zeros(2)], _params(), 1),
        ValueError,
        ("m[0]", "[0., 0., 0.]"),
    ),
    Bad(
        "softmax_cross_entropy labels for one-hot targets",
        lambda: optimizers.softmax_cross_entropy(Y_NET, np.ones((10, 1))),
        ValueError,
        ("y", "shape (10, 1)"),
    ),
    Bad("softmax_cross_entropy logits a vector", lambda: optimizers.softmax_cross_entropy(W3, W3), ValueError, ("z", "1 dimension")),
    Bad("glorot_uniform n_in 0", lambda: optimizers.glorot_uniform(0, 10, _rng0()), ValueError, ("n_in", "0")),
    Bad("he_normal a seed for rng", lambda: optimizers.he_normal(784, 30, 1), TypeError, ("rng", "1", "default_rng")),
    # --- utils.tf_network ----------------------------------------------------------------------------------
    Bad("sigmoid_slope z a string", lambda: _tf("sigmoid_slope")("x"), TypeError, ("z", "'x'")),
    Bad(
        "tape_gradients targets of the wrong width",
        lambda: _tf("tape_gradients")(WEIGHTS, BIASES, BATCH, TARGETS[:, :1], _tf("quadratic_cost")),
        ValueError,
        ("Y", "shape (5, 1)"),
    ),
    Bad(
        "tape_gradients a bias of the wrong length",
        lambda: _tf("tape_gradients")(WEIGHTS, [BIASES[0], np.zeros(3)], BATCH, TARGETS, _tf("quadratic_cost")),
        ValueError,
        ("biases[1]", "[0., 0., 0.]"),
    ),
    Bad(
        "tape_gradients a cost class for a function",
        lambda: _tf("tape_gradients")(WEIGHTS, BIASES, BATCH, TARGETS, "quadratic"),
        TypeError,
        ("cost", "'quadratic'"),
    ),
    Bad("train_step arrays for variables", lambda: _train_step(WEIGHTS, BIASES, 0.1), TypeError, ("weights", "tf.Variable")),
    Bad("train_step learning rate negative", lambda: _train_step(*_variables(), -0.1), ValueError, ("learning_rate", "-0.1")),
    Bad("train_step learning rate 0", lambda: _train_step(*_variables(), 0), ValueError, ("learning_rate", "0")),
    Bad("train_step a bias missing", lambda: _train_step(_variables()[0], _variables()[1][:1], 0.1), ValueError, ("biases", "1 entry")),
    Bad("SigmoidDense 0 units", lambda: _sigmoid_dense(0), ValueError, ("SigmoidDense", "units", "0")),
    Bad("SigmoidDense fractional units", lambda: _sigmoid_dense(2.5), ValueError, ("units", "2.5")),
    Bad(
        "compare_three_ways epochs 0",
        lambda: _tf("compare_three_ways")(_MNIST_LIKE, X_NET, Y_NET, X_NET, LABELS, **{**_THREE_WAYS, "epochs": 0}),
        ValueError,
        ("epochs", "0"),
    ),
    Bad(
        "compare_three_ways inputs of the wrong width",
        lambda: _tf("compare_three_ways")(_MNIST_LIKE, X_NET[:, :3], Y_NET, X_NET, LABELS, **_THREE_WAYS),
        ValueError,
        ("X", "shape (10, 3)", "3 columns"),
    ),
    Bad(
        "compare_three_ways test labels a column",
        lambda: _tf("compare_three_ways")(_MNIST_LIKE, X_NET, Y_NET, X_NET, LABELS[:, None], **_THREE_WAYS),
        ValueError,
        ("test_labels", "shape (10, 1)"),
    ),
    Bad(
        "compare_three_ways batch size 0",
        lambda: _tf("compare_three_ways")(_MNIST_LIKE, X_NET, Y_NET, X_NET, LABELS, batch_size=0, **_THREE_WAYS),
        ValueError,
        ("batch_size", "0"),
    ),
    Bad(
        "compare_three_ways learning rate negative",
        lambda: _tf("compare_three_ways")(_MNIST_LIKE, X_NET, Y_NET, X_NET, LABELS, learning_rate=-3.0, **_THREE_WAYS),
        ValueError,
        ("learning_rate", "-3.0"),
    ),
    Bad(
        "seconds_per_image batch size 0",
        lambda: _tf("seconds_per_image")(_MNIST_LIKE, X_NET, Y_NET, 0),
        ValueError,
        ("batch_size", "0"),
    ),
    Bad(
        "seconds_per_image targets one short",
        lambda: _tf("seconds_per_image")(_MNIST_LIKE, X_NET, Y_NET[:9], 10),
        ValueError,
        ("Y", "9 entries"),
    ),
]
