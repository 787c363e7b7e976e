"""Matrices out of .mat files as MATLAB saves them: v5 (scipy) and v7.3 (HDF5), and what is not one."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.io import savemat

from training.data.loaders import DatasetError
from training.data.matfile import read_matrix

h5py = pytest.importorskip("h5py")


def save_v73(path, variables: dict) -> None:
    """As MATLAB's ``save -v7.3``: a 512-byte header block, then HDF5 with column-major arrays."""
    with h5py.File(path, "w", userblock_size=512) as f:
        for name, value in variables.items():
            if isinstance(value, dict):
                group = f.create_group(name)
                for key, v in value.items():
                    group[key] = np.asarray(v).T
            elif isinstance(value, str):  # MATLAB keeps a char array as UTF-16 code units
                f[name] = np.frombuffer(value.encode("utf-16-le"), np.uint16)[:, None]
                f[name].attrs["MATLAB_class"] = np.bytes_("char")
            else:
                f[name] = np.asarray(value).T
                f[name].attrs["MATLAB_class"] = np.bytes_("double")
    with open(path, "r+b") as f:
        f.write(b"MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Tue Dec  1 12:00:00 2026 HDF5 schema 1.00 .")


def test_v5_and_v73_files_give_the_same_matrix(tmp_path):
    d_iner = np.random.default_rng(0).normal(size=(180, 6))
    savemat(tmp_path / "v5.mat", {"d_iner": d_iner})
    save_v73(tmp_path / "v73.mat", {"d_iner": d_iner})
    for name in ("v5.mat", "v73.mat"):
        got = read_matrix(tmp_path / name, "d_iner")
        assert got.shape == (180, 6) and got.dtype == np.float64 and np.array_equal(got, d_iner)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ({"acc": np.zeros((3, 3))}, "is a struct"),
        (np.array([np.zeros(3), np.zeros(4)], dtype=object), "is a cell array"),
        ("not numbers", "is a string"),
        (np.zeros((5, 6)) + 1j, "holds complex numbers"),
    ],
)
def test_what_is_not_a_real_matrix_is_one_line_naming_file_and_variable(tmp_path, value, reason):
    path = tmp_path / "a1_s1_t1_inertial.mat"
    savemat(path, {"d_iner": value})
    with pytest.raises(DatasetError, match=rf"a1_s1_t1_inertial\.mat: variable 'd_iner' {reason}") as err:
        read_matrix(path, "d_iner")
    assert "\n" not in str(err.value)


@pytest.mark.parametrize(("value", "reason"), [({"acc": np.zeros((3, 3))}, "is a struct"), ("abc", "is a MATLAB char")])
def test_a_v73_struct_or_string_is_named_too(tmp_path, value, reason):
    path = tmp_path / "v73.mat"
    save_v73(path, {"d_iner": value})
    with pytest.raises(DatasetError, match=rf"v73\.mat: variable 'd_iner' {reason}"):
        read_matrix(path, "d_iner")


def test_a_missing_variable_is_named_in_either_format(tmp_path):
    savemat(tmp_path / "v5.mat", {"other": np.zeros(3)})
    save_v73(tmp_path / "v73.mat", {"other": np.zeros(3)})
    for name in ("v5.mat", "v73.mat"):
        with pytest.raises(DatasetError, match=rf"{name}: variable 'd_iner' missing"):
            read_matrix(tmp_path / name, "d_iner")
