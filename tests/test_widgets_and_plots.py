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
    "gradient_descent": widgets.gradient_descent_explorer,
    "convolution": widgets.convolution_explorer,
}


def test_text_generation_explorer_passes_prompt_and_temperature(capsys):
    calls = []

    def generate(prompt, temperature, length):
        calls.append((prompt, temperature, length))
        return f"<{temperature:g}>"

    explorer = widgets.text_generation_explorer(generate, prompt="KING:", length=50)
    prompt, temperature = (c for c in explorer.children if isinstance(c, (ipywidgets.Text, ipywidgets.FloatSlider)))
    for value in (temperature.max, temperature.min):
        temperature.value = value
    prompt.value = "JULIET:"
    assert calls[-3:] == [("KING:", 2.0, 50), ("KING:", 0.1, 50), ("JULIET:", 0.1, 50)]
    assert capsys.readouterr().out.splitlines()[-1] == "JULIET:<0.1>"


SLIDERS = (ipywidgets.FloatSlider, ipywidgets.FloatLogSlider, ipywidgets.IntSlider)


@pytest.mark.parametrize("name", EXPLORERS)
def test_every_control_at_its_extremes_redraws(name):
    explorer = EXPLORERS[name]()
    controls = [c for c in explorer.children if isinstance(c, (*SLIDERS, ipywidgets.Dropdown))]
    assert controls, "an explorer without controls"
    for control in controls:
        # top first, then bottom: setting a control to the value it already has would not redraw
        if isinstance(control, ipywidgets.FloatLogSlider):  # its min and max are exponents
            values = [control.base**control.max, control.base**control.min]
        elif isinstance(control, SLIDERS):
            values = [control.max, control.min]
        else:  # every option, ending back at the first (choosing the current one would not redraw)
            values = list(control.options)[1:] + [control.options[0]]
        for value in values:
            plt.close("all")
            control.value = value
            assert plt.get_fignums(), f"no figure after setting {control.description} to {value}"
            title = " ".join(ax.get_title() for ax in plt.gcf().axes)
            if isinstance(control, SLIDERS):
                assert f"{control.description}={value:+.1f}" in title or f"{control.value:g}" in title, (control.description, value, title)
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


def test_gradient_descent_figure_says_when_it_diverges():
    assert widgets.plot_gradient_descent(0.05).axes[0].get_title().startswith("η = 0.05, 25 steps: f = ")
    assert widgets.plot_gradient_descent(0.15, steps=40).axes[0].get_title() == "η = 0.15, 40 steps: diverges"
    plt.close("all")


def test_descent_1d_and_computational_graph_figures():
    fig = plots.plot_descent_1d(lambda x: x**2, lambda x: 2 * x, 2.0, [0.1, 0.5, 1.1])
    assert [ax.get_title() for ax in fig.axes] == ["η = 0.1", "η = 0.5", "η = 1.1"]
    names = ["x", "w", "b", "product", "z", "a", "C"]
    fig = plots.plot_computational_graph({**{n: 0.5 for n in names}, "y": 0.0}, {n: 0.25 for n in names})
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts.count("∂C=0.250") == len(names) and "σ" in texts
    plt.close("all")


def test_convolution_step_computes_the_entry_it_shows():
    fig = widgets.plot_convolution_step(2, 1)
    window = widgets.SMALL_IMAGE[2:5, 1:4]
    assert fig.axes[2].get_title() == f"output[2, 1] = Σ window × kernel = {np.sum(window * widgets.EDGE_KERNEL):g}"
    plt.close(fig)


def test_confusion_matrix_plot():
    matrix = np.array([[5, 1], [0, 4]])
    fig = plots.plot_confusion_matrix(matrix, ["cat", "dog"])
    assert [t.get_text() for t in fig.axes[0].texts] == ["5", "1", "0", "4"]
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
