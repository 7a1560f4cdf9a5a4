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
    assert set(lab_run.labs) == {"gradient_descent", "sgd_epoch", "posted_step", "output_error", "network_backward", "l2_gradients"}


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
