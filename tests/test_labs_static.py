"""The labs as stored: every lab has its stub where it is taught and its check right after; no
stored output and no other cell gives an answer away; every lab has two hints and at least two
typical mistakes, each pasteable into the stub cell. (The notebooks run with the answers pasted in
``tests/test_labs_stepNN.py``.)"""

import ast
import json

import nbformat
import pytest
from labs_harness import BEGIN, END, answer_lines, lab_cells, notebook_for_step, printed_by

from utils.exercises import EXERCISES
from utils.exercises.core import FunctionExercise, ValueExercise

STEPS = range(1, 8)


def _notebook(step):
    return nbformat.read(notebook_for_step(step), as_version=4)


def test_the_course_has_at_least_25_labs_besides_its_warm_ups():
    labs = [e for e in EXERCISES.values() if e.kind == "lab"]
    assert len(labs) >= 25, f"{len(labs)} labs: {[e.name for e in labs]}"
    assert {e.kind for e in EXERCISES.values()} <= {"lab", "warm-up"}


@pytest.mark.parametrize("step", STEPS)
def test_every_lab_of_the_step_has_one_stub_and_check_in_its_notebook(step):
    nb = _notebook(step)
    names = [cell.name for cell in lab_cells(nb)]
    expected = [name for name, e in EXERCISES.items() if e.step == step]
    assert sorted(names) == sorted(expected), "each lab of the step appears exactly once in its notebook"
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("step", STEPS)
def test_stub_cells_define_only_the_stub_and_raise_not_implemented(step):
    nb = _notebook(step)
    for cell in lab_cells(nb):
        exercise = EXERCISES[cell.name]
        source = nb.cells[cell.stub_index].source
        assert source.count(BEGIN) == 1 and source.count(END) == 1, cell.name
        tree = ast.parse(source)
        if isinstance(exercise, ValueExercise) and exercise._paste is not None:
            assigned = [t.id for node in tree.body for t in node.targets]
            assert all(isinstance(node, ast.Assign) for node in tree.body), cell.name
            assert ", ".join(assigned) == exercise.stub, cell.name
        else:
            assert len(tree.body) == 1 and isinstance(tree.body[0], (ast.FunctionDef, ast.ClassDef)), (
                f"{cell.name}: the stub cell holds only the definition of {exercise.stub} (imports go in an earlier cell)"
            )
            assert tree.body[0].name == exercise.stub, cell.name
            assert "raise NotImplementedError" in source, cell.name
            assert ast.get_docstring(tree.body[0]), f"{cell.name}: the stub has a docstring giving the shapes"


@pytest.mark.parametrize("step", STEPS)
def test_no_cell_and_no_stored_output_gives_an_answer_away(step):
    nb = _notebook(step)
    for name, exercise in EXERCISES.items():
        if exercise.step != step:
            continue
        for line in answer_lines(exercise):
            for index, cell in enumerate(nb.cells):
                assert line not in cell.source, f"{name}: cell {index} holds a line of the solution: {line!r}"
                if cell.cell_type == "code":
                    assert line not in printed_by(cell.outputs), f"{name}: the output of cell {index} holds {line!r}"


@pytest.mark.parametrize("step", STEPS)
def test_stored_checks_say_not_attempted(step):
    nb = _notebook(step)
    for cell in lab_cells(nb):
        printed = printed_by(nb.cells[cell.check_index].outputs)
        assert printed.startswith("○ Not attempted yet."), (cell.name, printed[:200])
        assert f'hint("{cell.name}")' in printed


@pytest.mark.parametrize("step", STEPS)
def test_the_notebook_ends_with_the_step_progress(step):
    nb = _notebook(step)
    assert f"show_progress({step})" in nb.cells[-1].source
    assert printed_by(nb.cells[-1].outputs).startswith(f"Step {step} · ")


@pytest.mark.parametrize("name", EXERCISES)
def test_each_lab_has_two_hints_and_two_pasteable_mistakes(name):
    exercise = EXERCISES[name]
    assert len(exercise.hints) == 2, "the idea, then the structure"
    assert len(exercise.mistakes) >= 2, "every lab recognises at least two typical mistakes"
    messages = [m.message for m in exercise.mistakes]
    assert len(set(messages)) == len(messages)
    for candidate in [exercise.solution] + [m.compute for m in exercise.mistakes]:
        pasted = exercise.paste_source(candidate)
        tree = ast.parse(pasted)  # it compiles
        if not (isinstance(exercise, ValueExercise) and exercise._paste is not None):
            assert tree.body[-1].name == exercise.stub if len(tree.body) else False, pasted[:200]
    if isinstance(exercise, FunctionExercise):
        labelled = [case for case in exercise.cases if case.label]
        assert len(exercise.cases) >= 2 and len(labelled) == len(exercise.cases), "several cases, each labelled"


def test_answer_lines_are_found_where_they_are():
    """The leak test would catch a copy: the solution's own lines are its answer lines."""
    exercise = EXERCISES["perceptron_rule"]
    lines = answer_lines(exercise)
    assert lines and all(line in exercise.paste_source() for line in lines)
    assert not any(line.startswith(('"""', "def ")) for line in lines)
    json.dumps(lines)


@pytest.mark.parametrize("step", STEPS)
def test_instructor_copies_have_every_lab_solved(step, tmp_path):
    from tools.solutions import write_solved

    solved = tmp_path / "solved.ipynb"
    count = write_solved(notebook_for_step(step), solved)
    nb = nbformat.read(solved, as_version=4)
    cells = lab_cells(nb)
    assert count == len(cells) == len([e for e in EXERCISES.values() if e.step == step])
    for cell in cells:
        assert EXERCISES[cell.name].paste_source() in nb.cells[cell.stub_index].source
        assert 'raise NotImplementedError("Your turn' not in nb.cells[cell.stub_index].source
    assert all(not c.outputs for c in nb.cells if c.cell_type == "code")


def test_a_stalled_lab_run_is_run_once_more_and_a_second_stall_fails(monkeypatch, tmp_path):
    import labs_harness
    from nbclient.exceptions import CellTimeoutError

    calls = []

    def stalls_first(step, progress_file, timeout):
        calls.append(step)
        if len(calls) == 1:
            raise CellTimeoutError("Cell execution timed out")
        return "finished"

    monkeypatch.setattr(labs_harness, "_run_labs_once", stalls_first)
    assert labs_harness.run_labs(3, tmp_path / "progress.json") == "finished" and calls == [3, 3]
    monkeypatch.setattr(labs_harness, "_run_labs_once", lambda *args: (_ for _ in ()).throw(CellTimeoutError("again")))
    with pytest.raises(CellTimeoutError):
        labs_harness.run_labs(3, tmp_path / "progress.json")
    assert labs_harness.WIDGET_CELL.search("gradient_descent_explorer()") and not labs_harness.WIDGET_CELL.search(
        "from utils.widgets import gradient_descent_explorer"
    )
