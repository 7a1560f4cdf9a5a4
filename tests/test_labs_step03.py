"""Step 3's labs in their notebook: untouched, each typical mistake, then the solution pasted in; and
with the solutions in place, the learner's own functions (and their step-2 numerical gradient)
check the backward pass and train the MNIST network."""

import re

import pytest
from labs_harness import run_labs


@pytest.fixture(scope="module")
def lab_run(tmp_path_factory):
    return run_labs(3, tmp_path_factory.mktemp("progress") / "progress.json")


def test_every_lab_is_proven_in_the_notebook(lab_run):
    assert lab_run.problems() == []
    assert set(lab_run.labs) == {
        "gradient_descent",
        "momentum_update",
        "adam_update",
        "sgd_epoch",
        "posted_step",
        "output_error",
        "network_backward",
        "softmax_cross_entropy",
        "glorot_uniform",
        "he_normal",
        "l2_gradients",
    }


def test_the_learners_momentum_and_adam_run_the_race(lab_run):
    printed = lab_run.output_of('momentum_step = yours_or_reference("momentum_update"')
    assert "Using your my_momentum_update" in printed and "Using your my_adam_update" in printed
    race = lab_run.output_of("optimisers = {")
    bests = re.findall(r"best η = ([\d.]+)", race)
    assert bests == ["0.05", "0.02", "0.2"], race  # the same race as the course's updates run


def test_the_learners_softmax_cross_entropy_survives_logits_of_1000(lab_run):
    printed = lab_run.output_of('softmax_loss = yours_or_reference("softmax_cross_entropy"')
    assert "Using your my_softmax_cross_entropy" in printed
    assert float(re.search(r"against central differences: relative error (\S+)", printed).group(1)) < 1e-7
    assert re.search(r"log-sum-exp gives ([\d.]+) \(unchanged from \1\)", printed), printed


def test_the_learners_initialisers_draw_the_figures(lab_run):
    sigmoid = lab_run.output_of('glorot = yours_or_reference("glorot_uniform"')
    assert "Using your my_glorot_uniform" in sigmoid
    spread = [float(x) for x in re.search(r"Glorot uniform: std of z by layer \[([^\]]*)\]", sigmoid).group(1).split()]
    assert all(0.5 < s < 2 for s in spread)
    relu = lab_run.output_of('he = yours_or_reference("he_normal"')
    assert "Using your my_he_normal" in relu
    last = {
        name: float(re.search(rf"{re.escape(name)} *: root mean square .*?([\d.]+)\]", relu).group(1))
        for name in ("He normal", "N(0, 1/n_in)")
    }
    assert last["He normal"] > 10 * last["N(0, 1/n_in)"], relu


def test_the_learners_backward_pass_reproduces_mazur_and_passes_their_own_gradient_check(lab_run):
    mazur = lab_run.output_of('backprop = yours_or_reference("network_backward"')
    assert "Using your my_backprop" in mazur
    assert "∂E/∂w5 = 0.082167041 and ∂E/∂w1 = 0.000438568, as in section 2" in mazur
    assert "Using your my_numerical_gradient from step 2" in lab_run.output_of('numerical = yours_or_reference("numerical_gradient"')
    checked = lab_run.output_of("for cost, backward in ((QuadraticCost, backprop)")
    assert checked.count("all below 1e-7: True") == 2


def test_the_learners_functions_train_the_mnist_network(lab_run):
    printed = lab_run.output_of("test_accuracy = mnist_network.accuracy(X_test, test_labels)")
    assert "Using your my_backprop from here on" in printed and "Using your my_sgd_epoch from here on" in printed
    accuracy = float(re.search(r"^test accuracy: ([\d.]+)%$", printed, re.MULTILINE).group(1))
    assert accuracy >= 90.0


def test_the_learners_regularised_gradients_are_weight_decay(lab_run):
    printed = lab_run.output_of('regularised_gradients = yours_or_reference("l2_gradients"')
    assert "Using your my_l2_gradients" in printed
    difference = float(re.search(r"gradient step and weight decay (\S+)", printed).group(1))
    assert difference < 1e-12
    overfit = lab_run.output_of("small_backward")
    assert "λ = 0.5, last epoch" in overfit


def test_the_learners_slip_reproduces_mazurs_posted_figures(lab_run):
    printed = lab_run.output_of('posted_step = yours_or_reference("posted_step"')
    assert "Using your my_posted_step" in printed
    assert "error after the first update 0.291027924" in printed
    assert "outputs after 10,000 updates 0.015912196, 0.984065734" in printed
