"""The article's two datasets: the cat/dog images (HDF5) and the make_blobs experiment.

The cat/dog files are not ours to ship: they are read from a directory the
user names, and every way they can be wrong becomes a :class:`DatasetError`
whose message says which file, what was wrong and how to point at good files.

h5py and NumPy are imported by the functions that read or make data: listing
outputs and checking whether the files are there needs neither.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from render.post import OK, WARN, Check

if TYPE_CHECKING:
    import numpy as np

CATDOG_FILES = {"train": ("trainset.hdf5", "X_train", "Y_train"), "test": ("testset.hdf5", "X_test", "Y_test")}
HOW_TO_POINT = "pass --data DIR or set RENDER_DATA to the directory holding trainset.hdf5 and testset.hdf5"


class DatasetError(Exception):
    """The cat/dog dataset is missing or not what the article's files hold."""


@dataclass(frozen=True)
class CatDogImages:
    """Grey 64 x 64 images with labels 0/1, as stored in the article's HDF5 files."""

    images: np.ndarray  # uint8, (n, 64, 64)
    labels: np.ndarray  # float, (n, 1)


@dataclass(frozen=True)
class CatDogData:
    train: CatDogImages
    test: CatDogImages

    def flattened(self) -> tuple[np.ndarray, np.ndarray]:
        """Train and test images as rows in [0, 1], scaled by the train maximum as in the article."""
        scale = float(self.train.images.max()) or 1.0
        flat = lambda images: images.reshape(images.shape[0], -1) / scale  # noqa: E731
        return flat(self.train.images), flat(self.test.images)


def missing_catdog_files(directory: Path) -> list[str]:
    """The article's file names that are absent from ``directory``."""
    return [name for name, _, _ in CATDOG_FILES.values() if not (Path(directory) / name).is_file()]


def _read_split(path: Path, images_key: str, labels_key: str) -> CatDogImages:
    import h5py
    import numpy as np

    if not path.is_file():
        raise DatasetError(f"{path} not found: {HOW_TO_POINT}")
    try:
        with h5py.File(path, "r") as store:
            missing = [key for key in (images_key, labels_key) if key not in store]
            if missing:
                raise DatasetError(
                    f"{path} has no {' or '.join(repr(k) for k in missing)} dataset "
                    f"(found: {', '.join(sorted(store.keys())) or 'nothing'}): use the article's {path.name}"
                )
            for key in (images_key, labels_key):
                entry = store[key]
                if not isinstance(entry, h5py.Dataset) or entry.dtype.kind not in "biuf":
                    what = "a group" if isinstance(entry, h5py.Group) else f"of type {entry.dtype}"
                    raise DatasetError(f"{path}: {key} is {what}, expected numbers: use the article's {path.name}")
            images = np.asarray(store[images_key])
            labels = np.asarray(store[labels_key])
    except OSError as error:
        raise DatasetError(f"{path} is not a readable HDF5 file ({error}): use the article's {path.name}") from None
    for key, values in ((images_key, images), (labels_key, labels)):
        # NaN or infinity would train to NaN losses and captions saying "falls from nan to nan".
        not_finite = int(np.count_nonzero(~np.isfinite(values))) if values.dtype.kind == "f" else 0
        if not_finite:
            raise DatasetError(f"{path}: {key} holds {not_finite} value{'s' if not_finite > 1 else ''} that "
                               f"{'are' if not_finite > 1 else 'is'} not finite (NaN or infinity): "
                               f"use the article's {path.name}")
    negative = int(np.count_nonzero(images < 0))
    if negative:  # grey levels are 0 (black) and up: these would draw as nothing, and train on nonsense
        raise DatasetError(f"{path}: {images_key} holds {negative} negative pixel value{'s' if negative > 1 else ''}; "
                           f"the images are grey levels from 0: use the article's {path.name}")
    if images.ndim != 3 or images.shape[0] == 0:
        raise DatasetError(f"{path}: {images_key} has shape {images.shape}, expected (n, height, width) images")
    if labels.reshape(-1).shape[0] != images.shape[0]:
        raise DatasetError(
            f"{path}: {labels_key} has shape {labels.shape} but {images_key} holds {images.shape[0]} images"
        )
    labels = labels.reshape(-1, 1).astype(float)
    if not np.isin(labels, (0.0, 1.0)).all():
        raise DatasetError(f"{path}: {labels_key} must hold labels 0 and 1 only")
    return CatDogImages(images=images, labels=labels)


def load_catdog(directory: Path) -> CatDogData:
    """Read ``trainset.hdf5`` and ``testset.hdf5`` from ``directory``."""
    directory = Path(directory)
    if not directory.is_dir():
        raise DatasetError(f"dataset directory {directory} does not exist: {HOW_TO_POINT}")
    splits = {
        split: _read_split(directory / name, images_key, labels_key)
        for split, (name, images_key, labels_key) in CATDOG_FILES.items()
    }
    if splits["train"].images.shape[1:] != splits["test"].images.shape[1:]:
        raise DatasetError(
            f"train images are {splits['train'].images.shape[1:]} but test images are "
            f"{splits['test'].images.shape[1:]}: the two files must come from the same dataset"
        )
    return CatDogData(train=splits["train"], test=splits["test"])


def one_class_only(train: CatDogImages, path: Path) -> str | None:
    """What ``train`` holds if it is only cats or only dogs (a set of one image always is), else ``None``:
    the neuron cannot learn to tell apart what it never sees apart, and a mean dog of no dogs is NaN."""
    cats = int((train.labels == 0).sum())
    dogs = len(train.labels) - cats
    if cats and dogs:
        return None
    if cats:
        return f"{path} holds {cats:,} cat{'s' if cats > 1 else ''} (label 0) and no dog (label 1)"
    return f"{path} holds {dogs:,} dog{'s' if dogs > 1 else ''} (label 1) and no cat (label 0)"


def dataset_check(data_dir: Path) -> Check:
    """The doctor's line on the cat/dog dataset: only a warning, `make all` skips what needs it."""
    missing = missing_catdog_files(data_dir) if data_dir.is_dir() else None
    if missing is None:
        return Check("dataset", WARN, f"{data_dir} does not exist: the cat/dog outputs will be skipped; {HOW_TO_POINT}")
    if missing:
        return Check("dataset", WARN, f"{', '.join(missing)} missing in {data_dir}: the cat/dog "
                                      f"outputs will be skipped; {HOW_TO_POINT}")
    try:
        data = load_catdog(data_dir)
    except DatasetError as error:
        return Check("dataset", WARN, f"{error} (the cat/dog outputs will fail)")
    single = one_class_only(data.train, data_dir / CATDOG_FILES["train"][0])
    if single:
        return Check("dataset", WARN, f"{single}: the neuron's learning curves and weights will fail, they need both "
                                      "cats and dogs to train on")
    shape = data.train.images.shape
    return Check("dataset", OK, f"{data_dir}: {len(data.train.images)} train and "
                 f"{len(data.test.images)} test images of {shape[1]}x{shape[2]}, keys as expected")


@dataclass(frozen=True)
class Blobs:
    """The normalization experiment's two-feature data set."""

    X: np.ndarray  # (100, 2)
    y: np.ndarray  # (100, 1)
    second_feature_scale: float


def make_blobs(n_samples: int, n_features: int, centers: int, random_state: int) -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's ``make_blobs`` for a number of centres, draw for draw (unit spread, centres in ±10, shuffled).

    Why not scikit-learn's own: importing ``sklearn.datasets`` takes 1.5-2.5 s,
    more than drawing and encoding a whole descent video, and every output of
    the normalization experiment needs these 100 points.  The same
    ``RandomState`` draws in the same order give the same points bit for bit;
    ``tests/test_data.py`` compares them with scikit-learn's, so a change in
    scikit-learn's algorithm would fail there, not change the figures silently.
    """
    import numpy as np

    generator = np.random.RandomState(random_state)
    centres = generator.uniform(-10.0, 10.0, size=(centers, n_features))
    counts = [n_samples // centers + (1 if k < n_samples % centers else 0) for k in range(centers)]
    X = np.concatenate([generator.normal(loc=centres[k], scale=1.0, size=(n, n_features))
                        for k, n in enumerate(counts)])
    y = np.repeat(np.arange(centers), counts)
    order = np.arange(n_samples)
    generator.shuffle(order)  # sklearn.utils.shuffle: resample without replacement
    return X[order], y[order]


def blobs(second_feature_scale: float) -> Blobs:
    """``make_blobs(100, 2 features, 2 centres, random_state=0)``, second feature scaled.

    The article multiplies the second feature by 10 to "compress" the loss
    function and leaves it at 1 for the "normalized" case.  ``random_state=0``
    is the article's: these points are the same for every ``--seed``.
    """
    X, y = make_blobs(n_samples=100, n_features=2, centers=2, random_state=0)
    X[:, 1] *= second_feature_scale
    return Blobs(X=X, y=y.reshape(-1, 1).astype(float), second_feature_scale=second_feature_scale)
