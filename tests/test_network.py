"""The from-scratch network: every gradient against central differences, Matt Mazur's published
worked example number for number, and the per-example baseline against the vectorized code."""

import copy
import math

import numpy as np
import pytest

from utils.gradcheck import numerical_gradient, relative_error
from utils.network import (
    CrossEntropyCost,
    Network,
    QuadraticCost,
    mazur_example,
    network_gradients,
    nielsen_backprop,
    nielsen_sgd_epoch,
    one_hot,
    sgd_epoch,
    to_nielsen,
    train_epoch_per_example,
)
from utils.nn import sigmoid


def random_problem(sizes, batch, cost, seed):
    network = Network(sizes, cost=cost, seed=seed)
    rng = np.random.default_rng(seed + 100)
    X = rng.normal(size=(batch, sizes[0]))
    Y = one_hot(rng.integers(0, sizes[-1], size=batch), sizes[-1])
    return network, X, Y


@pytest.mark.parametrize("cost", [QuadraticCost, CrossEntropyCost])
@pytest.mark.parametrize("sizes, batch, seed", [([3, 2], 1, 0), ([4, 5, 3], 6, 1), ([6, 5, 4, 3], 8, 2), ([2, 7, 7, 7, 2], 3, 3)])
def test_backpropagation_matches_central_differences(cost, sizes, batch, seed):
    network, X, Y = random_problem(sizes, batch, cost, seed)
    weight_grads, bias_grads = network.gradients(X, Y)
    for analytic, parameter in zip(weight_grads + bias_grads, network.weights + network.biases):
        numerical = numerical_gradient(lambda _: network.total_cost(X, Y), parameter)
        assert analytic.shape == parameter.shape
        assert relative_error(analytic, numerical) < 1e-7


def test_l2_term_gradient_matches_the_weight_decay():
    network, X, Y = random_problem([4, 3, 2], 5, CrossEntropyCost, 7)
    l2, n_train = 0.3, 50
    weight_grads, _ = network.gradients(X, Y)
    for W, dW in zip(network.weights, weight_grads):
        numerical = numerical_gradient(lambda _: network.total_cost(X, Y, l2=l2, n_train=n_train), W)
        assert relative_error(dW + l2 / n_train * W, numerical) < 1e-7


@pytest.mark.parametrize("cost", [QuadraticCost, CrossEntropyCost])
def test_output_errors(cost):
    z = np.array([[-1.0, 0.5, 2.0]])
    a, y = sigmoid(z), np.array([[0.0, 1.0, 0.0]])
    # delta is ∂C_x/∂z for one example: check it against differences of the cost in z.
    numerical = numerical_gradient(lambda zz: cost.value(sigmoid(zz), y), z.copy())
    assert relative_error(cost.delta(a, y), numerical) < 1e-7


def test_forward_shapes_and_prediction():
    network = Network([5, 4, 3], seed=0)
    zs, activations = network.forward(np.ones((7, 5)))
    assert [z.shape for z in zs] == [(7, 4), (7, 3)] and [a.shape for a in activations] == [(7, 5), (7, 4), (7, 3)]
    assert np.array_equal(network.predict(np.ones((7, 5))), activations[-1])
    scaled, standard = Network([400, 10], init="scaled", seed=1), Network([400, 10], init="standard", seed=1)
    assert 0.03 < scaled.weights[0].std() < 0.07 and 0.9 < standard.weights[0].std() < 1.1


@pytest.mark.parametrize("cost", [QuadraticCost, CrossEntropyCost])
@pytest.mark.parametrize("sizes, seed", [([6, 5, 3], 4), ([4, 7, 6, 2], 5), ([5, 3], 6)])
def test_nielsens_per_example_gradients_sum_to_the_vectorized_ones(cost, sizes, seed):
    """His layout (weights (n_out, n_in), column vectors): the mean of his per-example gradients over a batch
    is the batch gradient of network_gradients, transposed."""
    network, X, Y = random_problem(sizes, 7, cost, seed)
    weights, biases, data = to_nielsen(network, X, Y)
    per_example = [nielsen_backprop(weights, biases, x, y, cost) for x, y in data]
    weight_grads, bias_grads = network_gradients(network.weights, network.biases, X, Y, cost)
    for layer in range(len(weights)):
        assert per_example[0][1][layer].shape == weights[layer].shape and per_example[0][0][layer].shape == biases[layer].shape
        mean_w = sum(example[1][layer] for example in per_example) / len(data)
        mean_b = sum(example[0][layer] for example in per_example) / len(data)
        np.testing.assert_allclose(mean_w.T, weight_grads[layer], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(mean_b.ravel(), bias_grads[layer], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("cost", [QuadraticCost, CrossEntropyCost])
@pytest.mark.parametrize("n, batch_size, epochs", [(53, 10, 1), (20, 3, 3), (9, 10, 2)])
def test_vectorized_epoch_equals_nielsens_sgd_and_sgd_epoch(cost, n, batch_size, epochs):
    """The fast Network.train_epoch, Nielsen's per-example SGD and the plain sgd_epoch: the same weights
    after a few epochs (the same batches, different rounding)."""
    network, X, Y = random_problem([6, 5, 3], n, cost, 4)
    weights, biases, data = to_nielsen(network, X, Y)
    plain = [W.copy() for W in network.weights], [b.copy() for b in network.biases]
    twin = copy.deepcopy(network)
    for epoch in range(epochs):
        network.train_epoch(X, Y, batch_size, 0.7, np.random.default_rng(epoch))
        weights, biases = nielsen_sgd_epoch(weights, biases, data, batch_size, 0.7, np.random.default_rng(epoch), cost)
        plain = sgd_epoch(
            *plain, X, Y, batch_size, 0.7, np.random.default_rng(epoch), lambda w, b, X_, Y_: network_gradients(w, b, X_, Y_, cost)
        )
        train_epoch_per_example(twin, X, Y, batch_size, 0.7, np.random.default_rng(epoch))
    for layer in range(2):
        for ours, theirs in (
            (network.weights[layer], weights[layer].T),
            (network.biases[layer], biases[layer].ravel()),
            (network.weights[layer], plain[0][layer]),
            (network.biases[layer], plain[1][layer]),
            (network.weights[layer], twin.weights[layer]),
            (network.biases[layer], twin.biases[layer]),
        ):
            np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-14)
    assert not np.allclose(network.weights[0], random_problem([6, 5, 3], n, cost, 4)[0].weights[0]), "training moved the weights"


def test_a_float32_network_trains_in_float32_close_to_float64():
    network, X, Y = random_problem([6, 5, 3], 40, QuadraticCost, 4)
    single = Network([6, 5, 3], cost=QuadraticCost, seed=4, dtype=np.float32)
    assert all(W.dtype == np.float32 for W in single.weights + single.biases)
    np.testing.assert_allclose(single.weights[0], network.weights[0], rtol=1e-6)  # the same draw, rounded
    for data in ((X, Y), (X.astype(np.float32), Y.astype(np.float32))):
        trial = copy.deepcopy(single)
        trial.train_epoch(*data, 10, 0.7, np.random.default_rng(1))
        assert all(W.dtype == np.float32 for W in trial.weights + trial.biases)
        reference = copy.deepcopy(network)
        reference.train_epoch(X, Y, 10, 0.7, np.random.default_rng(1))
        for ours, theirs in zip(trial.weights + trial.biases, reference.weights + reference.biases):
            np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-5)


def test_train_epoch_saturated_neurons_give_no_overflow_warning():
    network = Network([3, 2], cost=QuadraticCost, init="standard", seed=0)
    network.weights[0][:] = 1e3
    with np.errstate(all="raise"):
        network.train_epoch(np.full((4, 3), -1.0), one_hot([0, 1, 0, 1], 2), 2, 0.5, np.random.default_rng(0))
    assert np.all(np.isfinite(network.weights[0]))


def test_training_lowers_the_cost_and_l2_shrinks_weights():
    network, X, _ = random_problem([6, 8, 3], 60, CrossEntropyCost, 5)
    Y = one_hot(X[:, :3].argmax(axis=1), 3)  # a learnable rule: which of the first three inputs is largest
    regularised = copy.deepcopy(network)
    before = network.total_cost(X, Y)
    for _ in range(30):
        network.train_epoch(X, Y, 10, 0.5, np.random.default_rng(0))
        regularised.train_epoch(X, Y, 10, 0.5, np.random.default_rng(0), l2=5.0)
    assert network.total_cost(X, Y) < 0.5 * before
    assert np.sum(regularised.weights[0] ** 2) < np.sum(network.weights[0] ** 2)


def test_bad_shapes_give_clear_errors():
    network = Network([4, 3, 2])
    with pytest.raises(ValueError, match=r"Network.predict: X=.* has 1 dimension; give \(batch, 4\), one example per row"):
        network.predict(np.ones(4))
    with pytest.raises(ValueError, match=r"Network.gradients: Y=.* does not fit X and the network; give \(3, 2\): a one-hot row"):
        network.gradients(np.ones((3, 4)), np.array([0, 1, 1]))
    with pytest.raises(ValueError, match=r"Network: sizes=\[784\] lists 1 layer; give at least two widths"):
        Network([784])
    with pytest.raises(ValueError, match="Network: init='xavier' is not one of the allowed values; use 'scaled' or 'standard'"):
        Network([2, 2], init="xavier")
    with pytest.raises(ValueError, match=r"one_hot: labels=.* has 2 dimensions; give one label per example, shape \(n,\)"):
        one_hot(np.array([[1, 2]]))
    assert one_hot([2, 0], 3).tolist() == [[0, 0, 1], [1, 0, 0]]


# Matt Mazur, "A Step by Step Backpropagation Example" (2015), https://mattmazur.com/2015/03/17/a-step-by-step-backpropagation-example/
# The numbers below are the ones printed in the post; the network computes them independently. The post's
# text computes the hidden layer's error with the original w5...w8; the figures it prints after the first
# update (E_after_1) and after 10,000 (the outputs) come from using the updated ones, and its E_after_10000
# is the correct error after 9,999 updates (see notebook 03, section 2).
MAZUR = {
    "out_h1": 0.593269992,
    "out_h2": 0.596884378,
    "net_o1": 1.105905967,
    "out_o1": 0.75136507,
    "out_o2": 0.772928465,
    "E_total": 0.298371109,
    "dE_dw5": 0.082167041,
    "dE_dw1": 0.000438568,
    "w5": 0.35891648,
    "w6": 0.408666186,
    "w7": 0.511301270,
    "w8": 0.561370121,
    "w1": 0.149780716,
    "w2": 0.19956143,
    "w3": 0.24975114,
    "w4": 0.29950229,
    "E_after_1": 0.291027924,
    "E_after_10000": 0.0000351085,
    "out_o1_after_10000": 0.015912196,
    "out_o2_after_10000": 0.984065734,
}


def sgd_without_bias_updates(network, X, Y, steps):
    """Mazur updates the weights only; his biases stay fixed."""
    for _ in range(steps):
        weight_grads, _ = network.gradients(X, Y)
        for W, dW in zip(network.weights, weight_grads):
            W -= 0.5 * dW


def scalar_mazur_step(w, slip=False):
    """Mazur's step written out with scalars (math.exp, no NumPy, no utils): w = [w1, ..., w8]. With ``slip``,
    the hidden error signals use the updated w5...w8, the slip behind some of the post's printed figures."""
    s = lambda z: 1 / (1 + math.exp(-z))  # noqa: E731
    i1, i2, t1, t2, b1, b2, rate = 0.05, 0.10, 0.01, 0.99, 0.35, 0.60, 0.5
    h1, h2 = s(w[0] * i1 + w[1] * i2 + b1), s(w[2] * i1 + w[3] * i2 + b1)
    o1, o2 = s(w[4] * h1 + w[5] * h2 + b2), s(w[6] * h1 + w[7] * h2 + b2)
    d1, d2 = (o1 - t1) * o1 * (1 - o1), (o2 - t2) * o2 * (1 - o2)
    out = [w[4] - rate * d1 * h1, w[5] - rate * d1 * h2, w[6] - rate * d2 * h1, w[7] - rate * d2 * h2]
    w5, w6, w7, w8 = out if slip else w[4:]
    e1, e2 = (d1 * w5 + d2 * w7) * h1 * (1 - h1), (d1 * w6 + d2 * w8) * h2 * (1 - h2)
    return [w[0] - rate * e1 * i1, w[1] - rate * e1 * i2, w[2] - rate * e2 * i1, w[3] - rate * e2 * i2] + out


def scalar_mazur_run(steps, slip=False):
    """(weights, error, outputs) after ``steps`` scalar steps from Mazur's start."""
    w = [0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55]
    for _ in range(steps):
        w = scalar_mazur_step(w, slip)
    s = lambda z: 1 / (1 + math.exp(-z))  # noqa: E731
    h1, h2 = s(w[0] * 0.05 + w[1] * 0.10 + 0.35), s(w[2] * 0.05 + w[3] * 0.10 + 0.35)
    o1, o2 = s(w[4] * h1 + w[5] * h2 + 0.60), s(w[6] * h1 + w[7] * h2 + 0.60)
    return w, 0.5 * (0.01 - o1) ** 2 + 0.5 * (0.99 - o2) ** 2, (o1, o2)


def as_mazur_list(network):
    (w1, w3), (w2, w4) = network.weights[0]
    (w5, w7), (w6, w8) = network.weights[1]
    return [w1, w2, w3, w4, w5, w6, w7, w8]


def test_mazur_forward_pass_error_and_gradients():
    network, X, Y = mazur_example()
    zs, activations = network.forward(X)
    assert activations[1][0] == pytest.approx([MAZUR["out_h1"], MAZUR["out_h2"]], abs=5e-10)
    assert zs[1][0, 0] == pytest.approx(MAZUR["net_o1"], abs=5e-10)
    assert activations[2][0] == pytest.approx([MAZUR["out_o1"], MAZUR["out_o2"]], abs=5e-9)
    assert network.total_cost(X, Y) == pytest.approx(MAZUR["E_total"], abs=5e-10)
    weight_grads, _ = network.gradients(X, Y)
    assert weight_grads[1][0, 0] == pytest.approx(MAZUR["dE_dw5"], abs=5e-10)
    assert weight_grads[0][0, 0] == pytest.approx(MAZUR["dE_dw1"], abs=5e-10)


def test_mazur_first_update_and_ten_thousand():
    network, X, Y = mazur_example()
    sgd_without_bias_updates(network, X, Y, 1)
    # The post's eight updated weights, to the digits it prints, and the scalar formulas to float precision.
    for name, value in zip(("w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8"), as_mazur_list(network)):
        assert value == pytest.approx(MAZUR[name], abs=5e-9), name
    weights, error, _ = scalar_mazur_run(1)
    np.testing.assert_allclose(as_mazur_list(network), weights, rtol=1e-14, atol=0)
    assert network.total_cost(X, Y) == pytest.approx(error, rel=1e-13)
    sgd_without_bias_updates(network, X, Y, 9_998)
    assert network.total_cost(X, Y) == pytest.approx(MAZUR["E_after_10000"], abs=5e-11)  # the post's figure: 9,999 updates
    sgd_without_bias_updates(network, X, Y, 1)
    weights, error, outputs = scalar_mazur_run(10_000)
    np.testing.assert_allclose(as_mazur_list(network), weights, rtol=1e-11, atol=0)
    assert network.total_cost(X, Y) == pytest.approx(error, rel=1e-9)
    np.testing.assert_allclose(network.predict(X)[0], outputs, rtol=1e-11)


def test_the_slip_gives_the_posts_other_figures_and_the_warm_up_makes_it():
    from utils.mazur import posted_step, posted_step_by_matrices, start_weights

    weights, error, _ = scalar_mazur_run(1, slip=True)
    assert error == pytest.approx(MAZUR["E_after_1"], abs=5e-10)
    assert weights[0] != pytest.approx(MAZUR["w1"], abs=1e-6), "the slip changes w1, which the post prints unslipped"
    _, _, outputs = scalar_mazur_run(10_000, slip=True)
    assert outputs == pytest.approx((MAZUR["out_o1_after_10000"], MAZUR["out_o2_after_10000"]), abs=5e-10)
    for step in (posted_step, posted_step_by_matrices):
        w = dict(start_weights)
        for _ in range(3):
            w = step(w)
        np.testing.assert_allclose([w[f"w{k}"] for k in range(1, 9)], scalar_mazur_run(3, slip=True)[0], rtol=1e-14)


# The plain functions of utils.network (the step-3 labs' solutions) against the fast Network.train_epoch
# and against central differences.


@pytest.mark.parametrize("n, batch_size", [(53, 10), (20, 5), (7, 10), (6, 1)])
def test_sgd_epoch_equals_train_epoch_and_leaves_its_inputs_alone(n, batch_size):
    network, X, Y = random_problem([6, 5, 3], n, QuadraticCost, 4)
    start = [W.copy() for W in network.weights], [b.copy() for b in network.biases]
    weights, biases = sgd_epoch(*start, X, Y, batch_size, 0.7, np.random.default_rng(9), network_gradients)
    assert all(np.array_equal(a, b) for a, b in zip(start[0] + start[1], network.weights + network.biases)), "inputs unchanged"
    network.train_epoch(X, Y, batch_size, 0.7, np.random.default_rng(9))
    for ours, theirs in zip(weights + biases, network.weights + network.biases):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-14)
    assert not np.allclose(weights[0], start[0][0]), "the epoch moved the weights"


def test_l2_gradients_are_the_regularised_cost_gradient_and_a_step_with_them_is_weight_decay():
    from utils.network import l2_gradients

    network, X, Y = random_problem([4, 3, 2], 5, CrossEntropyCost, 7)
    l2, n_train = 0.3, 50

    def cross_entropy(w, b, X_, Y_):
        return network_gradients(w, b, X_, Y_, cost=CrossEntropyCost)

    weight_grads, bias_grads = l2_gradients(network.weights, network.biases, X, Y, l2, n_train, cross_entropy)
    for analytic, parameter in zip(weight_grads + bias_grads, network.weights + network.biases):
        numerical = numerical_gradient(lambda _: network.total_cost(X, Y, l2=l2, n_train=n_train), parameter)
        assert relative_error(analytic, numerical) < 1e-7

    big, X_big, Y_big = random_problem([4, 3, 2], 23, CrossEntropyCost, 8)
    decayed = sgd_epoch(
        big.weights,
        big.biases,
        X_big,
        Y_big,
        5,
        0.5,
        np.random.default_rng(1),
        lambda w, b, X_, Y_: l2_gradients(w, b, X_, Y_, 4.0, len(X_big), cross_entropy),
    )
    big.train_epoch(X_big, Y_big, 5, 0.5, np.random.default_rng(1), l2=4.0)
    for ours, theirs in zip(decayed[0] + decayed[1], big.weights + big.biases):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-14)
