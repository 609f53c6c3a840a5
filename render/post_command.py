"""The command line's side of posts: ``--post``, a post's own options, and its declared outputs checked.

Every command takes ``--post``, and a rendering command takes the chosen
post's own options too (the article's ``--data``, say), so the post must be
known before click parses the rest: :class:`PostCommand` finds ``--post`` in
the arguments first, loads the post, and adds its options to the command for
that one invocation (``--help`` shows them).  An option no chosen post
declares is refused by click in one line ("No such option"), never ignored.
"""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path
from typing import Sequence

import click

from render.post import Context, Option, Post
from render.posts import Found, PostError, choose, first_line, names_known
from render.kinds import KINDS
from render.spec import Output

META_KEY = "render.post"
ERROR_KEY = "render.post.error"
POST_FLAG = "--post"


def post_value(args: Sequence[str]) -> str | None:
    """The value of ``--post`` among ``args`` (``--post X`` or ``--post=X``; the last one, as click takes it),
    before click parses them."""
    value = None
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == POST_FLAG and index + 1 < len(args):
            value = args[index + 1]
        elif arg.startswith(POST_FLAG + "="):
            value = arg[len(POST_FLAG) + 1:]
    return value


class FiniteRange(click.FloatRange):
    """A float range that refuses ``nan`` and ``inf``: click's own lets ``nan`` through (it compares
    false with every bound) and ``inf`` wherever there is no upper bound."""

    def convert(self, value, param, ctx):
        number = click.FLOAT.convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        return super().convert(number, param, ctx)


def click_option(option: Option) -> click.Option:
    """A post's :class:`~render.post.Option` as click parses it, with click's own checks and messages."""
    bounded = option.minimum is not None or option.maximum is not None
    kinds = {
        "path": lambda: click.Path(path_type=Path),
        "float": lambda: FiniteRange(min=option.minimum, max=option.maximum, min_open=option.open_minimum)
        if bounded else FiniteRange(),
        "int": lambda: click.IntRange(min=None if option.minimum is None else int(option.minimum),
                                      max=None if option.maximum is None else int(option.maximum),
                                      min_open=option.open_minimum) if bounded else click.INT,
        "text": lambda: click.STRING,
    }
    return click.Option([option.flag, option.key], type=kinds[option.kind](), default=option.default,
                        envvar=option.envvar, show_envvar=option.envvar is not None,
                        show_default=option.default is not None, metavar=option.metavar, help=option.help)


def with_post(command):
    """``--post``, as every command takes it (its value is read before click parses, see :class:`PostCommand`)."""
    return click.option(
        POST_FLAG, "post_value", metavar="NAME_OR_PATH",
        help="The post to work on: an installed post's name, a module, or the path of a .py file, package folder "
             "or project folder.  [default: RENDER_POST, else [tool.render] post in ./pyproject.toml, else the one "
             "installed post]")(command)


def closest_names(name: str, known: list[str], limit: int = 3) -> list[str]:
    """The names a typo most likely meant: those it begins (``descent`` -> the three descents), else the
    nearest by difflib's similarity, keeping only those about as near as the nearest one."""
    import difflib

    starting = [k for k in known if k.startswith(name)]
    if starting:
        return starting[:limit]
    scored = sorted(((difflib.SequenceMatcher(None, name, k).ratio(), k) for k in known), reverse=True)
    best = scored[0][0] if scored else 0.0
    return [k for ratio, k in scored[:limit] if ratio >= 0.6 and ratio >= best - 0.08]


def found_post(ctx: click.Context) -> Found:
    return ctx.meta[META_KEY]


def post_error(ctx: click.Context) -> str | None:
    return ctx.meta.get(ERROR_KEY)


def load_post(ctx: click.Context, value: str | None) -> Found:
    """The post a command works on, once per invocation; a post that cannot be found is one line, exit 2."""
    if META_KEY not in ctx.meta:
        try:
            ctx.meta[META_KEY] = choose(value)
        except PostError as error:
            message = str(error)
            if value is not None and "no module named" in message:
                close = closest_names(value, names_known())
                if close:
                    message += f"; did you mean {' or '.join(close)}?"
            raise click.UsageError(message, ctx) from None
    return ctx.meta[META_KEY]


class PostCommand(click.Command):
    """A command that works on one post, with that post's own options beside its own (``doctor_only``: only
    those the post marks for ``render doctor``, which also runs without a post: ``found_post`` is then ``None``
    and ``post_error(ctx)`` says why; ``own_options=False``: none)."""

    def __init__(self, *args, own_options: bool = True, doctor_only: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.own_options = own_options
        self.doctor_only = doctor_only

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if self.doctor_only:  # the engine's checks are worth running whatever the post
            try:
                load_post(ctx, post_value(args))
            except click.UsageError as error:
                ctx.meta[META_KEY], ctx.meta[ERROR_KEY] = None, error.format_message()
        elif not any(arg in ctx.help_option_names for arg in args) or post_value(args) is not None:
            load_post(ctx, post_value(args))
        else:  # --help without --post: the default post's options, if a default can be found
            try:
                load_post(ctx, None)
            except click.UsageError:
                pass
        try:
            return super().parse_args(ctx, args)
        except click.NoSuchOption as error:
            raise click.UsageError(self._no_such_option(ctx, error), ctx) from None

    def _no_such_option(self, ctx: click.Context, error: click.NoSuchOption) -> str:
        """Which post the option is not one of, and the option probably meant (only a close one: click would
        offer ``--duration`` for the article's ``--data``)."""
        import difflib

        found = ctx.meta.get(META_KEY)
        close = difflib.get_close_matches(error.option_name, error.possibilities or [], n=1, cutoff=0.75)
        hint = f"; did you mean {close[0]}?" if close else ""
        whose = f" of post {found.post.name}" if found is not None else ""
        return f"no such option {error.option_name}{whose}{hint}"

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        params = super().get_params(ctx)
        found = ctx.meta.get(META_KEY)
        if found is None or not self.own_options:
            return params
        own = [click_option(o) for o in found.post.options if o.doctor or not self.doctor_only]
        taken = {opt for param in params for opt in getattr(param, "opts", ())}
        names = {param.name for param in params}
        clash = [o.opts[0] for o in own if set(o.opts) & taken or o.name in names]
        if clash:
            raise click.UsageError(f"post {found.post.name} declares {', '.join(clash)}, an option (or a key) every "
                                   "post has: rename it in the post", ctx)
        help_option = self.get_help_option(ctx)
        before = [param for param in params if param is not help_option]
        return [*before, *own, *([help_option] if help_option in params else [])]


def declared_outputs(post: Post, context: Context, reserved: Sequence[str] = ()) -> list[Output]:
    """The post's outputs, checked: a list of :class:`~render.spec.Output` of known kinds, each name once, each
    a plain file name and none a word the command line reads otherwise (``reserved``: ``all``, the groups, the
    commands).  A post whose declaration is wrong gets one line naming it (and the output)."""
    from render.files import PLAIN_NAME

    try:
        outputs = list(post.outputs(context))
    except Exception as error:  # noqa: BLE001 -- a post's declaration is its author's code
        raise PostError(f"post {post.name} cannot declare its outputs: {first_line(error)}") from None
    for index, output in enumerate(outputs):
        if not isinstance(output, Output):
            raise PostError(f"post {post.name}: its outputs()[{index}] is a {type(output).__name__}, "
                            "not a render.spec.Output")
        if not (isinstance(output.name, str) and PLAIN_NAME.fullmatch(output.name)):
            raise PostError(f"post {post.name}: output name {output.name!r} is not a plain file name "
                            "(letters, digits, '-', '_', '.')")
        if output.kind not in KINDS:
            raise PostError(f"post {post.name}: output {output.name} has kind {output.kind!r}; "
                            f"choose from {', '.join(KINDS)}")
        if not callable(output.build):
            raise PostError(f"post {post.name}: output {output.name}'s build is not a function")
        if output.name in reserved:
            raise PostError(f"post {post.name}: an output cannot be named {output.name!r}, a word of the command "
                            "line ('render all', 'render list', ...): rename it")
    twice = [name for name, count in Counter(o.name for o in outputs).items() if count > 1]
    if twice:
        raise PostError(f"post {post.name} declares {len(twice)} name{'s' if len(twice) > 1 else ''} twice: "
                        f"{', '.join(twice)} (each output's name is its file stem: give each its own)")
    names = {o.name for o in outputs}
    for output in outputs:  # a twin's or a layout's files are named NAME-light..., NAME-phone...
        for variant in file_variants():
            if output.name + variant in names:
                raise PostError(f"post {post.name}: output {output.name + variant} would share its files with "
                                f"{output.name}'s (its {variant[1:]} files are {output.name + variant}.*): "
                                "rename one of them")
    return outputs


def file_variants() -> list[str]:
    """What a theme's twin or a layout adds to an output's file names: ``-light``, ``-phone``, ``-light-phone``."""
    from render.layouts import LAYOUTS
    from render.theme import THEMES, theme_suffix

    variants = {theme_suffix(theme) + layout.file_variant() for theme in THEMES for layout in LAYOUTS}
    return sorted(variant for variant in variants if variant)
