"""The model card: a JSON beside each .onnx holding everything training and runtime must share.

A model is only correct on the robot if the robot windows, encodes and labels its input
exactly as training did; the card is that contract. It is validated field by field before
the ONNX file it sits beside is opened, then against the ONNX graph itself, and every
mismatch is one line naming the field.

Two modalities: ``imu_gaf`` (an accelerometer student: IMU windows -> GAF images) and
``skeleton`` (a skeleton teacher: canonical joints over the same time span, in the body
frame). Both are timed by the IMU grid (rate, window, hop), so a teacher's window covers
exactly the span of the student window it labels.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from har_kd_ros.imu.channels import CHANNELS, UNITS, uses_gyro
from har_kd_ros.inference.gaf import METHODS, NORMALISATIONS, mu_law_columns
from har_kd_ros.skeleton.topology import CANONICAL_JOINTS

SCHEMA_VERSION = 1
MODALITIES = ("imu_gaf", "skeleton")
GRAVITY = ("included", "removed")
ACC_UNITS = (UNITS["acc"],)
GYRO_UNITS = (UNITS["gyro"],)


class ModelCardError(ValueError):
    """A card that is missing, malformed, or disagrees with its model; the message names the field."""


@dataclass(frozen=True)
class ModelCard:
    """What a model expects and where it came from (see docs/model_card.md)."""

    model_id: str
    labels: tuple[str, ...]
    sample_rate_hz: float
    window_samples: int
    hop_samples: int
    input_name: str
    input_shape: tuple[Any, ...]
    output_name: str
    modality: str = "imu_gaf"
    # imu_gaf: the IMU channels and their GAF encoding
    channels: tuple[str, ...] = ()
    units: str = ""  # the accelerometer's
    gyro_units: str = ""  # the gyroscope's, where a channel is one
    gravity: str = ""
    sensor_location: str = ""
    gaf_method: str = ""
    image_size: int = 0
    normalisation: str = ""
    # one (low, high) for every channel, or one per channel
    value_range: tuple[float, float] | tuple[tuple[float, float], ...] | None = None
    mu_law: tuple[float, ...] | None = None  # one mu per channel; None: linear (the field is left out)
    # channels that also get an image rescaled per window, after the fixed-range ones; None: none
    shape_channels: tuple[str, ...] | None = None
    # skeleton: canonical joints resampled over the window's span
    skeleton_frames: int = 0
    joints: tuple[str, ...] = ()
    body_frame: bool = True
    root_relative: bool = False
    min_coverage: float = 0.5
    embedding_name: str = ""  # optional second output: the embedding distillation reads
    architecture: str = ""
    provenance: dict[str, Any] = field(default_factory=dict)
    schema_version: int = SCHEMA_VERSION

    @property
    def window_s(self) -> float:
        return self.window_samples / self.sample_rate_hz

    @property
    def hop_s(self) -> float:
        return self.hop_samples / self.sample_rate_hz

    def gaf_kwargs(self) -> dict[str, Any]:
        """Arguments for :func:`har_kd_ros.inference.gaf.gaf`, so no caller re-derives them."""
        return {
            "method": self.gaf_method,
            "image_size": self.image_size,
            "normalisation": self.normalisation,
            "value_range": self.value_range,
            "mu_law": self.mu_law,
            "shape_channels": self.shape_index(),
        }

    def shape_index(self) -> tuple[int, ...] | None:
        """``shape_channels`` as indices into ``channels`` (what :func:`gaf` takes)."""
        if not self.shape_channels:
            return None
        return tuple(self.channels.index(c) for c in self.shape_channels)

    @property
    def image_channels(self) -> int:
        """Images per window: one per channel, plus one per shape channel."""
        return len(self.channels) + len(self.shape_channels or ())

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for key in ("labels", "channels", "joints", "input_shape", "value_range", "mu_law", "shape_channels"):
            if d[key] is not None:
                d[key] = [list(v) if isinstance(v, tuple) else v for v in d[key]]
        drop = _SKELETON_FIELDS if self.modality == "imu_gaf" else _IMU_FIELDS
        if not self.gyro_units:
            drop = (*drop, "gyro_units")
        if self.mu_law is None:
            drop = (*drop, "mu_law")
        if not self.shape_channels:
            drop = (*drop, "shape_channels")
        return {k: v for k, v in d.items() if k not in drop}

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n")

    @classmethod
    def from_dict(cls, raw: Any, source: str = "card") -> ModelCard:
        return _parse(raw, source)

    @classmethod
    def load(cls, path: str | Path) -> ModelCard:
        path = Path(path)
        if not path.is_file():
            raise ModelCardError(f"{path}: model card not found (expected a JSON beside the .onnx, same stem)")
        try:
            raw = json.loads(path.read_text())
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ModelCardError(f"{path}: not valid JSON ({exc})") from None
        return _parse(raw, str(path))


_IMU_FIELDS = (
    "channels",
    "units",
    "gyro_units",
    "gravity",
    "sensor_location",
    "gaf_method",
    "image_size",
    "normalisation",
    "value_range",
    "mu_law",
    "shape_channels",
)
_SKELETON_FIELDS = ("skeleton_frames", "joints", "body_frame", "root_relative", "min_coverage")


def card_path_for(model_path: str | Path) -> Path:
    """The card of ``model.onnx`` is ``model.json``."""
    return Path(model_path).with_suffix(".json")


class _Fields:
    """Typed access to a raw card; every failure is one line naming the field."""

    def __init__(self, raw: dict[str, Any], source: str):
        self.raw, self.source = raw, source

    def fail(self, name: str, expected: str, got: Any) -> ModelCardError:
        return ModelCardError(f"{self.source}: field '{name}': expected {expected}, got {got!r}")

    def get(
        self, name: str, types: type | tuple[type, ...], expected: str, required: bool = True, default: Any = None
    ) -> Any:
        if name not in self.raw:
            if required:
                raise ModelCardError(f"{self.source}: field '{name}' is missing ({expected})")
            return default
        value = self.raw[name]
        if (types is not bool and isinstance(value, bool)) or not isinstance(value, types):
            raise self.fail(name, expected, value)
        return value

    def str_list(self, name: str, minimum: int) -> tuple[str, ...]:
        expected = f"a list of at least {minimum} non-empty strings"
        value = self.get(name, list, expected)
        if len(value) < minimum or not all(isinstance(v, str) and v for v in value):
            raise self.fail(name, expected, value)
        if len(set(value)) != len(value):
            raise self.fail(name, "unique names", value)
        return tuple(value)

    def choice(self, name: str, options: tuple[str, ...], expected: str | None = None) -> str:
        expected = expected or f"one of {options}"
        value = self.get(name, str, expected)
        if value not in options:
            raise self.fail(name, expected, value)
        return value


def _parse(raw: Any, source: str) -> ModelCard:
    if not isinstance(raw, dict):
        raise ModelCardError(f"{source}: expected a JSON object, got {type(raw).__name__}")
    f = _Fields(raw, source)
    version = f.get("schema_version", int, f"schema version {SCHEMA_VERSION}", required=False, default=SCHEMA_VERSION)
    if version != SCHEMA_VERSION:
        raise f.fail("schema_version", str(SCHEMA_VERSION), version)
    modality = f.get("modality", str, f"one of {MODALITIES}", required=False, default="imu_gaf")
    if modality not in MODALITIES:
        raise f.fail("modality", f"one of {MODALITIES}", modality)
    labels = f.str_list("labels", 2)
    rate = f.get("sample_rate_hz", (int, float), "a positive number of Hz")
    if not (math.isfinite(rate) and rate > 0):
        raise f.fail("sample_rate_hz", "a positive number of Hz", rate)
    window = f.get("window_samples", int, "an integer >= 2")
    if window < 2:
        raise f.fail("window_samples", "an integer >= 2", window)
    hop = f.get("hop_samples", int, "an integer in [1, window_samples]")
    if not 1 <= hop <= window:
        raise f.fail("hop_samples", f"an integer in [1, {window}]", hop)
    input_shape = f.get("input_shape", list, "a list of dimensions")
    specific = _parse_imu(f, window, input_shape) if modality == "imu_gaf" else _parse_skeleton(f, input_shape)
    model_id = f.get("model_id", str, "a non-empty string")
    if not model_id:
        raise f.fail("model_id", "a non-empty string", model_id)
    return ModelCard(
        model_id=model_id,
        labels=labels,
        sample_rate_hz=float(rate),
        window_samples=window,
        hop_samples=hop,
        input_name=f.get("input_name", str, "the ONNX input name"),
        input_shape=tuple(input_shape),
        output_name=f.get("output_name", str, "the ONNX output name"),
        embedding_name=f.get("embedding_name", str, "the ONNX embedding output name", required=False, default=""),
        modality=modality,
        architecture=f.get("architecture", str, "a string", required=False, default=""),
        provenance=f.get("provenance", dict, "an object", required=False, default={}),
        schema_version=version,
        **specific,
    )


def _parse_range(f: _Fields, normalisation: str, channels: int) -> Any:
    """``value_range``: [low, high] for every channel, or one [low, high] per channel."""
    expected = f"[low, high] with high > low, or one such pair per channel ({channels})"
    value_range = f.get("value_range", (list, type(None)), expected, required=False)

    def pair(v: Any) -> tuple[float, float] | None:
        ok = (
            isinstance(v, list)
            and len(v) == 2
            and all(isinstance(b, int | float) and not isinstance(b, bool) and math.isfinite(b) for b in v)
            and v[1] > v[0]
        )
        return (float(v[0]), float(v[1])) if ok else None

    if value_range is None:
        if normalisation == "fixed":
            raise f.fail("value_range", "[low, high] because normalisation is 'fixed'", None)
        return None
    if len(value_range) == 2 and not isinstance(value_range[0], list):
        bounds = pair(value_range)
        if bounds is None:
            raise f.fail("value_range", expected, value_range)
        return bounds
    pairs = [pair(v) for v in value_range]
    if len(pairs) != channels or any(p is None for p in pairs):
        raise f.fail("value_range", expected, value_range)
    return tuple(pairs)


def _parse_mu_law(f: _Fields, channels: int) -> tuple[float, ...] | None:
    """``mu_law``: one mu >= 0 per channel (absent: linear)."""
    expected = f"a list of one number >= 0 per channel ({channels})"
    value = f.get("mu_law", (list, type(None)), expected, required=False)
    if value is None:
        return None
    if len(value) != channels or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value):
        raise f.fail("mu_law", expected, value)
    mu = tuple(float(v) for v in value)
    try:
        mu_law_columns(mu, channels)
    except ValueError:
        raise f.fail("mu_law", expected, value) from None
    return mu if any(mu) else None


def _parse_shape_channels(f: _Fields, channels: tuple[str, ...]) -> tuple[str, ...] | None:
    """``shape_channels``: distinct names from ``channels`` (absent: none)."""
    expected = f"a list of distinct names from channels {list(channels)}"
    value = f.get("shape_channels", (list, type(None)), expected, required=False)
    if not value:
        return None
    if not all(isinstance(v, str) and v in channels for v in value) or len(set(value)) != len(value):
        raise f.fail("shape_channels", expected, value)
    return tuple(value)


def _parse_imu(f: _Fields, window: int, input_shape: list[Any]) -> dict[str, Any]:
    channels = f.str_list("channels", 1)
    unknown = [c for c in channels if c not in CHANNELS]
    if unknown:
        raise f.fail("channels", f"names from {list(CHANNELS)} (sensor_msgs/Imu fields)", list(channels))
    units = f.choice("units", ACC_UNITS, f"one of {ACC_UNITS} (REP 145)")
    gyro = uses_gyro(channels)
    gyro_units = f.get("gyro_units", str, f"one of {GYRO_UNITS} (REP 145)", required=False, default="")
    if gyro_units and (gyro_units not in GYRO_UNITS or not gyro):
        raise f.fail("gyro_units", f"one of {GYRO_UNITS} (REP 145), with gyro_* channels", gyro_units)
    gravity = f.choice("gravity", GRAVITY)
    method = f.choice("gaf_method", METHODS)
    image_size = f.get("image_size", int, f"an integer in [1, {window}]")
    if not 1 <= image_size <= window:
        raise f.fail("image_size", f"an integer in [1, window_samples={window}]", image_size)
    normalisation = f.choice("normalisation", NORMALISATIONS)
    value_range = _parse_range(f, normalisation, len(channels))
    shape_channels = _parse_shape_channels(f, channels)
    expected_shape = [len(channels) + len(shape_channels or ()), image_size, image_size]
    if len(input_shape) != 4 or list(input_shape[1:]) != expected_shape:
        raise f.fail("input_shape", f"[batch, {', '.join(map(str, expected_shape))}]", input_shape)
    return {
        "channels": channels,
        "units": units,
        "gyro_units": gyro_units or (GYRO_UNITS[0] if gyro else ""),
        "gravity": gravity,
        "sensor_location": f.get("sensor_location", str, "a string such as 'right_wrist'"),
        "gaf_method": method,
        "image_size": image_size,
        "normalisation": normalisation,
        "value_range": value_range,
        "mu_law": _parse_mu_law(f, len(channels)),
        "shape_channels": shape_channels,
    }


def _parse_skeleton(f: _Fields, input_shape: list[Any]) -> dict[str, Any]:
    frames = f.get("skeleton_frames", int, "an integer >= 2")
    if frames < 2:
        raise f.fail("skeleton_frames", "an integer >= 2", frames)
    joints = f.str_list("joints", 1)
    if joints != CANONICAL_JOINTS:
        raise f.fail("joints", f"the canonical joints {list(CANONICAL_JOINTS)}", list(joints))
    coverage = f.get("min_coverage", (int, float), "a number in [0, 1]", required=False, default=0.5)
    if not 0.0 <= coverage <= 1.0:
        raise f.fail("min_coverage", "a number in [0, 1]", coverage)
    expected_shape = [frames, len(joints), 3]
    if len(input_shape) != 4 or list(input_shape[1:]) != expected_shape:
        raise f.fail("input_shape", f"[batch, {', '.join(map(str, expected_shape))}]", input_shape)
    return {
        "skeleton_frames": frames,
        "joints": joints,
        "body_frame": f.get("body_frame", bool, "true or false", required=False, default=True),
        "root_relative": f.get("root_relative", bool, "true or false", required=False, default=False),
        "min_coverage": float(coverage),
    }


def check_against_graph(
    card: ModelCard, inputs: list[tuple[str, list[Any]]], outputs: list[tuple[str, list[Any]]], source: str
) -> None:
    """Validate a card against an ONNX graph's (name, shape) inputs and outputs.

    Symbolic dimensions (strings or None) match anything; fixed ones must agree.
    """

    def dims_agree(actual: list[Any], expected: list[Any]) -> bool:
        if len(actual) != len(expected):
            return False
        return all(
            not isinstance(a, int) or not isinstance(e, int) or a == e for a, e in zip(actual, expected, strict=True)
        )

    by_name = dict(inputs)
    if card.input_name not in by_name:
        raise ModelCardError(
            f"{source}: field 'input_name': {card.input_name!r} is not an input of the model (inputs: {sorted(by_name)})"
        )
    if not dims_agree(list(by_name[card.input_name]), list(card.input_shape)):
        raise ModelCardError(
            f"{source}: field 'input_shape': card says {list(card.input_shape)}, model input is {by_name[card.input_name]}"
        )
    out_by_name = dict(outputs)
    if card.output_name not in out_by_name:
        raise ModelCardError(
            f"{source}: field 'output_name': {card.output_name!r} is not an output of the model (outputs: {sorted(out_by_name)})"
        )
    out_shape = list(out_by_name[card.output_name])
    if len(out_shape) != 2 or not dims_agree(out_shape[1:], [len(card.labels)]):
        raise ModelCardError(
            f"{source}: field 'labels': card has {len(card.labels)} labels, model output shape is {out_shape}"
        )
    if card.embedding_name and card.embedding_name not in out_by_name:
        raise ModelCardError(
            f"{source}: field 'embedding_name': {card.embedding_name!r} is not an output of the model (outputs: {sorted(out_by_name)})"
        )
