"""Step 7's labs in their notebook: untouched, each typical mistake, then the solution pasted in;
then the notebook runs on with the learner's functions and must still match Keras and still learn."""

import re

import pytest
from labs_harness import run_labs

from utils.exercises import step07


@pytest.fixture(scope="module")
def lab_run(tmp_path_factory):
    return run_labs(7, tmp_path_factory.mktemp("progress") / "progress.json")


def test_every_lab_is_proven_in_the_notebook(lab_run):
    assert lab_run.problems() == []
    assert (
        set(lab_run.labs)
        == {exercise.name for exercise in step07.EXERCISES}
        == {
            "lstm_step",
            "gru_olah",
            "lstm_step_backward",
            "vae_loss",
            "gan_step",
            "cd1_update",
            "scaled_dot_product_attention",
            "multi_head_attention",
            "transformer_block",
        }
    )


def _largest_difference(text, name):
    return float(re.search(rf"{name}: +largest difference from keras.layers.{name} over 20 steps: (\S+)", text).group(1))


def test_the_learners_cells_match_keras(lab_run):
    lstm = lab_run.output_of('lstm_step = yours_or_reference("lstm_step"')
    assert "Using your my_lstm_step" in lstm and _largest_difference(lstm, "LSTM") < 1e-5
    gru = lab_run.output_of('olah_step = yours_or_reference("gru_olah"')
    assert "Using your my_gru_step" in gru and _largest_difference(gru, "GRU") < 1e-5


def test_the_learners_backward_step_gives_the_tapes_gradients_through_time(lab_run):
    printed = lab_run.output_of('lstm_backward = yours_or_reference("lstm_step_backward"')
    assert "Using your my_lstm_step_backward" in printed
    assert printed.count("(the same as the tape's norms: True)") == 2


def test_the_vae_trains_with_the_learners_loss(lab_run):
    printed = lab_run.output_of('vae_loss = yours_or_reference("vae_loss"')
    assert "Using your my_vae_loss" in printed
    losses = [float(x) for x in re.findall(r"loss ([\d.]+) nats per image", printed)]
    assert len(losses) >= 2 and losses[-1] < 0.7 * losses[0] and losses[-1] < 200


def test_the_gan_learns_the_ring_with_the_learners_step(lab_run):
    assert "Using your my_gan_step" in lab_run.output_of('gan_step = yours_or_reference("gan_step"')
    ring = int(re.search(r"(\d+)% within 0.15 of the ring", lab_run.output_of("within 0.15 of the ring")).group(1))
    assert ring >= 80


def test_the_rbm_learns_with_the_learners_update(lab_run):
    printed = lab_run.output_of('cd1 = yours_or_reference("cd1_update"')
    assert "Using your my_cd1_update" in printed
    before = float(re.search(r"before training: reconstruction error ([\d.]+)", printed).group(1))
    after = float(re.findall(r"epoch +\d+: reconstruction error ([\d.]+)", printed)[-1])
    assert after < before / 4


def test_the_attention_section_runs_on_the_learners_functions(lab_run):
    printed = lab_run.output_of('scaled_dot_product_attention = yours_or_reference("scaled_dot_product_attention"')
    assert "Using your my_scaled_dot_product_attention" in printed and "[[1.   0.   0.   0.   0.  ]" in printed
    printed = lab_run.output_of('multi_head_attention = yours_or_reference("multi_head_attention"')
    assert "Using your my_multi_head_attention" in printed
    difference = re.search(r"largest difference from keras.layers.MultiHeadAttention\(use_causal_mask=True\): (\S+)", printed)
    assert float(difference.group(1)) < 1e-4
    without, with_positions = re.findall(r"pots and tops by ([\d.]+)", lab_run.output_of("def last_vector(word, with_positions)"))
    assert float(without) == 0 and float(with_positions) > 0.1  # runs the learner's multi-head attention
    printed = lab_run.output_of('transformer_block = yours_or_reference("transformer_block"')
    assert "Using your my_transformer_block" in printed
    assert float(re.search(r"largest difference from the Keras block: (\S+)", printed).group(1)) < 1e-4
