"""The encoders, on small synthetic frames: decode what was encoded, and fail loudly."""

import subprocess

import imageio_ffmpeg
import numpy as np
import pytest

import render.encode
from render.encode import FORMATS, EncodeError, Gif, Mp4, Poster, VideoShape, WebM, mp4_boxes, probe
from render.settings import VideoSettings
from render.errors import RenderError
from render.video import encode_frames

SHAPE = VideoShape(width=64, height=48, fps=10.0, frames=12)


def solid_frames(shape: VideoShape) -> list[bytes]:
    """Frames of one flat colour each, distinct enough to tell apart after compression."""
    frames = []
    for k in range(shape.frames):
        frame = np.empty((shape.height, shape.width, 4), np.uint8)
        frame[...] = (20 * k % 256, 255 - 15 * k % 256, 128, 255)
        frames.append(frame.tobytes())
    return frames


def encode(formats, frames) -> list:
    return encode_frames(lambda: iter(frames), formats, len(frames), progress=False)


def decoded(path) -> list[np.ndarray]:
    reader = imageio_ffmpeg.read_frames(str(path))
    width, height = next(reader)["size"]
    return [np.frombuffer(frame, np.uint8).reshape(height, width, 3) for frame in reader]


@pytest.mark.parametrize("format_class, codec", [(Mp4, "h264"), (WebM, "vp9")])
def test_video_reads_back_as_asked(tmp_path, format_class, codec):
    frames = solid_frames(SHAPE)
    (path,) = encode([format_class(tmp_path / f"v.{format_class.extension}", SHAPE)], frames)
    found = probe(path)
    assert (found.codec, found.pix_fmt, found.size, found.frames) == (codec, "yuv420p", (64, 48), 12)
    assert found.seconds == pytest.approx(1.2, abs=0.02)
    for k, picture in enumerate(decoded(path)):  # the right frame in the right place, colours kept
        expected = np.frombuffer(frames[k], np.uint8).reshape(48, 64, 4)[..., :3]
        assert np.abs(picture.astype(int) - expected).mean() < 4, f"frame {k}"


def test_mp4_starts_with_its_index(tmp_path):
    (path,) = encode([Mp4(tmp_path / "v.mp4", SHAPE)], solid_frames(SHAPE))
    boxes = mp4_boxes(path)
    assert boxes.index("moov") < boxes.index("mdat")


def test_mp4_is_tagged_bt709_for_browsers(tmp_path):
    (path,) = encode([Mp4(tmp_path / "v.mp4", SHAPE)], solid_frames(SHAPE))
    reader = imageio_ffmpeg.read_frames(str(path))
    meta = next(reader)
    reader.close()
    assert "bt709" in meta["pix_fmt"]


def test_gif_palette_and_poster_in_one_pass_with_the_mp4(tmp_path):
    frames = solid_frames(SHAPE)
    formats = [Mp4(tmp_path / "v.mp4", SHAPE), Gif(tmp_path / "v.gif", SHAPE), Poster(tmp_path / "v.webp", SHAPE)]
    paths = encode(formats, frames)
    assert [p.name for p in paths] == ["v.mp4", "v.gif", "v.webp"]
    gif = probe(tmp_path / "v.gif")
    assert (gif.codec, gif.size, gif.frames) == ("gif", (64, 48), 12)
    gif_frames = decoded(tmp_path / "v.gif")
    last = np.frombuffer(frames[-1], np.uint8).reshape(48, 64, 4)[..., :3]
    assert np.abs(gif_frames[-1].astype(int) - last).max() <= 8  # palette quantisation of a flat colour
    (poster,) = decoded(tmp_path / "v.webp")
    assert np.array_equal(poster, last)  # a lossless WebP: exactly the last frame


def test_gif_above_50_fps_keeps_every_other_frame_and_the_last(tmp_path):
    shape = VideoShape(64, 48, 60.0, 12)
    gif = Gif(tmp_path / "v.gif", shape)
    assert (gif.step, gif.expected_frames, gif.expected_fps) == (2, 7, 30.0)  # frames 0, 2, ..., 10, and 11
    frames = solid_frames(shape)
    encode([gif], frames)
    decoded_frames = decoded(tmp_path / "v.gif")
    assert len(decoded_frames) == 7
    last = np.frombuffer(frames[-1], np.uint8).reshape(48, 64, 4)[..., :3]
    assert np.abs(decoded_frames[-1].astype(int) - last).max() <= 8


def test_every_format_writes_under_its_own_extension(tmp_path):
    assert {name: cls.extension for name, cls in FORMATS.items()} == {
        "mp4": "mp4", "webm": "webm", "gif": "gif", "poster": "webp"}


def test_odd_size_is_refused_for_420_video():
    with pytest.raises(EncodeError, match=r"mp4 needs an even width and height \(4:2:0 chroma\), got 65x48"):
        Mp4("v.mp4", VideoShape(65, 48, 10.0, 3))


def test_unknown_format_is_a_clear_error():
    with pytest.raises(RenderError, match="unknown video format 'avi'; choose from mp4, webm, gif, poster"):
        VideoSettings(formats=("mp4", "avi"))


def test_too_few_frames_fails_the_check_and_leaves_nothing(tmp_path):
    with pytest.raises(EncodeError, match="v.mp4 is not the video asked for: 11 frames, not 12"):
        encode([Mp4(tmp_path / "v.mp4", SHAPE)], solid_frames(SHAPE)[:-1])
    assert list(tmp_path.iterdir()) == []


def test_ffmpeg_failure_quotes_ffmpeg(tmp_path):
    class Broken(Mp4):
        def output_args(self):
            return ["-c:v", "no-such-encoder", "-f", "mp4"]

    with pytest.raises(EncodeError) as error:
        encode([Broken(tmp_path / "v.mp4", SHAPE)], solid_frames(SHAPE))
    message = str(error.value)
    assert message.startswith("ffmpeg ") and "while writing v.mp4: " in message
    assert "no-such-encoder" in message  # ffmpeg's own words
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def spawned(monkeypatch):
    """Every ffmpeg process started, to check none outlives a failure."""
    processes = []
    real_popen = subprocess.Popen

    def recording_popen(*args, **kwargs):
        process = real_popen(*args, **kwargs)
        processes.append(process)
        return process

    monkeypatch.setattr(render.encode.subprocess, "Popen", recording_popen)
    return processes


@pytest.mark.parametrize("interruption", [KeyboardInterrupt, SystemExit])
def test_interrupted_encode_leaves_no_file_and_no_ffmpeg(tmp_path, spawned, interruption):
    frames = solid_frames(SHAPE)

    def interrupted():
        for k, frame in enumerate(frames):
            if k == 6:
                raise interruption()
            yield frame

    formats = [Mp4(tmp_path / "v.mp4", SHAPE), WebM(tmp_path / "v.webm", SHAPE), Poster(tmp_path / "v.webp", SHAPE)]
    with pytest.raises(interruption):
        encode_frames(interrupted, formats, SHAPE.frames, progress=False)
    assert list(tmp_path.iterdir()) == []  # neither the outputs nor their temporary files
    assert len(spawned) == 2 and all(process.returncode is not None for process in spawned)


def test_interrupted_gif_palette_pass_leaves_nothing(tmp_path, spawned):
    def interrupted():
        yield solid_frames(SHAPE)[0]
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        encode_frames(interrupted, [Gif(tmp_path / "v.gif", SHAPE)], SHAPE.frames, progress=False)
    assert list(tmp_path.iterdir()) == []
    assert spawned and all(process.returncode is not None for process in spawned)


def test_a_file_that_is_not_a_video_cannot_be_read_back(tmp_path):
    path = tmp_path / "v.mp4"
    path.write_bytes(b"not a video")
    with pytest.raises(EncodeError, match="cannot read back v.mp4"):
        probe(path)
