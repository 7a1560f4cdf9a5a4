"""Is my result normal? The expected ranges of the headline figures, the verdicts, and the table."""

import json
import re

import pytest

from tools import matrix, ranges
from tools.layout import stored_printout
from utils import ROOT, expected, settings
from utils.expected import FIGURES, RANGES_FILE
from utils.tested_environments import ENVIRONMENTS

KEY = "step03.network_accuracy"
TABLE = {"profiles": {"quick": {KEY: {"low": 0.94, "high": 0.95}}}}


def test_a_figure_in_its_range_gets_a_plain_yes():
    inside, line = expected.verdict(KEY, 0.9473, "quick", TABLE)
    assert inside is True
    assert line == (
        "784-30-10 network from scratch, test accuracy: 94.73%, "
        "within the range expected on other seeds, machines and versions: 94.00% to 95.00%"
    )


@pytest.mark.parametrize("value", [0.9399, 0.9501, float("nan")])
def test_a_figure_outside_its_range_says_what_to_check(value):
    inside, line = expected.verdict(KEY, value, "quick", TABLE)
    assert inside is False
    assert "OUTSIDE the range expected" in line and "94.00% to 95.00%" in line
    assert "kernel restart" in line and "quick profile" in line and "check passed" in line


def test_no_range_for_a_profile_is_said_not_judged():
    inside, line = expected.verdict(KEY, 0.97, "full", TABLE)
    assert inside is None and "no expected range was measured for the full profile" in line


def test_bad_keys_and_values_get_clear_messages():
    with pytest.raises(KeyError, match="'step03.accuracy' is not a headline figure"):
        expected.verdict("step03.accuracy", 0.9, "quick", TABLE)
    with pytest.raises(TypeError, match="the figure must be a number, got str"):
        expected.verdict(KEY, "94%", "quick", TABLE)


def test_judge_prints_and_records_the_figure(tmp_path, monkeypatch, capsys):
    record = tmp_path / "figures.jsonl"
    monkeypatch.setenv(settings.RECORD.name, str(record))
    monkeypatch.setenv(settings.PROFILE.name, "quick")
    expected.judge(KEY, 0.9473)
    expected.judge("step01.network_accuracy", 0.925)
    assert capsys.readouterr().out.count("\n") >= 2
    assert [(r["key"], r["value"], r["profile"]) for r in expected.read_records(record)] == [
        (KEY, 0.9473, "quick"),
        ("step01.network_accuracy", 0.925, "quick"),
    ]


def test_record_keeps_an_exact_figure_quietly_and_refuses_an_unknown_one(tmp_path, monkeypatch, capsys):
    destination = tmp_path / "figures.jsonl"
    expected.record("step03.mazur_error", 3.51e-5)  # no DL7_RECORD: nothing is written anywhere
    monkeypatch.setenv(settings.RECORD.name, str(destination))
    expected.record("step03.mazur_error", 3.51e-5)
    assert capsys.readouterr().out == ""
    assert [(r["key"], r["value"]) for r in expected.read_records(destination)] == [("step03.mazur_error", 3.51e-5)]
    with pytest.raises(KeyError, match="'step03.mazur' is not a headline figure"):
        expected.record("step03.mazur", 1.0)
    assert not set(expected.EXACT) & set(expected.FIGURES)


def test_a_corrupt_table_says_how_to_mend_it(tmp_path):
    broken = tmp_path / "expected_ranges.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="course.py ranges"):
        expected.load_ranges(broken)


def record(key, value, environment, seed, profile="quick"):
    return {"key": key, "value": value, "profile": profile, "seed": seed, "environment": environment}


def test_the_range_is_what_was_seen_widened_by_half_its_spread_or_the_floor():
    seen = [
        record(KEY, 0.940, "pinned", 0),
        record(KEY, 0.946, "pinned", 1),
        record(KEY, 0.950, "colab", 0),
        record("step07.rbm_error_after", 0.0380, "pinned", 0),
        record("step07.rbm_error_after", 0.0381, "oldest", 0),
    ]
    table = ranges.table(seen)["profiles"]["quick"]
    assert table[KEY]["low"] == pytest.approx(0.935) and table[KEY]["high"] == pytest.approx(0.955)  # half of 0.010
    assert table[KEY]["runs"] == 3 and table[KEY]["environments"] == ["colab", "pinned"] and table[KEY]["seeds"] == [0, 1]
    rbm = table["step07.rbm_error_after"]  # spread 0.0001: the floor (0.001) wins
    assert rbm["low"] == pytest.approx(0.0370) and rbm["high"] == pytest.approx(0.0391)
    assert list(table) == [KEY, "step07.rbm_error_after"]  # the course's order


def test_a_partial_measurement_replaces_what_it_measured_and_keeps_every_other_stored_range():
    stored = ranges.table([record(KEY, 0.94, "pinned", 0), record("step07.rbm_error_after", 0.0380, "pinned", 0)])
    fresh = ranges.table([record("step07.rbm_error_after", 0.0500, "colab", 0)])
    kept = ranges.keep_unmeasured(fresh, stored)
    assert kept == [f"{KEY} (quick)"]
    table = fresh["profiles"]["quick"]
    assert list(table) == [KEY, "step07.rbm_error_after"]  # the course's order
    assert table[KEY] == stored["profiles"]["quick"][KEY] and table["step07.rbm_error_after"]["seen_low"] == 0.0500


def test_a_range_never_reaches_past_what_the_figure_can_be():
    seen = [
        record("step07.gan_within", 1.0, "pinned", 0),
        record("step07.gan_within", 0.98, "colab", 0),
        record("step07.adding_gru", 0.0002, "pinned", 0),
    ]
    table = ranges.table(seen)["profiles"]["quick"]
    assert table["step07.gan_within"]["high"] == 1.0 and table["step07.gan_within"]["low"] == pytest.approx(0.96)
    assert table["step07.adding_gru"]["low"] == 0.0  # an error is never negative


def test_the_matrix_fails_a_missing_an_unmeasured_or_an_outlying_figure():
    step = "03_backprop_and_gradient_descent"
    exact = [record(key, 1e-9, "colab", 0) for key in expected.EXACT if key.startswith("step03.")]
    assert len(exact) == 3  # Mazur's error and the two gradient checks
    assert matrix.range_problems(step, [record(KEY, 0.945, "colab", 0), *exact], TABLE) == []
    assert matrix.range_problems(step, exact, TABLE) == [f"{KEY} was not recorded"]
    assert matrix.range_problems(step, [record(KEY, 0.945, "colab", 0), *exact[1:]], TABLE) == [
        f"{exact[0]['key']} was not recorded"
    ]  # an exact figure counts too, though it has no range
    outside = matrix.range_problems(step, [record(KEY, 0.90, "colab", 0), *exact], TABLE)
    assert len(outside) == 1 and "OUTSIDE" in outside[0] and "90.00%" in outside[0]
    assert matrix.range_problems(step, [record(KEY, 0.945, "colab", 0, "full"), *exact], TABLE) == [
        f"{KEY}: no expected range for the full profile"
    ]


# The committed table and the notebooks


def test_every_figure_has_a_range_measured_over_seeds_and_every_environment():
    table = expected.load_ranges()["profiles"]["quick"]
    assert list(table) == list(expected.FIGURES)
    for key, entry in table.items():
        assert set(entry["environments"]) == {"pinned", *ENVIRONMENTS}, key
        assert len(entry["seeds"]) >= 3 and entry["runs"] >= len(entry["environments"]) + 2, key
        assert entry["low"] <= entry["seen_low"] <= entry["seen_high"] <= entry["high"], key


def test_the_readme_shows_the_table_as_measured():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = readme.split(ranges.TABLE_START)[1].split(ranges.TABLE_END)[0].strip()
    assert shown == ranges.markdown(expected.load_ranges())


@pytest.mark.parametrize("stem", sorted(p.stem for p in (ROOT / "notebooks").glob("0*.ipynb")))
def test_each_stored_figure_is_printed_with_its_range_and_inside_it(stem):
    text = stored_printout(ROOT / "notebooks" / f"{stem}.ipynb")
    keys = [key for key in expected.FIGURES if key.startswith(f"step{stem[:2]}.")]
    assert keys, "every notebook has at least one headline figure with an expected range"
    for key in keys:
        label = re.escape(expected.FIGURES[key].label)
        lines = re.findall(rf"^{label}: .*$", text, flags=re.MULTILINE)
        assert len(lines) == 1, f"{key}: printed {len(lines)} times"
        assert "within the range expected on other seeds, machines and versions" in lines[0], lines[0]


def test_the_readme_example_is_a_line_the_course_printed():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = readme.split("### Is my result normal? Expected ranges")[1].split("\n    ", 1)[1].split("\n", 1)[0]
    assert example in stored_printout(ROOT / "notebooks" / "03_backprop_and_gradient_descent.ipynb").splitlines()


def test_the_stored_ranges_are_their_values_seen_widened_by_the_rule():
    """The JSON is generated: a range edited by hand, or a floor changed in FIGURES without
    `python -m tools.ranges widen`, is caught here."""
    stored = json.loads(RANGES_FILE.read_text(encoding="utf-8"))
    for profile, entries in stored["profiles"].items():
        for key, entry in entries.items():
            assert (entry["low"], entry["high"]) == FIGURES[key].widened(entry["seen_low"], entry["seen_high"]), (profile, key)
    assert ranges.rewiden(json.loads(RANGES_FILE.read_text(encoding="utf-8"))) == stored
