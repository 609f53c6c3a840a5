"""What MDX (Markdown with JSX: Docusaurus 3 reads .md and .mdx pages as it) writes otherwise than HTML.

MDX is not HTML: a page is compiled to React components, so an element's
attributes are React's props.  A ``style`` is an object, not a string; text is
Markdown (a ``*`` or a URL in a caption would be taken for emphasis or a
link, a ``{`` for an expression, a ``<`` for a tag), and a line holding text
beside a tag becomes a paragraph around it.  These filters of the snippet
templates write the CSS and the words of a snippet so that MDX reads them as
they were written: the ``docusaurus`` template keeps the same inline styles as
the HTML targets (``snippets/markup.j2``), as strings, and turns them into
objects here.
"""

from __future__ import annotations

import json
import re

from markupsafe import Markup

# One inline CSS declaration, "name: value".  React names a property in camelCase ("max-width" is maxWidth); only
# vendor prefixes differ ("-ms-" is "ms"), which no snippet's style uses.
DECLARATION = re.compile(r"\s*([a-z-]+)\s*:\s*(.+?)\s*$", re.S)


def style_object(css: str) -> Markup:
    """``style="CSS"`` as React's ``style={{camelCaseName: "value", ...}}``: a string style is an error in React.

    Every value stays a string (React adds no unit to a string).  ``!important`` is refused: React drops an
    inline declaration that holds it, where HTML keeps it."""
    entries = []
    for declaration in filter(str.strip, css.split(";")):
        match = DECLARATION.fullmatch(declaration)
        if not match or "!important" in match[2]:
            raise ValueError(f"not an inline CSS declaration React can set: {declaration!r}")
        name = re.sub(r"-([a-z])", lambda letter: letter[1].upper(), match[1])
        entries.append(f"{name}:{json.dumps(match[2])}")
    return Markup("style={{" + ",".join(entries) + "}}")


def text_expression(text: str) -> Markup:
    """Words as MDX shows them, whatever they hold: a JavaScript string in braces (``{"..."}``), never Markdown or
    JSX.  Braces are written as escapes inside the string: an MDX reader that finds an expression's end by counting
    braces, without a JavaScript parser, still finds it; a line break too (a snippet's words are on one line)."""
    literal = json.dumps(str(text), ensure_ascii=False)
    return Markup("{" + literal.replace("{", "\\u007b").replace("}", "\\u007d") + "}")


def style_element(css: str) -> Markup:
    """A ``<style>`` element's CSS as its one child: a JavaScript template literal in braces, which MDX keeps as
    written (the CSS's own braces would open expressions as text, and React wants one string child).  Only our own
    CSS comes here: no backquote, ``${`` or backslash, which the literal would read."""
    css = " ".join(str(css).split())
    if "`" in css or "${" in css or "\\" in css:
        raise ValueError(f"CSS a template literal would read otherwise: {css!r}")
    return Markup("<style>{`" + css + "`}</style>")


FILTERS = {"jsx_style": style_object, "jsx_text": text_expression, "jsx_style_element": style_element}
