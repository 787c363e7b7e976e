"""A cache of decoded recordings keyed by the source files' content.

Parsing hundreds of .mat / CSV files is the slow part of an experiment; hashing them is not.
The key covers every source file's relative path and bytes, the loader's name and options,
and ``CACHE_VERSION`` (bump it when a loader's output changes), so an edited, added or removed
file — or a new loader — never serves stale data. Entries are plain NPZ (no pickles).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

from har_kd_ros.recordings.recording import Recording, Segment

CACHE_VERSION = 2
DEFAULT_ROOT = Path(os.environ.get("HAR_KD_CACHE", Path.home() / ".cache" / "har_kd_ros"))
_ARRAYS = ("acc", "acc_t", "gyro", "skeleton", "skeleton_t")
_META = ("subject", "trial", "label", "gravity", "location", "topology", "source")


def content_key(loader: str, options: dict, root: Path, files: Iterable[Path]) -> str:
    h = hashlib.sha256(
        json.dumps({"loader": loader, "options": options, "version": CACHE_VERSION}, sort_keys=True).encode()
    )
    for path in sorted(files):
        h.update(path.relative_to(root).as_posix().encode() + b"\0")
        with path.open("rb") as f:
            for block in iter(lambda f=f: f.read(1 << 20), b""):
                h.update(block)
        h.update(b"\1")
    return h.hexdigest()[:32]


def save_recordings(recordings: list[Recording], path: Path) -> None:
    arrays: dict[str, np.ndarray] = {}
    meta = []
    for i, rec in enumerate(recordings):
        for name in _ARRAYS:
            value = getattr(rec, name)
            if value is not None:
                arrays[f"{i}_{name}"] = value
        meta.append(
            {**{k: getattr(rec, k) for k in _META}, "segments": [[s.start, s.end, s.label] for s in rec.segments]}
        )
    arrays["meta"] = np.array(json.dumps(meta))
    tmp = path.with_name(path.name + ".tmp.npz")
    np.savez(tmp, **arrays)
    tmp.replace(path)  # atomic: an interrupted run never leaves half an entry


def load_recordings(path: Path) -> list[Recording]:
    with np.load(path, allow_pickle=False) as z:
        meta = json.loads(str(z["meta"]))
        out = []
        for i, m in enumerate(meta):
            arrays = {name: z[f"{i}_{name}"] if f"{i}_{name}" in z.files else None for name in _ARRAYS}
            segments = tuple(Segment(float(a), float(b), str(c)) for a, b, c in m.pop("segments"))
            out.append(Recording(**m, **arrays, segments=segments))
    return out


def cached_load(
    loader: str,
    root: str | Path,
    patterns: tuple[str, ...],
    load: Callable[[], list[Recording]],
    options: dict | None = None,
    cache_root: Path | None = None,
) -> list[Recording]:
    """``load()`` once per distinct content of ``root``'s files matching ``patterns``."""
    root = Path(root)
    files = [p for pattern in patterns for p in root.rglob(pattern) if p.is_file()]
    key = content_key(loader, options or {}, root, files)
    entry = (cache_root or DEFAULT_ROOT) / f"{loader}-{key}.npz"
    if entry.is_file():
        try:
            return load_recordings(entry)
        except (OSError, ValueError, KeyError, json.JSONDecodeError):
            entry.unlink(missing_ok=True)  # a damaged entry is rebuilt, never trusted
    recordings = load()
    entry.parent.mkdir(parents=True, exist_ok=True)
    save_recordings(recordings, entry)
    return recordings
