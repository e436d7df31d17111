"""The notebook's figures: readable (100 dpi) and light (256-colour PNGs) in the stored file."""

import io

import matplotlib.pyplot as plt
import numpy as np
from IPython.core.interactiveshell import InteractiveShell
from PIL import Image

from sim.plots.notebook import DPI, compact_png, notebook_figures


def _banded_figure() -> plt.Figure:
    """Lines, translucent bands and text, as the model's figures draw them."""
    fig, ax = plt.subplots(figsize=(8, 4))
    x = np.linspace(0, 10, 200)
    for shift, colour in ((0, "tab:red"), (1, "tab:blue")):
        ax.fill_between(
            x, np.sin(x) + shift - 0.5, np.sin(x) + shift + 0.5, alpha=0.3, color=colour
        )
        ax.plot(x, np.sin(x) + shift, color=colour, label=f"scenario {shift}")
    ax.set(title="Tension on the peninsula", xlabel="year", ylabel="index")
    ax.legend()
    return fig


def test_a_notebook_figure_is_a_256_colour_png_at_100_dpi_a_third_of_the_bytes_or_less():
    fig = _banded_figure()
    full = io.BytesIO()
    fig.savefig(full, format="png", dpi=DPI, bbox_inches="tight")
    png = compact_png(fig)
    plt.close(fig)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.mode == "P"  # a palette of at most 256 colours
    assert image.size == Image.open(full).size  # the pixels of a full-colour PNG at 100 dpi
    assert image.width > 0.85 * 8 * DPI  # 8 inches at 100 dpi less the blank margins
    assert len(png) < len(full.getvalue()) / 3


def test_notebook_figures_makes_ipython_show_figures_as_compact_pngs():
    shell = InteractiveShell.instance()
    notebook_figures()
    fig = _banded_figure()
    shown, _ = shell.display_formatter.format(fig)
    assert shown["image/png"] == compact_png(fig)
    plt.close(fig)
