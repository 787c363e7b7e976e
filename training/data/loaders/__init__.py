"""Dataset loaders: each turns a user's folder in the dataset's public layout into Recordings."""

from __future__ import annotations


class DatasetError(ValueError):
    """A dataset folder or file that is not in the expected layout/format; names the path."""
