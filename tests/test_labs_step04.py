"""Step 4's labs in their notebook: untouched, each typical mistake, then the solution pasted in; and
what the notebook prints when the learner's code is used downstream."""

import re

import pytest
from labs_harness import run_labs


@pytest.fixture(scope="module")
def lab_run(tmp_path_factory):
    return run_labs(4, tmp_path_factory.mktemp("progress") / "progress.json")


def test_every_lab_is_proven_in_the_notebook(lab_run):
    assert lab_run.problems() == []
    assert set(lab_run.labs) == {"tape_sigmoid_slope", "tape_gradients", "tf_train_step", "sigmoid_dense_layer"}


def test_the_learners_slope_matches_sigma_one_minus_sigma(lab_run):
    printed = lab_run.output_of('slope_by_tape = yours_or_reference("tape_sigmoid_slope"')
    assert "Using your my_sigmoid_slope" in printed
    assert float(re.search(r"largest \|tape slope - σ\(1 - σ\)\|: (\S+)", printed).group(1)) < 1e-12


def test_the_learners_gradients_equal_backpropagation_on_mnist(lab_run):
    printed = lab_run.output_of('gradients_by_tape = yours_or_reference("tape_gradients"')
    assert "Using your my_tf_gradients" in printed
    for cost in ("QuadraticCost   ", "CrossEntropyCost"):
        assert re.search(rf"{cost}: largest difference over all 23,860 gradients < \S+; below 1e-10: True", printed), printed


def test_the_learners_step_trains_the_three_ways_table(lab_run):
    demo = lab_run.output_of('training_step = yours_or_reference("tf_train_step"')
    assert "Using your my_train_step" in demo
    costs = [float(c) for c in re.search(r"cost before each step: (.*)", demo).group(1).split(" → ")]
    assert len(costs) == 5 and all(later < earlier for earlier, later in zip(costs, costs[1:]))
    table = lab_run.output_of("three_ways = compare_three_ways(")
    ways = r"^(NumPy by hand \(step 3\)|TensorFlow loop|Keras compile/fit) +([\d.]+)%"
    accuracies = {way: float(value) for way, value in re.findall(ways, table, flags=re.MULTILINE)}
    assert set(accuracies) == {"NumPy by hand (step 3)", "TensorFlow loop", "Keras compile/fit"}
    assert accuracies["TensorFlow loop"] > 90 and abs(accuracies["TensorFlow loop"] - accuracies["NumPy by hand (step 3)"]) <= 0.5
    assert "accuracies agree within half a percentage point: True" in table


def test_the_learners_layer_builds_and_trains_like_dense(lab_run):
    printed = lab_run.output_of('SigmoidLayer = yours_or_reference("sigmoid_dense_layer"')
    assert "Using your MySigmoidDense" in printed
    assert "parameters: 23,860 (your layers) and 23,860 (Dense)" in printed
    own, dense = re.search(r"test accuracy after one epoch: ([\d.]+)% and ([\d.]+)%", printed).groups()
    assert own == dense and float(own) > 50
    assert "largest weight difference below 1e-5: True" in printed


def test_importing_the_labs_does_not_import_tensorflow():
    import subprocess
    import sys

    from utils import ROOT

    code = "import sys, utils.exercises; print('tensorflow' in sys.modules, 'keras' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "False"]


def test_a_float32_answer_written_differently_is_still_named():
    import numpy as np
    import tensorflow as tf

    from utils.exercises import EXERCISES, evaluate

    def float32_gradients(weights, biases, X, Y, cost):
        variables = [tf.Variable(np.float32(p)) for p in weights + biases]
        with tf.GradientTape() as tape:
            a = tf.cast(X, tf.float32)
            for W, b in zip(variables[: len(weights)], variables[len(weights) :]):
                a = tf.nn.sigmoid(tf.matmul(a, W) + b)
            loss = tf.reduce_sum(cost(tf.cast(Y, tf.float32), a)) / len(X)
        gradients = [g.numpy() for g in tape.gradient(loss, variables)]
        return gradients[: len(weights)], gradients[len(weights) :]

    message = evaluate("tape_gradients", float32_gradients).message
    assert EXERCISES["tape_gradients"].mistakes[3].message in message


def test_a_step_that_needs_numpy_is_told_so_inside_tf_function():
    """Sections 4 and 5 run the learner's step inside tf.function: a step that works eagerly but reads .numpy() is
    told what goes wrong there (TensorFlow raises NotImplementedError, which must not read as "not attempted")."""
    from utils.exercises import EXERCISES, evaluate
    from utils.exercises.core import build_from_source, edited_source, namespace_of, source_of

    solution = EXERCISES["tf_train_step"].solution
    update = ("variable.assign_sub(learning_rate * gradient)", "variable.assign(variable.numpy() - learning_rate * gradient.numpy())")
    numpy_step = build_from_source(edited_source(source_of(solution), [update], "test"), namespace_of(solution), "<numpy step>")
    verdict = evaluate("tf_train_step", numpy_step)
    assert verdict.status == "wrong" and "fails inside tf.function" in verdict.message, verdict.message
    assert "NumPy cannot work on the symbolic tensors" in verdict.message
