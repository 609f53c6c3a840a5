"""Posts from outside the engine, end to end, as their authors would use them: the README's example, the
learning-rate example installed as a package, and a post started with `render new` — each rendered, galleried,
published for MkDocs and built into a MkDocs site, by the `render` command in a folder of its own."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from render.publish import BUNDLE_MARK

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
RENDER = Path(sys.executable).parent / "render"
FAST = ("--quality", "low", "--grid-size", "30")


def render(*args: str, cwd: Path, pythonpath: Path | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    env = {key: value for key, value in __import__("os").environ.items() if key not in ("RENDER_POST", "PYTHONPATH")}
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    return subprocess.run([str(RENDER), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def pip_install_into(folder: Path, project: Path) -> None:
    """Install ``project`` as a package into ``folder`` (on PYTHONPATH later): its entry point is then found."""
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                           "--no-deps", "--target", str(folder), str(project)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr


def readme_example() -> str:
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## Your own post", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def assert_rendered_galleried_and_published(out: Path, names: list[str], post: list[str], cwd: Path,
                                            pythonpath: Path | None = None) -> None:
    """Every output of the post rendered in ``out``, on its gallery, and bundled for MkDocs; the bundles' snippets
    pasted into a MkDocs post that builds strictly."""
    manifest = json.loads((out / "manifest.json").read_text())
    assert [o["name"] for o in manifest["outputs"]] == names
    kinds = {o["name"]: {f["role"] for f in o["files"]} for o in manifest["outputs"]}
    assert {"png", "png1x", "svg", "data"} <= kinds[names[0]]
    assert {"mp4", "webm", "poster", "vtt", "data"} <= kinds[names[1]]
    assert {"html", "png", "js"} <= kinds[names[2]]
    gallery = (out / "index.html").read_text()
    assert all(f'id="{name}"' in gallery for name in names)
    published = render("publish", *post, "--target", "mkdocs", cwd=cwd, pythonpath=pythonpath)
    assert published.returncode == 0, published.stderr
    bundles = out / "publish" / "mkdocs"
    assert sorted(p.name for p in bundles.iterdir()) == sorted(names)
    project = out.parent / "site"
    docs = project / "docs"
    docs.mkdir(parents=True)
    (project / "mkdocs.yml").write_text("site_name: A post\ntheme:\n  name: mkdocs\n  highlightjs: false\n"
                                        "nav:\n  - index.md\n  - post.md\n")
    (docs / "index.md").write_text("# Home\n\n[The post](post.md)\n")
    text = "# The post\n\n" + "\n\nSome words between the figures.\n\n".join(
        (bundles / name / "snippet.md").read_text() for name in names)
    (docs / "post.md").write_text(text + "\n")
    for name in names:
        for file in (bundles / name).iterdir():
            if file.name not in ("snippet.md", BUNDLE_MARK):
                shutil.copyfile(file, docs / file.name)
    build = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=project, capture_output=True,
                           text=True, timeout=300)
    assert build.returncode == 0, build.stdout + build.stderr
    page = (project / "site" / "post" / "index.html").read_text()
    assert all(f"{name}" in page for name in names)


def test_the_readme_example_renders_galleries_and_publishes_as_shown(tmp_path):
    (tmp_path / "my_post.py").write_text(readme_example())
    listed = render("list", "--post", "my_post.py", cwd=tmp_path)
    assert [line.split()[0] for line in listed.stdout.splitlines()] == ["bowl-contour", "bowl-race", "bowl-surface"]
    done = render("all", "--post", "my_post.py", *FAST, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert_rendered_galleried_and_published(tmp_path / "output" / "bowl", ["bowl-contour", "bowl-race", "bowl-surface"],
                                            ["--post", "my_post.py"], cwd=tmp_path)


def test_a_post_of_ones_own_from_the_readme_on_another_loss(tmp_path):
    """What a reader of the README writes next: its example with a loss none of the examples uses (Himmelblau's,
    four valleys) and words of its own."""
    text = readme_example()
    text = text.replace("return a ** 2 + 10 * b ** 2", "return (a ** 2 + b - 11) ** 2 + (a + b ** 2 - 7) ** 2")
    text = text.replace('name="bowl", title="an elongated bowl"', 'name="himmelblau", title="Himmelblau\'s function"')
    text = text.replace('start=(-4.0, 1.5)', 'start=(-0.5, 0.5)').replace('loss="loss"', 'loss="height"')
    text = text.replace('Names(("a", "b")', 'Names(("east", "north")').replace('lr=0.09', 'lr=0.01')
    text = text.replace('post = Post(name="bowl"', 'post = Post(name="himmelblau"')
    assert "Himmelblau" in text and "height" in text
    (tmp_path / "himmelblau.py").write_text(text)
    done = render("all", "--post", "himmelblau.py", *FAST, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    names = ["himmelblau-contour", "himmelblau-race", "himmelblau-surface"]
    out = tmp_path / "output" / "himmelblau"
    assert_rendered_galleried_and_published(out, names, ["--post", "himmelblau.py"], cwd=tmp_path)
    words = (out / "himmelblau-race.vtt").read_text() + (out / "himmelblau-surface.html").read_text()
    assert "height" in words and "east" in words and "north" in words and "log loss" not in words


def test_the_learning_rate_example_as_an_installed_package(tmp_path):
    packages, source = tmp_path / "packages", tmp_path / "learning-rate"
    shutil.copytree(ROOT / "examples" / "learning-rate", source)  # pip builds in the project's folder: not ours
    pip_install_into(packages, source)
    work = tmp_path / "work"
    work.mkdir()
    posts = render("posts", cwd=work, pythonpath=packages)
    line = next(line for line in posts.stdout.splitlines() if line.startswith("learning-rate "))
    assert "3 outputs" in line and "entry point (learning-rate-post)" in line
    # Two posts installed here (the article and this one): a command asks which, in one line.
    ambiguous = render("list", cwd=work, pythonpath=packages)
    assert ambiguous.returncode == 2 and "choose one with --post NAME" in ambiguous.stderr
    done = render("all", "--post", "learning-rate", *FAST, cwd=work, pythonpath=packages)
    assert done.returncode == 0, done.stdout + done.stderr
    out = work / "output" / "learning-rate"
    names = ["learning-rate-contour", "learning-rate-race", "learning-rate-surface"]
    assert_rendered_galleried_and_published(out, names, ["--post", "learning-rate"], cwd=work, pythonpath=packages)
    captions = (out / "learning-rate-race.vtt").read_text()
    assert "too large (0.3) at iteration" in captions and "MSE" in captions and "W0" not in captions
    assert (out / "data" / "learning-rate-race.csv").read_text().splitlines()[0] == \
        "optimizer,slope,intercept,iteration,MSE"


def test_a_new_post_renders_before_any_edit_and_installs(tmp_path):
    created = render("new", "valley", "--title", "A valley of my own", cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    done = render("all", "--post", "valley", *FAST, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    names = ["valley-contour", "valley-race", "valley-surface"]
    assert_rendered_galleried_and_published(tmp_path / "output" / "valley", names, ["--post", "valley"], cwd=tmp_path)
    # In its own folder, its pyproject makes it the default post.
    assert render("list", cwd=tmp_path / "valley").stdout.split()[0] == "valley-contour"
    packages = tmp_path / "packages"
    pip_install_into(packages, tmp_path / "valley")
    posts = render("posts", cwd=tmp_path, pythonpath=packages)
    assert any(line.startswith("valley ") and "A valley of my own" in line for line in posts.stdout.splitlines())
