"""The published snippets as a blog's reader sees them: a real Astro 5 site, opened in headless Chromium.

Renders :data:`~tests.site_checks.NAMES` (low video quality, with the light
twins), bundles them with ``render publish --target astro`` and builds a
site shaped as Astro's blog template is: a content collection of Markdown
posts (src/content.config.ts, the glob loader over src/content/blog/ and the
template's schema), a ``blog/[...slug].astro`` page rendering each post
inside a layout with its <html> and <head> (the template's column and its
light theme), the bundles' files copied into public/, the snippets pasted
into src/content/blog/POST.md.  Astro needs no line of configuration for
them: public/ is copied to the site's root as it is.

``astro build`` must pass.  Astro reads the Markdown through remark and
rehype, which parse our raw HTML and write it again (entities in another
spelling): the post must hold the same elements as the snippets, its
<style>, <template> and onclick included, and each bundle file must be
served byte for byte as the bundle holds it.  The served post is then
checked as every site test checks one (:func:`~tests.site_checks.check_post`),
at a phone's and a desktop's width and in both colour schemes, our figures
with axe-core.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.site_checks import (NAMES, VIEWPORTS, browser_page, bundle_files, check_figures_pass_axe, check_post,
                               check_served_as_bundled, check_snippet_paths, node_package, post_text,
                               publish_for_site, render_for_site, serve)

pytestmark = pytest.mark.slow

PREFIX = "/"  # where the snippets' paths start: the site's root, where public/ is served
POST = "blog/why-normalization-matters/"  # the template's route for src/content/blog/why-normalization-matters.md

# The blog template's files, as far as a post's page goes (its header, footer, fonts and RSS left out).
SITE = {
    "astro.config.mjs": """// @ts-check
import { defineConfig } from 'astro/config';

export default defineConfig({
	site: 'https://example.com',
});
""",
    "src/content.config.ts": """import { glob } from 'astro/loaders';
import { defineCollection, z } from 'astro:content';

const blog = defineCollection({
	loader: glob({ base: './src/content/blog', pattern: '**/*.md' }),
	schema: z.object({
		title: z.string(),
		description: z.string(),
		pubDate: z.coerce.date(),
		updatedDate: z.coerce.date().optional(),
		heroImage: z.string().optional(),
	}),
});

export const collections = { blog };
""",
    "src/pages/blog/[...slug].astro": """---
import { type CollectionEntry, getCollection, render } from 'astro:content';
import BlogPost from '../../layouts/BlogPost.astro';

export async function getStaticPaths() {
	const posts = await getCollection('blog');
	return posts.map((post) => ({ params: { slug: post.id }, props: post }));
}
type Props = CollectionEntry<'blog'>;

const post = Astro.props;
const { Content } = await render(post);
---

<BlogPost {...post.data}>
	<Content />
</BlogPost>
""",
    # The template's global.css, as a post's column sees it: light only, 720px wide, rounded images.
    "src/layouts/BlogPost.astro": """---
const { title, description } = Astro.props;
---

<html lang="en">
	<head>
		<meta charset="utf-8" />
		<meta name="viewport" content="width=device-width,initial-scale=1" />
		<title>{title}</title>
		<meta name="description" content={description} />
		<style is:global>
			body { font-family: sans-serif; margin: 0; padding: 0; background: #fff; color: rgb(34, 41, 57);
				font-size: 20px; line-height: 1.7; }
			main { width: 720px; max-width: calc(100% - 2em); margin: auto; padding: 3em 1em; }
			img { max-width: 100%; height: auto; border-radius: 8px; }
		</style>
	</head>
	<body>
		<main>
			<article>
				<div class="prose">
					<h1>{title}</h1>
					<slot />
				</div>
			</article>
		</main>
	</body>
</html>
""",
}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    return render_for_site(tmp_path_factory, "astro")


@pytest.fixture(scope="module")
def bundles(rendered) -> dict[str, Path]:
    folders, output = publish_for_site(rendered, "astro")
    assert "once per site" not in output  # nothing to configure
    return folders


@pytest.fixture(scope="module")
def site(bundles, rendered) -> Path:
    """The Astro project with the snippets pasted into a post of its blog collection, built; the built site."""
    project = rendered.parent / "site"
    for path, text in SITE.items():
        (project / path).parent.mkdir(parents=True, exist_ok=True)
        (project / path).write_text(text, encoding="utf-8")
    (project / "node_modules").symlink_to(node_package("astro").parent)
    (project / "public").mkdir()
    for folder in bundles.values():
        for file in bundle_files(folder):
            shutil.copyfile(file, project / "public" / file.name)
    snippets = {name: (folder / "snippet.md").read_text(encoding="utf-8") for name, folder in bundles.items()}
    (project / "src" / "content" / "blog").mkdir(parents=True)
    (project / "src" / "content" / "blog" / "why-normalization-matters.md").write_text(
        "---\ntitle: Why normalization matters\ndescription: A neuron, its loss and its descent.\n"
        "pubDate: 2026-01-01\n---\n\n" + post_text(snippets), encoding="utf-8")
    start = time.monotonic()
    build = subprocess.run(["node", "node_modules/astro/astro.js", "build"], cwd=project, capture_output=True,
                           text=True, timeout=600, env={**os.environ, "ASTRO_TELEMETRY_DISABLED": "1"})
    assert build.returncode == 0, f"astro build failed:\n{build.stdout}\n{build.stderr}"
    print(f"astro built the site in {time.monotonic() - start:.1f} s")
    assert (project / "dist" / POST / "index.html").is_file()
    return project / "dist"


@pytest.fixture(scope="module")
def served_site(site):
    with serve(site) as url:
        yield url


def test_every_file_a_snippet_names_is_in_its_bundle_at_the_root(bundles):
    check_snippet_paths(bundles, "snippet.md", PREFIX)


def test_every_bundle_file_is_served_as_it_is(bundles, served_site):
    check_served_as_bundled(served_site, bundles)


def test_the_post_holds_the_elements_of_every_snippet(bundles, served_site):
    """Astro writes our HTML again: the post's figures and transcripts, as the browser reads them, are the
    snippets' (their <style>, <template> and onclick with them)."""
    snippets = "\n".join((bundles[name] / "snippet.md").read_text(encoding="utf-8") for name in NAMES)
    with browser_page(1280, "dark") as page:
        page.goto(served_site + POST, wait_until="load")
        shown, pasted = page.evaluate(
            """snippets => {
                const parts = root => [...root.querySelectorAll('figure, figure + details')].map(e => e.outerHTML);
                return [parts(document), parts(new DOMParser().parseFromString(snippets, 'text/html'))];
            }""", snippets)
        kept = page.evaluate("""() => ({styles: [...document.querySelectorAll('figure style')].length,
            iframes: [...document.querySelectorAll('figure template')].filter(
                t => t.content.firstElementChild.tagName === 'IFRAME').length,
            onclick: [...document.querySelectorAll('figure button')].every(b => typeof b.onclick === 'function')})""")
    assert len(shown) == len(pasted) >= len(NAMES)
    assert shown == pasted
    assert kept["iframes"] >= 1 and kept["onclick"], kept
    assert kept["styles"] == snippets.count("<style>"), kept


@pytest.mark.parametrize("width, scheme", [(390, "dark"), (1280, "dark"), (1280, "light")])
def test_the_post_shows_every_snippet_on_astro(rendered, site, served_site, width, scheme):
    check_post(served_site + POST, rendered, site.parent / f"post-{width}-{scheme}.png", width, scheme, PREFIX)


@pytest.mark.parametrize("width", list(VIEWPORTS))
def test_our_figures_on_the_post_pass_axe(site, served_site, width):
    check_figures_pass_axe(served_site + POST, width, "Astro")