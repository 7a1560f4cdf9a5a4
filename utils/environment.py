"""The notebook set-up: one call in the first cell of every notebook.

``setup()`` silences TensorFlow's start-up logging, seeds Python, NumPy and TensorFlow, turns on
TensorFlow's op determinism (so training gives the same numbers on every run), applies the course
plot style, and prints one line: the profile, the library versions and the device.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import os
import subprocess
import sys

from utils import ROOT
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


def in_colab() -> bool:
    """True inside Google Colab (its kernel imports ``google.colab`` at start-up)."""
    return "google.colab" in sys.modules


def tested_versions() -> dict[str, str]:
    """The ``name==version`` pins of ``requirements.txt``: the versions the stored outputs come from."""
    pins = {}
    requirements = ROOT / "requirements.txt"
    if requirements.is_file():
        for line in requirements.read_text().splitlines():
            name, sep, version = line.split("#")[0].strip().partition("==")
            if sep:
                pins[name.strip().lower()] = version.strip()
    return pins


def _install_missing(packages: tuple[str, ...]) -> None:
    missing = [p for p in packages if importlib.util.find_spec(p) is None]
    if missing:
        pins = tested_versions()
        specs = [f"{p}=={pins[p]}" if p in pins else p for p in missing]
        print(f"Installing {', '.join(specs)} (not preinstalled here) ...")
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", *specs], check=True)


def setup(seed: int = 0) -> Course:
    """Prepare a notebook: quiet, seeded, deterministic TensorFlow; the course plot style; one line.

    Prints, for example, ``profile=quick · TensorFlow 2.20.0 · Keras 3.12.0 · CPU``, and a note if
    the installed TensorFlow, Keras or NumPy differ from the tested versions (as they may in Colab,
    where the preinstalled ones are used rather than reinstalled, which would force a restart).
    """
    # Both must be set before TensorFlow is first imported; a value you set yourself wins.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    profile = active_profile()
    colab = in_colab()
    if colab:
        _install_missing(COLAB_EXTRAS)
    from utils.data import check_available

    check_available(profile)  # a missing dataset that cannot be fetched stops here, before any training

    import keras
    import numpy as np
    import tensorflow as tf

    from utils.plots import use_course_style

    tf.get_logger().setLevel("WARNING")  # TensorFlow's Python-side INFO messages are noise in a notebook
    keras.utils.set_random_seed(seed)  # seeds Python's random, NumPy's global generator and TensorFlow
    tf.config.experimental.enable_op_determinism()
    use_course_style()
    device = "GPU" if tf.config.list_physical_devices("GPU") else "CPU"
    print(f"profile={profile.name} · TensorFlow {tf.__version__} · Keras {keras.__version__} · {device}")

    pins = tested_versions()
    installed = {"tensorflow": tf.__version__, "keras": keras.__version__, "numpy": np.__version__}
    different = [f"{name} {version} (tested {pins[name]})" for name, version in installed.items() if name in pins and pins[name] != version]
    if different:
        print(f"Note: {', '.join(different)}; numbers may differ slightly from the text.")
    return Course(profile=profile, seed=seed, device=device, in_colab=colab)
