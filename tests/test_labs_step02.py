"""Step 2's labs in their notebook: untouched, each typical mistake, then the solution pasted in."""

import re

import pytest
from labs_harness import run_labs


@pytest.fixture(scope="module")
def lab_run(tmp_path_factory):
    return run_labs(2, tmp_path_factory.mktemp("progress") / "progress.json")


def test_every_lab_is_proven_in_the_notebook(lab_run):
    assert lab_run.problems() == []
    assert set(lab_run.labs) == {
        "rotation_matrix",
        "central_difference",
        "chain_rule",
        "numerical_gradient",
        "sigmoid_prime",
        "logistic_gradient",
        "train_logistic",
    }


def test_the_learners_chain_slopes_are_plotted(lab_run):
    printed = lab_run.output_of("chain_slopes = yours_or_reference")
    assert "Using your my_chain_slopes" in printed
    largest = dict(re.findall(r"largest \|(dy/d\w+)\| for x in \[-4, 4\]: ([\d.]+)", printed))
    assert largest == {"dy/dw1": "0.049", "dy/db1": "0.090", "dy/dw2": "0.091", "dy/db2": "0.244"}


def test_the_learners_numerical_gradient_checks_the_bowl_and_the_learners_gradient(lab_run):
    bowl = lab_run.output_of("gradient_by_differences = yours_or_reference")
    assert "Using your my_numerical_gradient" in bowl
    assert "numerical gradient: [ 2.4 -4.2]" in bowl and "the point afterwards: [ 1.2 -0.7]" in bowl
    check = lab_run.output_of("loss_gradient = yours_or_reference")
    assert "Using your my_logistic_gradient" in check
    error = float(re.search(r"gradient check on 784 weights: relative error (\S+)", check).group(1))
    assert error < 1e-7


def test_the_learners_loop_trains_the_neuron_to_95_percent(lab_run):
    printed = lab_run.output_of("train = yours_or_reference")
    assert "Using your my_train_logistic" in printed
    losses = [float(v) for v in re.findall(r"training loss ([\d.]+)", printed)]
    assert len(losses) == 6 and losses == sorted(losses, reverse=True)
    accuracy = float(re.search(r"(?m)^test accuracy: ([\d.]+)%$", printed).group(1))
    assert accuracy >= 95.0
