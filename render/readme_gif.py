"""An animated GIF made from a rendered video, for pages that show no ``<video>`` (a GitHub README).

Made when a bundle asks for it, from the MP4 already rendered, rather than
by rendering every video as a GIF too: most sites never need one, and a GIF
the width of a column at the article's frame rate is a small fraction of a
full-size one.
"""

from __future__ import annotations

from pathlib import Path

from render.encode import DEADLINE_FLOOR, GIF_PALETTE_USE, EncodeError, ffmpeg_exe, ffmpeg_identity, probe
from render.errors import RenderError
from render.files import atomic_path
from render.processes import last_line, run_bounded

README_GIF_FPS = 10  # the article's frame rate: one frame per iteration
# Beyond every ffmpeg's floor (a 10 s, 700 px clip takes about 5 s here), a longer video gets longer.
DEADLINE_PER_SECOND = 2.0


def readme_gif(source: Path, target: Path, width: int, seconds: float) -> None:
    """Write ``target``, ``source`` at ``width`` px and 10 fps with its own palette, checked by reading it back.

    One ffmpeg run: decode, scale, a palette from every frame, then the same
    ordered dithering as the GIF format (:data:`GIF_PALETTE_USE`), so the
    still background stays identical from frame to frame and costs nothing.
    """
    graph = (f"fps={README_GIF_FPS},scale={width}:-2:flags=lanczos,split[frames][again];"
             f"[again]palettegen=stats_mode=full[palette];[frames][palette]{GIF_PALETTE_USE}")
    deadline = DEADLINE_FLOOR + DEADLINE_PER_SECOND * seconds
    ffmpeg_identity()  # a program that is not ffmpeg is refused in one line naming it, not run to fail mutely
    with atomic_path(target) as temporary:
        args = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-nostats", "-loglevel", "error", "-i", str(source),
                "-lavfi", graph, "-loop", "0", "-f", "gif", "-y", str(temporary)]
        try:
            done = run_bounded(args, deadline, f"ffmpeg making {target.name}")
        except RenderError as error:
            raise EncodeError(f"cannot make {target.name}: {error}") from None
        if done.returncode != 0:
            reason = last_line(done.stderr, "(no message)").replace(str(temporary), target.name)
            raise EncodeError(f"cannot make {target.name} from {source.name}: {reason}")
        found = probe(temporary, deadline, target.name)
        if found.codec != "gif" or found.size[0] != width:
            raise EncodeError(f"{target.name} is not the GIF asked for: {found.codec} at {found.size[0]} px")
