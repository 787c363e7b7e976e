"""One entry point for every dataset: ``load_dataset(name, root, **options)``."""

from __future__ import annotations

from pathlib import Path

from har_kd_ros.recording import Recording

DATASETS = ("synthetic", "utd_mhad", "generic")


def load_dataset(name: str, root: str | Path | None = None, **options: object) -> list[Recording]:
    if name == "synthetic":
        from training.data.synthetic import generate_dataset

        return generate_dataset(**options)  # type: ignore[arg-type]
    if root is None:
        raise ValueError(f"root: dataset {name!r} needs --root pointing at its folder")
    if name == "utd_mhad":
        from training.data.loaders.utd_mhad import load_utd_mhad

        return load_utd_mhad(root)
    if name == "generic":
        from training.data.loaders.generic import load_generic

        return load_generic(root)
    raise ValueError(f"dataset: expected one of {DATASETS}, got {name!r}")
