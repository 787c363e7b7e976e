"""A config in, a run folder out: data -> (teachers) -> student or teacher -> metrics -> export.

``run(config)`` is what ``python -m training run --config ...`` and the experiment suite call.
Teachers a method needs are trained on the same split first (or reused: a teacher run is keyed
by everything that determines it), and never see validation or test samples while training.
"""

from __future__ import annotations

import hashlib
import json
import shlex
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch

from har_kd_ros.channels import channels_of, sensor_of, uses_gyro
from har_kd_ros.gaf import gaf
from training.config import METHODS
from training.data.augment import AugmentConfig
from training.data.pairing import WindowSpec, pair_recordings
from training.data.protocols import get_protocol, split
from training.engine.augmented_batches import AugmentedBatches
from training.engine.distributed import SINGLE_PROCESS, DistContext
from training.engine.loop import FitConfig, Split, fit, load_checkpoint, predict, seed_everything
from training.engine.objectives import DASKObjective, PSKDObjective, SupervisedObjective, teacher_keys
from training.engine.run import RunFolder, git_commit, now_iso
from training.losses.acs import ACSWeights
from training.losses.dask import DASKWeights
from training.models.students import build_student, embedding_dim
from training.models.teachers import build_teacher

TEACHERS_OF = {"kd": ["skeleton"], "vskd": ["skeleton"]}


@dataclass
class Prepared:
    """Paired, encoded splits: every tensor in a split is indexed by the same window index."""

    label_names: tuple[str, ...]
    spec: WindowSpec
    splits: dict[str, Split]
    raw_imu: dict[str, np.ndarray]  # (N, C, W) windows of the card's channels (export parity, baselines)
    gravity: str = "included"  # the training recordings' convention (the card states it)
    sensor_location: str = "right_wrist"  # where they were worn
    teacher: Any = None  # the exported teacher named by teacher.model (loaded once), if any
    # its logits and embedding on the train split when it labelled the windows (dataset.labels:
    # teacher), so distillation does not run it over them a second time
    teacher_train_outputs: tuple[np.ndarray, np.ndarray | None] | None = None


def label_names_of(config: dict[str, Any], recordings: list) -> tuple[str, ...]:
    if config["dataset"]["name"] == "synthetic":
        from training.data.synthetic import ACTIVITIES

        return ACTIVITIES
    names = set()
    for r in recordings:
        names.update([r.label] if r.label else [s.label for s in r.segments])
    return tuple(sorted(names))


def load_recordings(config: dict[str, Any], cache: bool = True) -> list:
    from training.data.datasets import load_dataset
    from training.data.locations import select_by_location

    ds = config["dataset"]
    options = dict(ds["options"])
    if ds["name"] == "synthetic":
        options.setdefault("seed", config["seed"])
    recordings, note = select_by_location(load_dataset(ds["name"], ds["root"], cache=cache, **options), ds["locations"])
    if note:
        print(note, file=sys.stderr)
    return recordings


def student_channels(config: dict[str, Any]) -> tuple[str, ...]:
    return channels_of(config["window"]["sensors"])


def channel_scale(config: dict[str, Any]) -> tuple[float, ...]:
    """Each channel's sensor range: ``gaf.range`` m/s^2 or ``gaf.gyro_range`` rad/s."""
    g = config["gaf"]
    return tuple(float(g["range"] if sensor_of(c) == "acc" else g["gyro_range"]) for c in student_channels(config))


def gaf_value_range(config: dict[str, Any]) -> Any:
    """The card's ``value_range`` for fixed normalisation (none for per-window): +-range for an
    accelerometer student, one pair per channel where gyroscope channels have their own range."""
    if config["gaf"]["normalisation"] != "fixed":
        return None
    scale = channel_scale(config)
    if not uses_gyro(student_channels(config)):
        return (-scale[0], scale[0])
    return tuple((-s, s) for s in scale)


def gaf_kwargs(config: dict[str, Any]) -> dict[str, Any]:
    """:func:`har_kd_ros.gaf.gaf`'s arguments, as the card will state them."""
    g = config["gaf"]
    return {
        "method": g["method"],
        "image_size": int(g["image_size"]),
        "normalisation": g["normalisation"],
        "value_range": gaf_value_range(config),
    }


def augment_config(config: dict[str, Any]) -> AugmentConfig:
    return AugmentConfig.from_config(config["augment"])


def recorded_convention(recordings: list, field: str) -> str:
    """The one gravity convention (or body location) of the training recordings; a set that mixes
    gravity conventions is refused (the student would learn two meanings of the same input)."""
    values = sorted({getattr(r, field) for r in recordings})
    if field == "gravity" and len(values) > 1:
        raise ValueError(f"dataset: the training recordings mix gravity conventions {values}; expected one")
    if field == "location":  # where it was worn: a watch lying on a table says nothing about that
        from training.data.locations import OFF_BODY

        values = [v for v in values if v not in OFF_BODY] or values
    return "+".join(values)


def onnx_teacher(config: dict[str, Any]):
    """The exported teacher named by ``teacher.model`` (validated card + graph), or None."""
    if not config["teacher"]["model"]:
        return None
    from har_kd_ros.classifier import TeacherClassifier

    return TeacherClassifier(config["teacher"]["model"])


def window_spec(config: dict[str, Any], teacher=None) -> WindowSpec:
    """The config's windows; an exported teacher dictates how its skeleton windows are cut."""
    w = config["window"]
    spec = WindowSpec(
        rate_hz=float(w["rate_hz"]),
        window_samples=int(w["window_samples"]),
        hop_samples=int(w["hop_samples"]),
        skeleton_frames=int(w["skeleton_frames"]),
        max_gap_s=float(w["max_gap_s"]),
        min_skeleton_coverage=float(w["min_skeleton_coverage"]),
        root_relative=bool(w["root_relative"]),
        channels=channels_of(w["sensors"]),
    )
    if teacher is None:
        return spec
    card = teacher.card
    if abs(card.window_s - spec.window_samples / spec.rate_hz) > 1e-6:
        raise ValueError(
            f"teacher.model: {teacher.path} labels {card.window_s:.3f} s windows, the config's windows are "
            f"{spec.window_samples / spec.rate_hz:.3f} s (window.window_samples / window.rate_hz)"
        )
    return replace(
        spec,
        skeleton_frames=card.skeleton_frames,
        min_skeleton_coverage=card.min_coverage,
        body_frame=card.body_frame,
        root_relative=card.root_relative,
    )


def onnx_teacher_outputs(teacher, skeleton: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """The exported teacher's logits (N, K) and embedding (N, D; None if it exports none), 512
    windows at a time."""
    parts = [teacher.logits_and_embedding(skeleton[i : i + 512]) for i in range(0, len(skeleton), 512)]
    if not parts:
        return np.zeros((0, len(teacher.labels)), np.float32), None
    embedding = None if parts[0][1] is None else np.concatenate([p[1] for p in parts])
    return np.concatenate([p[0] for p in parts]), embedding


def relabel_by_teacher(paired, teacher):
    """Each window labelled by the teacher's top class; windows it cannot read are dropped. Also
    returns the teacher's outputs on the kept windows (:func:`onnx_teacher_outputs`)."""
    paired = paired.subset(np.flatnonzero(paired.skeleton_valid))
    logits, embedding = onnx_teacher_outputs(teacher, paired.skeleton)
    return replace(paired, labels=logits.argmax(1).astype(np.int64)), (logits, embedding)


def prepare(config: dict[str, Any], cache: bool = True) -> Prepared:
    recordings = load_recordings(config, cache)
    teacher = onnx_teacher(config)
    by_teacher = config["dataset"]["labels"] == "teacher"  # or "recorded" (load_config checked it)
    if by_teacher and teacher is None:
        raise ValueError("dataset.labels: 'teacher' needs teacher.model (an exported skeleton teacher .onnx)")
    labels = teacher.labels if by_teacher else label_names_of(config, recordings)
    spec = window_spec(config, teacher)
    protocol = get_protocol(config["dataset"]["protocol"])
    sp = split(recordings, protocol, val_fraction=float(config["dataset"]["val_fraction"]), seed=config["seed"])
    encoding = gaf_kwargs(config)
    margin = augment_config(config).context_samples(spec.window_samples)
    splits, raw, train_outputs = {}, {}, None
    for part, idx in (("train", sp.train), ("val", sp.val), ("test", sp.test)):
        # augmentation reads each training window's neighbourhood; validation and test do not
        part_spec = replace(spec, context_samples=margin if part == "train" else 0)
        paired = pair_recordings([recordings[i] for i in idx], part_spec, labels, keep_unlabelled=by_teacher)
        if by_teacher:
            paired, outputs = relabel_by_teacher(paired, teacher)
            train_outputs = outputs if part == "train" else train_outputs
        if len(paired) == 0:
            raise ValueError(f"dataset: the {part} split has no labelled windows (protocol {protocol.name})")
        images = gaf(paired.imu, **encoding)
        raw[part] = paired.imu
        splits[part] = {
            "gaf": torch.from_numpy(np.ascontiguousarray(images, dtype=np.float32)),
            "imu": torch.from_numpy(paired.imu),
            "acc": torch.from_numpy(paired.acc),
            "skeleton": torch.from_numpy(paired.skeleton.astype(np.float32)),
            "skeleton_valid": torch.from_numpy(paired.skeleton_valid),
            "y": torch.from_numpy(paired.labels.astype(np.int64)),
            "window": torch.arange(len(paired)),
            # the recording each window came from, as an index into the whole dataset
            "recording": torch.from_numpy(np.asarray(idx, dtype=np.int64)[paired.recording]),
            "t_start": torch.from_numpy(paired.t_start.astype(np.float64)),
            "t_end": torch.from_numpy(paired.t_end.astype(np.float64)),
        }
        if paired.context is not None:
            c = paired.context
            splits[part].update(
                context=torch.from_numpy(c.data),
                context_lo=torch.from_numpy(c.lo.astype(np.int64)),
                context_hi=torch.from_numpy(c.hi.astype(np.int64)),
                context_pos=torch.from_numpy(c.pos.astype(np.int64)),
            )
    train_recordings = [recordings[i] for i in sp.train]
    return Prepared(
        labels,
        spec,
        splits,
        raw,
        teacher=teacher,
        teacher_train_outputs=train_outputs,
        gravity=recorded_convention(train_recordings, "gravity"),
        sensor_location=recorded_convention(train_recordings, "location"),
    )


def teacher_input_valid(split_: Split, model: torch.nn.Module) -> torch.Tensor:
    """Which samples a teacher can read: those with a tracked skeleton, if it reads skeletons."""
    if "skeleton" not in model.inputs:
        return torch.ones_like(split_["y"], dtype=torch.bool)
    return split_["skeleton_valid"].clone()


def teacher_split(split_: Split, model: torch.nn.Module) -> Split:
    """The samples of ``split_`` a teacher can read (see :func:`teacher_input_valid`)."""
    keep = teacher_input_valid(split_, model).nonzero().squeeze(1)
    return {k: v[keep] for k, v in split_.items()}


def _fit_config(config: dict[str, Any], teacher: bool = False) -> FitConfig:
    o, t = config["optim"], config["teacher"]
    return FitConfig(
        epochs=int(t["epochs"] if teacher else o["epochs"]),
        batch_size=int(t["batch_size"] if teacher else o["batch_size"]),
        lr=float(t["lr"] if teacher else o["lr"]),
        weight_decay=float(o["weight_decay"]),
        seed=int(config["seed"]),
        threads=int(o["threads"]),
        progress=bool(config.get("progress", True)),
        # the student's stabilisers; teachers train as they always have
        ema=0.0 if teacher else float(o["ema"]),
        precise_bn=0 if teacher else int(o["precise_bn"]),
        select_radius=int(o["select_radius"]),
        label_smoothing=0.0 if teacher else float(o["label_smoothing"]),
    )


def _root(config: dict[str, Any]) -> Path:
    return Path(config["out"]) / f"{config['dataset']['name']}_{config['dataset']['protocol']}"


def student_run_dir(config: dict[str, Any]) -> Path:
    return _root(config) / f"{config['name']}_seed{config['seed']}"


def finished_run(config: dict[str, Any]) -> dict[str, Any] | None:
    """The metrics of a completed student run of this very config, else None.

    Lets an interrupted experiment suite continue where it stopped. Settings that do not change
    the result (threads, progress bars) may differ; a run whose metrics.json predates its
    config.json was interrupted after a restart and does not count.
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

    if essence(json.loads(meta.read_text())["config"]) != essence(config):
        return None
    return {**json.loads(metrics.read_text()), "run_dir": str(run_dir)}


def teacher_run_dir(config: dict[str, Any], kind: str) -> Path:
    """Teacher runs are keyed by everything that determines them (data, windows, teacher, seed)."""
    key = {k: config[k] for k in ("dataset", "window", "seed")}
    # teachers read the accelerometer and skeleton whatever channels the student reads
    key["window"] = {k: v for k, v in key["window"].items() if k != "sensors"}
    key["teacher"] = {k: v for k, v in config["teacher"].items() if k not in ("kind", "model")}
    key["kind"] = kind
    key["optim.weight_decay"] = config["optim"]["weight_decay"]
    digest = hashlib.sha256(json.dumps(key, sort_keys=True, default=str).encode()).hexdigest()[:10]
    return _root(config) / "teachers" / f"{kind}_seed{config['seed']}_{digest}"


def get_teacher(
    config: dict[str, Any], prepared: Prepared, kind: str, ctx: DistContext = SINGLE_PROCESS
) -> tuple[torch.nn.Module, dict]:
    """A trained teacher of ``kind``: loaded from its run folder, or trained now on the train split."""
    t = config["teacher"]
    ctx.barrier()  # every rank decides train-or-load from the same files
    seed_everything(int(config["seed"]))  # the initial weights are part of the run's seed
    model = build_teacher(kind, len(prepared.label_names), int(t["width"]), int(t["embedding"]))
    run_dir = teacher_run_dir(config, kind)
    metrics = run_dir / "metrics.json"
    if metrics.is_file() and (run_dir / "best.pt").is_file():
        return load_checkpoint(model, run_dir / "best.pt"), json.loads(metrics.read_text())
    data = {part: teacher_split(s, model) for part, s in prepared.splits.items()}
    run = RunFolder(run_dir, {**config, "method": "teacher", "teacher": {**t, "kind": kind}}) if ctx.is_main else None
    model, result = fit(SupervisedObjective(model), data, prepared.label_names, _fit_config(config, True), run, ctx)
    return model.cpu(), result


def attach_teacher(split_: Split, kind: str, model: torch.nn.Module) -> None:
    """Add the frozen teacher's logits, embedding and validity for every sample of ``split_``."""
    logits_key, emb_key, valid_key = teacher_keys(kind)
    valid = teacher_input_valid(split_, model)
    z, e = predict(model, split_)
    split_[logits_key] = z.masked_fill(~valid.unsqueeze(1), 0.0)
    split_[emb_key] = e.masked_fill(~valid.unsqueeze(1), 0.0)
    split_[valid_key] = valid


def attach_onnx_teacher(
    split_: Split, kind: str, teacher, outputs: tuple[np.ndarray, np.ndarray | None] | None = None
) -> int:
    """As :func:`attach_teacher`, from an exported teacher (ONNX Runtime): its ``outputs`` on this
    split if already computed (:func:`relabel_by_teacher`), else it runs; returns the embedding size."""
    if not teacher.card.embedding_name:
        raise ValueError(f"teacher.model: {teacher.path} exports no embedding (card field 'embedding_name')")
    logits_key, emb_key, valid_key = teacher_keys(kind)
    valid = split_["skeleton_valid"]
    logits, embedding = outputs if outputs is not None else onnx_teacher_outputs(teacher, split_["skeleton"].numpy())
    z = torch.from_numpy(logits).float()
    e = torch.from_numpy(embedding).float()
    split_[logits_key] = z.masked_fill(~valid.unsqueeze(1), 0.0)
    split_[emb_key] = e.masked_fill(~valid.unsqueeze(1), 0.0)
    split_[valid_key] = valid
    return int(e.shape[1])


def build_objective(config: dict[str, Any], student: torch.nn.Module, teacher_dims: dict[str, int]) -> torch.nn.Module:
    method = config["method"]
    if method == "supervised":
        return SupervisedObjective(student, float(config["optim"]["label_smoothing"]))
    dim = embedding_dim(student)
    if method in ("kd", "vskd"):
        if method == "kd":
            k = config["kd"]
            weights = DASKWeights(
                ce=k["ce"], kd=k["kd"], distance=0.0, angle=0.0, semantic=0.0, temperature=k["temperature"]
            )
        else:
            weights = DASKWeights(**{k: float(v) for k, v in config["dask"].items()})
        return DASKObjective(student, dim, "skeleton", teacher_dims["skeleton"], weights)
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
        )
    raise ValueError(f"method: expected one of {METHODS}, got {method!r}")


def teachers_needed(config: dict[str, Any]) -> list[str]:
    if config["method"] == "pskd":
        return list(config["pskd"]["teachers"])
    return TEACHERS_OF.get(config["method"], [])


def run(
    config: dict[str, Any],
    ctx: DistContext = SINGLE_PROCESS,
    command: str | None = None,
    cache: bool = True,
    resume: bool = False,
) -> dict[str, Any]:
    """Run one config; returns the metrics (and the run folder under 'run_dir')."""
    prepared = prepare(config, cache)
    if config["method"] == "minirocket":
        from training.baselines.minirocket import run_minirocket

        return run_minirocket(config, prepared, student_run_dir(config) if ctx.is_main else None)
    if config["method"] == "teacher":
        kind = config["teacher"]["kind"]
        model, result = get_teacher(config, prepared, kind, ctx)
        if config["export"] and ctx.is_main:
            export_skeleton_teacher(config, model, prepared, result, command)
        return {**result, "run_dir": str(teacher_run_dir(config, kind))}
    teacher_dims, teacher_metrics = {}, {}
    exported = prepared.teacher
    for kind in teachers_needed(config):
        if exported is not None and kind == "skeleton":
            train = prepared.splits["train"]
            teacher_dims[kind] = attach_onnx_teacher(train, kind, exported, prepared.teacher_train_outputs)
            teacher_metrics[kind] = exported.card.provenance.get("metrics", {}).get("test_accuracy")
            continue
        teacher, t_result = get_teacher(config, prepared, kind, ctx)
        attach_teacher(prepared.splits["train"], kind, teacher)
        teacher_dims[kind] = embedding_dim(teacher)
        teacher_metrics[kind] = t_result["test"]["accuracy"]
    seed_everything(int(config["seed"]))
    channels = student_channels(config)
    student = build_student(
        config["student"]["arch"],
        len(channels),
        len(prepared.label_names),
        norm=config["student"]["norm"],
        scale=channel_scale(config),
    )
    if config["student"]["init"]:  # fine-tune: same architecture and classes, weights from a checkpoint
        load_checkpoint(student, config["student"]["init"]).train()
    objective = build_objective(config, student, teacher_dims)
    run_dir = student_run_dir(config)
    folder = RunFolder(run_dir, config, resume=resume) if ctx.is_main else None
    augmentation = augment_config(config)
    transform = (
        AugmentedBatches(channels, prepared.spec.window_samples, gaf_kwargs(config), augmentation)
        if augmentation.active
        else None
    )
    model, result = fit(
        objective,
        prepared.splits,
        prepared.label_names,
        _fit_config(config),
        folder,
        ctx,
        resume,
        run_dir,
        transform,
    )
    result["teacher_test_accuracy"] = teacher_metrics
    if folder is not None:
        folder.write_json("metrics.json", result)
        if config["export"]:
            export(config, model.cpu(), prepared, result, command)
    return {**result, "run_dir": str(run_dir)}


def provenance(config: dict[str, Any], result: dict, command: str | None) -> dict[str, Any]:
    """What a card records of the run that made its model: data, method, command, commit, metrics."""
    metrics = {
        "val_accuracy": result["val_accuracy"],
        "test_accuracy": result["test"]["accuracy"],
        "test_macro_f1": result["test"]["macro_f1"],
        "n_train": result["n_train"],
        "n_test": result["n_test"],
    }
    if config["method"] != "teacher":
        metrics["teacher_test_accuracy"] = result.get("teacher_test_accuracy", {})
    return {
        "dataset": config["dataset"]["name"],
        "protocol": config["dataset"]["protocol"],
        "method": config["method"],
        "config": config["name"],
        "seed": config["seed"],
        "command": command or "",
        "date": now_iso(),
        "git_commit": git_commit(),
        "metrics": metrics,
    }


def export(config: dict[str, Any], model: torch.nn.Module, prepared: Prepared, result: dict, command: str | None):
    from training.export import export_student

    g = config["gaf"]
    out = Path(config["export"])
    channels = student_channels(config)
    card = export_student(
        model,
        out,
        model_id=f"{out.stem}-{config['student']['arch']}-{config['method']}-{config['dataset']['name']}",
        labels=prepared.label_names,
        rate_hz=prepared.spec.rate_hz,
        window_samples=prepared.spec.window_samples,
        hop_samples=prepared.spec.hop_samples,
        image_size=int(g["image_size"]),
        gaf_method=g["method"],
        normalisation=g["normalisation"],
        value_range=gaf_value_range(config),
        channels=channels,
        gravity=prepared.gravity,
        sensor_location=prepared.sensor_location,
        architecture=config["student"]["arch"],
        parity_windows=prepared.raw_imu["test"][:64],
        provenance=provenance(config, result, command),
    )
    if config["int8"]:
        export_int8(out, card, prepared, config["int8"])
    return card


def export_skeleton_teacher(
    config: dict[str, Any], model: torch.nn.Module, prepared: Prepared, result: dict, command: str | None
):
    """The teacher teacher_node runs: ONNX + a ``skeleton`` card timed like the students' windows."""
    from training.export import export_teacher

    kind = config["teacher"]["kind"]
    if kind != "skeleton":
        raise ValueError(f"export: only skeleton teachers run on the robot (teacher_node), got teacher.kind={kind!r}")
    out = Path(config["export"])
    test = teacher_split(prepared.splits["test"], model)
    spec = prepared.spec
    card = export_teacher(
        model,
        out,
        model_id=f"{out.stem}-skeleton-teacher-{config['dataset']['name']}",
        labels=prepared.label_names,
        rate_hz=spec.rate_hz,
        window_samples=spec.window_samples,
        hop_samples=spec.hop_samples,
        skeleton_frames=spec.skeleton_frames,
        min_coverage=spec.min_skeleton_coverage,
        body_frame=spec.body_frame,
        root_relative=spec.root_relative,
        parity_windows=test["skeleton"][:64].numpy(),
        provenance=provenance(config, result, command),
    )
    return card


def export_int8(fp32_path: Path, card, prepared: Prepared, mode: str) -> Path:
    """``<stem>_int8.onnx`` + card, calibrated on training windows; the card records the accuracy delta."""
    from har_kd_ros.classifier import StudentClassifier
    from har_kd_ros.model_card import ModelCard
    from training.quantize import quantize_int8

    fp32 = StudentClassifier(fp32_path)
    calibration = fp32.encode(prepared.raw_imu["train"][:: max(1, len(prepared.raw_imu["train"]) // 1024)])
    out = fp32_path.with_name(fp32_path.stem + "_int8.onnx")
    quantize_int8(fp32_path, out, calibration, card.input_name, mode)
    test_windows, y = prepared.raw_imu["test"], prepared.splits["test"]["y"].numpy()
    fp32_acc = float((fp32.probabilities(test_windows).argmax(1) == y).mean())
    # the INT8 graph has the same input and output: the fp32 card, renamed, describes it
    int8_card = ModelCard.from_dict({**card.to_dict(), "model_id": card.model_id + "-int8"})
    int8_card.save(out.with_suffix(".json"))
    int8_acc = float((StudentClassifier(out).probabilities(test_windows).argmax(1) == y).mean())
    provenance = {
        **card.provenance,
        "int8": {"mode": mode, "quantised_from": fp32_path.name, "fp32_test_accuracy": fp32_acc,
                 "int8_test_accuracy": int8_acc, "accuracy_delta": int8_acc - fp32_acc},
    }  # fmt: skip
    ModelCard.from_dict({**int8_card.to_dict(), "provenance": provenance}).save(out.with_suffix(".json"))
    print(f"exported {out}: test accuracy {int8_acc:.4f} (fp32 {fp32_acc:.4f}, delta {int8_acc - fp32_acc:+.4f})")
    return out


def command_line(argv: list[str]) -> str:
    return "python -m training " + shlex.join(argv)
