"""Experiment configs: YAML files in training/configs/, one per dataset x method.

A file may name a base with ``extends: <relative path>``; the two are merged key by key (the
file wins). ``--set section.key=value`` overrides any entry from the command line. Unknown
sections or keys are one-line errors, so a typo never silently falls back to a default; and
every entry's type and range is checked when the config is loaded, so a bad value fails in a
second, naming its key, not after the dataset was decoded and the teachers were trained.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from har_kd_ros.errors import first_line
from har_kd_ros.imu.channels import SENSORS
from har_kd_ros.imu.window import check_rate_window_hop
from har_kd_ros.inference import gaf
from training.auto_settings import AUTO, AUTO_KEYS, auto_keys, is_auto
from training.data.augment import AXES
from training.data.datasets import DATASETS, check_options
from training.data.protocols import PROTOCOLS, get_protocol
from training.engine.objectives import schedule_problem
from training.losses.acs import MODES as ACS_MODES
from training.models.students import GAF_STUDENTS, NORMS, STUDENTS
from training.models.teachers import GROUPS, TEACHERS
from training.quantize import MODES as INT8_MODES
from training.values import Rule, like_default, parse_yaml

CONFIG_DIR = Path(__file__).resolve().parent / "configs"

DEFAULTS: dict[str, Any] = {
    "name": "run",
    "method": "supervised",  # supervised | teacher | kd | vskd | pskd | minirocket (a baseline)
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
        # body places to train on (training/data/locations.py): wrist = worn on a wrist or not worn
        "locations": ["wrist"],
        "options": {},
        # subjects whose recordings train the student only (never a teacher, never validation or
        # test), labelled by the teacher's top class as a robot's own camera recordings are, or by
        # their recorded labels (the upper bound of what teacher labels can give)
        "extra_subjects": [],
        "extra_labels": "teacher",
        # with teacher labels: repeat the labelled windows of classes no teacher label can give (no
        # skeleton: a watch on a table), so that the extra windows do not shrink their share
        "extra_balance": True,
    },
    "window": {
        "rate_hz": 50.0,
        "window_samples": 128,
        "hop_samples": 25,
        "skeleton_frames": 32,
        "max_gap_s": 0.5,
        "min_skeleton_coverage": 0.5,
        # training windows labelled a rest (standing, sitting, still) whose rest covers less of their
        # span are left out (0: keep all): a window takes the label at its centre, so one on a rest
        # shorter than the window is partly the motions around it
        "min_rest_share": 0.0,
        # subtract each frame's pelvis: what MediaPipe world landmarks (hip-centred) can offer, so
        # a teacher trained this way labels camera skeletons; off keeps whole-body translation
        "root_relative": False,
        # the student's IMU channels: [acc] (acc_x, acc_y, acc_z) or [acc, gyro] (then gyro_x .. z)
        "sensors": ["acc"],
    },
    # range: +-m/s^2 of the accelerometer channels, gyro_range: +-rad/s of the gyroscope's (fixed);
    # mu_law / gyro_mu_law: mu of the companding of the rescaled channels (0: linear)
    # shape_sensors: sensors whose channels also get an image rescaled per window (shape beside
    # amplitude), e.g. [gyro]; [] for none
    "gaf": {
        "method": "summation",
        "image_size": 64,
        "normalisation": "fixed",
        "range": 40.0,
        "gyro_range": 10.0,
        "mu_law": 0.0,
        "gyro_mu_law": 0.0,
        "shape_sensors": [],
    },
    # on-the-fly augmentation of training windows (training/data/augment.py); 0 turns a knob off
    "augment": {
        "offset_samples": 0,
        "time_warp": 0.0,
        "twist_deg": 0.0,
        "twist_axis": "x",
        "tilt_deg": 0.0,
        "gain": 0.0,
        "noise_acc": 0.0,
        "noise_gyro": 0.0,
    },
    # threads: 1 by default: torch worker threads spin when another process holds a core, which slows
    # a 2-thread run on a busy 2-core machine by orders of magnitude; alone, 2 threads gain ~30 %
    # ema: evaluate, select and export a moving average of the weights with this decay per step (0: off)
    "optim": {
        "epochs": 30,
        "batch_size": 64,
        "lr": 0.003,
        "weight_decay": 0.0001,
        "threads": 1,
        "ema": 0.0,
        "label_smoothing": 0.0,
        # recompute BatchNorm statistics on this many training windows before each evaluation (0: off)
        "precise_bn": 0,
        # keep the epoch whose validation accuracy averaged with this many neighbours either side
        # is best (0: the best single epoch), so a lucky spike between poor epochs is not kept
        "select_radius": 1,
    },
    # init: a checkpoint (a run folder's best.pt) to fine-tune from instead of random weights;
    # norm: batch or group normalisation in the GAF CNNs
    "student": {"arch": "edge", "init": None, "norm": "batch"},
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
        # k >= 2: the student's soft targets on the training split come from k teachers, each
        # trained without one fold of the training subjects (out-of-fold logits); 0: the teacher's own
        "crossfit": 0,
        # classes a teacher never read in training (no skeleton: a watch lying on a table): "drop"
        # them from its soft targets (its softmax runs over what it learnt), or "keep" its untrained
        # logits for them, which teach the student to rule those classes out everywhere
        "unseen_classes": "drop",
    },
    # ce_untaught: the CE weight (relative to ce) of a window no teacher reads (no skeleton)
    "kd": {"temperature": 4.0, "ce": 1.0, "kd": 1.0, "ce_untaught": 1.0},
    "dask": {
        "ce": 1.0,
        "kd": 1.0,
        "distance": 25.0,
        "angle": 50.0,
        "semantic": 1.0,
        "temperature": 4.0,
        "ce_untaught": 1.0,
    },
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

METHODS = ("supervised", "teacher", "kd", "vskd", "pskd", "minirocket")
LABEL_SOURCES = ("recorded", "teacher")
UNSEEN_CLASSES = ("drop", "keep")  # teacher.unseen_classes
FREE_FORM = {("dataset", "options")}  # loader options are the loader's business


def _one_of(options: Iterable[Any]) -> Rule:
    options = tuple(options)
    return (lambda v: v in options), "one of " + ", ".join("null" if o is None else repr(o) for o in options)


def _at_least(low: float) -> Rule:
    return (lambda v: v >= low), f">= {low}"


def _above(low: float) -> Rule:
    return (lambda v: v > low), f"> {low}"


def _is_protocol(name: str) -> bool:
    try:
        get_protocol(name)
    except ValueError:
        return False
    return True


_RUN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_POSITIVE_INT, _POSITIVE, _WEIGHT = _at_least(1), _above(0), _at_least(0)
_CE_UNTAUGHT: Rule = ((lambda v: 0 <= v <= 100), "a multiple of the CE weight in [0, 100]")
# the losses scale by T^2: beyond ~1e154 that overflows a float, and past a few tens the soft
# targets are uniform already
_TEMPERATURE: Rule = ((lambda v: 0 < v <= 1000), "in (0, 1000]")
_PATH_OR_NULL: Rule = ((lambda v: v is None or (isinstance(v, str) and v != "")), "a path or null")
# An entry's type is its default's (an int default takes integers only, a float default any
# finite number); these say what else a value must be. Entries whose default is None have no
# type of their own: their rule says what they take. The window's rate, length and hop are
# checked by har_kd_ros.imu.window's own check (_check_together).
RULES: dict[str, Rule] = {
    # the name is a folder under ``out``: no separators, no "..", no hidden folder
    "name": ((lambda v: _RUN_NAME.fullmatch(v) is not None), "letters, digits, '_', '.' or '-' (a folder name)"),
    "method": _one_of(METHODS),
    "seed": ((lambda v: 0 <= v < 2**32), "in [0, 2**32) (numpy's global seed)"),
    "export": _PATH_OR_NULL,
    "int8": _one_of((None, *INT8_MODES)),
    "dataset.name": _one_of(DATASETS),
    "dataset.root": _PATH_OR_NULL,
    "dataset.protocol": (
        _is_protocol,
        f"one of {', '.join(map(repr, PROTOCOLS))}, 'loso_<subject>' or 'kfold_<k>_<i>'",
    ),
    "dataset.val_fraction": ((lambda v: 0 <= v < 1), "in [0, 1)"),
    "dataset.labels": _one_of(LABEL_SOURCES),
    "dataset.locations": (
        (lambda v: len(v) > 0 and all(isinstance(k, str) and k for k in v)),
        "a non-empty list of body places ('wrist', 'any' or names such as 'right_thigh')",
    ),
    "dataset.extra_subjects": (
        (lambda v: all(isinstance(k, str) and k for k in v) and len(v) == len(set(v))),
        "a list of distinct subject names",
    ),
    "dataset.extra_labels": _one_of(LABEL_SOURCES),
    "window.skeleton_frames": _POSITIVE_INT,
    "window.sensors": (
        (lambda v: all(isinstance(k, str) and k in SENSORS for k in v) and 0 < len(v) == len(set(v))),
        f"a list of distinct sensors out of {sorted(SENSORS)}",
    ),
    "window.max_gap_s": _POSITIVE,
    "window.min_skeleton_coverage": ((lambda v: 0 <= v <= 1), "in [0, 1]"),
    "window.min_rest_share": ((lambda v: 0 <= v <= 1), "in [0, 1] (0: every window)"),
    "gaf.method": _one_of(gaf.METHODS),
    "gaf.image_size": _POSITIVE_INT,
    "gaf.normalisation": _one_of(gaf.NORMALISATIONS),
    "gaf.range": _POSITIVE,
    "gaf.gyro_range": _POSITIVE,
    "gaf.mu_law": ((lambda v: 0 <= v <= 1e6), "in [0, 1e6] (0: linear)"),
    "gaf.gyro_mu_law": ((lambda v: 0 <= v <= 1e6), "in [0, 1e6] (0: linear)"),
    "gaf.shape_sensors": (
        (lambda v: all(isinstance(k, str) and k in SENSORS for k in v) and len(v) == len(set(v))),
        f"a list of distinct sensors out of {sorted(SENSORS)} (those of window.sensors)",
    ),
    "augment.offset_samples": _at_least(0),
    "augment.time_warp": ((lambda v: 0 <= v <= 1), "in [0, 1]"),
    "augment.twist_deg": ((lambda v: 0 <= v <= 180), "in [0, 180]"),
    "augment.twist_axis": _one_of(AXES),
    "augment.tilt_deg": ((lambda v: 0 <= v <= 180), "in [0, 180]"),
    "augment.gain": ((lambda v: 0 <= v < 1), "in [0, 1)"),
    # white noise far above any sensor's range is no augmentation (and 1e308 overflows to inf)
    "augment.noise_acc": ((lambda v: 0 <= v <= 100), "in [0, 100] m/s^2"),
    "augment.noise_gyro": ((lambda v: 0 <= v <= 100), "in [0, 100] rad/s"),
    "optim.ema": ((lambda v: 0 <= v < 1), "in [0, 1)"),
    "optim.label_smoothing": ((lambda v: 0 <= v < 1), "in [0, 1)"),
    "optim.precise_bn": _at_least(0),
    "optim.select_radius": ((lambda v: 0 <= v <= 10), "in [0, 10]"),
    "optim.epochs": _POSITIVE_INT,
    "optim.batch_size": _POSITIVE_INT,
    "optim.lr": _POSITIVE,
    "optim.weight_decay": _WEIGHT,
    "optim.threads": ((lambda v: 1 <= v <= 1024), "in [1, 1024]"),
    "student.arch": _one_of(STUDENTS),
    "student.init": _PATH_OR_NULL,
    "student.norm": _one_of(NORMS),
    "teacher.kind": _one_of(TEACHERS),
    "teacher.model": _PATH_OR_NULL,
    "teacher.width": ((lambda v: v > 0 and v % GROUPS == 0), f"a positive multiple of {GROUPS} (GroupNorm groups)"),
    "teacher.embedding": _POSITIVE_INT,
    "teacher.epochs": _POSITIVE_INT,
    "teacher.lr": _POSITIVE,
    "teacher.batch_size": _POSITIVE_INT,
    "teacher.crossfit": ((lambda v: v == 0 or 2 <= v <= 20), "0 (off) or k in [2, 20] folds of the training subjects"),
    "teacher.unseen_classes": _one_of(UNSEEN_CLASSES),
    "kd.temperature": _TEMPERATURE,
    "kd.ce": _WEIGHT,
    "kd.kd": _WEIGHT,
    "kd.ce_untaught": _CE_UNTAUGHT,
    **{f"dask.{k}": _WEIGHT for k in ("ce", "kd", "distance", "angle", "semantic")},
    "dask.ce_untaught": _CE_UNTAUGHT,
    "dask.temperature": _TEMPERATURE,
    "pskd.teachers": (
        (lambda v: all(isinstance(k, str) and k in TEACHERS for k in v) and 0 < len(v) == len(set(v))),
        f"a list of distinct teachers out of {sorted(TEACHERS)}",
    ),
    "pskd.tau": _POSITIVE,
    "pskd.temperature": _TEMPERATURE,
    **{f"pskd.{k}": _WEIGHT for k in ("semantic", "distance", "angle")},
    "pskd.mode": _one_of(ACS_MODES),
}


class ConfigError(ValueError):
    """A config file or override that does not fit the schema; the message names the key."""


def _merge(base: dict, over: dict, where: str, strict: bool) -> dict:
    out = copy.deepcopy(base)
    for key, value in over.items():
        path = f"{where}.{key}" if where else key
        if strict and key not in base:
            raise ConfigError(f"config key '{path}': unknown (expected one of {sorted(base)})")
        if isinstance(base.get(key), dict) and not isinstance(value, dict):
            raise ConfigError(f"config key '{path}': expected a mapping, got {value!r}")
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            free = tuple(path.split(".")) in FREE_FORM
            out[key] = _merge(base[key], value, path, strict=strict and not free)
        else:
            out[key] = copy.deepcopy(value)
    return out


def with_defaults(config: dict[str, Any]) -> dict[str, Any]:
    """``config`` with every key it lacks (a setting added since it was written) at its default."""
    return _merge(DEFAULTS, config, "", strict=False)


def _read(path: Path, seen: tuple[Path, ...] = ()) -> dict:
    path = path.resolve()
    if path in seen:
        raise ConfigError(f"{path}: 'extends' loops back to itself")
    if not path.is_file():
        raise ConfigError(f"{path}: config file not found")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path}: not a text (UTF-8) YAML file (byte {exc.start} is {exc.object[exc.start]:#04x})"
        ) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({first_line(exc)})") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level, got {type(raw).__name__}")
    base = raw.pop("extends", None)
    if base is None:
        return raw
    return _merge(_read(path.parent / base, (*seen, path)), raw, "", strict=False)


def _parse_value(key: str, text: str) -> Any:
    try:
        return parse_yaml(text)
    except ValueError as exc:
        raise ConfigError(f"config key '{key}': {exc}") from None


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
        cursor[parts[-1]] = _parse_value(key, value)
        config = _merge(config, nested, "", strict=True)
    config = copy.deepcopy(config)  # DEFAULTS itself when there is no file and no override
    _check(config, DEFAULTS, "")
    _check_together(config)
    return config


def _check(config: dict[str, Any], defaults: dict[str, Any], where: str) -> None:
    """Every entry against its default's type (training.values.like_default) and its rule."""
    for key, default in defaults.items():
        path = f"{where}.{key}" if where else key
        value = config[key]
        if isinstance(default, dict):
            if tuple(path.split(".")) not in FREE_FORM:
                _check(value, default, path)
            continue
        if path in AUTO_KEYS and is_auto(value):  # resolved from the data (training/auto_settings.py)
            continue
        value, expected = like_default(value, default)
        if expected is None and path in RULES:
            test, rule = RULES[path]
            expected = None if test(value) else rule
        if expected is not None:
            expected += f" or {AUTO!r} (from the data)" if path in AUTO_KEYS else ""
            raise ConfigError(f"config key '{path}': expected {expected}, got {value!r}")
        config[key] = value


def _check_together(config: dict[str, Any]) -> None:
    """Rules that tie entries to each other."""
    w = config["window"]
    auto = auto_keys(config)  # checked together once the data has resolved them
    try:
        if not {"window.rate_hz", "window.window_samples", "window.hop_samples"} & set(auto):
            check_rate_window_hop(w["rate_hz"], w["window_samples"], w["hop_samples"])
    except ValueError as exc:  # "<name>: expected ..., got ..."
        name, _, problem = str(exc).partition(": ")
        raise ConfigError(f"config key 'window.{name}': {problem}") from None
    ds = config["dataset"]
    try:
        ds["options"] = check_options(ds["name"], ds["options"])
    except ValueError as exc:
        raise ConfigError(f"config key 'dataset.options': {exc}") from None
    if (
        not {"window.window_samples", "gaf.image_size"} & set(auto)
        and config["gaf"]["image_size"] > config["window"]["window_samples"]
    ):
        raise ConfigError(
            f"config key 'gaf.image_size': expected <= window.window_samples "
            f"({config['window']['window_samples']}), got {config['gaf']['image_size']}"
        )
    shape, sensors = config["gaf"]["shape_sensors"], config["window"]["sensors"]
    if "window.sensors" not in auto and not set(shape) <= set(sensors):
        raise ConfigError(f"config key 'gaf.shape_sensors': expected sensors of window.sensors {sensors}, got {shape}")
    if config["export"] and config["method"] != "teacher" and config["student"]["arch"] not in GAF_STUDENTS:
        raise ConfigError(
            f"config key 'export': only GAF students run on the robot ({', '.join(GAF_STUDENTS)}), "
            f"got student.arch={config['student']['arch']!r}"
        )
    if config["export"] and config["method"] == "minirocket":
        raise ConfigError("config key 'export': a MiniRocket baseline is not exported (it is no GAF student)")
    if ds["extra_subjects"] and config["method"] == "minirocket":  # a teacher run sets them aside
        raise ConfigError(
            "config key 'dataset.extra_subjects': extra subjects train students only "
            "(method supervised, kd, vskd or pskd), got method='minirocket'"
        )
    p = config["pskd"]
    problem = schedule_problem(p["schedule"], p["teachers"])
    if problem:
        raise ConfigError(f"config key 'pskd.schedule': {problem}")
