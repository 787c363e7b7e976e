"""Where a run lives: student and teacher run folders, keyed by the data and the settings that
determine them, and whether a finished run of the very same config is already there."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from training.config import with_defaults


def data_identity(config: dict[str, Any]) -> str:
    """The dataset's name, and for data read from a folder that folder's name and a digest of its
    absolute path: two users' generic datasets never share run folders."""
    ds = config["dataset"]
    if not ds["root"]:
        return ds["name"]
    root = Path(ds["root"]).expanduser().resolve()
    digest = hashlib.sha256(str(root).encode()).hexdigest()[:6]
    return f"{ds['name']}-{root.name or 'root'}-{digest}"


def _root(config: dict[str, Any]) -> Path:
    return Path(config["out"]) / f"{data_identity(config)}_{config['dataset']['protocol']}"


def student_run_dir(config: dict[str, Any]) -> Path:
    return _root(config) / f"{config['name']}_seed{config['seed']}"


def finished_run(config: dict[str, Any]) -> dict[str, Any] | None:
    """The metrics of a completed student run of this very config, else None.

    Lets an interrupted experiment suite continue where it stopped. Settings that do not change
    the result (threads, progress bars) may differ; a key the stored config lacks counts as its
    default (a new setting's default is the behaviour the run had without it); a run whose
    metrics.json predates its config.json was interrupted after a restart and does not count.
    """
    run_dir = student_run_dir(config)
    metrics, meta = run_dir / "metrics.json", run_dir / "config.json"
    if not (metrics.is_file() and meta.is_file()) or metrics.stat().st_mtime < meta.stat().st_mtime:
        return None

    def essence(c: dict[str, Any]) -> str:
        c = json.loads(json.dumps(c, default=str))
        c.pop("progress", None)
        c.get("optim", {}).pop("threads", None)
        return json.dumps(c, sort_keys=True)

    stored = with_defaults(json.loads(meta.read_text())["config"])
    if essence(stored) != essence(config):
        return None
    return {**json.loads(metrics.read_text()), "run_dir": str(run_dir)}


def teacher_run_dir(config: dict[str, Any], kind: str) -> Path:
    """Teacher runs are keyed by everything that determines them (data, windows, teacher, seed)."""
    key = {k: config[k] for k in ("dataset", "window", "seed")}
    # extra subjects (dataset.extra_*) train students only: a teacher never reads them
    key["dataset"] = {k: v for k, v in key["dataset"].items() if not k.startswith("extra_")}
    # teachers read the accelerometer and skeleton whatever channels the student reads
    key["window"] = {k: v for k, v in key["window"].items() if k != "sensors"}
    # crossfit and unseen_classes decide what a student reads, not how any one teacher is trained
    skip = ("kind", "model", "crossfit", "unseen_classes")
    key["teacher"] = {k: v for k, v in config["teacher"].items() if k not in skip}
    key["kind"] = kind
    key["optim.weight_decay"] = config["optim"]["weight_decay"]
    digest = hashlib.sha256(json.dumps(key, sort_keys=True, default=str).encode()).hexdigest()[:10]
    return _root(config) / "teachers" / f"{kind}_seed{config['seed']}_{digest}"
