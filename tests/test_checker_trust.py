"""A checker a learner can trust (issue 26): it cannot be escaped or hung by the answer it checks, shows
only so much of what the answer prints, leaves the random generators as they were, says when an answer
changes its inputs, gives a hint only when it fits, recognises parts returned in the wrong order, and
keeps what a passing answer needs to run again in a later step. The time limit and exits are tried in a
real Jupyter kernel too, where they behave differently."""

import random
import subprocess
import sys
import textwrap
import time

import nbformat
import numpy as np
import pytest

from utils import ROOT
from utils.exercises import check, evaluate, yours_or_reference
from utils.exercises.core import WRONG, Case, FunctionExercise, edit
from utils.nn import sigmoid

LIMIT = 0.5


def negate(x):
    return -x


def lab(**options):
    """A small lab: the answer must return -x."""
    settings = dict(
        cases=[Case((np.array([1.0, 2.0]),), "a vector"), Case((np.array([[3.0]]),), "a 1 x 1 matrix")],
        structure="structure",
        stub="my_negate",
        time_limit=LIMIT,
        mistakes=[edit("return -x", "return x", "forgot the sign"), edit("return -x", "return -2 * x", "twice")],
    )
    settings.update(options)
    return FunctionExercise("negate_test", "Negation", "idea", negate, **settings)


def swallows_everything(x):
    while True:
        try:
            time.sleep(0.01)
        except BaseException:  # noqa: BLE001 - exactly what the time limit must survive
            pass


def bare_except_nested(x):
    while True:
        try:
            try:
                sum(range(100))
            except:  # noqa: E722
                pass
        except:  # noqa: E722
            pass


#: What the child process below runs: the check of one answer, timed, with a traceback dump should it hang.
CHILD = """
import faulthandler, sys, time
sys.path.insert(0, "tests")
faulthandler.dump_traceback_later(45, exit=True)
import test_checker_trust as here
answer = getattr(here, sys.argv[1])
started = time.perf_counter()
verdict = here.lab().evaluate(answer)
print(verdict.status, round(time.perf_counter() - started, 3), verdict.message.splitlines()[0] if verdict.message else "")
"""


@pytest.mark.parametrize("answer", ["swallows_everything", "bare_except_nested"])
def test_an_answer_that_catches_everything_is_still_stopped_within_twice_the_limit(answer):
    # In a plain process of its own: should the limit ever fail to hold, that process prints where it hung and
    # ends, and this test fails with that traceback (a pytest worker that ended instead would stall xdist).
    done = subprocess.run([sys.executable, "-c", CHILD, answer], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"the check did not end (exit {done.returncode}):\n{done.stderr[-3000:]}"
    status, elapsed, first_line = done.stdout.strip().splitlines()[-1].split(" ", 2)
    assert status == WRONG and f"still running after {LIMIT:g} s" in first_line, done.stdout
    assert float(elapsed) < 2 * LIMIT, elapsed


@pytest.mark.parametrize(
    ("body", "words"),
    [("sys.exit()", "called sys.exit()"), ("raise SystemExit(2)", "called sys.exit()"), ("raise KeyboardInterrupt", "interrupted")],
)
def test_exits_and_interrupts_become_verdicts(body, words):
    namespace = {"sys": sys}
    exec(f"def answer(x):\n    {body}\n", namespace)
    verdict = lab().evaluate(namespace["answer"])
    assert verdict.status == WRONG and words in verdict.message


def test_what_an_answer_prints_is_capped(capsys):
    def chatty(x):
        for i in range(30_000):
            print("a line of the answer's output", i)
        return -x

    verdict = lab(time_limit=20).evaluate(chatty)
    assert verdict.correct and verdict.printed.count("\n") <= 13 and "more characters" in verdict.printed
    assert capsys.readouterr().out == "", "nothing reaches the cell while it is checked"


def test_the_random_generators_are_left_as_they_were():
    import tensorflow as tf

    def reseeds(x):
        np.random.seed(123)
        random.seed(123)
        tf.random.set_seed(123)
        np.random.rand(5)
        return -x

    np.random.seed(7)
    random.seed(7)
    tf.random.set_seed(7)
    expected = (np.random.rand(), random.random(), float(tf.random.uniform(())))
    np.random.seed(7)
    random.seed(7)
    tf.random.set_seed(7)
    assert lab().evaluate(reseeds).correct
    assert (np.random.rand(), random.random(), float(tf.random.uniform(()))) == expected


def test_an_answer_that_changes_its_input_in_place_is_told_so():
    def in_place(x):
        x *= -1
        return x

    verdict = lab().evaluate(in_place)
    assert verdict.status == WRONG and "changed its argument x in place" in verdict.message


def test_the_shape_hint_comes_only_with_a_shape_problem_and_long_errors_are_cut():
    exercise = lab(shape_hint="SHAPE HINT")

    def not_about_shapes(x):
        raise ValueError("No gradients provided for any variable. " + "[a whole weight matrix] " * 200)

    def about_shapes(x):
        return x @ np.ones((7, 7))

    first = exercise.evaluate(not_about_shapes).message
    assert "SHAPE HINT" not in first and "more characters" in first and len(first) < 800
    assert "SHAPE HINT" in exercise.evaluate(about_shapes).message


def pair(x, y):
    return x + y, x * y


PAIR_CASES = [Case((np.array([1.0, 2.0]), np.array([3.0, 5.0])), "two vectors"), Case((np.array([2.0]), np.array([7.0])), "one number")]


def test_parts_in_the_wrong_order_or_repeated_are_named():
    exercise = FunctionExercise(
        "pair_test", "A pair", "idea", pair, PAIR_CASES, structure="s", names=("total", "product"), mistakes=[], stub="my_pair"
    )
    swapped = exercise.evaluate(lambda x, y: (x * y, x + y)).message
    assert "wrong order: you return (product, total); the lab expects (total, product)" in swapped
    twice = exercise.evaluate(lambda x, y: (x + y, x + y)).message
    assert "the same value twice: its total and its product are equal (both are total)" in twice


def test_a_built_in_passed_to_check_is_named_not_blamed_on_the_course():
    message = evaluate("sigmoid", int).message
    assert "you passed int" in message and "bug in the course" not in message
    assert "you passed len" in evaluate("sigmoid", len).message


def test_a_passing_answer_that_calls_its_own_helper_is_reused_with_it(tmp_path, monkeypatch, capsys):
    module = tmp_path / "learner_notebook.py"
    module.write_text(
        textwrap.dedent(
            """
            import numpy as np

            ONE = 1.0

            def reciprocal(value):
                return ONE / value

            def my_sigmoid(z):
                return reciprocal(1 + np.exp(-np.asarray(z, dtype=float)))
            """
        )
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    import learner_notebook

    check("sigmoid", learner_notebook.my_sigmoid)
    assert "Correct!" in capsys.readouterr().out
    del sys.modules["learner_notebook"]
    reused = yours_or_reference("sigmoid", None, sigmoid)
    assert "Using your my_sigmoid from step 1" in capsys.readouterr().out
    assert np.allclose(reused(np.array([0.0, 2.0])), sigmoid(np.array([0.0, 2.0])))


def _run_in_a_kernel(cells: list[str], tmp_path) -> tuple[list[str], float]:
    """Run code cells in a fresh Jupyter kernel: what each printed, and how long the last one took."""
    from tools.execute import kernel_environment, notebook_client

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in cells])
    client = notebook_client(nb, tmp_path, timeout=120)
    printed, seconds = [], 0.0
    with client.setup_kernel(env=kernel_environment(tmp_path / "progress.json")):
        client.execute_cell(nb.cells[0], 0)
        for index, cell in enumerate(nb.cells):
            started = time.perf_counter()
            if index:
                client.execute_cell(cell, index)
            seconds = time.perf_counter() - started
            printed.append("".join(o.get("text", "") + o.get("evalue", "") for o in cell.outputs))
    return printed, seconds


@pytest.mark.slow
def test_in_a_kernel_an_exit_is_a_verdict_and_a_swallowing_loop_is_stopped(tmp_path):
    from utils import ROOT

    set_up = f"import sys, time\nsys.path.insert(0, {str(ROOT)!r})\nfrom utils.exercises import check\n"
    exiting = "def my_sigmoid(z):\n    sys.exit()\n\ncheck('sigmoid', my_sigmoid)"
    swallowing = (
        "def my_sigmoid(z):\n    while True:\n        try:\n            time.sleep(0.01)\n"
        "        except BaseException:\n            pass\n\ncheck('sigmoid', my_sigmoid)"
    )
    printed, seconds = _run_in_a_kernel([set_up, exiting, swallowing], tmp_path)
    assert "called sys.exit()" in printed[1] and "To exit" not in printed[1]
    assert "still running after 10 s" in printed[2] and seconds < 20, seconds


def test_a_correct_but_looping_answer_gets_a_note_not_a_failure():
    def big_case():
        return Case((np.arange(20_000.0),), "a vector of 20,000")

    def looping(x):
        out = np.empty_like(x)
        for i in range(len(x)):
            out[i] = -x[i]
            time.sleep(0.00002)
        return out

    exercise = lab(speed_case=big_case, time_limit=20)
    verdict = exercise.evaluate(looping)
    assert verdict.correct and "Note: on the case “a vector of 20,000” your function took" in verdict.message
    assert "Note:" not in exercise.evaluate(negate).message
