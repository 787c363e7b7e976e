"""One entry point for every dataset: ``load_dataset(name, root, **options)``."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

from har_kd_ros.recordings.recording import Recording
from training.values import like_default

DATASETS = ("synthetic", "basic_motions", "utd_mhad", "berkeley_mhad", "mmact", "generic", "rosbag")

# name -> (loader "module:function", the function whose keyword arguments are the options (if not
# the loader itself), the files whose content keys the cache; () = generated or bundled, no root)
_LOADERS: dict[str, tuple[str, str | None, tuple[str, ...]]] = {
    "synthetic": ("training.data.synthetic:generate_dataset", None, ()),
    "basic_motions": ("training.data.loaders.basic_motions:load_basic_motions", None, ()),
    "utd_mhad": ("training.data.loaders.utd_mhad:load_utd_mhad", None, ("*.mat",)),
    "berkeley_mhad": ("training.data.loaders.berkeley_mhad:load_berkeley_mhad", None, ("*.txt", "*.bvh")),
    "mmact": ("training.data.loaders.mmact:load_mmact", None, ("*.csv", "*.json")),
    "generic": ("training.data.loaders.generic:load_generic", None, ("*.csv", "*.npz")),
    # one recording per bag folder: the options are those of the per-bag loader
    "rosbag": (
        "training.data.loaders.rosbag:load_rosbags",
        "training.data.loaders.rosbag:load_rosbag",
        ("*.yaml", "*.db3", "*.mcap"),
    ),
}


def _function(spec: str) -> Callable[..., Any]:
    module, name = spec.split(":")
    return getattr(importlib.import_module(module), name)


def check_options(name: str, options: dict[str, Any]) -> dict[str, Any]:
    """The loader options read as their defaults' types (training.values.like_default); a
    ValueError naming the dataset and option for one the loader does not take or cannot read, so
    a typo fails before any file is opened instead of as a TypeError inside the loader."""
    if name not in _LOADERS:
        raise ValueError(f"dataset: expected one of {DATASETS}, got {name!r}")
    loader, declares, _ = _LOADERS[name]
    params = inspect.signature(_function(declares or loader)).parameters
    takes = {k: p.default for k, p in params.items() if p.default is not inspect.Parameter.empty}
    out = {}
    for key, value in options.items():
        if key not in takes:
            raise ValueError(f"{name} option '{key}': unknown (the loader takes {sorted(takes) or 'none'})")
        out[key], expected = like_default(value, takes[key])
        if expected is not None:
            raise ValueError(f"{name} option '{key}': expected {expected}, got {value!r}")
    return out


def load_dataset(name: str, root: str | Path | None = None, cache: bool = True, **options: object) -> list[Recording]:
    """Recordings of a dataset; real datasets are decoded once per content (training/data/cache.py)."""
    options = check_options(name, options)
    loader, _, patterns = _LOADERS[name]
    load = _function(loader)
    if not patterns:
        return load(**options)
    if root is None:
        raise ValueError(f"root: dataset {name!r} needs its folder: --root DIR (or --set dataset.root=DIR)")
    if not cache or not Path(root).is_dir():  # a missing folder gets the loader's own one-line error
        return load(root, **options)
    from training.data.cache import cached_load

    return cached_load(name, root, patterns, lambda: load(root, **options), options)
