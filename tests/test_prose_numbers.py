"""Every sentence true, for the numbers: a result written in a notebook's prose (a percentage, a
decimal) is printed by a cell of that notebook (or stands in its code, as a setting), unless it is
maths (inside $...$: a derived value such as $\\sigma(1) \\approx 0.73$) or a figure quoted from
elsewhere, which carries its source: a link in the same sentence."""

import json
import re

import pytest

from tools.layout import notebook_paths

#: A percentage (81%, 94.73 %), a decimal (0.175, 2.5), a power of ten (1e-7), a ratio (6.2x).
NUMBER = re.compile(r"(?<![\w.\-/^_{])(\d+(?:,\d{3})*(?:\.\d+)?(?:e-?\d+)?)(\s?%|x\b)?")
MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$", re.S)
CODE = re.compile(r"`[^`]+`")
SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(*])|\n\s*\n|\n(?=[-|#])")


def result_numbers(markdown: str):
    """(number, sentence) for every result-like number of a markdown cell outside maths, code and
    sentences that cite a source."""
    text = CODE.sub(" ", MATH.sub(" ", markdown))
    for sentence in SENTENCE.split(text):
        if re.search(r"\]\(https?://", sentence):
            continue  # a quoted figure, with its source
        if sentence.lstrip().startswith("**Run time:**"):
            continue  # measured by the benchmark; test_notebook_hygiene holds it equal to the README's table
        readable = re.sub(r"\]\([^)]*\)", "]", sentence)  # link targets are addresses, not figures
        for match in NUMBER.finditer(readable):
            number, unit = match.group(1), match.group(2)
            if unit or "." in number or "e" in number:
                yield number, sentence.strip()


def printed_and_coded(cells) -> str:
    parts = []
    for cell in cells:
        if cell["cell_type"] == "code":
            parts.append("".join(cell["source"]))
            for output in cell.get("outputs", []):
                parts.append("".join(output.get("text", "")) + "".join(output.get("data", {}).get("text/plain", "")))
    return "\n".join(parts)


def test_the_number_finder_finds_what_it_should():
    found = [n for n, _ in result_numbers("It reaches 94.73% after 0.5 s, a 6.2x speed-up; $\\sigma(1) \\approx 0.73$ and `lr=0.1`.")]
    assert found == ["94.73", "0.5", "6.2"]
    assert list(result_numbers("Kim reports 76.1% ([the paper](https://arxiv.org/abs/1408.5882)).")) == []
    assert list(result_numbers("Step 3 has 784 inputs and 30 neurons, in 2016.")) == []


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.name)
def test_every_result_in_the_prose_is_printed_by_the_notebook(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    evidence = printed_and_coded(cells)
    unbacked = [
        (index, number, sentence[:160])
        for index, cell in enumerate(cells)
        if cell["cell_type"] == "markdown"
        for number, sentence in result_numbers("".join(cell["source"]))
        if number not in evidence
    ]
    assert unbacked == [], "numbers in the prose that no cell prints (put derived values in $...$, cite quoted ones):\n" + "\n".join(
        f"  cell {i}: {n} in {s!r}" for i, n, s in unbacked
    )


def readme_headlines() -> list[tuple[str, str]]:
    """(notebook file name, headline-figures text) for every row of the README's measured table."""
    from utils import ROOT

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d\d_\w+\.ipynb) \| [^|]+ \| [^|]+ \| ([^|]+) \|$", text, re.MULTILINE)
    assert len(rows) == 7, "the README's table of the whole course, measured, has a row per notebook"
    return rows


@pytest.mark.parametrize(("name", "headlines"), readme_headlines(), ids=lambda v: v[:2] if v.endswith(".ipynb") else "")
def test_the_readmes_headline_figures_are_what_the_stored_notebook_prints(name, headlines):
    from utils import ROOT

    cells = json.loads((ROOT / "notebooks" / name).read_text(encoding="utf-8"))["cells"]
    evidence = printed_and_coded(cells)
    figures = [n for n, unit in ((m.group(1), m.group(2)) for m in NUMBER.finditer(headlines.replace("<br>", " "))) if unit or "." in n]
    assert figures, headlines
    missing = [n for n in figures if n not in evidence]
    assert missing == [], f"README's headline figures for {name} that its stored outputs do not print: {missing}"
