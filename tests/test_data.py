import h5py
import numpy as np
import pytest

from scenes.data import DatasetError, blobs, load_catdog, make_blobs, missing_catdog_files
from tests.conftest import write_catdog


def test_loads_the_articles_layout(catdog_dir):
    data = load_catdog(catdog_dir)
    assert data.train.images.shape == (24, 8, 8) and data.train.images.dtype == np.uint8
    assert data.train.labels.shape == (24, 1) and data.test.images.shape == (8, 8, 8)
    X_train, X_test = data.flattened()
    assert X_train.shape == (24, 64) and X_test.shape == (8, 64)
    assert X_train.max() == 1.0  # scaled by the train maximum, as in the article
    np.testing.assert_allclose(X_test, data.test.images.reshape(8, -1) / data.train.images.max())


def test_reports_missing_files(tmp_path):
    assert missing_catdog_files(tmp_path) == ["trainset.hdf5", "testset.hdf5"]
    with pytest.raises(DatasetError, match=r"trainset.hdf5 not found: pass --data DIR or set RENDER_DATA"):
        load_catdog(tmp_path)


def test_reports_missing_directory(tmp_path):
    with pytest.raises(DatasetError, match=r"dataset directory .*nowhere does not exist"):
        load_catdog(tmp_path / "nowhere")


def test_reports_corrupt_file(catdog_dir):
    (catdog_dir / "testset.hdf5").write_bytes(b"this is not HDF5")
    with pytest.raises(DatasetError, match=r"testset.hdf5 is not a readable HDF5 file"):
        load_catdog(catdog_dir)


def test_reports_missing_key(catdog_dir):
    with h5py.File(catdog_dir / "trainset.hdf5", "w") as store:
        store["images"] = np.zeros((4, 8, 8), dtype=np.uint8)
        store["Y_train"] = np.zeros((4, 1))
    with pytest.raises(DatasetError, match=r"has no 'X_train' dataset \(found: Y_train, images\)"):
        load_catdog(catdog_dir)


@pytest.mark.parametrize(
    "images, labels, message",
    [
        (np.zeros((4, 64), dtype=np.uint8), np.zeros((4, 1)), r"X_train has shape \(4, 64\), expected"),
        (np.zeros((4, 8, 8), dtype=np.uint8), np.zeros((5, 1)), r"Y_train has shape \(5, 1\) but X_train holds 4"),
        (np.zeros((4, 8, 8), dtype=np.uint8), np.full((4, 1), 2.0), r"labels 0 and 1 only"),
    ],
)
def test_reports_wrong_shapes_and_labels(catdog_dir, images, labels, message):
    with h5py.File(catdog_dir / "trainset.hdf5", "w") as store:
        store["X_train"] = images
        store["Y_train"] = labels
    with pytest.raises(DatasetError, match=message):
        load_catdog(catdog_dir)


def test_train_and_test_images_must_match(tmp_path):
    write_catdog(tmp_path, side=8)
    write_catdog(tmp_path / "other", side=6)
    (tmp_path / "other" / "testset.hdf5").rename(tmp_path / "testset.hdf5")
    with pytest.raises(DatasetError, match=r"must come from the same dataset"):
        load_catdog(tmp_path)


def test_blobs_are_the_articles():
    compressed, normalized = blobs(10.0), blobs(1.0)
    assert compressed.X.shape == (100, 2) and compressed.y.shape == (100, 1)
    np.testing.assert_allclose(compressed.X[:, 1], normalized.X[:, 1] * 10)
    np.testing.assert_array_equal(compressed.X[:, 0], normalized.X[:, 0])
    assert sorted(np.unique(compressed.y)) == [0.0, 1.0]


@pytest.mark.parametrize("n_samples, n_features, centers, random_state",
                         [(100, 2, 2, 0), (101, 3, 4, 7), (7, 1, 3, 123), (100, 2, 2, 2**31 - 1)])
def test_make_blobs_is_scikit_learns_bit_for_bit(n_samples, n_features, centers, random_state):
    from sklearn import datasets

    ours = make_blobs(n_samples=n_samples, n_features=n_features, centers=centers, random_state=random_state)
    theirs = datasets.make_blobs(n_samples=n_samples, n_features=n_features, centers=centers,
                                 random_state=random_state)
    np.testing.assert_array_equal(ours[0], theirs[0])
    np.testing.assert_array_equal(ours[1], theirs[1])


def test_reports_non_numeric_entries(catdog_dir):
    with h5py.File(catdog_dir / "trainset.hdf5", "w") as store:
        store["X_train"] = np.zeros((4, 8, 8), dtype=np.uint8)
        store["Y_train"] = np.array([b"cat", b"dog", b"cat", b"dog"])
    with pytest.raises(DatasetError, match=r"Y_train is of type \|S3, expected numbers"):
        load_catdog(catdog_dir)
    with h5py.File(catdog_dir / "trainset.hdf5", "w") as store:
        store.create_group("X_train")
        store["Y_train"] = np.zeros((4, 1))
    with pytest.raises(DatasetError, match=r"X_train is a group, expected numbers"):
        load_catdog(catdog_dir)
