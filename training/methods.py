"""A config's method as its training objective, and the teachers that objective reads."""

from __future__ import annotations

from typing import Any

import torch

from training.config import METHODS
from training.engine.objectives import DASKObjective, PSKDObjective, SupervisedObjective
from training.extra_subjects import labelled_by_teacher
from training.losses.acs import ACSWeights
from training.losses.dask import DASKWeights
from training.models.students import embedding_dim

TEACHERS_OF = {"kd": ["skeleton"], "vskd": ["skeleton"]}


def build_objective(
    config: dict[str, Any],
    student: torch.nn.Module,
    teacher_dims: dict[str, int],
    teacher_classes: dict[str, torch.Tensor] | None = None,
) -> torch.nn.Module:
    """``teacher_classes``: each teacher's known classes (objectives.known_classes), the only ones
    its soft targets cover when ``teacher.unseen_classes`` is 'drop'."""
    method = config["method"]
    drop = config["teacher"]["unseen_classes"] == "drop" and teacher_classes is not None
    classes_of = (lambda kind: teacher_classes[kind]) if drop else (lambda kind: None)
    if method == "supervised":
        return SupervisedObjective(student, float(config["optim"]["label_smoothing"]))
    dim = embedding_dim(student)
    if method in ("kd", "vskd"):
        if method == "kd":
            k = config["kd"]
            weights = DASKWeights(
                ce=k["ce"],
                kd=k["kd"],
                distance=0.0,
                angle=0.0,
                semantic=0.0,
                temperature=k["temperature"],
                ce_untaught=k["ce_untaught"],
            )
        else:
            weights = DASKWeights(**{k: float(v) for k, v in config["dask"].items()})
        return DASKObjective(student, dim, "skeleton", teacher_dims["skeleton"], weights, classes_of("skeleton"))
    if method == "pskd":
        p = config["pskd"]
        schedule = [(float(s["until"]), set(s["teachers"])) for s in p["schedule"]]
        weights = ACSWeights(
            tau=float(p["tau"]),
            temperature=float(p["temperature"]),
            semantic=float(p["semantic"]),
            distance=float(p["distance"]),
            angle=float(p["angle"]),
            mode=p["mode"],
        )
        teachers = list(p["teachers"])
        return PSKDObjective(
            student,
            dim,
            teachers,
            [teacher_dims[k] for k in teachers],
            schedule,
            int(config["optim"]["epochs"]),
            weights,
            [classes_of(k) for k in teachers] if drop else None,
        )
    raise ValueError(f"method: expected one of {METHODS}, got {method!r}")


def teachers_needed(config: dict[str, Any]) -> list[str]:
    if config["method"] == "pskd":
        return list(config["pskd"]["teachers"])
    return TEACHERS_OF.get(config["method"], [])


def teachers_trained(config: dict[str, Any]) -> list[str]:
    """The teachers a run trains (or reuses): those its objective reads, and the skeleton teacher
    that labels ``dataset.extra_subjects`` when no exported teacher (teacher.model) does."""
    kinds = teachers_needed(config)
    extra = config["dataset"]["extra_subjects"]
    labels_extra = extra and labelled_by_teacher(config) and not config["teacher"]["model"]
    return kinds + ["skeleton"] if labels_extra and "skeleton" not in kinds else kinds
