"""Experiment configs: YAML files in training/configs/, one per dataset x method.

A file may name a base with ``extends: <relative path>``; the two are merged key by key (the
file wins). ``--set section.key=value`` overrides any entry from the command line. Unknown
sections or keys are one-line errors, so a typo never silently falls back to a default.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from har_kd_ros.errors import first_line

CONFIG_DIR = Path(__file__).resolve().parent / "configs"

DEFAULTS: dict[str, Any] = {
    "name": "run",
    "method": "supervised",  # supervised | teacher | kd | vskd | pskd
    "seed": 0,
    "out": "runs",
    "export": None,
    "int8": None,  # with export: also write <stem>_int8.onnx, 'static' (QDQ, calibrated) or 'dynamic'
    "progress": True,  # tqdm bars (off in the experiment suite and tests)
    # labels: "recorded" (the recordings' labels/segments) or "teacher" (each window labelled by
    # teacher.model's top class: recordings made with a camera teacher need no annotation)
    "dataset": {
        "name": "synthetic",
        "root": None,
        "protocol": "cross_subject",
        "val_fraction": 0.2,
        "labels": "recorded",
        "options": {},
    },
    "window": {
        "rate_hz": 50.0,
        "window_samples": 128,
        "hop_samples": 25,
        "skeleton_frames": 32,
        "max_gap_s": 0.5,
        "min_skeleton_coverage": 0.5,
        # subtract each frame's pelvis: what MediaPipe world landmarks (hip-centred) can offer, so
        # a teacher trained this way labels camera skeletons; off keeps whole-body translation
        "root_relative": False,
    },
    "gaf": {"method": "summation", "image_size": 64, "normalisation": "fixed", "range": 40.0},
    # threads: 1 by default: torch worker threads spin when another process holds a core, which slows
    # a 2-thread run on a busy 2-core machine by orders of magnitude; alone, 2 threads gain ~30 %
    "optim": {"epochs": 30, "batch_size": 64, "lr": 0.003, "weight_decay": 0.0001, "threads": 1},
    # init: a checkpoint (a run folder's best.pt) to fine-tune from instead of random weights
    "student": {"arch": "edge", "init": None},
    # model: an exported skeleton teacher (.onnx + card) to distil from instead of training one,
    # e.g. the bundled teacher_default.onnx when retraining from recorded bags
    "teacher": {
        "kind": "skeleton",
        "model": None,
        "width": 64,
        "embedding": 128,
        "epochs": 40,
        "lr": 0.003,
        "batch_size": 64,
    },
    "kd": {"temperature": 4.0, "ce": 1.0, "kd": 1.0},
    "dask": {"ce": 1.0, "kd": 1.0, "distance": 25.0, "angle": 50.0, "semantic": 1.0, "temperature": 4.0},
    "pskd": {
        "teachers": ["acc", "fusion", "skeleton"],
        # stage k runs until this fraction of the epochs with these teachers (see docs/distillation.md)
        "schedule": [
            {"until": 0.34, "teachers": ["acc"]},
            {"until": 0.67, "teachers": ["acc", "fusion"]},
            {"until": 1.0, "teachers": ["acc", "fusion", "skeleton"]},
        ],
        "tau": 0.1,
        "temperature": 4.0,
        "semantic": 1.0,
        "distance": 25.0,
        "angle": 50.0,
        "mode": "adaptive",
    },
}

METHODS = ("supervised", "teacher", "kd", "vskd", "pskd")
FREE_FORM = {("dataset", "options")}  # loader options are the loader's business


class ConfigError(ValueError):
    """A config file or override that does not fit the schema; the message names the key."""


def _merge(base: dict, over: dict, where: str, strict: bool) -> dict:
    out = copy.deepcopy(base)
    for key, value in over.items():
        path = f"{where}.{key}" if where else key
        if strict and key not in base:
            raise ConfigError(f"config key '{path}': unknown (expected one of {sorted(base)})")
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            free = tuple(path.split(".")) in FREE_FORM
            out[key] = _merge(base[key], value, path, strict=strict and not free)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _read(path: Path, seen: tuple[Path, ...] = ()) -> dict:
    path = path.resolve()
    if path in seen:
        raise ConfigError(f"{path}: 'extends' loops back to itself")
    if not path.is_file():
        raise ConfigError(f"{path}: config file not found")
    try:
        raw = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({first_line(exc)})") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level, got {type(raw).__name__}")
    base = raw.pop("extends", None)
    if base is None:
        return raw
    return _merge(_read(path.parent / base, (*seen, path)), raw, "", strict=False)


def _parse_value(text: str) -> Any:
    return yaml.safe_load(text)


def load_config(path: str | Path | None = None, overrides: list[str] = ()) -> dict[str, Any]:
    """Defaults <- the file (and what it extends) <- ``section.key=value`` overrides, validated."""
    config = DEFAULTS if path is None else _merge(DEFAULTS, _read(Path(path)), "", strict=True)
    for item in overrides:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ConfigError(f"--set: expected section.key=value, got {item!r}")
        nested: dict[str, Any] = {}
        cursor = nested
        parts = key.split(".")
        for part in parts[:-1]:
            cursor = cursor.setdefault(part, {})
        cursor[parts[-1]] = _parse_value(value)
        config = _merge(config, nested, "", strict=True)
    if config["method"] not in METHODS:
        raise ConfigError(f"config key 'method': expected one of {METHODS}, got {config['method']!r}")
    return config
