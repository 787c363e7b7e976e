"""One numeric matrix out of a MATLAB ``.mat`` file, whichever way MATLAB saved it.

scipy.io reads the v5 format MATLAB writes by default; ``save -v7.3`` writes HDF5, which h5py reads
(MATLAB stores arrays column-major, so HDF5 shows them transposed). A variable that is not a real
numeric matrix (a struct, a cell array, a string, complex numbers) is one line naming the file
and the variable, never a traceback and never a silent cast.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from training.data.loaders import DatasetError

HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"


def read_matrix(path: Path, variable: str) -> np.ndarray:
    """``variable`` of the ``.mat`` at ``path`` as float64, in MATLAB's own index order."""
    with open(path, "rb") as f:
        head = f.read(520)
    # HDF5 at the start, or after MATLAB's 512-byte header block (save -v7.3)
    hdf5 = HDF5_SIGNATURE in (head[:8], head[512:520])
    array = _read_hdf5(path, variable) if hdf5 else _read_v5(path, variable)
    return _real_matrix(path, variable, array)


def _read_v5(path: Path, variable: str) -> np.ndarray:
    from scipy.io import loadmat

    try:
        data = loadmat(str(path), variable_names=[variable])
    except Exception as exc:  # scipy raises ValueError, TypeError, MatReadError... for damaged files
        raise DatasetError(f"{path}: not a readable MATLAB file ({type(exc).__name__}: {exc})") from None
    if variable not in data:
        raise DatasetError(f"{path}: variable '{variable}' missing")
    return data[variable]


def _read_hdf5(path: Path, variable: str) -> np.ndarray:
    try:
        import h5py
    except ImportError:
        raise DatasetError(
            f"{path}: a MATLAB v7.3 (HDF5) file, which needs h5py: pip install h5py (requirements/training.txt)"
        ) from None
    try:
        with h5py.File(path, "r") as f:
            if variable not in f:
                raise DatasetError(f"{path}: variable '{variable}' missing")
            node = f[variable]
            if not isinstance(node, h5py.Dataset):
                raise DatasetError(f"{path}: variable '{variable}' is a struct; expected a numeric matrix")
            kind = node.attrs.get("MATLAB_class", b"")
            kind = kind.decode() if isinstance(kind, bytes) else str(kind)
            if kind in ("char", "cell", "struct"):
                raise DatasetError(f"{path}: variable '{variable}' is a MATLAB {kind}; expected a numeric matrix")
            array = node[()]
    except DatasetError:
        raise
    except Exception as exc:
        raise DatasetError(f"{path}: not a readable MATLAB v7.3 file ({type(exc).__name__}: {exc})") from None
    if array.dtype.names and set(array.dtype.names) == {"real", "imag"}:  # MATLAB's complex in HDF5
        raise DatasetError(f"{path}: variable '{variable}' holds complex numbers; expected real values")
    return np.asarray(array).T  # column-major in MATLAB, so HDF5 sees the transpose


def _real_matrix(path: Path, variable: str, array: np.ndarray) -> np.ndarray:
    array = np.asarray(array)
    if array.dtype.names:
        raise DatasetError(f"{path}: variable '{variable}' is a struct; expected a numeric matrix")
    if array.dtype == object:
        raise DatasetError(f"{path}: variable '{variable}' is a cell array; expected a numeric matrix")
    if array.dtype.kind in "US":
        raise DatasetError(f"{path}: variable '{variable}' is a string; expected a numeric matrix")
    if array.dtype.kind == "c":
        raise DatasetError(f"{path}: variable '{variable}' holds complex numbers; expected real values")
    if array.dtype.kind not in "biuf":
        raise DatasetError(f"{path}: variable '{variable}' has type {array.dtype}; expected a numeric matrix")
    return array.astype(np.float64)
