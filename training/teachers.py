"""Teachers a student learns from: trained on the training split (or reused from their run folder),
then frozen, their logits and embeddings attached to every training sample."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import torch

from training.class_map import ClassMap
from training.data.protocols import group_folds
from training.engine.distributed import SINGLE_PROCESS, DistContext
from training.engine.loop import Split, fit, load_checkpoint, predict, seed_everything
from training.engine.objectives import SupervisedObjective, teacher_keys
from training.engine.run import RunFolder
from training.fit_config import fit_config
from training.models.teachers import build_teacher
from training.prepare import Prepared, onnx_teacher_outputs
from training.run_dirs import teacher_run_dir


def teacher_input_valid(split_: Split, model: torch.nn.Module) -> torch.Tensor:
    """Which samples a teacher can read: those with a tracked skeleton, if it reads skeletons."""
    if "skeleton" not in model.inputs:
        return torch.ones_like(split_["y"], dtype=torch.bool)
    return split_["skeleton_valid"].clone()


def teacher_split(split_: Split, model: torch.nn.Module) -> Split:
    """The samples of ``split_`` a teacher can read (see :func:`teacher_input_valid`)."""
    keep = teacher_input_valid(split_, model).nonzero().squeeze(1)
    return {k: v[keep] for k, v in split_.items()}


def get_teacher(
    config: dict[str, Any],
    prepared: Prepared,
    kind: str,
    ctx: DistContext = SINGLE_PROCESS,
    fold: tuple[int, int] | None = None,
) -> tuple[torch.nn.Module, dict]:
    """A trained teacher of ``kind``: loaded from its run folder, or trained now on the train split.

    With ``fold`` = (k, i) it is one of :func:`attach_crossfit_logits`' teachers: trained on the
    training subjects outside fold i of k and tested on those inside it."""
    t = config["teacher"]
    ctx.barrier()  # every rank decides train-or-load from the same files
    seed_everything(int(config["seed"]))  # the initial weights are part of the run's seed
    model = build_teacher(kind, len(prepared.label_names), int(t["width"]), int(t["embedding"]))
    run_dir = teacher_run_dir(config, kind)
    if fold is not None:
        run_dir = run_dir.with_name(f"{run_dir.name}_crossfit{fold[0]}_{fold[1]}")
    metrics = run_dir / "metrics.json"
    if metrics.is_file() and (run_dir / "best.pt").is_file():
        return load_checkpoint(model, run_dir / "best.pt"), json.loads(metrics.read_text())
    splits = prepared.splits if fold is None else _fold_splits(prepared, *fold)
    data = {part: teacher_split(s, model) for part, s in splits.items()}
    run = RunFolder(run_dir, {**config, "method": "teacher", "teacher": {**t, "kind": kind}}) if ctx.is_main else None
    model, result = fit(SupervisedObjective(model), data, prepared.label_names, fit_config(config, True), run, ctx)
    if run is not None and fold is None:
        run.write_recordings(prepared.recordings, prepared.parts)
    return model.cpu(), result


def _train_folds(prepared: Prepared, k: int) -> np.ndarray:
    """Each training window's fold: its subject's, subjects grouped as the k-fold protocol does."""
    subjects = [prepared.recordings[i].subject for i in prepared.splits["train"]["recording"].tolist()]
    fold = group_folds(subjects, k)
    return np.array([fold[s] for s in subjects])


def _fold_splits(prepared: Prepared, k: int, i: int) -> dict[str, Split]:
    """Train on the training subjects outside fold i, validate as the run does, test on fold i."""
    train = prepared.splits["train"]
    folds = _train_folds(prepared, k)
    take = lambda mask: {key: v[torch.from_numpy(np.flatnonzero(mask))] for key, v in train.items()}  # noqa: E731
    return {"train": take(folds != i), "val": prepared.splits["val"], "test": take(folds == i)}


def attach_crossfit_logits(
    config: dict[str, Any], prepared: Prepared, kind: str, k: int, ctx: DistContext = SINGLE_PROCESS
) -> float:
    """Replace the teacher's logits on the training split by out-of-fold ones: each window's from a
    teacher that never saw its subject. A teacher's logits on the people it trained on are nearly
    one-hot, so its soft targets teach little; on people it did not see they carry the confusions
    it has at test time, which is the knowledge distillation means to pass on. (The embedding stays
    the full teacher's: relational and semantic terms compare embeddings in one space.) Returns the
    teachers' accuracy on the subjects they did not see."""
    train = prepared.splits["train"]
    logits_key, _, valid_key = teacher_keys(kind)
    folds = _train_folds(prepared, k)
    out_of_fold = train[logits_key].clone()
    right = total = 0
    for i in range(k):
        model, _ = get_teacher(config, prepared, kind, ctx, fold=(k, i))
        held = torch.from_numpy(np.flatnonzero(folds == i))
        part = {key: v[held] for key, v in train.items()}
        z, _ = predict(model, part)
        valid = part[valid_key]
        out_of_fold[held] = z.masked_fill(~valid.unsqueeze(1), 0.0)
        right += int((z.argmax(1) == part["y"])[valid].sum())
        total += int(valid.sum())
    train[logits_key] = out_of_fold
    return right / max(total, 1)


def attach_teacher(split_: Split, kind: str, model: torch.nn.Module) -> None:
    """Add the frozen teacher's logits, embedding and validity for every sample of ``split_``."""
    logits_key, emb_key, valid_key = teacher_keys(kind)
    valid = teacher_input_valid(split_, model)
    z, e = predict(model, split_)
    split_[logits_key] = z.masked_fill(~valid.unsqueeze(1), 0.0)
    split_[emb_key] = e.masked_fill(~valid.unsqueeze(1), 0.0)
    split_[valid_key] = valid


def attach_onnx_teacher(
    split_: Split,
    kind: str,
    teacher,
    classes: ClassMap,
    outputs: tuple[np.ndarray, np.ndarray | None] | None = None,
) -> int:
    """As :func:`attach_teacher`, from an exported teacher (ONNX Runtime): its ``outputs`` on this
    split if already computed (:func:`relabel_by_teacher`), else it runs; its logits are read on
    the run's classes (``classes``); returns the embedding size."""
    if not teacher.card.embedding_name:
        raise ValueError(f"teacher.model: {teacher.path} exports no embedding (card field 'embedding_name')")
    logits_key, emb_key, valid_key = teacher_keys(kind)
    valid = split_["skeleton_valid"]
    logits, embedding = outputs if outputs is not None else onnx_teacher_outputs(teacher, split_["skeleton"].numpy())
    z = torch.from_numpy(classes.logits(logits)).float()
    e = torch.from_numpy(embedding).float()
    split_[logits_key] = z.masked_fill(~valid.unsqueeze(1), 0.0)
    split_[emb_key] = e.masked_fill(~valid.unsqueeze(1), 0.0)
    split_[valid_key] = valid
    return int(e.shape[1])
