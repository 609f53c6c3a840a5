"""The article's look: its dark theme and a light twin, each one style file.

Styles are applied with ``matplotlib.style.context`` around a render, never
globally, so importing this toolkit changes nothing in a user's matplotlib.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Iterator

STYLES = Path(__file__).parent / "styles"
TEXT_STYLE = STYLES / "article-text.mplstyle"  # sizes and fonts for a blog column, the same in every theme
THEMES = {
    "dark": ("dark_background", STYLES / "article-dark.mplstyle"),
    "light": ("default", STYLES / "article-light.mplstyle"),
}
DEFAULT_THEME = "dark"
# One background per theme, for matplotlib's figures and videos and for Plotly's surfaces alike:
# the article's dark grey, (0.12, 0.12, 0.12), and white.
BACKGROUNDS = {"dark": "#1f1f1f", "light": "#ffffff"}


def theme_suffix(theme: str) -> str:
    """File-name suffix of a theme's outputs: none for the default, ``-light`` for the twin."""
    return "" if theme == DEFAULT_THEME else f"-{theme}"


@contextlib.contextmanager
def theme_context(theme: str) -> Iterator[None]:
    import matplotlib.style  # only when something is drawn: parsing options must not load matplotlib

    base, overrides = THEMES[theme]
    background = {"figure.facecolor": BACKGROUNDS[theme], "axes.facecolor": BACKGROUNDS[theme]}
    with matplotlib.style.context([base, str(TEXT_STYLE), str(overrides), background], after_reset=True):
        yield
