"""Every lab's checker: the reference passes, the stub is "not attempted" without giving anything
away, each typical mistake is named, and bad answers (wrong shapes or dtypes, None, errors, endless
loops, not a function) get a message instead of a traceback. Then the help: staged hints, the
solution on request, and the notebook's switch from the reference to the learner's code."""

import time

import numpy as np
import pytest
from labs_harness import answer_lines

from utils.exercises import EXERCISES, check, evaluate, hint, show_solution, yours_or_reference
from utils.exercises.core import CORRECT, NOT_ATTEMPTED, WRONG, Case, FunctionExercise, Mistake, ValueExercise, time_limit

FUNCTION_LABS = [name for name, ex in EXERCISES.items() if isinstance(ex, FunctionExercise)]


def stub(*args):
    raise NotImplementedError("Your turn")


def _answer(exercise, candidate):
    """What a learner passes to check(): a function, or for value labs with a paste template, the values."""
    return candidate() if isinstance(exercise, ValueExercise) and exercise._paste is not None else candidate


@pytest.mark.parametrize("name", EXERCISES)
def test_reference_solution_passes(name):
    exercise = EXERCISES[name]
    verdict = evaluate(name, _answer(exercise, exercise.solution))
    assert verdict.status == CORRECT, verdict.message
    assert str(verdict).startswith("✅ Correct!")


@pytest.mark.parametrize("name", EXERCISES)
def test_stub_is_not_attempted_and_gives_nothing_away(name):
    exercise = EXERCISES[name]
    answer = (None, None) if isinstance(exercise, ValueExercise) and exercise._paste is not None else stub
    verdict = evaluate(name, answer)
    assert verdict.status == NOT_ATTEMPTED and str(verdict).startswith("○ Not attempted yet.")
    assert f'hint("{name}")' in verdict.message
    for text in exercise.hints:
        assert text not in verdict.message, "the hints come only when asked for"
    assert not [line for line in answer_lines(exercise) if line in verdict.message]


@pytest.mark.parametrize("name", EXERCISES)
def test_each_typical_mistake_is_named(name):
    exercise = EXERCISES[name]
    for mistake in exercise.mistakes:
        verdict = evaluate(name, _answer(exercise, mistake.compute))
        assert verdict.status == WRONG and mistake.message in verdict.message, verdict.message
        assert not [line for line in answer_lines(exercise) if line in verdict.message]


@pytest.mark.parametrize("name", FUNCTION_LABS)
def test_bad_answers_never_raise(name):
    exercise = EXERCISES[name]
    for answer, words in [
        (42, "expects your function itself"),
        (lambda *args: None, None),
        (lambda *args: "text", None),
        (lambda *args: 1 / 0, "raised ZeroDivisionError: division by zero (line"),
    ]:
        verdict = evaluate(name, answer)
        assert verdict.status == WRONG, (answer, verdict.message)
        assert words is None or words in verdict.message, verdict.message
        assert exercise.help_line in verdict.message


def test_an_endless_loop_is_stopped_with_a_message():
    exercise = FunctionExercise(
        "loop_test",
        "A loop",
        "idea",
        lambda x: x,
        [Case((1.0,), "one")],
        structure="structure",
        stub="f",
        time_limit=0.5,
        mistakes=[Mistake(lambda x: -x, "m1"), Mistake(lambda x: 2 * x, "m2")],
    )

    def endless(x):
        while True:
            pass

    def sleepy(x):
        time.sleep(30)

    def swallows_errors(x):
        while True:
            try:
                time.sleep(0.01)
            except Exception:  # noqa: BLE001 - the learner's own catch-all cannot swallow the time limit
                pass

    for answer in (endless, sleepy, swallows_errors):
        started = time.perf_counter()
        verdict = exercise.evaluate(answer)
        assert verdict.status == WRONG and "still running after 0.5 s" in verdict.message
        assert time.perf_counter() - started < 5


def test_the_time_limit_works_outside_the_main_thread_too():
    import threading

    outcome = []

    def worker():
        try:
            with time_limit(0.3):
                while True:
                    pass
        except BaseException as exc:  # noqa: BLE001
            outcome.append(type(exc).__name__)

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(timeout=10)
    assert outcome == ["OutOfTime"]


def test_wrong_dtypes_shapes_and_structures_are_named():
    def tuple_of_three(*args):
        return np.zeros(2), 0.0, [0]

    assert "complex numbers" in evaluate("layered_forward", lambda x, w, b: x.astype(complex)).message
    assert "should have shape (5, 2), but it has shape (5, 3)" in evaluate("layered_forward", lambda x, w, b: x).message
    assert "should have 3 items, but it has 2" in evaluate("perceptron_rule", lambda *a: (1, 2)).message
    assert "mistakes should have shape (10,), but it has shape (1,)" in evaluate("perceptron_rule", tuple_of_three).message


def test_the_first_difference_is_named_with_its_index():
    def off_by_a_bit(x, weights, biases):
        out = EXERCISES["layered_forward"].solution(x, weights, biases)
        out[3, 1] += 0.5
        return out

    message = evaluate("layered_forward", off_by_a_bit).message
    assert "your result[3, 1] is " in message and "expected" in message and "(1 of 10 entries differ)" in message


def test_nan_results_are_named():
    verdict = evaluate("sigmoid", lambda z: np.full_like(z, np.nan))
    assert verdict.status == WRONG and "nan or inf" in verdict.message


def test_learner_function_cannot_change_the_test_inputs():
    def vandal(x, weights, biases):
        x[...] = 0
        weights[0][...] = 0
        raise NotImplementedError

    evaluate("layered_forward", vandal)
    assert evaluate("layered_forward", EXERCISES["layered_forward"].solution).status == CORRECT


def test_check_prints_and_a_failing_checker_says_so_instead_of_raising(capsys, monkeypatch):
    check("sigmoid", stub)
    assert capsys.readouterr().out.startswith("○ Not attempted yet.")
    check("no_such_lab", stub)
    assert "There is no lab called 'no_such_lab'" in capsys.readouterr().out
    monkeypatch.setattr(EXERCISES["sigmoid"], "evaluate", lambda answer: 1 / 0)
    check("sigmoid", stub)
    assert "The checker itself failed (ZeroDivisionError" in capsys.readouterr().out
    with pytest.raises(KeyError):
        evaluate("no_such_lab", stub)


def test_hints_come_in_stages_then_point_to_the_solution(capsys):
    exercise = EXERCISES["perceptron_rule"]
    hint("perceptron_rule")
    first = capsys.readouterr().out
    assert first.startswith("Hint 1 of 2, the idea: ") and exercise.hints[0] in first and exercise.hints[1] not in first
    hint("perceptron_rule")
    second = capsys.readouterr().out
    assert second.startswith("Hint 2 of 2, the structure: ") and exercise.hints[1] in second
    hint("perceptron_rule")
    assert 'show_solution("perceptron_rule")' in capsys.readouterr().out
    hint("perceptron_rule", 1)
    assert capsys.readouterr().out.startswith("Hint 1 of 2")


@pytest.mark.parametrize("name", EXERCISES)
def test_show_solution_prints_the_pasteable_tested_source(name, capsys):
    show_solution(name)
    out = capsys.readouterr().out
    assert out.startswith("# A tested solution for: ") and EXERCISES[name].paste_source() in out


def test_yours_or_reference_switches_to_the_learners_function_once_it_passes(capsys):
    reference = EXERCISES["sigmoid"].solution

    def my_sigmoid(z):
        return 1 / (1 + np.exp(-z))

    assert yours_or_reference("sigmoid", stub, reference) is reference
    assert "Using the course's utils.nn.sigmoid" in capsys.readouterr().out
    check("sigmoid", my_sigmoid)
    capsys.readouterr()
    assert yours_or_reference("sigmoid", my_sigmoid, reference) is my_sigmoid
    assert "Using your my_sigmoid from here on (it passed its check)" in capsys.readouterr().out


def test_a_declared_mistake_is_an_edit_of_the_solution_and_one_that_no_longer_applies_names_itself():
    from utils.exercises.core import MistakeDoesNotApply, edit

    exercise = EXERCISES["perceptron_rule"]
    wrong = next(m for m in exercise.mistakes if "wrong way" in m.message)
    assert wrong.edits and "error = step(x @ weights + bias) - target" in exercise.paste_source(wrong.compute)
    stale = FunctionExercise(
        "stale_test", "Stale", "idea", exercise.solution, exercise.cases, structure="s", stub="f",
        mistakes=[edit("text that is not in the solution", "x", "a stale mistake")],
    )  # fmt: skip
    with pytest.raises(MistakeDoesNotApply, match="stale_test.*found 0 times"):
        stale.mistakes  # noqa: B018 - binding the mistakes is what fails
