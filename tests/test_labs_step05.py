"""Step 5's labs in their notebook: untouched, each typical mistake, then the solution pasted in. (Their
solutions are utils.conv's own functions, proven against TensorFlow in tests/test_conv.py.)"""

import re

import pytest
from labs_harness import run_labs

from utils.exercises import EXERCISES

LABS = {
    "conv_forward_loops",
    "im2col_conv",
    "conv_backward",
    "maxpool_backward",
    "learn_edge_kernel",
    "dropout_forward",
    "dropout_backward",
    "batchnorm_forward",
    "batchnorm_backward",
}
WARM_UPS = {"conv_parameters", "receptive_field"}


@pytest.fixture(scope="module")
def lab_run(tmp_path_factory):
    return run_labs(5, tmp_path_factory.mktemp("progress") / "progress.json")


def test_every_lab_is_proven_in_the_notebook(lab_run):
    assert lab_run.problems() == []
    assert set(lab_run.labs) == LABS | WARM_UPS
    assert {name for name in LABS | WARM_UPS if EXERCISES[name].kind == "lab"} == LABS


def test_the_learners_convolutions_agree(lab_run):
    bar = lab_run.output_of('for stride, padding in ((1, "valid"), (1, "same"), (2, "same")):')
    assert "Using your my_conv_forward_loops" in bar
    assert "stride 1, valid: (1, 7, 7, 1) -> (1, 5, 5, 1), middle row [  0. -27. -27.  27.  27.]" in bar
    assert "stride 2, same : (1, 7, 7, 1) -> (1, 4, 4, 1)" in bar
    fast = lab_run.output_of('convolve = yours_or_reference("im2col_conv"')
    assert "Using your my_im2col_conv" in fast
    assert "loops and im2col agree: True" in fast
    assert "the same 884,736 multiplications: the loops in 32,768 window-by-kernel products, im2col in one matrix product" in fast
    assert "all below 1e-5: True" in lab_run.output_of("all below 1e-5")


def test_the_learners_backward_passes_route_the_gradients(lab_run):
    one_output = lab_run.output_of('backward = yours_or_reference("conv_backward"')
    assert "Using your my_conv_backward" in one_output and "[0 7 8 9 0 0]" in one_output and "db: [1.]" in one_output
    pooled = lab_run.output_of('pool_backward = yours_or_reference("maxpool_backward"')
    assert "Using your my_maxpool_backward" in pooled and "[0 4 0 0 0]" in pooled


def test_the_learners_descent_recovers_the_sobel_kernel(lab_run):
    printed = lab_run.output_of('learn = yours_or_reference("learn_edge_kernel"')
    assert "Using your my_learn_edge_kernel" in printed
    assert float(re.search(r"largest difference from the Sobel kernel: ([\d.]+)", printed).group(1)) < 0.01
    table = lab_run.output_of('count_parameters = yours_or_reference("conv_parameters"')
    assert "Using your my_conv_parameters" in table and "Using your my_receptive_field" in table
    assert "conv 5x5, 50   (8, 8, 50)         25,050            14 px" in table


def test_the_dropout_and_batch_normalisation_sections_run_on_the_learners_functions(lab_run):
    dropout = lab_run.output_of('apply_dropout = yours_or_reference("dropout_forward"')
    assert "Using your my_dropout_forward" in dropout and "Using your my_dropout_backward" in dropout
    assert "your inference pass gives Keras' scores: True" in lab_run.output_of("thinned_model = variant_models")
    batchnorm = lab_run.output_of('batchnorm = yours_or_reference("batchnorm_forward"')
    assert "Using your my_batchnorm_forward" in batchnorm and "Using your my_batchnorm_backward" in batchnorm
    assert "dx sums to 0 over the batch, for each feature (to 1e-9 of its size): True" in batchnorm
    trained = lab_run.output_of('bn_model = deep_models["with batch normalisation"]')
    assert "your inference pass gives the layer's output (to float32 rounding): True · running averages unchanged: True" in trained
