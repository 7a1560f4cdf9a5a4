"""The benchmark command runs and reports; its timings are measured, never asserted."""

import pytest

from utils import benchmark


def test_backprop_benchmark_on_a_small_slice(capsys):
    result = benchmark.backprop(repeats=1, n_images=500)
    out = capsys.readouterr().out
    assert "per-example loop" in out and "vectorized mini-batch" in out and "speed-up of the vectorized code:" in out
    assert "max RSS" in out
    # The two implementations compute the same epoch, so they reach the same accuracy.
    assert result["per-example loop"]["accuracy"] == result["vectorized mini-batch"]["accuracy"]
    assert result["difference"] < 1e-10 and result["ratio"] > 0


def test_benchmark_command_line_rejects_unknown_names():
    with pytest.raises(SystemExit):
        benchmark.main(["everything"])
