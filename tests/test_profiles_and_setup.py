"""Profiles and the set-up call."""

import dataclasses
import os
import subprocess
import sys

import pytest

from utils import ROOT, profiles, settings


def test_default_profile_is_quick(monkeypatch):
    monkeypatch.delenv(settings.PROFILE.name, raising=False)
    assert profiles.active_profile().name == "quick"
    monkeypatch.setenv(settings.PROFILE.name, " FULL ")
    assert profiles.active_profile().name == "full"


def test_unknown_profile_names_the_valid_ones(monkeypatch):
    monkeypatch.setenv(settings.PROFILE.name, "fast")
    with pytest.raises(
        profiles.UnknownProfileError, match="DL7_PROFILE='fast' is not a profile of this course; use 'quick' or 'full' or 'smoke'"
    ):
        profiles.active_profile()


def test_full_profile_uses_at_least_as_much_data():
    quick, full = profiles.PROFILES["quick"], profiles.PROFILES["full"]
    sizes = [f.name for f in dataclasses.fields(profiles.Profile) if f.name.endswith(("_train", "_test", "_chars"))]
    assert "mnist_train" in sizes and "shakespeare_chars" in sizes
    for name in sizes:
        q, f = getattr(quick, name), getattr(full, name)
        assert f is None or (q is not None and f >= q), name  # None means the whole dataset
    assert (quick.cifar10, full.cifar10) == ("subset", "full")


def run_setup(env_extra: dict) -> subprocess.CompletedProcess:
    """Run the set-up in a fresh interpreter, as a notebook kernel would."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_")}
    env.update(env_extra)
    code = (
        "import utils\n"
        "course = utils.setup(seed=3)\n"
        "import random, numpy as np, tensorflow as tf\n"
        "from tensorflow.python.framework import config\n"
        "print(course.profile.name, course.seed, course.device, course.in_colab)\n"
        "print(np.random.rand(), random.random(), float(tf.random.uniform(())))\n"
        "print(config.is_op_determinism_enabled())\n"
    )
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_setup_prints_one_line_seeds_and_is_quiet():
    first = run_setup({"DL7_PROFILE": "quick"})
    assert first.returncode == 0, first.stderr
    # In an environment other than the tested ones, a note follows the line (see the version report's test).
    lines = [line for line in first.stdout.splitlines() if not line.startswith("Note: ")]
    assert lines[0].startswith("profile=quick · Python 3.") and " · TensorFlow " in lines[0] and " · Keras " in lines[0]
    assert " · NumPy " in lines[0] and " · CPU · " in lines[0]  # the tests keep TensorFlow on the CPU
    assert lines[1] == "quick 3 CPU False"
    assert lines[3] == "True"
    assert first.stderr == ""  # TensorFlow's start-up logging is silenced
    second = run_setup({"DL7_PROFILE": "quick"})
    assert second.stdout == first.stdout  # same seed, same random numbers everywhere


def test_dl7_seed_overrides_the_notebooks_seed_and_says_so():
    own, other = run_setup({"DL7_PROFILE": "quick"}), run_setup({"DL7_PROFILE": "quick", "DL7_SEED": " 5 "})
    assert other.returncode == 0, other.stderr
    assert "seed" not in own.stdout.splitlines()[0]
    assert other.stdout.splitlines()[0].endswith(" · seed 5 (from DL7_SEED; the stored outputs use 3)")
    assert "quick 5 CPU False" in other.stdout.splitlines()
    assert own.stdout.splitlines()[-2] != other.stdout.splitlines()[-2]  # other random numbers
    wrong = run_setup({"DL7_PROFILE": "quick", "DL7_SEED": "one"})
    assert wrong.returncode != 0 and "DL7_SEED='one' is not a whole number" in wrong.stderr


def test_setup_rejects_an_unknown_profile():
    result = run_setup({"DL7_PROFILE": "medium"})
    assert result.returncode != 0
    assert "DL7_PROFILE='medium' is not a profile of this course" in result.stderr


def test_tested_versions_come_from_requirements():
    from utils.environment import tested_versions

    pins = tested_versions()
    assert {"tensorflow", "keras", "numpy", "matplotlib", "jupyterlab", "ipywidgets", "nbval", "pytest", "pooch"} <= set(pins)


def test_native_start_up_noise_is_held_back_unless_the_import_fails(capfd, monkeypatch):
    """TensorFlow 2.19 writes C++ start-up lines to fd 2 on import; the set-up holds them back."""
    from utils import environment

    monkeypatch.delitem(sys.modules, "tensorflow", raising=False)  # as before the first import
    with environment._native_stderr_held_back():
        os.write(2, b"E0000 cuda_dnn.cc: Unable to register cuDNN factory\n")
    assert "cuDNN" not in capfd.readouterr().err
    with pytest.raises(ImportError), environment._native_stderr_held_back():
        os.write(2, b"the reason the import failed\n")
        raise ImportError("no TensorFlow")
    assert "the reason the import failed" in capfd.readouterr().err
    os.write(2, b"after\n")
    assert capfd.readouterr().err == "after\n"  # fd 2 is itself again


def test_version_report_says_where_the_learner_stands():
    from utils.environment import tested_versions, version_report
    from utils.tested_environments import ENVIRONMENTS

    pins = tested_versions()
    pinned = {"python": "3.11", **{k: pins[k] for k in ("tensorflow", "keras", "numpy")}}
    assert version_report(pinned, "CPU") == [
        f"profile=quick · Python 3.11 · TensorFlow {pins['tensorflow']} · Keras {pins['keras']} · NumPy {pins['numpy']} · CPU"
        " · the tested versions"
    ]
    colab = ENVIRONMENTS["colab"]
    in_colab = {"python": colab.python, **{k: colab.packages[k] for k in ("tensorflow", "keras", "numpy")}}
    gpu, cpu = version_report(in_colab, "GPU", colab=True), version_report(in_colab, "CPU", colab=True)
    assert len(gpu) == 1 and "· GPU attached ·" in gpu[0] and "tested in the 'colab' environment" in gpu[0]
    assert "no GPU attached: Runtime > Change runtime type adds one" in cpu[0]
    future = version_report({**pinned, "python": "3.14", "tensorflow": "9.0.0"}, "CPU")
    assert len(future) == 2 and "not a tested combination" in future[0]
    assert "Python 3.14 is newer than every tested one" in future[1] and "TensorFlow 9.0.0 is newer" in future[1]
    assert "Keras" not in future[1]  # a tested version is not flagged
