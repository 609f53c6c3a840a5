"""The one error type every part of ``render`` raises for a failure a user can act on.

It lives apart from the pipeline so that the writers (``render.encode``,
``render.video``) can raise it without importing the pipeline that imports them.
"""

from __future__ import annotations


class RenderError(Exception):
    """A failure a user can act on (bad input, a missing tool); reported in one line."""
