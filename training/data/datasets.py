"""One entry point for every dataset: ``load_dataset(name, root, **options)``."""

from __future__ import annotations

from pathlib import Path

from har_kd_ros.recording import Recording

DATASETS = ("synthetic", "basic_motions", "utd_mhad", "berkeley_mhad", "mmact", "generic", "rosbag")


def load_dataset(name: str, root: str | Path | None = None, cache: bool = True, **options: object) -> list[Recording]:
    """Recordings of a dataset; real datasets are decoded once per content (training/data/cache.py)."""
    if name == "synthetic":
        from training.data.synthetic import generate_dataset

        return generate_dataset(**options)  # type: ignore[arg-type]
    if name == "basic_motions":
        from training.data.loaders.basic_motions import load_basic_motions

        return load_basic_motions()
    if root is None:
        raise ValueError(f"root: dataset {name!r} needs --root pointing at its folder")
    if name == "utd_mhad":
        from training.data.loaders.utd_mhad import load_utd_mhad as load

        patterns: tuple[str, ...] = ("*.mat",)
    elif name == "berkeley_mhad":
        from training.data.loaders.berkeley_mhad import load_berkeley_mhad as load

        patterns = ("*.txt", "*.bvh")
    elif name == "mmact":
        from training.data.loaders.mmact import load_mmact as load

        patterns = ("*.csv", "*.json")
    elif name == "generic":
        from training.data.loaders.generic import load_generic as load

        patterns = ("*.csv", "*.npz")
    elif name == "rosbag":
        from training.data.loaders.rosbag import load_rosbags as load

        patterns = ("*.yaml", "*.db3", "*.mcap")
    else:
        raise ValueError(f"dataset: expected one of {DATASETS}, got {name!r}")
    if not cache or not Path(root).is_dir():  # a missing folder gets the loader's own one-line error
        return load(root, **options)
    from training.data.cache import cached_load

    return cached_load(name, root, patterns, lambda: load(root, **options), options)
