"""Which recordings a student trains on, by where the sensor was worn."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from training.data.locations import select_by_location, wanted


def recs(*places: str) -> list:
    return [SimpleNamespace(location=p) for p in places]


def test_a_wrist_set_keeps_wrists_and_unworn_watches_and_leaves_out_the_thigh():
    data = recs("right_wrist", "left_wrist", "wrist", "watch", "table", "unknown", "right_thigh", "right_thigh")
    kept, note = select_by_location(data, ["wrist"])
    assert [r.location for r in kept] == ["right_wrist", "left_wrist", "wrist", "watch", "table", "unknown"]
    assert note == "dataset.locations ['wrist']: left out 2 at right_thigh (6 recordings kept)"


def test_named_places_and_any_choose_otherwise():
    assert wanted("right_thigh", ["right_thigh"]) and not wanted("right_wrist", ["right_thigh"])
    assert wanted("right_thigh", ["any"]) and wanted("phone", ["any"])
    assert not wanted("phone", ["wrist"]) and not wanted("shimmer03", ["wrist"])
    kept, note = select_by_location(recs("right_wrist", "right_thigh"), ["wrist", "right_thigh"])
    assert len(kept) == 2 and note == ""


def test_a_choice_that_keeps_nothing_lists_the_places_the_data_has():
    with pytest.raises(
        ValueError, match=r"keeps none of the recordings; they were worn at phone \(1\), right_thigh \(2\)"
    ):
        select_by_location(recs("right_thigh", "phone", "right_thigh"), ["wrist"])


def test_a_run_on_utd_mhad_trains_the_wrist_student_on_the_wrist_trials(tmp_path, capsys):

    from release_writers import write_utd_mhad

    from training.config import load_config
    from training.prepare import load_recordings

    write_utd_mhad(tmp_path, trials=(("a1", "s1", "t1"), ("a3", "s2", "t1"), ("a23", "s2", "t1")))
    config = load_config(None, ["dataset.name=utd_mhad", f"dataset.root={tmp_path}"])
    recordings = load_recordings(config, cache=False)
    assert sorted(r.label for r in recordings) == ["swipe_left", "wave"]
    assert "dataset.locations ['wrist']: left out 1 at right_thigh (2 recordings kept)" in capsys.readouterr().err
    config = load_config(None, ["dataset.name=utd_mhad", f"dataset.root={tmp_path}", "dataset.locations=[any]"])
    assert len(load_recordings(config, cache=False)) == 3
