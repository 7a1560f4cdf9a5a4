"""The benchmark command runs and reports; its timings are measured, never asserted."""

import pytest

from tools import benchmark


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


def test_every_headline_figure_is_in_the_benchmark_table_and_recorded_by_its_notebook():
    """Each figure of utils.expected (ranged or exact) is in the table of its notebook, and that
    notebook's code records it (by its key, or by an f-string key such as step03.gradient_check_{...})."""
    import json

    from tools.layout import notebook_paths
    from utils.expected import EXACT, FIGURES

    shown = {key for lines in benchmark.HEADLINES.values() for _, keys in lines for key in keys}
    assert shown == set(FIGURES) | set(EXACT)
    for path in notebook_paths():
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        for _, keys in benchmark.HEADLINES[path.stem]:
            for key in keys:
                assert key.startswith(f"step{path.stem[:2]}."), key
                written = f'"{key}"' in code or any(f'f"{key[:cut]}{{' in code for cut in range(len("stepNN."), len(key)))
                assert written, f"{path.name} never records {key}"


def test_headlines_are_made_from_the_records_and_name_what_is_missing():
    records = [{"key": "step01.templates_accuracy", "value": 0.81}, {"key": "step01.network_accuracy", "value": 0.925}]
    assert benchmark.headlines("01_introducing_deep_learning", records) == ["MNIST test accuracy: templates 81.0%, trained network 92.5%"]
    assert benchmark.headlines("01_introducing_deep_learning", records[1:]) == ["(not recorded: step01.templates_accuracy)"]
