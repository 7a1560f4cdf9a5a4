"""The benchmark command runs and reports; its timings are measured, never asserted."""

import pytest

from utils import benchmark


def test_backprop_benchmark_on_a_small_slice(capsys):
    result = benchmark.backprop(repeats=1, n_images=500)
    out = capsys.readouterr().out
    assert "Nielsen's per-example" in out and "vectorized, float64" in out and "vectorized, float32" in out
    assert "speed-up of vectorized, float64:" in out and "speed-up of vectorized, float32:" in out and "max RSS" in out
    # The implementations compute the same epoch, so they reach the same accuracy (float32 up to its rounding).
    assert result["Nielsen's per-example"]["accuracy"] == result["vectorized, float64"]["accuracy"]
    assert abs(result["Nielsen's per-example"]["accuracy"] - result["vectorized, float32"]["accuracy"]) <= 0.01
    assert result["difference"] < 1e-10 and result["difference_float32"] < 1e-3
    assert result["ratio"] > 0 and result["ratio_float32"] > 0


def test_benchmark_command_line_rejects_unknown_names():
    with pytest.raises(SystemExit):
        benchmark.main(["everything"])


def test_course_benchmark_finds_every_headline_in_the_stored_notebooks():
    from utils.notebooks import notebook_paths

    for path in notebook_paths():
        figures = benchmark.headlines(path.stem, benchmark.printed_text(path))
        assert figures and not any(f.startswith("(not found") for f in figures), (path.name, figures)
    assert benchmark.headlines("01_introducing_deep_learning", "nothing here")[0].startswith("(not found")
