"""The progress record: what a check writes, two writers at once, a corrupt file, a read-only place."""

import json
import multiprocessing
import os
import subprocess
import sys

import pytest

from utils import ROOT, progress, settings
from utils.exercises import EXERCISES, check, hint, report, show_solution, yours_or_reference
from utils.nn import train_perceptron


def stub(*args):
    raise NotImplementedError


@pytest.fixture
def record(tmp_path, monkeypatch):
    file = tmp_path / "nested" / "progress.json"
    monkeypatch.setenv(settings.PROGRESS.name, str(file))
    monkeypatch.setattr(progress, "_warned", set())
    return file


def test_a_check_records_its_verdict_and_the_passing_source(record, capsys):
    check("perceptron_rule", stub)
    entry = json.loads(record.read_text())["labs"]["perceptron_rule"]
    assert entry["status"] == "not attempted" and entry["checks"] == 1 and progress.state(entry) == "not started"
    check("perceptron_rule", lambda *args: None)
    entry = json.loads(record.read_text())["labs"]["perceptron_rule"]
    assert entry["status"] == "wrong" and progress.state(entry) == "attempted" and "source" not in entry
    check("perceptron_rule", train_perceptron)
    entry = json.loads(record.read_text())["labs"]["perceptron_rule"]
    assert entry["status"] == "correct" and progress.state(entry) == "done" and entry["checks"] == 3
    assert "def train_perceptron(" in entry["source"] and entry["step"] == 1 and entry["kind"] == "lab"
    check("perceptron_rule", stub)  # the stub run again is no verdict: the lab stays done
    entry = json.loads(record.read_text())["labs"]["perceptron_rule"]
    assert entry["status"] == "not attempted" and progress.state(entry) == "done"
    check("perceptron_rule", lambda *args: None)  # a later wrong answer: attempted now, and it passed before
    entry = json.loads(record.read_text())["labs"]["perceptron_rule"]
    assert progress.state(entry) == "attempted" and progress.passed_before(entry) and entry["checks"] == 5
    from utils.exercises.report import course_table, step_table

    assert "attempted    The perceptron learning rule (an earlier answer passed)" in step_table(1)
    assert course_table().splitlines()[1].split()[-4:-2] == ["0/3", "1"], "counted as attempted, not done"
    check("perceptron_rule", train_perceptron)
    assert progress.state(json.loads(record.read_text())["labs"]["perceptron_rule"]) == "done"
    assert "⚠" not in capsys.readouterr().out
    assert not list(record.parent.glob("*.tmp")), "no temporary file is left behind"


def test_hints_and_solutions_are_recorded(record, capsys):
    hint("layered_forward")
    hint("layered_forward")
    show_solution("layered_forward")
    entry = json.loads(record.read_text())["labs"]["layered_forward"]
    assert entry["hints"] == 2 and entry["solution_shown"] is True
    table = report.step_table(1)
    assert "layered_forward" in table and "2 hints, solution shown" in table


def _record_many(file, names):
    os.environ[settings.PROGRESS.name] = str(file)
    exercise = EXERCISES["sigmoid"]
    for name in names:
        progress.update(
            name, lambda entry, e=exercise: entry.update(step=e.step, kind=e.kind, title=e.title, status="wrong", wrong_checks=1)
        )


def test_two_writers_at_once_lose_nothing(record):
    record.parent.mkdir(parents=True)
    context = multiprocessing.get_context("spawn")
    writers = [context.Process(target=_record_many, args=(record, [f"lab_{who}_{n}" for n in range(40)])) for who in "ab"]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=120)
        assert writer.exitcode == 0
    labs = json.loads(record.read_text())["labs"]
    assert len(labs) == 80, "every update of both writers is in the file"


def test_a_corrupt_file_gives_one_warning_and_the_check_still_answers(record, capsys):
    record.parent.mkdir(parents=True)
    record.write_text('{"format": 1, "labs": {"sigm')  # cut off mid-write by something else
    check("sigmoid", stub)
    check("sigmoid", stub)
    out = capsys.readouterr().out
    assert out.count("⚠") == 1 and "was damaged" in out and out.count("Not attempted yet") == 2
    assert (record.parent / "progress.json.corrupt").read_text().startswith('{"format": 1')
    assert json.loads(record.read_text())["labs"]["sigmoid"]["checks"] == 2  # a fresh record, from the first check on


def test_a_read_only_location_gives_one_warning_and_the_check_still_answers(monkeypatch, capsys):
    monkeypatch.setenv(settings.PROGRESS.name, "/sys/dl7-progress/progress.json")  # even root cannot write there
    monkeypatch.setattr(progress, "_warned", set())
    check("sigmoid", stub)
    check("sigmoid", train_perceptron)
    out = capsys.readouterr().out
    assert out.count("⚠") == 1 and "could not be saved" in out and "DL7_PROGRESS" in out
    assert "Not attempted yet" in out and "Not yet right" in out
    assert progress.load()["labs"] == {}


def test_the_default_place_is_the_per_user_data_folder(monkeypatch):
    import platformdirs

    monkeypatch.delenv(settings.PROGRESS.name, raising=False)
    assert progress.path() == platformdirs.user_data_path(progress.APP_NAME, appauthor=False) / "progress.json"
    assert ROOT not in progress.path().parents, "never inside the course folder"


def test_the_course_table_counts_labs_and_warm_ups_per_step(record):
    check("perceptron_rule", train_perceptron)
    check("layered_forward", lambda *args: None)
    lines = report.course_table().splitlines()
    assert lines[0].split()[:2] == ["step", "labs:"]
    step_one = next(line for line in lines if line.startswith("1 "))
    labs_of_step_one = sum(1 for e in EXERCISES.values() if e.step == 1 and e.kind == "lab")
    assert f"1/{labs_of_step_one}" in step_one and step_one.split()[-3:-1] == ["1", str(labs_of_step_one - 2)]
    assert len(lines) == 9


def test_course_py_progress_prints_the_table(record):
    check("perceptron_rule", train_perceptron)
    env = dict(os.environ)
    result = subprocess.run([sys.executable, "-m", "utils.exercises"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Introducing deep learning" in result.stdout and str(record) in result.stdout
    result = subprocess.run(
        [sys.executable, "-m", "utils.exercises", "--step", "1"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert "✅ perceptron_rule" in result.stdout


def test_a_later_step_uses_the_function_saved_when_it_passed(record, capsys):
    chosen = yours_or_reference("perceptron_rule", None, train_perceptron)
    assert chosen is train_perceptron and "not in your progress record" in capsys.readouterr().out
    check("perceptron_rule", train_perceptron)
    chosen = yours_or_reference("perceptron_rule", None, train_perceptron)
    assert chosen is not train_perceptron and "from step 1" in capsys.readouterr().out
    assert chosen.__code__.co_filename.startswith("<your perceptron_rule")
    # a saved answer that no longer passes (edited by hand, say) is not used
    data = json.loads(record.read_text())
    data["labs"]["perceptron_rule"]["source"] = "def my_train_perceptron(*args):\n    return None\n"
    record.write_text(json.dumps(data))
    assert yours_or_reference("perceptron_rule", None, train_perceptron) is train_perceptron
