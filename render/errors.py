"""The one error type every part of ``render`` raises for a failure a user can act on.

It lives apart from the pipeline so that the writers (``render.encode``,
``render.video``) can raise it without importing the pipeline that imports them.
"""

from __future__ import annotations


class RenderError(Exception):
    """A failure a user can act on (bad input, a missing tool); reported in one line."""


class PartlyWritten(RenderError):
    """An output failed, but some of its files are complete and worth publishing without the others
    (a surface's page without its image): ``written`` lists them."""

    def __init__(self, message: str, written: list) -> None:
        super().__init__(message)
        self.written = list(written)
