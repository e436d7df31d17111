"""Figures in a Jupyter notebook: readable, and light enough to keep in the notebook file.

    from sim.plots.notebook import notebook_figures
    notebook_figures()  # after `%matplotlib inline`

Every figure a cell leaves is shown at DPI dots per inch (matplotlib's inline default leaves
the dashboard's 9-point labels about 7 pixels high) and stored as a PNG of 256 colours, about a
quarter of the bytes of a full-colour one and no different to read: a figure is lines, bands
and text in a few dozen colours.
"""

import io

from matplotlib.figure import Figure
from PIL import Image

DPI = 100
"""Dots per inch of a notebook figure: 13-inch-wide panels come out 1,300 pixels wide."""


def compact_png(fig: Figure, dpi: int = DPI) -> bytes:
    """`fig` as a 256-colour PNG at `dpi`, cropped to what it draws."""
    drawn = io.BytesIO()
    fig.savefig(drawn, format="png", dpi=dpi, bbox_inches="tight", facecolor="white")
    image = Image.open(drawn).convert("RGB").quantize(256, method=Image.Quantize.FASTOCTREE)
    out = io.BytesIO()
    image.save(out, format="png", optimize=True)
    return out.getvalue()


def notebook_figures(dpi: int = DPI) -> None:
    """Show (and store) the notebook's figures as compact_png at `dpi`."""
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        raise RuntimeError("notebook_figures() is for a Jupyter notebook or IPython")
    formatter = shell.display_formatter.formatters["image/png"]
    formatter.for_type(Figure, lambda fig: compact_png(fig, dpi))
