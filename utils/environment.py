"""The notebook set-up: one call in the first cell of every notebook.

``setup()`` silences TensorFlow's start-up logging, seeds Python, NumPy and TensorFlow, turns on
TensorFlow's op determinism (so training gives the same numbers on every run), applies the course
plot style, and prints one line: the profile, the library versions and the device.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib.util
import os
import subprocess
import sys
import tempfile

from utils import seeds, settings
from utils.paths import ROOT, in_colab
from utils.profiles import Profile, active_profile

#: Packages the course needs that Colab does not always ship; the set-up installs them there.
COLAB_EXTRAS = ("pooch", "platformdirs")


@dataclasses.dataclass(frozen=True)
class Course:
    """What ``setup()`` found: the profile, the seed, the device, and whether this is Colab."""

    profile: Profile
    seed: int
    device: str
    in_colab: bool


def tested_versions() -> dict[str, str]:
    """The ``name==version`` pins of ``requirements.txt``: the versions the stored outputs come from."""
    pins = {}
    requirements = ROOT / "requirements.txt"
    if requirements.is_file():
        for line in requirements.read_text().splitlines():
            requirement, _, marker = line.split("#")[0].partition(";")
            if marker.strip() and not _marker_holds(marker):
                continue  # a pin for another Python version
            name, sep, version = requirement.strip().partition("==")
            if sep:
                pins[name.strip().lower()] = version.strip()
    return pins


def _marker_holds(marker: str) -> bool:
    """Whether an environment marker of requirements.txt (``python_version < "3.11"``) holds here."""
    try:
        from packaging.markers import Marker
    except ImportError:  # packaging comes with pip almost everywhere; without it, keep the first pin
        return True
    return Marker(marker.strip()).evaluate()


def _install_missing(packages: tuple[str, ...]) -> None:
    missing = [p for p in packages if importlib.util.find_spec(p) is None]
    if missing:
        pins = tested_versions()
        specs = [f"{p}=={pins[p]}" if p in pins else p for p in missing]
        print(f"Installing {', '.join(specs)} (not preinstalled here) ...")
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", *specs], check=True)


#: The packages the set-up line names, and how it names them.
REPORTED = {"python": "Python", "tensorflow": "TensorFlow", "keras": "Keras", "numpy": "NumPy"}


def tested_environments() -> dict[str, dict[str, str | None]]:
    """Every environment the course is tested in, as ``{name: {package: version}}`` with the Python
    minor version under ``"python"``: the pinned one (requirements.txt) and the matrix's."""
    from utils.tested_environments import ENVIRONMENTS

    pins = tested_versions()
    found = {"pinned": {"python": None, **{k: pins.get(k) for k in REPORTED if k != "python"}}}
    for name, environment in ENVIRONMENTS.items():
        found[name] = {"python": environment.python, **{k: environment.packages.get(k) for k in REPORTED if k != "python"}}
    return found


def _release(version: str) -> tuple:
    return tuple(int(part) if part.isdigit() else 0 for part in version.split(".")[:3])


def version_report(installed: dict[str, str], device: str, colab: bool = False, profile: str = "quick") -> list[str]:
    """The set-up's line (and, for versions no environment was tested with, one note after it).

    ``installed`` maps ``python`` (``"3.11"``), ``tensorflow``, ``keras`` and ``numpy`` to versions.
    The pinned environment counts for any Python the README names (its Python is not pinned).
    """
    tested = tested_environments()
    names = " · ".join(f"{label} {installed[key]}" for key, label in REPORTED.items())
    where = device
    if colab:
        where = "GPU attached" if device == "GPU" else "CPU (no GPU attached: Runtime > Change runtime type adds one)"
    matching = [name for name, versions in tested.items() if all(versions[k] in (None, installed[k]) for k in REPORTED)]
    if "pinned" in matching:
        verdict = "the tested versions"
    elif matching:
        verdict = f"versions tested in the '{matching[0]}' environment; figures may differ slightly from the stored ones"
    else:
        verdict = "not a tested combination of versions; figures may differ slightly from the stored ones"
    lines = [f"profile={profile} · {names} · {where} · {verdict}"]
    untested = []
    for key, label in REPORTED.items():
        seen = sorted({version for v in tested.values() if (version := v[key])}, key=_release)
        if key == "python":
            from utils.tested_environments import SUPPORTED_PYTHONS

            seen = list(SUPPORTED_PYTHONS)
        if not seen or installed[key] in seen:
            continue
        newer = _release(installed[key]) > _release(seen[-1])
        untested.append(f"{label} {installed[key]} is {'newer' if newer else 'other'} than every tested one ({', '.join(seen)})")
    if untested:
        lines.append(
            f"Note: {'; '.join(untested)}. The course should still run; if a cell fails, the versions "
            "above are the first thing to mention when you report it."
        )
    return lines


@contextlib.contextmanager
def _native_stderr_held_back():
    """Hold back what native code writes to the process's stderr while TensorFlow is first imported.

    Some TensorFlow builds (2.19 among them) print start-up lines from C++ before they read
    TF_CPP_MIN_LOG_LEVEL ("Unable to register cuDNN factory ...", "All log messages before
    absl::InitializeLog() ..."); in a notebook they show as red text in the first cell although
    nothing is wrong. They are written to a temporary file instead, and shown after all if the
    import fails. Python-level messages are untouched.
    """
    if "tensorflow" in sys.modules:
        yield
        return
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no real file descriptor 2 (an unusual host): change nothing
        yield
        return
    with tempfile.TemporaryFile() as held:
        os.dup2(held.fileno(), 2)
        try:
            yield
        except BaseException:
            os.dup2(saved, 2)
            held.seek(0)
            sys.stderr.write(held.read().decode(errors="replace"))
            raise
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def setup(seed: int = 0, step: int | None = None) -> Course:
    """Prepare a notebook: quiet, seeded, deterministic TensorFlow; the course plot style; one line.

    ``step`` (1-7) names the notebook, so that only the datasets it reads must be present
    (``utils.data.STEP_DATASETS``); without it, every dataset of the profile is checked.

    Prints one line (``version_report``): the profile; the Python, TensorFlow, Keras and NumPy
    versions and whether they are the tested ones, or those of another tested environment (as in
    Colab, where the preinstalled ones are used rather than reinstalled, which would force a
    restart); the device (in Colab, whether a GPU is attached). Versions outside every tested
    environment get a note on a second line.

    ``DL7_SEED`` (a whole number) replaces ``seed``; the line then says so. The notebooks take
    their seeds from ``course.seed``, so one variable re-runs a whole notebook with another seed.
    """
    own_seed, seed = seed, seeds.chosen_seed(seed)
    # Both must be set before TensorFlow is first imported; a value you set yourself wins.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    profile = active_profile()
    colab = in_colab()
    if colab:
        _install_missing(COLAB_EXTRAS)
    from utils.data import STEP_DATASETS, check_available

    if step is not None and step not in STEP_DATASETS:
        raise ValueError(f"step must be one of {sorted(STEP_DATASETS)}, got {step!r}.")
    # A dataset this step reads that is missing and cannot be fetched stops here, before any training.
    check_available(profile, STEP_DATASETS[step] if step is not None else None)

    with _native_stderr_held_back():
        import keras
        import tensorflow as tf
    import numpy as np

    from utils.plots import use_course_style

    tf.get_logger().setLevel("WARNING")  # TensorFlow's Python-side INFO messages are noise in a notebook
    keras.utils.set_random_seed(seed)  # seeds Python's random, NumPy's global generator and TensorFlow
    tf.config.experimental.enable_op_determinism()
    use_course_style()
    device = "GPU" if tf.config.list_physical_devices("GPU") else "CPU"
    installed = {
        "python": f"{sys.version_info.major}.{sys.version_info.minor}",
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "numpy": np.__version__,
    }
    lines = version_report(installed, device, colab, profile.name)
    if seed != own_seed:
        lines[0] += f" · seed {seed} (from {settings.SEED}; the stored outputs use {own_seed})"
    for line in lines:
        print(line)
    seeds.set_active_seed(seed)
    return Course(profile=profile, seed=seed, device=device, in_colab=colab)
