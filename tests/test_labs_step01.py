"""Step 1's labs in their notebook: untouched, each typical mistake, then the solution pasted in."""

import re

import pytest
from labs_harness import run_labs


@pytest.fixture(scope="module")
def lab_run(tmp_path_factory):
    return run_labs(1, tmp_path_factory.mktemp("progress") / "progress.json")


def test_every_lab_is_proven_in_the_notebook(lab_run):
    assert lab_run.problems() == []
    assert set(lab_run.labs) == {"nand_perceptron", "perceptron_rule", "sigmoid", "layered_forward", "nearest_templates"}


def test_the_learners_rule_converges_on_the_clouds_and_cycles_on_xor(lab_run):
    clouds = lab_run.output_of("cloud_rng = np.random.default_rng(3)")
    assert "Using your my_train_perceptron" in clouds
    mistakes = [int(n) for n in re.search(r"mistakes in each epoch: \[([^\]]*)\]", clouds).group(1).split(",")]
    assert mistakes[-1] == 0 and "training accuracy 100%" in clouds
    xor = lab_run.output_of("xor_targets = np.array")
    xor_mistakes = [int(n) for n in re.search(r"XOR, mistakes in each epoch: \[([^\]]*)\]", xor).group(1).split(",")]
    assert min(xor_mistakes) > 0


def test_the_learners_templates_classify_the_digits(lab_run):
    printed = lab_run.output_of("fit_templates = yours_or_reference")
    assert "Using your my_templates" in printed
    assert "nearest-template test accuracy: 81.0%" in printed
