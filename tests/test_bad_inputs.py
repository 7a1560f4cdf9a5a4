"""No silent wrong answers (issue 26): every public function of ``utils`` that a notebook calls refuses bad
input by name, through ``utils.checks``' one convention (``function: argument=value is ...; allowed``):
the right error type, and a message that names the argument and the value. A training run whose cost
turns NaN or infinite warns, saying when and why. The rows live in ``tests/bad_inputs/*.py``."""

import importlib
import pkgutil
import warnings

import bad_inputs
import pytest
from bad_inputs import Bad, Diverges

ROWS = [
    row
    for module in sorted(m.name for m in pkgutil.iter_modules(bad_inputs.__path__))
    for row in importlib.import_module(f"bad_inputs.{module}").CASES
]


def test_the_tables_hold_at_least_120_bad_inputs_with_distinct_labels():
    labels = [row.label for row in ROWS]
    assert len(ROWS) >= 120, len(ROWS)
    assert len(set(labels)) == len(labels), [label for label in labels if labels.count(label) > 1]


@pytest.mark.parametrize("row", [r for r in ROWS if isinstance(r, Bad)], ids=lambda r: r.label)
def test_a_bad_input_is_refused_by_name(row):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # refused, not warned about and computed anyway
        with pytest.raises(row.error) as refused:
            row.call()
    message = str(refused.value)
    for text in row.names:
        assert text in message, f"{row.label}: the message does not name {text!r}: {message}"
    assert "Traceback" not in message and len(message) < 600, message


@pytest.mark.parametrize("row", [r for r in ROWS if isinstance(r, Diverges)], ids=lambda r: r.label)
def test_a_diverging_run_says_so(row):
    with pytest.warns(RuntimeWarning, match=r"the cost became (nan|inf|-inf) at .*" + row.where):
        row.call()
