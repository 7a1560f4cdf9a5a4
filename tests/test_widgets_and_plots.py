"""Widgets: every control moved to its extremes redraws the figure; plots return figures."""

import ipywidgets
import matplotlib.pyplot as plt
import numpy as np
import pytest

from utils import plots, widgets

EXPLORERS = {
    "neuron": widgets.neuron_explorer,
    "linear_map": widgets.linear_map_explorer,
    "saturation": widgets.saturation_explorer,
}


@pytest.mark.parametrize("name", EXPLORERS)
def test_every_control_at_its_extremes_redraws(name):
    explorer = EXPLORERS[name]()
    controls = [c for c in explorer.children if isinstance(c, (ipywidgets.FloatSlider, ipywidgets.Dropdown))]
    assert controls, "an explorer without controls"
    for control in controls:
        values = [control.min, control.max] if isinstance(control, ipywidgets.FloatSlider) else list(control.options)
        for value in values:
            plt.close("all")
            control.value = value
            title = " ".join(ax.get_title() for ax in plt.gcf().axes)
            if isinstance(control, ipywidgets.FloatSlider):
                assert f"{control.description}={value:+.1f}" in title or f"{value:g}" in title, (control.description, value, title)
            else:
                assert plt.get_fignums(), f"no figure after choosing {value}"
    plt.close("all")


def test_neuron_names_the_gate():
    for (w1, w2, b), gate in {(1, 1, -1.5): "AND", (1, 1, -0.5): "OR", (-2, -2, 3): "NAND", (0, 0, 1): "always 1"}.items():
        fig = widgets.plot_neuron(w1, w2, b, activation="step")
        assert fig.axes[0].get_title().endswith(gate)
        plt.close(fig)


def test_linear_map_reports_the_determinant():
    fig = widgets.plot_linear_map(2, 0, 0, 3)
    assert fig.axes[1].get_title().endswith("det 6.00")
    plt.close(fig)


def test_saturation_fraction():
    fig = widgets.plot_saturation(w=0.0, b=0.0)
    assert "on 0% of the inputs" in fig.axes[0].get_title()
    plt.close(fig)


def test_show_images_grid():
    fig = plots.show_images(np.zeros((12, 28, 28)), labels=list(range(12)), ncols=6, title="digits")
    assert len(fig.axes) == 12 and fig.axes[11].get_title() == "11"
    plt.close(fig)
    rgb = plots.show_images(np.zeros((3, 32, 32, 3), dtype=np.uint8), ncols=3)
    assert len(rgb.axes) == 3
    plt.close(rgb)


def test_architecture_gallery_has_four_panels():
    fig = plots.plot_architecture_gallery()
    assert [ax.get_title().split(":")[0] for ax in fig.axes] == ["MLP", "CNN", "RNN", "Autoencoder"]
    plt.close(fig)
