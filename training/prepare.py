"""A config and its dataset in, encoded splits out: recordings -> windows -> GAF images + raw windows.

``prepare(config)`` loads the recordings, splits them by the config's protocol (validation carved
from the training side), cuts every recording into the windows the card will state and encodes
them as the runtime will; entries set to ``auto`` take their values from the data first
(:mod:`training.auto_settings`).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import torch

from har_kd_ros.imu.channels import channels_of, sensor_of, uses_gyro
from har_kd_ros.inference.gaf import gaf
from training.auto_settings import resolve_auto
from training.class_map import ClassMap
from training.data.augment import AugmentConfig
from training.data.pairing import WindowSpec, label_share, pair_recordings
from training.data.protocols import get_protocol, split
from training.data.synthetic.motions import REST_ACTIVITIES
from training.engine.loop import Split


@dataclass
class Prepared:
    """Paired, encoded splits: every tensor in a split is indexed by the same window index."""

    config: dict[str, Any]  # the run's config with its ``auto`` entries resolved from the data
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
    teacher_classes: ClassMap | None = None  # the exported teacher's classes on the run's (by name)
    recordings: list = field(default_factory=list)  # the whole dataset (the splits' ``recording`` indexes it)
    parts: dict[str, list[int]] = field(default_factory=dict)  # which recordings train, validate and test
    # windows of dataset.extra_subjects: the student's training windows once a teacher labels them
    extra: Split | None = None
    # the exported teacher's logits over all its classes on the extra windows, once distillation
    # has run it over them, so labelling them does not run it a second time
    extra_teacher_logits: np.ndarray | None = None


def label_names_of(config: dict[str, Any], recordings: list) -> tuple[str, ...]:
    """The classes the recordings hold (whole-recording labels and segment labels alike): sorted,
    or for the synthetic set in its canonical order, so a run on every activity keeps the bundled
    students' class indices and one on a subset trains only the classes it has."""
    names = set()
    for r in recordings:
        names.update([s.label for s in r.segments] + ([r.label] if r.label else []))
    if config["dataset"]["name"] == "synthetic":
        from training.data.synthetic import ACTIVITIES

        return tuple(a for a in ACTIVITIES if a in names)
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


def _per_channel(config: dict[str, Any], acc_key: str, gyro_key: str) -> tuple[float, ...]:
    """``gaf.<acc_key>`` for each accelerometer channel, ``gaf.<gyro_key>`` for each gyroscope one."""
    g = config["gaf"]
    return tuple(float(g[acc_key] if sensor_of(c) == "acc" else g[gyro_key]) for c in student_channels(config))


def channel_scale(config: dict[str, Any]) -> tuple[float, ...]:
    """Each channel's sensor range: ``gaf.range`` m/s^2 or ``gaf.gyro_range`` rad/s."""
    return _per_channel(config, "range", "gyro_range")


def gaf_value_range(config: dict[str, Any]) -> Any:
    """The card's ``value_range`` for fixed normalisation (none for per-window): +-range for an
    accelerometer student, one pair per channel where gyroscope channels have their own range."""
    if config["gaf"]["normalisation"] != "fixed":
        return None
    scale = channel_scale(config)
    if not uses_gyro(student_channels(config)):
        return (-scale[0], scale[0])
    return tuple((-s, s) for s in scale)


def gaf_mu_law(config: dict[str, Any]) -> tuple[float, ...] | None:
    """The card's ``mu_law``: ``gaf.mu_law`` for accelerometer channels, ``gaf.gyro_mu_law`` for
    the gyroscope's; None where every channel is linear."""
    mu = _per_channel(config, "mu_law", "gyro_mu_law")
    return mu if any(mu) else None


def shape_channels(config: dict[str, Any]) -> tuple[str, ...]:
    """The student's channels that also get a per-window image (``gaf.shape_sensors``; that they
    are sensors the student reads, load_config and resolve_auto check)."""
    return tuple(c for c in student_channels(config) if sensor_of(c) in config["gaf"]["shape_sensors"])


def image_channels(config: dict[str, Any]) -> int:
    """Images per window the student reads: one per channel and one per shape channel."""
    return len(student_channels(config)) + len(shape_channels(config))


def student_inputs(config: dict[str, Any]) -> int:
    """The student's input channels: the raw series' for cnn1d, the GAF images' otherwise."""
    return len(student_channels(config)) if config["student"]["arch"] == "cnn1d" else image_channels(config)


def gaf_kwargs(config: dict[str, Any]) -> dict[str, Any]:
    """:func:`har_kd_ros.inference.gaf.gaf`'s arguments, as the card will state them."""
    g = config["gaf"]
    return {
        "method": g["method"],
        "image_size": int(g["image_size"]),
        "normalisation": g["normalisation"],
        "value_range": gaf_value_range(config),
        "mu_law": gaf_mu_law(config),
        "shape_channels": tuple(student_channels(config).index(c) for c in shape_channels(config)) or None,
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
    from har_kd_ros.inference.classifier import TeacherClassifier

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


def teacher_class_map(teacher, labels: tuple[str, ...]) -> ClassMap:
    """The exported teacher's classes on the run's; says on stderr what a partial match leaves out."""
    class_map = ClassMap(teacher.labels, labels, f"teacher.model: {teacher.path}")
    if class_map.missing():
        print(
            f"teacher.model: {teacher.path} has no class {class_map.missing()}: its soft targets leave them out "
            "and it labels no extra window with them",
            file=sys.stderr,
        )
    if class_map.extra():
        print(
            f"teacher.model: its classes {class_map.extra()} are not among the recordings' labels: an extra "
            "window it gives one of them is left out",
            file=sys.stderr,
        )
    return class_map


def relabel_by_teacher(paired, teacher):
    """Each window labelled by the teacher's top class; windows it cannot read are dropped. Also
    returns the teacher's outputs on the kept windows (:func:`onnx_teacher_outputs`)."""
    paired = paired.subset(np.flatnonzero(paired.skeleton_valid))
    logits, embedding = onnx_teacher_outputs(teacher, paired.skeleton)
    return replace(paired, labels=logits.argmax(1).astype(np.int64)), (logits, embedding)


def encode_split(paired, idx: list[int], encoding: dict[str, Any]) -> Split:
    """A split's tensors: GAF images, raw windows, skeletons, labels and where each window came from
    (``recording`` indexes the whole dataset; ``idx`` are the recordings ``paired`` was cut from)."""
    images = gaf(paired.imu, **encoding)
    out = {
        "gaf": torch.from_numpy(np.ascontiguousarray(images, dtype=np.float32)),
        "imu": torch.from_numpy(paired.imu),
        "acc": torch.from_numpy(paired.acc),
        "skeleton": torch.from_numpy(paired.skeleton.astype(np.float32)),
        "skeleton_valid": torch.from_numpy(paired.skeleton_valid),
        "y": torch.from_numpy(paired.labels.astype(np.int64)),
        "window": torch.arange(len(paired)),
        "recording": torch.from_numpy(np.asarray(idx, dtype=np.int64)[paired.recording]),
        "t_start": torch.from_numpy(paired.t_start.astype(np.float64)),
        "t_end": torch.from_numpy(paired.t_end.astype(np.float64)),
    }
    if paired.context is not None:
        c = paired.context
        out.update(
            context=torch.from_numpy(c.data),
            context_lo=torch.from_numpy(c.lo.astype(np.int64)),
            context_hi=torch.from_numpy(c.hi.astype(np.int64)),
            context_pos=torch.from_numpy(c.pos.astype(np.int64)),
        )
    return out


def set_aside_extra(recordings: list, subjects: list[str]) -> tuple[list[int], list[int]]:
    """Indices of the recordings the protocol splits, and of those of ``dataset.extra_subjects``
    (which train the student only)."""
    present = {r.subject for r in recordings}
    missing = sorted(set(subjects) - present)
    if missing:
        shown = ", ".join(sorted(present)[:20]) + (f", ... ({len(present)} in all)" if len(present) > 20 else "")
        raise ValueError(f"dataset.extra_subjects: {missing} not in the dataset (its subjects: {shown})")
    extra = set(subjects)
    main = [i for i, r in enumerate(recordings) if r.subject not in extra]
    if not main:
        raise ValueError("dataset.extra_subjects: names every subject of the dataset; none is left to split")
    return main, [i for i, r in enumerate(recordings) if r.subject in extra]


def drop_mixed_rest(paired, recordings: list, min_share: float):
    """The windows without those labelled a rest (:data:`REST_ACTIVITIES`) whose rest covers less
    than ``min_share`` of their span. Only for training: validation and test keep every window, as
    the robot sees them; motions keep theirs (a 1 s stand-up is never most of a 2.56 s window)."""
    rest = np.isin(paired.labels, [i for i, n in enumerate(paired.label_names) if n in REST_ACTIVITIES])
    share = label_share(recordings, paired, which=np.flatnonzero(rest))
    return paired.subset(np.flatnonzero(~rest | (share >= min_share)))


def prepare(config: dict[str, Any], cache: bool = True) -> Prepared:
    recordings = load_recordings(config, cache)
    teacher = onnx_teacher(config)
    by_teacher = config["dataset"]["labels"] == "teacher"  # or "recorded" (load_config checked it)
    if by_teacher and teacher is None:
        raise ValueError("dataset.labels: 'teacher' needs teacher.model (an exported skeleton teacher .onnx)")
    labels = teacher.labels if by_teacher else label_names_of(config, recordings)
    class_map = None if teacher is None else teacher_class_map(teacher, labels)
    protocol = get_protocol(config["dataset"]["protocol"])
    main, extra = set_aside_extra(recordings, config["dataset"]["extra_subjects"])
    sp = split([recordings[i] for i in main], protocol, val_fraction=float(config["dataset"]["val_fraction"]),
               seed=config["seed"])  # fmt: skip
    sp = type(sp)(*([main[i] for i in part] for part in (sp.train, sp.val, sp.test)))
    config, notes = resolve_auto(config, recordings, sp.train)
    for note in notes:
        print(note, file=sys.stderr)
    spec = window_spec(config, teacher)
    encoding = gaf_kwargs(config)
    margin = augment_config(config).context_samples(spec.window_samples)
    splits, raw, train_outputs = {}, {}, None
    for part, idx in (("train", sp.train), ("val", sp.val), ("test", sp.test)):
        # augmentation reads each training window's neighbourhood; validation and test do not
        part_spec = replace(spec, context_samples=margin if part == "train" else 0)
        paired = pair_recordings([recordings[i] for i in idx], part_spec, labels, keep_unlabelled=by_teacher)
        if part == "train" and config["window"]["min_rest_share"] > 0 and not by_teacher:
            paired = drop_mixed_rest(paired, [recordings[i] for i in idx], config["window"]["min_rest_share"])
        if by_teacher:
            paired, outputs = relabel_by_teacher(paired, teacher)
            train_outputs = outputs if part == "train" else train_outputs
        if len(paired) == 0:
            raise ValueError(f"dataset: the {part} split has no labelled windows (protocol {protocol.name})")
        raw[part] = paired.imu
        splits[part] = encode_split(paired, idx, encoding)
    extra_split = None
    if extra:  # labelled later, by the run's teacher (or kept with their recorded labels)
        by_recording = config["dataset"]["extra_labels"] == "recorded" and not by_teacher
        paired = pair_recordings(
            [recordings[i] for i in extra],
            replace(spec, context_samples=margin),
            labels,
            keep_unlabelled=not by_recording,
        )
        if len(paired) == 0:
            raise ValueError(
                f"dataset.extra_subjects: their recordings have no {'labelled ' if by_recording else ''}"
                f"windows of {spec.window_samples} samples"
            )
        extra_split = encode_split(paired, extra, encoding)
    train_recordings = [recordings[i] for i in sp.train]
    parts = {"train": sp.train, "val": sp.val, "test": sp.test}
    return Prepared(
        config,
        labels,
        spec,
        splits,
        raw,
        teacher=teacher,
        teacher_train_outputs=train_outputs,
        teacher_classes=class_map,
        gravity=recorded_convention(train_recordings + [recordings[i] for i in extra], "gravity"),
        sensor_location=recorded_convention(train_recordings, "location"),
        recordings=recordings,
        parts={**parts, "extra": extra} if extra else parts,
        extra=extra_split,
    )
