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


def theme_suffix(theme: str) -> str:
    """File-name suffix of a theme's outputs: none for the default, ``-light`` for the twin."""
    return "" if theme == DEFAULT_THEME else f"-{theme}"


@contextlib.contextmanager
def theme_context(theme: str) -> Iterator[None]:
    import matplotlib.style  # only when something is drawn: parsing options must not load matplotlib

    base, overrides = THEMES[theme]
    with matplotlib.style.context([base, str(TEXT_STYLE), str(overrides)], after_reset=True):
        yield
