"""A config in, a run folder out: data -> (teachers) -> student or teacher -> metrics -> export.

``run(config)`` is what ``python -m training run --config ...`` and the experiment suite call.
Teachers a method needs are trained on the same split first (or reused: a teacher run is keyed
by everything that determines it), and never see validation or test samples while training.
"""

from __future__ import annotations

import shlex
from typing import Any

import torch

from training.engine.augmented_batches import AugmentedBatches
from training.engine.distributed import SINGLE_PROCESS, DistContext
from training.engine.loop import fit, load_checkpoint, seed_everything
from training.engine.objectives import known_classes
from training.engine.run import RunFolder
from training.export import export_run_student, export_run_teacher
from training.extra_subjects import label_extra
from training.fit_config import fit_config
from training.methods import build_objective, teachers_needed
from training.models.students import build_student, embedding_dim
from training.prepare import (
    augment_config,
    channel_scale,
    gaf_kwargs,
    onnx_teacher_outputs,
    prepare,
    student_channels,
    student_inputs,
)
from training.run_dirs import student_run_dir, teacher_run_dir
from training.teachers import attach_crossfit_logits, attach_onnx_teacher, attach_teacher, get_teacher


def run(
    config: dict[str, Any],
    ctx: DistContext = SINGLE_PROCESS,
    command: str | None = None,
    cache: bool = True,
    resume: bool = False,
) -> dict[str, Any]:
    """Run one config; returns the metrics (and the run folder under 'run_dir')."""
    prepared = prepare(config, cache)
    settings = prepared.config  # what the run trains with: ``auto`` entries resolved from the data
    if config["method"] == "minirocket":
        from training.baselines.minirocket import run_minirocket

        return run_minirocket(config, prepared, student_run_dir(config) if ctx.is_main else None)
    if config["method"] == "teacher":
        kind = config["teacher"]["kind"]
        model, result = get_teacher(config, prepared, kind, ctx)
        k = int(config["teacher"]["crossfit"])
        for i in range(k):  # the fold teachers its students read (trained here once, not by each)
            get_teacher(config, prepared, kind, ctx, fold=(k, i))
        if config["export"] and ctx.is_main:
            export_run_teacher(settings, model, prepared, result, command)
        return {**result, "run_dir": str(teacher_run_dir(config, kind))}
    teacher_dims, teacher_metrics = {}, {}
    exported = prepared.teacher
    for kind in teachers_needed(config):
        if exported is not None and kind == "skeleton":
            train = prepared.splits["train"]
            classes = prepared.teacher_classes
            teacher_dims[kind] = attach_onnx_teacher(train, kind, exported, classes, prepared.teacher_train_outputs)
            if prepared.extra is not None:
                outputs = onnx_teacher_outputs(exported, prepared.extra["skeleton"].numpy())
                prepared.extra_teacher_logits = outputs[0]
                attach_onnx_teacher(prepared.extra, kind, exported, classes, outputs)
            teacher_metrics[kind] = exported.card.provenance.get("metrics", {}).get("test_accuracy")
            continue
        teacher, t_result = get_teacher(config, prepared, kind, ctx)
        attach_teacher(prepared.splits["train"], kind, teacher)
        if prepared.extra is not None:  # the teacher never trained on these subjects
            attach_teacher(prepared.extra, kind, teacher)
        teacher_dims[kind] = embedding_dim(teacher)
        teacher_metrics[kind] = t_result["test"]["accuracy"]
        if config["teacher"]["crossfit"]:
            k = int(config["teacher"]["crossfit"])
            teacher_metrics[f"{kind}_out_of_fold"] = attach_crossfit_logits(config, prepared, kind, k, ctx)
    # what each teacher learnt, read before teacher-labelled extra windows join the training split
    n_classes = len(prepared.label_names)
    teacher_classes = {kind: known_classes(prepared.splits["train"], kind, n_classes) for kind in teacher_dims}
    if exported is not None and "skeleton" in teacher_classes:  # nor a class the exported one has no output for
        teacher_classes["skeleton"] &= torch.from_numpy(prepared.teacher_classes.known)
    extra = label_extra(config, prepared, ctx) if prepared.extra is not None else None
    seed_everything(int(config["seed"]))
    channels = student_channels(settings)
    student = build_student(
        config["student"]["arch"],
        student_inputs(settings),
        len(prepared.label_names),
        norm=config["student"]["norm"],
        scale=channel_scale(settings),
    )
    if config["student"]["init"]:  # fine-tune: same architecture and classes, weights from a checkpoint
        load_checkpoint(student, config["student"]["init"]).train()
    objective = build_objective(config, student, teacher_dims, teacher_classes)
    run_dir = student_run_dir(config)
    folder = RunFolder(run_dir, config, resume=resume, resolved=settings) if ctx.is_main else None
    augmentation = augment_config(config)
    transform = (
        AugmentedBatches(channels, prepared.spec.window_samples, gaf_kwargs(settings), augmentation)
        if augmentation.active
        else None
    )
    model, result = fit(
        objective,
        prepared.splits,
        prepared.label_names,
        fit_config(config),
        folder,
        ctx,
        resume,
        run_dir,
        transform,
    )
    result["teacher_test_accuracy"] = teacher_metrics
    if extra is not None:
        result["extra"] = extra
    if folder is not None:
        folder.write_json("metrics.json", result)
        folder.write_recordings(prepared.recordings, prepared.parts)
        if config["export"]:
            export_run_student(settings, model.cpu(), prepared, result, command)
    return {**result, "run_dir": str(run_dir)}


def command_line(argv: list[str]) -> str:
    return "python -m training " + shlex.join(argv)
