"""A blog post with our snippets is fast on a phone: Lighthouse's mobile performance on a real MkDocs site.

The post of the site tests (one figure, one video, one 3D view, with their
light twins and phone layouts) pasted into Material for MkDocs, built, and
served on 127.0.0.1 as a static host serves it (text gzipped), then scored
by Lighthouse 12.2.3 (package-lock.json pins it) as PageSpeed Insights
scores a page for a phone: a mid-range phone's screen, its CPU four times
slower, Slow 4G simulated from the page's own load (Lighthouse's default).
The post must score at least 95 with its Largest Contentful Paint within
2.5 s, a good page's (it scored 96 at 2.7 s when each of the video's four
players, three of them hidden, fetched its poster with the page; 99 at
2.1-2.3 s since the shown one's alone comes).  Each is the median of three
runs: the simulation starts from the load on this machine, and a busy
machine moves one run by several points.  The gallery's own score is tested in
test_gallery_browser.py, on that module's render of every output.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.site_checks import lighthouse, lighthouse_requests, publish_for_site, render_for_site, serve_as_a_host
from tests.test_sites import mkdocs_site

pytestmark = pytest.mark.slow

SCORE, LCP_MS = 95, 2500


@pytest.fixture(scope="module")
def material_site(tmp_path_factory) -> Path:
    """Material for MkDocs in its default palette, without web fonts (a test has no network)."""
    bundles = publish_for_site(render_for_site(tmp_path_factory, "lighthouse"), "mkdocs")[0]
    return mkdocs_site(bundles, "material", "theme:\n  name: material\n  font: false\n  palette:\n"
                                            "    scheme: default\n")


@pytest.fixture(scope="module")
def scored(material_site) -> dict:
    with serve_as_a_host(material_site) as url:
        scored = lighthouse(url + "post/")
    said = ", ".join(f"{run['score']} ({run['lcp'] / 1000:.1f} s)" for run in scored["runs"])
    print(f"Lighthouse, the MkDocs post, score (LCP) of each run: {said}; median {scored['score']} "
          f"({scored['lcp'] / 1000:.2f} s)")
    return {**scored, "url": url, "said": said}


def test_a_material_post_with_our_snippets_scores_95_on_a_phone(scored):
    assert scored["score"] >= SCORE, f"Lighthouse, the MkDocs post, score (LCP): {scored['said']}"
    assert all(request.startswith((scored["url"], "data:")) for request in lighthouse_requests(scored["report"])), \
        "the post fetched something from outside the site"


def test_a_material_post_with_our_snippets_paints_within_2_5_s_on_a_phone(scored):
    """The video's shown player alone fetches its poster (its background): with each player's <video poster>, the
    three hidden ones' posters came with the page too and held the LCP at 2.7 s."""
    assert scored["lcp"] <= LCP_MS, f"Lighthouse, the MkDocs post, score (LCP): {scored['said']}"
    posters = [request for request in lighthouse_requests(scored["report"])
               if request.endswith(".webp") and "/descent-compressed" in request]
    assert len(posters) == 1, posters
