import json
import shutil

import numpy as np
import pytest

from har_kd_ros.inference.classifier import (
    DEFAULT_MODEL,
    DEFAULT_TEACHER,
    ModelLoadError,
    StudentClassifier,
    TeacherClassifier,
)
from har_kd_ros.inference.model_card import ModelCard, ModelCardError, card_path_for
from har_kd_ros.skeleton.topology import CANONICAL_JOINTS


@pytest.fixture
def card_dict():
    return json.loads(card_path_for(DEFAULT_MODEL).read_text())


@pytest.fixture
def model_copy(tmp_path):
    """A writable copy of the bundled student + card."""
    onnx = tmp_path / "student.onnx"
    shutil.copy(DEFAULT_MODEL, onnx)
    shutil.copy(card_path_for(DEFAULT_MODEL), onnx.with_suffix(".json"))
    return onnx


def test_bundled_card_is_valid_and_consistent(card_dict):
    card = ModelCard.from_dict(card_dict)
    assert card.units == "m/s^2" and card.gravity in ("included", "removed")
    assert card.input_shape[1:] == (len(card.channels), card.image_size, card.image_size)
    assert {"dataset", "protocol", "metrics", "date", "git_commit", "command"} <= set(card.provenance)
    assert ModelCard.from_dict(card.to_dict()) == card  # round trip


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("labels", ["walking"]),
        ("labels", ["a", "a"]),
        ("sample_rate_hz", -50),
        ("sample_rate_hz", "50"),
        ("window_samples", 1),
        ("hop_samples", 0),
        ("hop_samples", 10_000),
        ("units", "g"),
        ("gravity", "maybe"),
        ("gaf_method", "markov"),
        ("image_size", 0),
        ("normalisation", "zscore"),
        ("value_range", [5, -5]),
        ("input_shape", [1, 3, 32, 32]),
        ("model_id", ""),
        ("schema_version", 99),
        ("channels", []),
    ],
)
def test_each_bad_field_is_named(card_dict, field, value):
    card_dict[field] = value
    with pytest.raises(ModelCardError, match=f"'{field}'") as info:
        ModelCard.from_dict(card_dict, "card.json")
    assert "\n" not in str(info.value)


def six_axis(card_dict: dict) -> dict:
    """The bundled card rewritten for an acc + gyro student with one range per channel."""
    channels = ["acc_x", "acc_y", "acc_z", "gyro_x", "gyro_y", "gyro_z"]
    size = card_dict["image_size"]
    return {
        **card_dict,
        "channels": channels,
        "gyro_units": "rad/s",
        "normalisation": "fixed",
        "value_range": [[-40, 40]] * 3 + [[-10, 10]] * 3,
        "input_shape": ["batch", 6, size, size],
    }


def test_a_six_axis_card_round_trips_with_per_channel_ranges(card_dict):
    card = ModelCard.from_dict(six_axis(card_dict))
    assert card.channels[3:] == ("gyro_x", "gyro_y", "gyro_z") and card.gyro_units == "rad/s"
    assert card.value_range == ((-40.0, 40.0),) * 3 + ((-10.0, 10.0),) * 3
    assert ModelCard.from_dict(card.to_dict()) == card
    no_units = six_axis(card_dict)
    del no_units["gyro_units"]  # REP 145's rad/s is what a gyro channel means
    assert ModelCard.from_dict(no_units).gyro_units == "rad/s"


def test_mu_law_round_trips_and_is_left_out_when_linear(card_dict):
    companded = ModelCard.from_dict({**six_axis(card_dict), "mu_law": [0, 0, 0, 1000, 1000, 1000]})
    assert companded.mu_law == (0.0, 0.0, 0.0, 1000.0, 1000.0, 1000.0)
    assert companded.gaf_kwargs()["mu_law"] == companded.mu_law
    assert ModelCard.from_dict(companded.to_dict()) == companded
    linear = ModelCard.from_dict({**six_axis(card_dict), "mu_law": [0] * 6})
    assert linear.mu_law is None and "mu_law" not in linear.to_dict()
    assert ModelCard.from_dict(six_axis(card_dict)).mu_law is None  # a card without the field: linear


def test_shape_channels_round_trip_and_widen_the_input(card_dict):
    raw = six_axis(card_dict)
    raw["input_shape"] = ["batch", 9, *raw["input_shape"][2:]]
    card = ModelCard.from_dict({**raw, "shape_channels": ["gyro_x", "gyro_y", "gyro_z"]})
    assert card.image_channels == 9 and card.gaf_kwargs()["shape_channels"] == (3, 4, 5)
    assert ModelCard.from_dict(card.to_dict()) == card
    plain = ModelCard.from_dict(six_axis(card_dict))
    assert plain.gaf_kwargs()["shape_channels"] is None and "shape_channels" not in plain.to_dict()
    with pytest.raises(ModelCardError, match="'input_shape'"):  # the images it promises must fit the model
        ModelCard.from_dict({**six_axis(card_dict), "shape_channels": ["gyro_x"]})


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("mu_law", [1000] * 5),  # one short
        ("mu_law", [0, 0, 0, -1, 0, 0]),
        ("mu_law", [0, 0, 0, True, 0, 0]),
        ("mu_law", 1000),
        ("shape_channels", ["gyro_x", "gyro_x"]),
        ("shape_channels", ["mag_x"]),
        ("shape_channels", "gyro_x"),
        ("value_range", [[-40, 40]] * 5),  # one pair short
        ("value_range", [[-40, 40]] * 5 + [[1, -1]]),
        ("value_range", [-40, [40]]),
        ("gyro_units", "deg/s"),
        ("channels", ["acc_x", "acc_y", "acc_z", "gyro_x", "gyro_y", "mag_z"]),
    ],
)
def test_each_bad_six_axis_field_is_named(card_dict, field, value):
    with pytest.raises(ModelCardError, match=f"'{field}'") as info:
        ModelCard.from_dict({**six_axis(card_dict), field: value}, "card.json")
    assert "\n" not in str(info.value)


def test_gyro_units_without_gyro_channels_are_refused(card_dict):
    size = card_dict["image_size"]
    acc_only = {**card_dict, "channels": ["acc_x", "acc_y", "acc_z"], "value_range": [-40, 40],
                "input_shape": ["batch", 3, size, size]}  # fmt: skip
    acc_only.pop("gyro_units", None)
    assert ModelCard.from_dict(acc_only).gyro_units == ""
    with pytest.raises(ModelCardError, match="'gyro_units'"):
        ModelCard.from_dict({**acc_only, "gyro_units": "rad/s"})


@pytest.mark.parametrize("field", ["labels", "sample_rate_hz", "window_samples", "input_name", "gaf_method"])
def test_missing_field_is_named(card_dict, field):
    del card_dict[field]
    with pytest.raises(ModelCardError, match=f"'{field}' is missing"):
        ModelCard.from_dict(card_dict)


def test_card_must_agree_with_graph(model_copy, card_dict):
    card_path = model_copy.with_suffix(".json")
    card_path.write_text(json.dumps({**card_dict, "labels": [*card_dict["labels"], "extra"]}))
    with pytest.raises(ModelCardError, match=f"'labels'.*{len(card_dict['labels']) + 1} labels"):
        StudentClassifier(model_copy)
    card_path.write_text(json.dumps({**card_dict, "input_name": "image"}))
    with pytest.raises(ModelCardError, match="'input_name'"):
        StudentClassifier(model_copy)
    w = card_dict["window_samples"]
    card_path.write_text(json.dumps({**card_dict, "image_size": w, "input_shape": ["batch", 3, w, w]}))
    with pytest.raises(ModelCardError, match="'input_shape'"):
        StudentClassifier(model_copy)


def test_missing_or_corrupt_files(model_copy, tmp_path):
    with pytest.raises(ModelLoadError, match=r"nothing\.onnx: model file not found"):
        StudentClassifier(tmp_path / "nothing.onnx")
    lone = tmp_path / "lone.onnx"
    lone.write_bytes(model_copy.read_bytes())
    with pytest.raises(ModelCardError, match=r"lone\.json: model card not found"):
        StudentClassifier(lone)
    model_copy.write_bytes(model_copy.read_bytes()[:200])  # truncated download
    with pytest.raises(ModelLoadError, match="not a loadable ONNX model"):
        StudentClassifier(model_copy)
    model_copy.with_suffix(".json").write_text("{ not json")
    with pytest.raises(ModelCardError, match="not valid JSON"):
        StudentClassifier(model_copy)


def test_card_is_validated_before_model_is_opened(tmp_path):
    onnx = tmp_path / "m.onnx"
    onnx.write_bytes(b"\x00" * 10)
    onnx.with_suffix(".json").write_text(json.dumps({"labels": ["a", "b"]}))
    with pytest.raises(ModelCardError, match="is missing"):
        StudentClassifier(onnx)


def test_classifier_rejects_windows_of_the_wrong_shape(default_student):
    card = default_student.card
    with pytest.raises(ModelCardError, match="windows"):
        default_student.probabilities(np.zeros((2, card.window_samples)))
    p = default_student.probabilities(np.zeros((4, len(card.channels), card.window_samples)))
    assert p.shape == (4, len(card.labels))
    np.testing.assert_allclose(p.sum(axis=1), 1.0, atol=1e-6)


# -- skeleton teachers ---------------------------------------------------------------------------


@pytest.fixture
def teacher_card_dict():
    return json.loads(card_path_for(DEFAULT_TEACHER).read_text())


def test_bundled_teacher_card_is_valid_and_round_trips(teacher_card_dict):
    card = ModelCard.from_dict(teacher_card_dict)
    assert card.modality == "skeleton" and card.joints == CANONICAL_JOINTS
    assert card.input_shape[1:] == (card.skeleton_frames, len(CANONICAL_JOINTS), 3)
    assert card.embedding_name and "gaf_method" not in card.to_dict()
    assert ModelCard.from_dict(card.to_dict()) == card


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("skeleton_frames", 1),
        ("joints", ["pelvis", "neck"]),
        ("min_coverage", 1.5),
        ("body_frame", "yes"),
        ("input_shape", ["batch", 32, 16, 2]),
        ("modality", "video"),
    ],
)
def test_each_bad_teacher_field_is_named(teacher_card_dict, field, value):
    teacher_card_dict[field] = value
    with pytest.raises(ModelCardError, match=f"'{field}'") as info:
        ModelCard.from_dict(teacher_card_dict, "teacher.json")
    assert "\n" not in str(info.value)


def test_a_teacher_is_not_loadable_as_a_student_and_vice_versa(tmp_path):
    for source, loader in ((DEFAULT_TEACHER, StudentClassifier), (DEFAULT_MODEL, TeacherClassifier)):
        with pytest.raises(ModelCardError, match="'modality'"):
            loader(source)


def test_teacher_embedding_output_must_exist(tmp_path, teacher_card_dict):
    onnx = tmp_path / "teacher.onnx"
    shutil.copy(DEFAULT_TEACHER, onnx)
    onnx.with_suffix(".json").write_text(json.dumps({**teacher_card_dict, "embedding_name": "features"}))
    with pytest.raises(ModelCardError, match="'embedding_name'"):
        TeacherClassifier(onnx)


def test_bundled_teacher_gives_probabilities_and_embeddings():
    teacher = TeacherClassifier()
    x = np.random.default_rng(0).normal(size=(5, teacher.card.skeleton_frames, 16, 3))
    p = teacher.probabilities(x)
    logits, embedding = teacher.logits_and_embedding(x)
    assert p.shape == (5, len(teacher.labels)) and np.allclose(p.sum(1), 1.0)
    assert embedding is not None and embedding.shape[0] == 5
    assert np.array_equal(p.argmax(1), logits.argmax(1))
    with pytest.raises(ModelCardError, match="windows"):
        teacher.probabilities(x[:, :, :10])
