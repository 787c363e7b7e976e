"""The experiment suites as data: which variants (config + overrides) each suite runs, and the
config the ``baselines`` suite runs on a user's dataset. training/experiments.py runs them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from training.config import CONFIG_DIR


@dataclass(frozen=True)
class Variant:
    name: str
    config: str  # relative to training/configs
    overrides: tuple[str, ...] = field(default_factory=tuple)
    note: str = ""
    transfer: bool = False  # also export it and score it zero-shot on BasicMotions (training/transfer.py)


def _synthetic() -> list[Variant]:
    c = "synthetic/"
    stage_all = "pskd.schedule=[{until: 1.0, teachers: [acc, fusion, skeleton]}]"
    reversed_ = (
        "pskd.schedule=[{until: 0.34, teachers: [skeleton]}, {until: 0.67, teachers: [skeleton, fusion]}, "
        "{until: 1.0, teachers: [skeleton, fusion, acc]}]"
    )
    # eight more synthetic people (s17-s24) whose recordings only the student trains on, labelled by
    # the skeleton teacher: a robot's unannotated camera + watch recordings (training/extra_subjects.py)
    extra = (
        "dataset.options.n_subjects=24",
        "dataset.extra_subjects=[" + ", ".join(f"s{i}" for i in range(17, 25)) + "]",
    )
    unbalanced = (*extra, "dataset.extra_balance=false")  # the still windows not repeated
    keep = ("teacher.unseen_classes=keep",)  # soft targets also over classes the teacher never read
    few = ("dataset.options.n_subjects=8",)  # 4 labelled training subjects (one validates), 4 test

    def per_method(
        suffix: str, overrides: tuple[str, ...], note: str, methods: tuple[str, ...] = ("supervised", "kd", "vskd")
    ) -> list[Variant]:
        """The same change to the student alone, vanilla KD and DASK, named ``<method><suffix>``."""
        who = {"supervised": "student alone", "kd": "vanilla KD", "vskd": "DASK"}
        return [Variant(m + suffix, f"{c}{m}.yaml", overrides, note.format(who=who[m], method=m)) for m in methods]

    return [
        Variant("teacher_skeleton", c + "teacher.yaml", ("teacher.kind=skeleton",), "skeleton only (VSKD's teacher)"),
        Variant("teacher_fusion", c + "teacher.yaml", ("teacher.kind=fusion",), "skeleton + accelerometer"),
        Variant("teacher_acc", c + "teacher.yaml", ("teacher.kind=acc",), "raw accelerometer, 1-D CNN"),
        Variant("supervised", c + "supervised.yaml", (), "student alone (CE)"),
        Variant(
            "supervised_acc", c + "supervised.yaml", ("window.sensors=[acc]",), "student alone, accelerometer only"
        ),
        Variant("cnn1d", c + "supervised.yaml", ("student.arch=cnn1d",), "raw-series 1-D CNN (baseline)"),
        Variant("minirocket", c + "supervised.yaml", ("method=minirocket",), "MiniRocket (baseline)"),
        Variant("kd", c + "kd.yaml", (), "vanilla KD from the skeleton teacher"),
        Variant("vskd", c + "vskd.yaml", (), "DASK: CE + KD + distance + angle + semantic"),
        Variant(
            "kd_keep_unseen",
            c + "kd.yaml",
            keep,
            "vanilla KD, soft targets over every class (also those the teacher never read)",
        ),
        Variant(
            "vskd_keep_unseen",
            c + "vskd.yaml",
            keep,
            "DASK, soft targets over every class (also those the teacher never read)",
        ),
        Variant(
            "kd_untaught_ce2",
            c + "kd.yaml",
            ("kd.ce_untaught=2",),
            "vanilla KD, windows without a skeleton at twice the CE weight",
        ),
        Variant(
            "vskd_untaught_ce2",
            c + "vskd.yaml",
            ("dask.ce_untaught=2",),
            "DASK, windows without a skeleton at twice the CE weight",
        ),
        Variant("vskd_acc", c + "vskd.yaml", ("window.sensors=[acc]",), "DASK, accelerometer-only student"),
        Variant("vskd_no_distance", c + "vskd.yaml", ("dask.distance=0",), "DASK without the distance term"),
        Variant("vskd_no_angle", c + "vskd.yaml", ("dask.angle=0",), "DASK without the angle term"),
        Variant("vskd_no_semantic", c + "vskd.yaml", ("dask.semantic=0",), "DASK without the semantic term"),
        Variant("vskd_no_kd", c + "vskd.yaml", ("dask.kd=0",), "DASK without the soft-target term"),
        Variant("vskd_kd_quarter", c + "vskd.yaml", ("dask.kd=0.25",), "DASK, soft-target weight 0.25"),
        Variant("vskd_t2", c + "vskd.yaml", ("dask.temperature=2",), "DASK at temperature 2"),
        Variant("kd_crossfit", c + "kd.yaml", ("teacher.crossfit=4",), "vanilla KD, out-of-fold soft targets"),
        Variant("vskd_crossfit", c + "vskd.yaml", ("teacher.crossfit=4",), "DASK, out-of-fold soft targets"),
        Variant("pskd", c + "pskd.yaml", (), "progressive acc -> fusion -> skeleton, ACS"),
        Variant("pskd_all_at_once", c + "pskd.yaml", (stage_all,), "no schedule: all teachers from epoch 1, ACS"),
        Variant("pskd_reversed", c + "pskd.yaml", (reversed_,), "schedule reversed: skeleton first"),
        Variant("pskd_uniform", c + "pskd.yaml", ("pskd.mode=uniform",), "progressive, teachers averaged (no ACS)"),
        Variant(
            "supervised_extra_recorded",
            c + "supervised.yaml",
            (*extra, "dataset.extra_labels=recorded"),
            "student alone + 8 extra subjects, recorded labels (upper bound)",
        ),
        *per_method("_extra", extra, "{who} + 8 extra subjects, teacher labels"),
        *per_method("_extra_unbalanced", unbalanced, "as {method}_extra, still windows not repeated"),
        *per_method("_few", few, "{who}, 8 subjects (3 train)"),
        Variant(
            "supervised_64_epochs",
            c + "supervised.yaml",
            ("optim.epochs=64",),
            "student alone, 64 epochs (the steps of an extra-subject run)",
        ),
        *per_method("_64_epochs", ("optim.epochs=64",), "{who}, 64 epochs", ("kd", "vskd")),
        Variant("supervised_resnet18", c + "supervised.yaml", ("student.arch=resnet18",), "ResNet18 student alone"),
        Variant("vskd_resnet18", c + "vskd.yaml", ("student.arch=resnet18",), "ResNet18 student, DASK"),
        Variant("pskd_resnet18", c + "pskd.yaml", ("student.arch=resnet18",), "ResNet18 student, PSKD"),
    ]


def _basic_motions() -> list[Variant]:
    """The GAF student against the classical baselines, on the same windows, with and without the
    gyroscope (no skeleton exists for BasicMotions, so no teacher)."""
    c = "basic_motions/supervised.yaml"
    acc = ("window.sensors=[acc]",)
    raw = ("student.arch=cnn1d",)
    rocket = ("method=minirocket",)
    return [
        Variant("gaf_student", c, (), "GAF edge student, acc + gyro"),
        Variant("gaf_student_acc", c, acc, "GAF edge student, accelerometer only"),
        Variant("cnn1d", c, raw, "raw-series 1-D CNN, acc + gyro (baseline)"),
        Variant("cnn1d_acc", c, (*raw, *acc), "raw-series 1-D CNN, accelerometer only (baseline)"),
        Variant("minirocket", c, rocket, "MiniRocket, acc + gyro (baseline)"),
        Variant("minirocket_acc", c, (*rocket, *acc), "MiniRocket, accelerometer only (baseline)"),
    ]


def _watch() -> list[Variant]:
    """What each piece of the watch recipe (training/configs/watch.yaml) buys, on the synthetic
    test subjects and zero-shot on real BasicMotions series: each variant turns one off (``kd``,
    ``vskd``: what distillation adds to it; ``carrying``: the bundled student's data)."""
    c = "synthetic/supervised.yaml"
    no_augment = tuple(f"augment.{k}=0" for k in ("offset_samples", "time_warp", "twist_deg", "tilt_deg", "gain",
                                                   "noise_acc", "noise_gyro"))  # fmt: skip
    return [
        Variant("recipe", c, (), "the watch recipe", True),
        Variant("no_gyroscope", c, ("window.sensors=[acc]",), "accelerometer only", True),
        Variant("companded_gyroscope", c, ("gaf.gyro_mu_law=1000",), "gyroscope GAF companded (mu 1000)", True),
        Variant("companded_accelerometer", c, ("gaf.mu_law=100",), "accelerometer GAF companded (mu 100)", True),
        Variant("gyroscope_shape", c, ("gaf.shape_sensors=[gyro]",), "gyroscope also rescaled per window", True),
        Variant("imu_shape", c, ("gaf.shape_sensors=[acc, gyro]",), "every channel also rescaled per window", True),
        Variant(
            "every_rest_window",
            c,
            ("window.min_rest_share=0",),
            "every rest window in training, part-motion ones too",
            True,
        ),
        Variant("long_rests", c, ("dataset.options={rest_s: 6}",), "rests of 1.5-6 s around each activity", True),
        Variant(
            "long_rests_every_rest_window",
            c,
            ("dataset.options={rest_s: 6}", "window.min_rest_share=0"),
            "rests of 1.5-6 s, every rest window in training",
            True,
        ),
        Variant(
            "carrying",
            c,
            ("dataset.options={carry_share: 0.3}",),
            "walkers carry something (forearm level) in 30 % of trials: the bundled student",
            True,
        ),
        Variant(
            "holding",
            c,
            ("dataset.options={carry_share: 0.3, hold_share: 0.3}",),
            "carrying, and standing people hold something (forearm level) in 30 % of trials",
            True,
        ),
        Variant("kd", "synthetic/kd.yaml", (), "the recipe, distilled from the skeleton teacher (vanilla KD)", True),
        Variant("vskd", "synthetic/vskd.yaml", (), "the recipe, distilled from the skeleton teacher (DASK)", True),
        Variant("no_augmentation", c, no_augment, "no on-the-fly augmentation", True),
        Variant("no_moving_average", c, ("optim.ema=0",), "raw weights, not their moving average", True),
        Variant("no_precise_bn", c, ("optim.precise_bn=0",), "BatchNorm's running statistics", True),
        Variant(
            "one_watch",
            c,
            ("dataset.options={sensor_side: r, randomise_watch: false}",),
            "no domain randomisation: one good watch on the right wrist",
            True,
        ),
        Variant("eight_subjects", c, ("dataset.options={n_subjects: 8}",), "half the subjects", True),
    ]


def _baselines(config: str) -> list[Variant]:
    """Any dataset: the GAF student against the classical baselines on the same windows and folds."""
    acc = ("window.sensors=[acc]",)
    return [
        Variant("gaf_student", config, (), "GAF edge student, the config's channels"),
        Variant("gaf_student_acc", config, acc, "GAF edge student, accelerometer only"),
        Variant("cnn1d", config, ("student.arch=cnn1d",), "raw-series 1-D CNN (baseline)"),
        Variant("minirocket", config, ("method=minirocket",), "MiniRocket (baseline)"),
    ]


SUITES = {
    "synthetic": _synthetic,
    "basic_motions": _basic_motions,
    "watch": _watch,
    "baselines": _baselines,  # needs a dataset (--dataset/--root or --config)
}


def dataset_config(dataset: str | None, config: str | None) -> str:
    """The config a dataset's suite runs: ``config`` if given, else the dataset's own
    (training/configs/<dataset>.yaml), else the defaults' watch recipe with the data's settings."""
    if config:
        return str(Path(config).resolve())
    shipped = CONFIG_DIR / f"{dataset}.yaml"
    return shipped.name if shipped.is_file() else "generic.yaml"


def variants_of(suite: str, config: str | None = None) -> list[Variant]:
    if suite not in SUITES:
        raise ValueError(f"suite: expected one of {sorted(SUITES)}, got {suite!r}")
    if suite == "baselines":
        if config is None:
            raise ValueError("suite baselines: expected a dataset (--dataset and --root) or --config")
        return _baselines(config)
    if config is not None:
        raise ValueError(
            f"suite {suite}: runs its own configs; --dataset, --root and --config go with --suite baselines"
        )
    return SUITES[suite]()
