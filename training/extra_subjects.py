"""Extra subjects (``dataset.extra_subjects``): recordings that train the student only.

This is how a robot grows its training set: the camera's skeleton teacher labels what the wrist
IMU recorded, nobody annotates it. The teacher (trained on the labelled training subjects, never
on these) gives every extra window its top class as the label; a distilling student also reads
its soft targets and embeddings there, which is where distillation has something to teach (on
its own training subjects a teacher's outputs are nearly one-hot). ``extra_labels: recorded``
keeps the recordings' own labels instead: the upper bound of what teacher labels can give.
"""

from __future__ import annotations

from typing import Any

import torch

from training.engine.distributed import SINGLE_PROCESS, DistContext
from training.engine.loop import Split, predict
from training.engine.objectives import teacher_keys
from training.prepare import Prepared, onnx_teacher_outputs
from training.teachers import get_teacher


def _teacher_labels(config: dict[str, Any], prepared: Prepared, ctx: DistContext) -> torch.Tensor:
    """The skeleton teacher's top class on each extra window as a run class (-1: the exported
    teacher's top class is none of the run's): from the exported teacher (teacher.model), else
    the run's own; logits attached already (the method distils from it) are reused."""
    extra = prepared.extra
    logits_key = teacher_keys("skeleton")[0]
    classes = prepared.teacher_classes
    if logits_key in extra and (classes is None or classes.identity):
        return extra[logits_key].argmax(1)
    if prepared.teacher is not None:  # its top class over all its classes, not only the run's
        logits = prepared.extra_teacher_logits
        if logits is None:
            logits, _ = onnx_teacher_outputs(prepared.teacher, extra["skeleton"].numpy())
        return torch.from_numpy(classes.labels(logits))
    model, _ = get_teacher(config, prepared, "skeleton", ctx)
    return predict(model, extra)[0].argmax(1)


def labelled_by_teacher(config: dict[str, Any]) -> bool:
    """Whether a teacher labels the extra windows: asked to, or because every label of the run is
    the teacher's (dataset.labels: teacher leaves no recorded one to keep)."""
    ds = config["dataset"]
    return ds["extra_labels"] == "teacher" or ds["labels"] == "teacher"


def label_extra(config: dict[str, Any], prepared: Prepared, ctx: DistContext = SINGLE_PROCESS) -> dict[str, Any]:
    """Label the extra windows as ``dataset.extra_labels`` says (windows the teacher cannot read
    are dropped) and add them to the training split. Returns what a run reports of them: how many
    windows, and how often the teacher's label is the recorded one where a recording has one."""
    extra = prepared.extra
    ds = config["dataset"]
    by_teacher = labelled_by_teacher(config)
    report: dict[str, Any] = {"subjects": list(ds["extra_subjects"]), "labels": "teacher" if by_teacher else "recorded"}
    if by_teacher:
        top = _teacher_labels(config, prepared, ctx)
        valid = extra["skeleton_valid"]
        outside = int((valid & (top < 0)).sum())
        if outside:  # the teacher saw an activity the run does not train
            report["outside_classes"] = outside
        keep = (valid & (top >= 0)).nonzero().squeeze(1)
        recorded = extra["y"][keep]
        labels = top[keep]
        known = recorded >= 0
        if bool(known.any()):
            report["teacher_label_accuracy"] = float((labels[known] == recorded[known]).float().mean())
        extra = {k: v[keep] for k, v in extra.items()}
        extra["y"] = labels
    report["windows"] = len(extra["y"])
    if report["windows"] == 0:
        raise ValueError(
            "dataset.extra_subjects: the teacher labels none of their windows (no tracked skeleton, or none "
            "of the run's classes)"
        )
    train = prepared.splits["train"]
    if by_teacher and ds["extra_balance"]:
        train, classes, copies = keep_unlabelable_share(train, len(extra["y"]))
        if classes:
            report["repeated"] = {"classes": [prepared.label_names[c] for c in classes], "copies": copies}
    prepared.splits["train"] = merge_splits(train, extra)
    return report


def keep_unlabelable_share(train: Split, n_extra: int) -> tuple[Split, list[int], int]:
    """Repeat the labelled windows of the classes no teacher label can give (no window of the
    class has a tracked skeleton: a watch lying on a table) so that their share of the training
    windows stays what it was once ``n_extra`` teacher-labelled windows join. Without it such a
    class shrinks to a fraction of the set, and the student learns to predict it less.
    (Augmentation draws each copy anew.) Returns the split, the repeated classes and how many
    copies each of their windows got."""
    y, tracked = train["y"], train["skeleton_valid"]
    n_classes = int(y.max()) + 1
    unlabelable = torch.bincount(y[tracked], minlength=n_classes) == 0
    copies = round((len(y) + n_extra) / len(y)) - 1
    rows = unlabelable[y].nonzero().squeeze(1)
    if copies < 1 or len(rows) == 0:
        return train, [], 0
    index = torch.cat([torch.arange(len(y)), rows.repeat(copies)])
    classes = sorted({int(c) for c in y[rows].tolist()})
    return {k: v[index] for k, v in train.items()}, classes, copies


def merge_splits(a: Split, b: Split) -> Split:
    """``a``'s windows then ``b``'s, every tensor side by side (``window`` renumbered)."""
    if set(a) != set(b):
        raise ValueError(f"splits with different fields cannot be merged: {sorted(set(a) ^ set(b))}")
    out = {k: torch.cat([a[k], b[k]]) for k in a}
    out["window"] = torch.arange(len(out["y"]))
    return out
