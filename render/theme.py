"""The article's look: its dark theme and a light twin, each one style file.

Styles are applied with ``matplotlib.style.context`` around a render, never
globally, so importing this toolkit changes nothing in a user's matplotlib.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Iterator

from render.spec import FOREGROUND, SERIES_COUNT, series  # noqa: F401  (the roles, named where scenes see them)

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

# One colour per meaning, by position: a post gives its series these roles (the first optimizer, the first and
# the second thing it compares...) and every output draws a role in the same hue, in a figure, a video, a 3D
# surface or a race.  Written ``C0``..``C7`` (matplotlib's own notation for the property cycle, which
# :func:`theme_context` sets to the theme's series), so a spec names a role and the theme picks its shade.
#
# The dark theme's are Okabe & Ito's, with yellow and a neutral grey last.  The light twin keeps each hue (its
# CIELAB hue angle within 3 degrees) and moves only lightness and chroma, where white needs it: every series has
# WCAG 2.1's 3:1 contrast for graphics against its theme's background, and any two of them stay at least 10
# CIEDE2000 apart for normal vision and under simulated deuteranopia and protanopia (tests/test_palette.py).
# The first series is also a lone descent's path: a path drawn alone is the first optimizer's colour in a race.
SERIES = {
    "dark": ("#D55E00", "#0072B2", "#56B4E9", "#009E73", "#E69F00", "#CC79A7", "#F0E442", "#BBBBBB"),
    "light": ("#AC4700", "#002E4D", "#0685B6", "#23A47A", "#C28500", "#AB1E7C", "#373317", "#5F595B"),
}
assert all(len(colours) == SERIES_COUNT for colours in SERIES.values())
FOREGROUNDS = {"dark": "#ffffff", "light": "#000000"}  # the text colour of matplotlib's base styles


def resolve(color: str, theme: str) -> str:
    """A colour as drawn in ``theme``: a series' role (``C3``) or :data:`FOREGROUND` as its shade there; any
    other colour as given.  What matplotlib does itself inside :func:`theme_context`, for Plotly."""
    if color == FOREGROUND:
        return FOREGROUNDS[theme]
    if len(color) > 1 and color[0] == "C" and color[1:].isdigit():
        return SERIES[theme][int(color[1:]) % len(SERIES[theme])]
    return color


def theme_suffix(theme: str) -> str:
    """File-name suffix of a theme's outputs: none for the default, ``-light`` for the twin."""
    return "" if theme == DEFAULT_THEME else f"-{theme}"


@contextlib.contextmanager
def theme_context(theme: str) -> Iterator[None]:
    import matplotlib.style  # only when something is drawn: parsing options must not load matplotlib

    from cycler import cycler

    base, overrides = THEMES[theme]
    colours = {"figure.facecolor": BACKGROUNDS[theme], "axes.facecolor": BACKGROUNDS[theme],
               "axes.prop_cycle": cycler(color=SERIES[theme])}
    with matplotlib.style.context([base, str(TEXT_STYLE), str(overrides), colours], after_reset=True):
        yield
