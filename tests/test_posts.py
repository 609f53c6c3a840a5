"""Posts as packages: found by --post, RENDER_POST, pyproject or entry point; their mistakes in one line; never
sharing a folder; and the engine importing none of them."""

from __future__ import annotations

import ast
import json
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from render.cli import main

ROOT = Path(__file__).resolve().parents[1]

# A post of three outputs: one that renders, one whose build raises, one whose build returns the wrong type.
POST = '''
import numpy as np

from render.post import Post
from render.spec import COLUMN, Curves, Figure, Line, Output


def parabola():
    x = np.arange(5.0)
    return Figure(panels=(Curves((Line(x, x ** 2),), xlabel="x", ylabel="x squared"),), size=(COLUMN, 3),
                  alt="A parabola.")


def broken():
    raise ValueError("no data here")


def wrong():
    return "not a figure"


def outputs(context):
    return [Output("{name}-ok", "figure", "A parabola.", parabola),
            Output("{name}-broken", "figure", "Never drawn.", broken),
            Output("{name}-wrong", "figure", "Never drawn.", wrong)]


post = Post(name="{name}", title="A post of tests", outputs=outputs)
'''


@pytest.fixture(autouse=True)
def import_state():
    """Loading a post by path adds its folder to the import path and its module to sys.modules: undone after each
    test, so that no test depends on another's posts."""
    path, modules = list(sys.path), set(sys.modules)
    yield
    added = [folder for folder in sys.path if folder not in path]
    sys.path[:] = path
    for name in set(sys.modules) - modules:  # the posts' own modules, not the engine's it imported meanwhile
        where = getattr(sys.modules[name], "__file__", None) or ""
        if any(where.startswith(folder) for folder in added):
            del sys.modules[name]


def write_post(folder: Path, name: str, text: str = POST) -> Path:
    """``folder/NAME.py`` holding a post (module names are unique per test: the test process imports them all)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name.replace('-', '_')}.py"
    path.write_text(textwrap.dedent(text).replace("{name}", name))
    return path


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, list(args), env={"RENDER_DATA": None, "RENDER_POST": None, **(env or {})})


def error_lines(result) -> list[str]:
    return [line.partition("] ")[2] for line in result.output.splitlines() if "] error: " in line]


def test_the_engine_imports_no_post():
    """Nothing under render/ imports the article (or any other post): posts register, the engine never names one."""
    offenders = []
    for path in sorted((ROOT / "render").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in ("scenes", "examples")]
    assert offenders == []


def test_a_post_from_a_file_renders_what_it_can_and_says_what_it_cannot(tmp_path):
    path = write_post(tmp_path / "src", "file-post")
    out = tmp_path / "out"
    result = run("all", "--post", str(path), "--out", str(out), "--jobs", "1")
    assert result.exit_code == 1, result.output
    assert (out / "file-post-ok.png").is_file() and (out / "file-post-ok.svg").is_file()
    errors = error_lines(result)
    assert len(errors) == 2
    assert any("file-post-broken: unexpected ValueError: no data here" in line for line in errors)
    assert "error: file-post-wrong: its build returned a str, not the render.spec.Figure a figure is drawn from" \
        in errors
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["post"] == {"name": "file-post", "from": str(path)}
    assert [o["name"] for o in manifest["outputs"]] == ["file-post-ok"]
    assert "A post of tests" in (out / "index.html").read_text()


def test_a_post_renders_into_its_own_folder_by_default(tmp_path, monkeypatch):
    path = write_post(tmp_path, "own-folder")
    monkeypatch.chdir(tmp_path)
    result = run("own-folder-ok", "--post", str(path), "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "output" / "own-folder" / "own-folder-ok.png").is_file()


def test_a_package_folder_a_module_name_the_environment_and_pyproject_name_a_post(tmp_path, monkeypatch):
    package = tmp_path / "pkgpost"
    package.mkdir()
    write_post(package, "pkgpost").rename(package / "__init__.py")
    assert run("list", "--post", str(package)).output.split()[0] == "pkgpost-ok"
    # Imported once from its folder, the package is a module name like any other.
    assert run("list", "--post", "pkgpost").output.split()[0] == "pkgpost-ok"
    assert run("list", env={"RENDER_POST": str(package)}).output.split()[0] == "pkgpost-ok"
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.render]\npost = "pkgpost"\n')
    assert run("list").output.split()[0] == "pkgpost-ok"


def test_in_this_repository_the_default_post_is_the_article():
    result = run("list")
    assert result.exit_code == 0
    assert result.output.split()[0] == "catdog-samples"


def test_render_posts_lists_the_article_with_its_count_and_origin():
    result = run("posts")
    assert result.exit_code == 0, result.output
    line = next(line for line in result.output.splitlines() if line.startswith("article "))
    assert "27 outputs" in line and "entry point" in line and "scenes" in line


@pytest.mark.parametrize("value, expected", [
    ("artcle", "error: post artcle: no module named 'artcle' (a module name, or the path of a .py file, a package "
               "folder or a project folder; see 'render posts'); did you mean article?"),
    ("no/such/folder", "error: post no/such/folder: no/such/folder does not exist"),
    ("", "error: --post is empty: name a module, or the path of a .py file or a folder"),
])
def test_an_unknown_post_is_one_line(value, expected):
    result = run("all", "--post", value)
    assert result.exit_code == 2
    assert result.output.splitlines()[0].startswith(expected)
    assert "Traceback" not in result.output


def test_a_post_that_does_not_import_is_one_line_naming_it(tmp_path):
    path = write_post(tmp_path, "noimport", "import numpy\nraise RuntimeError('boom at import')\n")
    result = run("all", "--post", str(path))
    assert result.exit_code == 2
    assert result.output.strip() .startswith(f"error: post {path} does not import: RuntimeError: boom at import "
                                             "(noimport.py:2)")
    assert len(result.output.strip().splitlines()) == 1


def test_a_module_without_a_post_says_what_to_declare(tmp_path):
    path = write_post(tmp_path, "nopost", "x = 1\n")
    result = run("list", "--post", str(path))
    assert result.exit_code == 2
    assert "nopost.post is nothing, not a render.post.Post (declare `post = Post(" in result.output


def test_two_outputs_with_one_name_are_refused(tmp_path):
    text = POST.replace('Output("{name}-broken"', 'Output("{name}-ok"')
    result = run("all", "--post", str(write_post(tmp_path, "twice", text)), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert result.output.strip() == ("error: post twice declares 1 name twice: twice-ok (each output's name is its "
                                     "file stem: give each its own)")
    assert not (tmp_path / "out").exists()


def test_an_output_named_as_another_ones_phone_layout_or_twin_is_refused(tmp_path):
    for variant in ("phone", "light"):
        text = POST.replace('Output("{name}-broken"', 'Output("{name}-ok-%s"' % variant)
        name = f"clash{variant}"  # a module of its own name: the test process imports both
        result = run("all", "--post", str(write_post(tmp_path, name, text)), "--out", str(tmp_path / "out"))
        assert result.exit_code == 2
        assert result.output.strip() == (f"error: post {name}: output {name}-ok-{variant} would share its files "
                                         f"with {name}-ok's (its {variant} files are {name}-ok-{variant}.*): rename "
                                         "one of them")
    assert not (tmp_path / "out").exists()


def test_a_declaration_that_raises_or_returns_the_wrong_things_is_one_line(tmp_path):
    raising = POST.replace("def outputs(context):\n", "def outputs(context):\n    raise KeyError('size')\n")
    result = run("list", "--post", str(write_post(tmp_path, "raising", raising)))
    assert result.exit_code == 2
    assert result.output.strip() == "error: post raising cannot declare its outputs: KeyError: 'size'"
    strings = POST.replace("return [Output(", "return ['oops', Output(")
    result = run("list", "--post", str(write_post(tmp_path, "strings", strings)))
    assert result.output.strip() == "error: post strings: its outputs()[0] is a str, not a render.spec.Output"


def test_an_option_the_post_does_not_declare_is_refused(tmp_path):
    path = write_post(tmp_path, "nodata")
    result = run("all", "--post", str(path), "--data", "datasets")
    assert result.exit_code == 2
    assert result.output.strip() == "error: no such option --data of post nodata (see 'render all --help')"
    typo = run("all", "--post", str(path), "--formts", "mp4")
    assert typo.output.strip() == "error: no such option --formts of post nodata; did you mean --formats? (see 'render all --help')"
    assert "--data" in run("all", "--help").output  # the article's own option
    assert "--data" not in run("all", "--post", str(path), "--help").output


def test_posts_never_share_a_folder(tmp_path):
    path = write_post(tmp_path, "sharing")
    out = tmp_path / "out"
    assert run("sharing-ok", "--post", str(path), "--out", str(out), "--jobs", "1").exit_code == 0
    result = run("blobs-compressed", "--out", str(out))  # the article, into the other post's folder
    assert result.exit_code == 2
    assert result.output.strip() == (f"error: {out} holds the renders of post 'sharing', not 'article': give this "
                                     f"post another --out (its own is output), or pass --post {path}")
    assert not (out / "blobs-compressed.png").exists()


def test_gallery_and_publish_keep_a_posts_outputs(tmp_path):
    path = write_post(tmp_path, "kept")
    out = tmp_path / "out"
    run("kept-ok", "--post", str(path), "--out", str(out), "--jobs", "1")
    result = run("gallery", "--post", str(path), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert [o["name"] for o in json.loads((out / "manifest.json").read_text())["outputs"]] == ["kept-ok"]
    result = run("publish", "--post", str(path), "--out", str(out), "--target", "html", "kept-ok")
    assert result.exit_code == 0, result.output
    assert (out / "publish" / "html" / "kept-ok" / "snippet.html").is_file()
    # The article's gallery over this folder would drop them: it is refused instead.
    assert run("gallery", "--out", str(out)).exit_code == 2


def test_editing_a_post_rerenders_its_outputs_only(tmp_path):
    path = write_post(tmp_path, "edited")
    out = tmp_path / "out"
    assert run("edited-ok", "--post", str(path), "--out", str(out), "--jobs", "1").exit_code == 0
    again = run("edited-ok", "--post", str(path), "--out", str(out), "--jobs", "1")
    assert "up to date edited-ok" in again.output
    path.write_text(path.read_text().replace("x squared", "x²"))
    edited = run("edited-ok", "--post", str(path), "--out", str(out), "--jobs", "1")
    assert "rendered edited-ok" in edited.output


def test_render_new_writes_a_post_that_lists_and_renders(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("new", "my-post", "--title", "Valleys and how to leave them")
    assert result.exit_code == 0, result.output
    folder = tmp_path / "my-post"
    assert sorted(p.name for p in folder.iterdir()) == ["README.md", "my_post.py", "pyproject.toml"]
    assert 'my-post = "my_post:post"' in (folder / "pyproject.toml").read_text()
    listed = run("list", "--post", str(folder))
    assert [line.split()[:2] for line in listed.output.splitlines()] == [
        ["my-post-contour", "figure"], ["my-post-race", "video"], ["my-post-surface", "surface"]]
    rendered = run("my-post-contour", "--post", "my-post", "--jobs", "1")
    assert rendered.exit_code == 0, rendered.output
    assert (tmp_path / "output" / "my-post" / "my-post-contour.svg").is_file()
    # Never over what is there.
    refused = run("new", "my-post")
    assert refused.exit_code == 2
    assert refused.output.strip() == ("error: my-post already holds pyproject.toml, my_post.py, README.md: choose a new "
                                      "folder (nothing was written)")


def test_a_post_option_is_the_posts_own_and_a_clash_is_refused(tmp_path):
    text = POST.replace("from render.post import Post", "from render.post import Option, Post").replace(
        'outputs=outputs)', 'outputs=outputs, options=(Option("--random-seed", "A seed.", kind="int", key="seed"),))')
    result = run("all", "--post", str(write_post(tmp_path, "clash", text)))
    assert result.exit_code == 2
    assert result.output.strip().startswith("error: post clash declares --random-seed, an option (or a key) every "
                                            "post has: rename it in the post")
    with pytest.raises(ValueError, match="its key '2d' must be a Python name"):
        from render.post import Option
        Option("--2d", "Flat.")


def test_an_unbounded_number_option_shows_no_empty_range(tmp_path):
    text = POST.replace("from render.post import Post", "from render.post import Option, Post").replace(
        'outputs=outputs)', 'outputs=outputs, options=(Option("--points", "How many.", kind="int"),))')
    shown = run("all", "--post", str(write_post(tmp_path, "unbounded", text)), "--help").output
    assert "--points INTEGER" in shown and "None" not in shown


def test_a_project_folder_with_a_dotted_entry_point_and_dot_inside_a_package(tmp_path, monkeypatch):
    project = tmp_path / "project"
    package = project / "src" / "dottedpkg"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    write_post(package, "dotted").rename(package / "post.py")
    (project / "pyproject.toml").write_text('[project.entry-points."render.posts"]\ndotted = "dottedpkg.post:post"\n')
    assert run("list", "--post", str(project)).output.split()[0] == "dotted-ok"
    inside = tmp_path / "insidepkg"
    inside.mkdir()
    write_post(inside, "insidepkg").rename(inside / "__init__.py")
    monkeypatch.chdir(inside)
    assert run("list", "--post", ".").output.split()[0] == "insidepkg-ok"


def test_a_post_named_like_an_importable_module_is_refused(tmp_path):
    result = run("list", "--post", str(write_post(tmp_path, "plotly")))
    assert result.exit_code == 2
    assert "a module named 'plotly' is already importable from" in result.output
    assert "rename the post's module" in result.output


def test_the_last_post_given_is_the_one(tmp_path):
    first, second = write_post(tmp_path / "a", "firstpost"), write_post(tmp_path / "b", "secondpost")
    assert run("list", "--post", str(first), "--post", str(second)).output.split()[0] == "secondpost-ok"


def test_names_the_command_line_reads_otherwise_are_refused(tmp_path):
    text = POST.replace('Output("{name}-ok"', 'Output("figures"')
    result = run("list", "--post", str(write_post(tmp_path, "reserved", text)))
    assert result.output.strip() == ("error: post reserved: an output cannot be named 'figures', a word of the "
                                     "command line ('render all', 'render list', ...): rename it")
    with pytest.raises(ValueError, match="a post cannot be named 'data'"):
        from render.post import Post
        Post(name="data", title="t", outputs=lambda context: [])


def test_doctor_checks_the_tools_even_without_a_post():
    result = run("doctor", "--post", "nope")
    lines = result.output.splitlines()
    assert any(line.startswith("ffmpeg ") for line in lines)
    assert any(line.startswith("post       FAIL  post nope: no module named 'nope'") for line in lines)
    assert result.exit_code == 1


def test_a_syntax_error_names_the_posts_file_and_line(tmp_path):
    result = run("list", "--post", str(write_post(tmp_path, "broken_syntax", "x = 1\ndef f(:\n")))
    assert result.exit_code == 2
    assert result.output.strip().startswith(f"error: post {tmp_path / 'broken_syntax.py'} does not import: "
                                            "SyntaxError: ")
    assert "SyntaxError: invalid syntax (broken_syntax.py:2)" in result.output


def test_publish_says_how_to_render_with_the_post(tmp_path):
    path = write_post(tmp_path, "again")
    out = tmp_path / "out"
    run("again-ok", "--post", str(path), "--out", str(out), "--jobs", "1")
    result = run("publish", "--post", str(path), "--out", str(out), "--target", "html", "again-broken")
    assert result.exit_code == 1
    assert f"render again-broken --post {path} --out {out}" in result.output
