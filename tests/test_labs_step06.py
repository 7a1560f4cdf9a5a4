"""Step 6's labs: the checkers' own claims (the sampler's tolerance, the references' independence and
lack of side effects), then the notebook run with every stub, mistake and solution pasted in."""

import random
import re

import nbformat
import numpy as np
import pytest
from labs_harness import notebook_for_step, printed_by, run_labs

from utils.exercises import EXERCISES, evaluate, step06
from utils.exercises.core import CORRECT, WRONG
from utils.exercises.sandbox import fresh_copies

LABS = {"rnn_step", "rnn_forward", "bptt_backward", "sample_with_temperature", "max_over_time"}


# --- The checkers -------------------------------------------------------------------------------


def test_the_frequency_tolerance_holds_the_solution_and_rejects_every_mistake_by_far():
    exercise = EXERCISES["sample_with_temperature"]
    tolerance = step06.FREQUENCY_TOLERANCE
    assert tolerance == pytest.approx(0.0177, abs=1e-4)  # 5 x 0.5 / sqrt(20,000), as the comment says
    cases = exercise.cases
    assert sum(len(case.args[0]) for case in cases) == 25  # the entries the comment counts
    solution = step06.draw_frequencies(exercise.solution)
    for number, case in enumerate(cases):
        exact = exercise.expected(number)[0]
        assert np.abs(solution(*case.args)[0] - exact).max() < tolerance / 2
    for mistake in exercise.mistakes:
        frequencies = step06.draw_frequencies(mistake.compute)
        with np.errstate(over="ignore", invalid="ignore"):  # the overflow mistake overflows
            worst = max(
                np.nan_to_num(np.abs(frequencies(*case.args)[0] - exercise.expected(number)[0]), nan=1.0).max()
                for number, case in enumerate(cases)
            )
        assert worst > 0.05, mistake.message  # nearly three times the tolerance


def test_samplers_that_draw_in_other_ways_pass_and_unusable_draws_are_explained():
    def inverse_cdf(scores, temperature, rng):  # one uniform number, then the cumulative probabilities
        z = np.asarray(scores) / temperature
        weights = np.exp(z - z.max())
        return int(np.searchsorted(np.cumsum(weights / weights.sum()), rng.random() * 1.0, side="right").clip(0, len(z) - 1))

    def gumbel_trick(scores, temperature, rng):  # argmax of the scaled scores plus Gumbel noise
        return int(np.argmax(np.asarray(scores) / temperature + rng.gumbel(size=len(scores))))

    def global_generator(scores, temperature, rng):
        z = np.asarray(scores) / temperature
        weights = np.exp(z - z.max())
        return int(np.random.choice(len(z), p=weights / weights.sum()))

    def the_score_itself(scores, temperature, rng):
        z = np.asarray(scores) / temperature
        weights = np.exp(z - z.max())
        return rng.choice(scores, p=weights / weights.sum())

    for sampler in (inverse_cdf, gumbel_trick):
        verdict = evaluate("sample_with_temperature", sampler)
        assert verdict.status == CORRECT, verdict.message
    verdict = evaluate("sample_with_temperature", global_generator)
    assert verdict.status == WRONG and "draw with the generator you are given" in verdict.message
    verdict = evaluate("sample_with_temperature", the_score_itself)
    assert verdict.status == WRONG and "return the index of the chosen score, an int" in verdict.message


def test_bptt_checker_catches_an_untransposed_recurrence_on_every_window_longer_than_one():
    """W_hh is square, so the mistake never raises: each case with T > 1 must see it in the gradients."""
    exercise = EXERCISES["bptt_backward"]
    (wrong,) = [mistake.compute for mistake in exercise.mistakes if "needs W_hh transposed" in mistake.message]
    for number, case in enumerate(exercise.cases):
        gradients, _ = wrong(*fresh_copies(case.args))
        expected, _ = exercise.expected(number)
        if len(case.args[1]) > 1:
            assert not np.allclose(gradients["W_hh"], expected["W_hh"], rtol=exercise.rtol, atol=exercise.atol), case.label


def test_the_bptt_checker_has_gradients_beyond_any_clipping_threshold_and_names_clipping():
    """Issue 26: min-char-rnn clips inside its backward pass; an answer that clips (at any threshold a
    training loop would use) must fail, and the declared mistake (np.clip to [-5, 5]) be named."""
    exercise = EXERCISES["bptt_backward"]
    largest = max(
        max(np.abs(gradient).max() for gradient in exercise.expected(number)[0].values()) for number in range(len(exercise.cases))
    )
    assert largest > 1e3
    (clipping,) = [mistake for mistake in exercise.mistakes if mistake.message.startswith("It clips the gradients")]
    assert "np.clip" in exercise.paste_source(clipping.compute)
    verdict = evaluate("bptt_backward", clipping.compute)
    assert verdict.status == WRONG and "This is a known mistake: It clips the gradients" in verdict.message
    assert "beyond any clipping threshold" in verdict.message  # the case says why

    from utils.char_rnn import bptt_backward

    for threshold in (1.0, 10.0, 100.0, 500.0):  # at 1 a small case already fails; above, only the large ones

        def clips(p, inputs, targets, states, probabilities, threshold=threshold):
            gradients, dh_prev = bptt_backward(p, inputs, targets, states, probabilities)
            return {name: np.clip(value, -threshold, threshold) for name, value in gradients.items()}, dh_prev

        verdict = evaluate("bptt_backward", clips)
        assert verdict.status == WRONG and (threshold < 5 or "beyond any clipping threshold" in verdict.message), threshold


def test_max_over_time_notes_a_loop_over_sentences_and_channels_but_passes_it():
    """Issue 26: the prose asks for one array operation; a loop is correct, and gets a note (never a failure)."""
    exercise = EXERCISES["max_over_time"]
    assert exercise.speed_case is not None and exercise.speed_case().args[0].shape == (600, 4, 300)

    def loops(feature_maps):
        pooled = np.empty((feature_maps.shape[0], feature_maps.shape[2]))
        for sentence in range(feature_maps.shape[0]):
            for channel in range(feature_maps.shape[2]):
                best = feature_maps[sentence, 0, channel]
                for value in feature_maps[sentence, 1:, channel]:
                    best = max(best, value)
                pooled[sentence, channel] = best
        return pooled

    verdict = evaluate("max_over_time", loops)
    assert verdict.status == CORRECT and "Note: on the case “600 sentences of 4 words, 300 channels”" in verdict.message
    assert "Note:" not in evaluate("max_over_time", exercise.solution).message


def test_the_forward_reference_agrees_with_the_course_forward_pass():
    """Keras' SimpleRNN and TensorFlow's cross-entropy (the reference) against utils.char_rnn.rnn_forward."""
    from utils import char_rnn

    for case in EXERCISES["rnn_forward"].cases:
        (loss, states, probabilities), (keras_loss, keras_states, keras_probabilities) = (
            char_rnn.rnn_forward(*case.args),
            step06.keras_forward(*case.args),
        )
        assert loss == pytest.approx(keras_loss, rel=1e-12)
        assert np.allclose(states, keras_states, atol=1e-12) and np.allclose(probabilities, keras_probabilities, atol=1e-12)


def test_checking_draws_nothing_from_the_global_random_generators():
    """So that a learner's passing checks leave the notebook's later training exactly as stored."""
    import keras

    def draws():
        keras.utils.set_random_seed(0)
        layer = keras.layers.Dense(3)
        layer.build((None, 2))
        return layer.get_weights()[0].tolist(), random.random(), np.random.random()

    def check_every_lab():
        keras.utils.set_random_seed(0)
        for name in LABS:
            exercise = EXERCISES[name]
            for number in range(len(exercise.cases)):
                exercise._expected.pop(number, None)  # compute the references afresh
                exercise.expected(number)
            assert evaluate(name, exercise.solution).status == CORRECT
        layer = keras.layers.Dense(3)
        layer.build((None, 2))
        return layer.get_weights()[0].tolist(), random.random(), np.random.random()

    assert draws() == check_every_lab()


# --- The notebook, with every lab tried -----------------------------------------------------------


@pytest.fixture(scope="module")
def lab_run(tmp_path_factory):
    return run_labs(6, tmp_path_factory.mktemp("progress") / "progress.json")


def stored_output(marker: str) -> str:
    nb = nbformat.read(notebook_for_step(6), as_version=4)
    (cell,) = [c for c in nb.cells if c.cell_type == "code" and marker in c.source]
    return printed_by(cell.outputs)


def test_every_lab_is_proven_in_the_notebook(lab_run):
    assert lab_run.problems() == []
    assert set(lab_run.labs) == LABS


def test_the_learners_forward_pass_gives_the_uniform_loss_before_training(lab_run):
    printed = lab_run.output_of('forward = yours_or_reference("rnn_forward"')
    assert "Using your my_rnn_forward" in printed
    assert "states (26, 100), probabilities (25, 62)" in printed
    per_character = float(re.search(r"per character ([\d.]+)", printed).group(1))
    assert per_character == pytest.approx(np.log(62), abs=0.01)


def test_the_learners_backward_pass_passes_the_gradient_check_and_trains_the_rnn(lab_run):
    printed = lab_run.output_of('backward = yours_or_reference("bptt_backward"')
    assert "Using your my_bptt_backward" in printed
    errors = [float(e) for e in re.findall(r"relative error (\S+)", printed)]
    assert len(errors) == 6 and max(errors) < 1e-7  # five parameters and h_prev
    validation = lab_run.output_of("rnn_loss = rnn.mean_loss(validation_ids)")
    assert float(re.search(r"perplexity ([\d.]+)", validation).group(1)) < 15  # from 62 untrained
    assert validation == stored_output("rnn_loss = rnn.mean_loss(validation_ids)")  # the same code, the same numbers
    headline = lab_run.output_of("lm_history = language_model.fit(")
    assert re.search(r"validation perplexity: TensorFlow GRU [\d.]+, NumPy RNN [\d.]+", headline)


def test_the_learners_sampler_writes_the_stored_texts(lab_run):
    printed = lab_run.output_of('sample = yours_or_reference("sample_with_temperature"')
    assert "Using your my_sample_with_temperature" in printed
    marker = "for temperature in (0.5, 1.0, 1.5)"
    assert lab_run.output_of(marker) == stored_output(marker)


# --- The prose's claims, held by the stored outputs (no notebook run) ---------------------------


def test_the_fair_comparison_supports_what_the_prose_concludes():
    """Section 2: three layers of about the same number of parameters, each run to a plateau chosen on the
    selection split (every run stopped by patience, its best epoch three before its last), scored once on
    the validation text. Neither gated layer measurably better or worse than the SimpleRNN (the seeds'
    ranges overlap), the LSTM level with it; the one difference that counts, the LSTM's runs all below the
    GRU's; the LSTM slowest to its plateau."""
    printed = stored_output("each run's epoch chosen on the last")
    rows = {}
    for name in ("SimpleRNN", "LSTM", "GRU"):
        match = re.search(name + r" +(\d+) +([\d,]+) +([\d.]+) ± ([\d.]+) \(([\d.]+)-([\d.]+)\) +([\d/, ]+?) +\(perplexity", printed)
        assert match, (name, printed)
        parameters, mean, std, low, high = (float(g.replace(",", "")) for g in match.groups()[1:6])
        epochs = [tuple(int(n) for n in pair.split("/")) for pair in match.group(7).split(", ")]
        rows[name] = dict(parameters=parameters, mean=mean, std=std, low=low, high=high, epochs=epochs)
    assert "sample standard deviation (ddof=1) over 3 seeds" in printed
    assert "every run's training loss still fell after its best epoch on the selection split: True" in printed
    sizes = [row["parameters"] for row in rows.values()]
    assert max(sizes) / min(sizes) < 1.03  # the same number of parameters, within 3%
    for row in rows.values():
        assert len(row["epochs"]) == 3 and all(ran == best + 3 for best, ran in row["epochs"])  # a plateau: stopped by patience
    plain = rows["SimpleRNN"]
    for gated in ("LSTM", "GRU"):
        assert plain["low"] <= rows[gated]["high"] and rows[gated]["low"] <= plain["high"], gated  # the ranges overlap
    assert abs(rows["LSTM"]["mean"] - plain["mean"]) < max(rows["LSTM"]["std"], plain["std"])  # level: within the spread
    assert rows["LSTM"]["high"] < rows["GRU"]["low"]  # every LSTM run ended below every GRU run
    lstm_best = [best for best, _ in rows["LSTM"]["epochs"]]
    others_best = [best for name in ("SimpleRNN", "GRU") for best, _ in rows[name]["epochs"]]
    assert min(lstm_best) > max(others_best)  # the LSTM needs the most epochs


def test_the_embeddings_first_component_is_sentiment_as_the_prose_says():
    """Section 4: PCA of the frequent words (none chosen), then the chosen words placed on it."""
    printed = stored_output("frequent = np.arange(2, 2002)")
    shares = [float(s) for s in re.findall(r"component \d: ([\d.]+)% of the variance", printed)]
    correlations = [float(c) for c in re.findall(r"correlation with the word's score alone ([\d.]+)", printed)]
    assert len(shares) == len(correlations) == 3
    assert shares[0] > 10 * shares[1] and correlations[0] > 0.9 and max(correlations[1:]) < 0.2
    placed = stored_output('chosen = {"positive"')
    assert "every chosen word is among the 2,000: True" in placed
    ranges = {
        group: (float(low), float(high))
        for group, low, high in re.findall(r"(positive|negative|neutral) +from (-?[\d.]+) to (-?[\d.]+)", placed)
    }
    assert ranges["positive"][0] > 0 > ranges["negative"][1]  # each on its own side
    assert ranges["negative"][1] < ranges["neutral"][0] and ranges["neutral"][1] < ranges["positive"][1]  # in between
    assert ranges["positive"][0] <= ranges["neutral"][1]  # "good" among the neutral ones
    assert float(re.search(r"words' mean: ([\d.]+)", placed).group(1)) > 0.9
