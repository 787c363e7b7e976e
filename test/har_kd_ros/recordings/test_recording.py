import numpy as np
import pytest

from har_kd_ros.recordings.recording import (
    Recording,
    RecordingError,
    Segment,
    load_csv,
    load_npz,
    load_recording,
    save_csv,
    save_npz,
)


def make_recording(with_skeleton=True):
    t = np.arange(100) / 50.0
    acc = np.stack([np.sin(t), np.cos(t), np.full_like(t, 9.81)], 1)
    skel_t = np.arange(60) / 30.0
    return Recording(
        subject="s3", trial="2", label="waving", acc=acc, acc_t=t, gyro=acc / 10,
        skeleton=np.random.default_rng(0).normal(size=(60, 16, 3)) if with_skeleton else None,
        skeleton_t=skel_t if with_skeleton else None, topology="canonical" if with_skeleton else None,
        source="test", segments=(Segment(0.0, 1.0, "a"), Segment(1.0, 2.0, "b")),
    )  # fmt: skip


def test_npz_round_trip(tmp_path):
    rec = make_recording()
    save_npz(rec, tmp_path / "r.npz")
    back = load_npz(tmp_path / "r.npz")
    for field in ("acc", "acc_t", "gyro", "skeleton", "skeleton_t"):
        np.testing.assert_array_equal(getattr(back, field), getattr(rec, field))
    assert (back.subject, back.trial, back.label, back.topology, back.segments) == (
        "s3",
        "2",
        "waving",
        "canonical",
        rec.segments,
    )
    assert back.label_at(0.5) == "a" and back.label_at(1.5) == "b" and back.label_at(5.0) == "waving"


def test_csv_round_trip_and_rate(tmp_path):
    rec = make_recording(with_skeleton=False)
    save_csv(rec, tmp_path / "r.csv")
    back = load_csv(tmp_path / "r.csv")
    np.testing.assert_allclose(back.acc, rec.acc, rtol=1e-8)
    np.testing.assert_allclose(back.gyro, rec.gyro, rtol=1e-8)
    assert back.acc_rate_hz == pytest.approx(50.0)
    (tmp_path / "no_t.csv").write_text("acc_x,acc_y,acc_z\n1,2,3\n4,5,6\n7,8,9\n")
    assert load_recording(tmp_path / "no_t.csv", rate_hz=10.0).acc_t[-1] == pytest.approx(0.2)
    with pytest.raises(RecordingError, match="no 't' column"):
        load_csv(tmp_path / "no_t.csv")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("t,x,y\n0,1,2\n", "lacks columns"),
        ("t,acc_x,acc_y,acc_z\n0,1,2,abc\n0.1,1,2,3\n", "non-numeric"),
        ("t,acc_x,acc_y,acc_z\n0,1,2,3\n", "at least 2 rows"),
        ("t,acc_x,acc_y,acc_z\n0,1,2,3\n0.1,nan,2,3\n", "NaN"),
        ("t,acc_x,acc_y,acc_z\n0.1,1,2,3\n0.0,1,2,3\n", "strictly increasing"),
    ],
)
def test_bad_csv_is_a_one_line_error_naming_the_file(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(RecordingError, match=message) as info:
        load_csv(path)
    assert str(path) in str(info.value) and "\n" not in str(info.value)


def test_truncated_or_foreign_npz(tmp_path):
    save_npz(make_recording(), tmp_path / "r.npz")
    data = (tmp_path / "r.npz").read_bytes()
    (tmp_path / "cut.npz").write_bytes(data[: len(data) // 2])
    with pytest.raises(RecordingError, match="cut.npz"):
        load_npz(tmp_path / "cut.npz")
    np.savez(tmp_path / "other.npz", x=np.zeros(3))
    with pytest.raises(RecordingError, match="missing array 'acc'"):
        load_npz(tmp_path / "other.npz")
    with pytest.raises(RecordingError, match="unsupported"):
        load_recording(tmp_path / "r.txt")


def test_validate_names_the_field():
    rec = make_recording()
    with pytest.raises(RecordingError, match="acc: expected shape"):
        rec.with_(acc=rec.acc[:, :2]).validate()
    with pytest.raises(RecordingError, match="topology"):
        rec.with_(topology=None).validate()
    with pytest.raises(RecordingError, match="gravity"):
        rec.with_(gravity="sometimes").validate()
    gyro = np.zeros_like(rec.acc)
    gyro[3, 1] = np.nan
    with pytest.raises(RecordingError, match="gyro: expected finite values"):
        rec.with_(gyro=gyro).validate()


def test_npz_with_rates_instead_of_stamps(tmp_path):
    np.savez(
        tmp_path / "r.npz",
        acc=np.zeros((10, 3)),
        rate_hz=np.array(20.0),
        skeleton=np.zeros((4, 16, 3)),
        meta=np.array('{"topology": "canonical"}'),
    )
    with pytest.raises(RecordingError, match="'skeleton_t' stamps or a positive scalar 'skeleton_rate_hz'"):
        load_npz(tmp_path / "r.npz")
    np.savez(
        tmp_path / "r.npz",
        acc=np.zeros((10, 3)),
        rate_hz=np.array(20.0),
        skeleton=np.zeros((4, 16, 3)),
        skeleton_rate_hz=np.array(2.0),
        meta=np.array('{"topology": "canonical"}'),
    )
    rec = load_npz(tmp_path / "r.npz")
    assert rec.acc_t[-1] == pytest.approx(0.45) and rec.skeleton_t[-1] == pytest.approx(1.5)
