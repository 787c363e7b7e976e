"""Export a trained student or skeleton teacher to ONNX with its model card, and prove the runtime
sees the same model (torch vs ONNX Runtime on real inputs)."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from har_kd_ros.imu.channels import ACC_CHANNELS, UNITS, uses_gyro
from har_kd_ros.inference.classifier import StudentClassifier, TeacherClassifier
from har_kd_ros.inference.model_card import ModelCard
from har_kd_ros.skeleton.topology import CANONICAL_JOINTS
from training.engine.run import git_commit, now_iso
from training.models.students import LogitsOnly
from training.prepare import Prepared, gaf_mu_law, gaf_value_range, shape_channels, student_channels
from training.teachers import teacher_split

INPUT_NAME = "gaf"
OUTPUT_NAME = "logits"
TEACHER_INPUT_NAME = "skeleton"
EMBEDDING_NAME = "embedding"


def export_student(
    model: nn.Module,
    out_path: str | Path,
    *,
    model_id: str,
    labels: tuple[str, ...],
    rate_hz: float,
    window_samples: int,
    hop_samples: int,
    image_size: int,
    gaf_method: str = "summation",
    normalisation: str = "window",
    value_range: Any = None,
    mu_law: tuple[float, ...] | None = None,
    channels: tuple[str, ...] = ACC_CHANNELS,
    shape: tuple[str, ...] = (),
    gravity: str = "included",
    sensor_location: str = "right_wrist",
    architecture: str = "",
    provenance: dict[str, Any] | None = None,
    parity_windows: np.ndarray | None = None,
) -> ModelCard:
    """Write ``out_path`` (.onnx) and its card; check torch vs ONNX Runtime logits on real windows."""
    out_path = Path(out_path)
    input_shape = ("batch", len(channels) + len(shape), image_size, image_size)
    example = torch.zeros(1, *input_shape[1:])
    wrapped = LogitsOnly(model).eval()
    export_onnx(wrapped, {INPUT_NAME: example}, out_path)
    card = ModelCard(
        model_id=model_id,
        labels=tuple(labels),
        sample_rate_hz=float(rate_hz),
        window_samples=window_samples,
        hop_samples=hop_samples,
        channels=tuple(channels),
        units=UNITS["acc"],
        gyro_units=UNITS["gyro"] if uses_gyro(channels) else "",
        gravity=gravity,
        sensor_location=sensor_location,
        gaf_method=gaf_method,
        image_size=image_size,
        normalisation=normalisation,
        value_range=value_range,
        mu_law=mu_law,
        shape_channels=tuple(shape) or None,
        input_name=INPUT_NAME,
        input_shape=input_shape,
        output_name=OUTPUT_NAME,
        architecture=architecture,
        provenance=dict(provenance or {}),
    )
    card.save(out_path.with_suffix(".json"))
    if parity_windows is not None:
        max_diff = parity_check(wrapped, out_path, parity_windows)
        card = _record(card, out_path, onnx_parity_max_abs_logit_diff=max_diff)
    return card


def _record(card: ModelCard, out_path: Path, **facts: Any) -> ModelCard:
    """Add ``facts`` to the card's provenance and rewrite the card beside ``out_path``."""
    card = ModelCard.from_dict({**card.to_dict(), "provenance": {**card.provenance, **facts}})
    card.save(out_path.with_suffix(".json"))
    return card


def export_onnx(
    model: nn.Module, examples: dict[str, torch.Tensor], out_path: str | Path, outputs: tuple[str, ...] = (OUTPUT_NAME,)
) -> Path:
    """ONNX (opset 17) of a module with named inputs and outputs and a dynamic batch axis."""
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    axes = {name: {0: "batch"} for name in [*examples, *outputs]}
    with warnings.catch_warnings():
        # dynamo=False on purpose: the dynamo exporter needs onnxscript and an onnx that
        # conflicts with mediapipe's protobuf pin (docs/ROS.md); the TorchScript path is exact here.
        warnings.simplefilter("ignore", DeprecationWarning)
        torch.onnx.export(
            model.eval(),
            tuple(examples.values()),
            str(out_path),
            input_names=list(examples),
            output_names=list(outputs),
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )
    return out_path


def parity_check(model: nn.Module, onnx_path: Path, windows: np.ndarray, tolerance: float = 1e-4) -> float:
    """Max |torch - ONNX Runtime| logit difference on ``windows`` encoded by the runtime's own GAF.

    ``tolerance`` is relative to the largest logit (at least 1): two float32 graphs that sum in a
    different order differ by a few ulps of the values they compute, and confident models reach
    logits of 20-50, where 1e-4 absolute is a few ulps."""
    runtime = StudentClassifier(onnx_path)
    images = runtime.encode(windows)
    onnx_logits = runtime.session.run([OUTPUT_NAME], {INPUT_NAME: images})[0]
    with torch.no_grad():
        torch_logits = model(torch.from_numpy(images)).numpy()
    diff = float(np.abs(onnx_logits - torch_logits).max())
    bound = tolerance * max(1.0, float(np.abs(torch_logits).max(initial=0.0)))
    if diff > bound:
        raise RuntimeError(f"{onnx_path}: ONNX logits differ from torch by {diff:.2e} (> {bound:.1e})")
    return diff


def export_teacher(
    model: nn.Module,
    out_path: str | Path,
    *,
    model_id: str,
    labels: tuple[str, ...],
    rate_hz: float,
    window_samples: int,
    hop_samples: int,
    skeleton_frames: int,
    min_coverage: float,
    body_frame: bool = True,
    root_relative: bool = False,
    architecture: str = "skeleton_tcn",
    provenance: dict[str, Any] | None = None,
    parity_windows: np.ndarray | None = None,
) -> ModelCard:
    """Write a skeleton teacher (logits and embedding outputs) and its card for teacher_node.

    The embedding is exported too, so a student can be distilled from the ONNX teacher alone
    (relational and semantic terms need it), e.g. when retraining from recorded bags.
    """
    out_path = Path(out_path)
    example = torch.zeros(1, skeleton_frames, len(CANONICAL_JOINTS), 3)
    export_onnx(model.eval(), {TEACHER_INPUT_NAME: example}, out_path, (OUTPUT_NAME, EMBEDDING_NAME))
    card = ModelCard(
        model_id=model_id,
        labels=tuple(labels),
        sample_rate_hz=float(rate_hz),
        window_samples=window_samples,
        hop_samples=hop_samples,
        modality="skeleton",
        skeleton_frames=skeleton_frames,
        joints=CANONICAL_JOINTS,
        body_frame=body_frame,
        root_relative=root_relative,
        min_coverage=float(min_coverage),
        input_name=TEACHER_INPUT_NAME,
        input_shape=("batch", skeleton_frames, len(CANONICAL_JOINTS), 3),
        output_name=OUTPUT_NAME,
        embedding_name=EMBEDDING_NAME,
        architecture=architecture,
        provenance=dict(provenance or {}),
    )
    card.save(out_path.with_suffix(".json"))
    if parity_windows is not None:
        runtime = TeacherClassifier(out_path)
        x = np.asarray(parity_windows, dtype=np.float32)
        onnx_logits, onnx_emb = runtime.logits_and_embedding(x)
        with torch.no_grad():
            logits, emb = model(torch.from_numpy(x))
        diff = float(max(np.abs(onnx_logits - logits.numpy()).max(), np.abs(onnx_emb - emb.numpy()).max()))
        if diff > 1e-4:
            raise RuntimeError(f"{out_path}: ONNX outputs differ from torch by {diff:.2e} (> 1e-04)")
        card = _record(card, out_path, onnx_parity_max_abs_diff=diff)
    return card


# what a training run exports: its model, the card's facts from the run, and the INT8 variant


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
    extra = {"extra_subjects": result["extra"]} if "extra" in result else {}
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
        **extra,
    }


def export_run_student(
    config: dict[str, Any], model: torch.nn.Module, prepared: Prepared, result: dict, command: str | None
):
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
        mu_law=gaf_mu_law(config),
        channels=channels,
        shape=shape_channels(config),
        gravity=prepared.gravity,
        sensor_location=prepared.sensor_location,
        architecture=config["student"]["arch"],
        parity_windows=prepared.raw_imu["test"][:64],
        provenance=provenance(config, result, command),
    )
    if config["int8"]:
        export_int8(out, card, prepared, config["int8"])
    return card


def export_run_teacher(
    config: dict[str, Any], model: torch.nn.Module, prepared: Prepared, result: dict, command: str | None
):
    """The teacher teacher_node runs: ONNX + a ``skeleton`` card timed like the students' windows."""
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
