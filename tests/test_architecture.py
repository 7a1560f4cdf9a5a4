"""The map of the house (README, "For maintainers"): every module of ``utils`` and ``tools`` lives in
one room, and imports only from its own room and the rooms below it; no import runs upward or in a
circle, and nothing the notebooks import depends on the maintainer tools."""

import ast
from pathlib import Path

import pytest

from utils import ROOT

#: The rooms, lowest first. A module may import from its own room and from any room listed before it.
#: A name ending in ".*" stands for a package and everything in it.
ROOMS = [
    ("leaves: paths, settings", ["utils.paths", "utils.settings"]),
    ("argument checks", ["utils.checks"]),
    ("run parameters", ["utils.profiles", "utils.seeds", "utils.tested_environments"]),
    ("data", ["utils.data", "utils.data.*"]),
    (
        "from scratch",
        [
            "utils.nn",
            "utils.gradcheck",
            "utils.logistic",
            "utils.network",
            "utils.mazur",
            "utils.optimizers",
            "utils.conv",
            "utils.layers",
            "utils.text",
            "utils.char_rnn",
            "utils.gated",
            "utils.rbm",
            "utils.attention",
        ],
    ),
    (
        "framework",
        ["utils.from_step04", "utils.from_step06", "utils.tf_network", "utils.generative", "utils.training", "utils.transformer"],
    ),
    ("figures and widgets", ["utils.plots", "utils.widgets"]),
    ("records: progress, expected ranges", ["utils.progress", "utils.expected"]),
    ("labs", ["utils.exercises", "utils.exercises.*"]),
    ("set-up", ["utils.environment", "utils"]),
    ("maintainer tools", ["tools", "tools.*"]),
]


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    found = {}
    for package in ("utils", "tools"):
        for path in sorted((ROOT / package).rglob("*.py")):
            found[module_name(path)] = path
    return found


def room_of(module: str) -> int:
    for number, (_, members) in enumerate(ROOMS):
        for member in members:
            if module == member or (member.endswith(".*") and module.startswith(member[:-1])):
                return number
    raise LookupError(f"{module} is in no room of the map: add it to ROOMS here and to the README's map")


def imports_of(path: Path) -> set[str]:
    """The course modules a file imports, anywhere in it (inside functions too): ``from utils import nn``
    counts as ``utils.nn``; ``from utils import ROOT`` as ``utils``."""
    known = set(modules())
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.split(".")[0] in ("utils", "tools"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and node.module.split(".")[0] in ("utils", "tools"):
            for alias in node.names:
                child = f"{node.module}.{alias.name}"
                found.add(child if child in known else node.module)
    return found


def test_every_module_is_in_a_room():
    for module in modules():
        room_of(module)


def upward_imports(module: str, imported: set[str]) -> list[str]:
    """Each import of ``module`` that reaches a higher room, as a readable line."""
    mine = room_of(module)
    return [
        f"{module} ({ROOMS[mine][0]}) imports {other}, which lives higher up ({ROOMS[room_of(other)][0]})"
        for other in sorted(imported)
        if room_of(other) > mine
    ]


@pytest.mark.parametrize("module", sorted(modules()))
def test_no_import_runs_upward(module):
    assert upward_imports(module, imports_of(modules()[module])) == []


def test_no_module_imports_in_a_circle():
    graph = {module: {i for i in imports_of(path) if i != module} for module, path in modules().items()}
    # A package imports its own modules to re-export them; that is not a circle.
    graph = {m: {i for i in deps if not i.startswith(m + ".")} for m, deps in graph.items()}
    state: dict[str, str] = {}

    def visit(module, trail):
        if state.get(module) == "done":
            return
        assert state.get(module) != "open", f"import circle: {' -> '.join(trail + [module])}"
        state[module] = "open"
        for imported in sorted(graph.get(module, ())):
            visit(imported, trail + [module])
        state[module] = "done"

    for module in graph:
        visit(module, [])


def test_the_leaves_use_the_standard_library_only():
    for module in ROOMS[0][1]:
        tree = ast.parse(modules()[module].read_text(encoding="utf-8"))
        names = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        assert names <= {"__future__", "dataclasses", "os", "sys", "pathlib"}, (module, names)


def test_the_check_catches_an_upward_import(tmp_path):
    """The checker itself can fail: a maths module that imports the widgets (even inside a function),
    or the set-up, is reported; a module in no room is refused."""
    bad = tmp_path / "nn.py"
    bad.write_text("import numpy as np\nfrom utils import nn, widgets\n\n\ndef f():\n    import utils.environment\n", encoding="utf-8")
    assert imports_of(bad) == {"utils.nn", "utils.widgets", "utils.environment"}
    assert len(upward_imports("utils.nn", imports_of(bad))) == 2
    with pytest.raises(LookupError, match="in no room"):
        room_of("utils.somewhere_new")


def test_the_readme_map_names_every_room():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for title, members in ROOMS:
        assert title in readme, f"the README's map lacks the room {title!r}"
        for member in members:
            shown = member.removesuffix(".*").replace(".", "/")
            assert f"`{shown}" in readme, f"the README's map lacks {member}"


def test_the_readme_lists_every_setting():
    from utils import settings

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert settings.table() in readme, "the README's settings table is not utils.settings.table(): paste it again"


def test_no_course_module_spells_a_setting_name_but_the_settings_module():
    """Every DL7_* name is spelt once, in utils/settings.py (the notebooks' set-up cell gets its two
    from there too); the other modules ask that module."""
    import re

    for module, path in modules().items():
        if module == "utils.settings":
            continue
        spelt = re.findall(r"[\"']DL7_[A-Z_]+[\"']", path.read_text(encoding="utf-8"))
        assert spelt == [], f"{module} spells {spelt}: use utils.settings"
