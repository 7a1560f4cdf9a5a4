"""The Keras epoch logger, and the set-up's Colab branch (Colab itself cannot run here)."""

import sys
import types

import numpy as np

from utils import environment, paths


def test_epoch_logger_prints_one_rounded_line_per_epoch(capsys):
    import keras

    from utils.training import EpochLogger

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.compile(optimizer="sgd", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    x, y = np.random.default_rng(0).normal(size=(16, 3)), np.arange(16) % 2
    model.fit(x, y, epochs=2, batch_size=8, verbose=0, callbacks=[EpochLogger(digits=2)])
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and lines[0].startswith("epoch 1/2 · ") and lines[1].startswith("epoch 2/2 · ")
    for part in lines[1].split(" · ")[1:]:
        name, value = part.rsplit(" ", 1)
        assert name in ("loss", "accuracy") and len(value.split(".")[1]) == 2


def test_in_colab_follows_the_google_colab_module(monkeypatch):
    assert not paths.in_colab()
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    assert paths.in_colab()


def test_colab_installs_only_what_is_missing_at_the_tested_version(monkeypatch, capsys):
    commands = []
    monkeypatch.setattr(environment.subprocess, "run", lambda command, check: commands.append(command))
    environment._install_missing(("pooch", "a_package_that_is_not_installed"))
    assert len(commands) == 1
    assert commands[0][-1] == "a_package_that_is_not_installed" and "pooch" not in " ".join(commands[0])
    assert "Installing a_package_that_is_not_installed" in capsys.readouterr().out
    commands.clear()
    monkeypatch.setattr(environment.importlib.util, "find_spec", lambda name: None)
    environment._install_missing(("pooch",))
    assert commands[0][-1] == f"pooch=={environment.tested_versions()['pooch']}"
