"""The camera teacher over DDS: skeleton clouds in, teacher labels out, agreement in /diagnostics."""

from __future__ import annotations

import json
import sys
import time

import pytest
from conftest import HELPERS, assert_exits, read_probe, run_lifecycle, wait_for_line

from har_kd_ros.inference.classifier import DEFAULT_TEACHER, TeacherClassifier
from har_kd_ros.recordings.recording import load_npz

pytestmark = pytest.mark.ros


def replay_through_teacher_and_har(procs, recording, env=None, har_ready="model ", echo=False, fuzz=0):
    """teacher_node + imu_har_node (+ activity_echo), the recording replayed into both at 2x; what a probe saw.
    ``fuzz``: first that many hostile messages on the topics they subscribe to (besides the IMU);
    what was sent is ``record["fuzz"]``."""
    teacher = procs.node("teacher_node", env=env)
    har = procs.node("imu_har_node", env=env)
    echo_node = procs.node("activity_echo", env=env) if echo else None
    wait_for_line(teacher, "teacher ", 20)
    wait_for_line(har, har_ready, 20)
    sent = None
    if fuzz:
        attack = procs.start(
            sys.executable, str(HELPERS / "fuzz_messages.py"), "labels", str(fuzz), "5", env=env, name="fuzz"
        )
        assert_exits(attack, 120)
        sent = json.loads(attack.log_path.read_text().strip().splitlines()[-1])
    probe, out = procs.probe(90, teacher=True)  # every teacher label counts below
    params = [
        f"recording:={recording}", "rate_scale:=2.0", "wait_for_subscribers:=2",
        "wait_for_skeleton_subscribers:=1",
    ]  # fmt: skip
    replay = procs.node("imu_replay_node", *params)
    assert_exits(replay, 60)
    time.sleep(1.5)  # the last diagnostics (1 Hz) after the last labels
    record = read_probe(probe, out)
    for node in (teacher, har, echo_node):
        assert node is None or node.poll() is None, f"{node.args[0]} died:\n{node.log_path.read_text()[-2000:]}"
    record["fuzz"] = sent
    return record


def test_teacher_labels_replayed_skeletons_and_imu_har_reports_agreement(procs, short_stream):
    record = replay_through_teacher_and_har(procs, short_stream, echo=True)

    rec = load_npz(short_stream)
    card = TeacherClassifier(DEFAULT_TEACHER).card
    labels = record["teacher_classification"]
    expected = int((rec.duration_s - card.window_s) / card.hop_s)
    assert len(labels) >= 0.9 * expected and len(record["teacher_activity"]) == len(labels)
    # stamps are the replay's timeline: map back to the recording's by the first IMU stamp
    offset = record["imu_first_stamp"] - rec.acc_t[0]
    right = total = 0
    for c in labels:
        t_end = c["stamp"] - offset
        truth = rec.label_at(t_end - card.window_s + 1e-3)
        if truth == rec.label_at(t_end - 1e-3):
            total += 1
            right += c["results"][0][0] == truth
    assert total >= 15 and right / total >= 0.8

    teacher_diag = record["status"]["teacher: skeleton teacher"][-1]
    assert int(teacher_diag["labels_published"]) == len(labels)
    assert int(teacher_diag["dropped_malformed"]) == 0
    agreement = record["status"]["imu_har: teacher agreement"][-1]
    assert int(agreement["paired_total"]) >= 0.8 * len(record["classification"])
    assert 0.5 <= float(agreement["agreement"]) <= 1.0
    # activity_echo read every kind of message it subscribes to: the student's top results
    # (Classification), the teacher's String label, the agreement (DiagnosticArray)
    echoed = (procs.tmp / "activity_echo.log").read_text().splitlines()
    shown = [line for line in echoed if "  [" in line and " teacher: " in line and "(agree " in line]
    assert len(shown) >= 5, echoed[-5:]


def test_without_vision_msgs_agreement_pairs_the_teachers_string_labels(procs, short_stream):
    """The pip-only install has no vision_msgs: the teacher publishes String labels only, and
    imu_har pairs them with its own labels by arrival time, so the drift check still works."""
    from vision_msgs_build import ensure_vision_msgs, env_without

    bare = env_without(ensure_vision_msgs(), procs.env)
    ready = "agreement: teacher String labels on 'teacher/activity'"
    record = replay_through_teacher_and_har(procs, short_stream, env=bare, har_ready=ready, echo=True)
    assert not record["classification"] and not record["teacher_classification"]  # really without vision_msgs
    assert len(record["teacher_activity"]) >= 15
    agreement = record["status"]["imu_har: teacher agreement"][-1]
    assert int(agreement["paired_total"]) >= 0.8 * len(record["activity"])
    assert 0.5 <= float(agreement["agreement"]) <= 1.0
    # what the README demo prints: both labels and the agreement on each line
    echoed = (procs.tmp / "activity_echo.log").read_text().splitlines()
    shown = [line for line in echoed if line.startswith("activity: ") and "teacher: " in line and "(agree " in line]
    assert len(shown) >= 5, echoed[-5:]


def test_hostile_bytes_on_every_label_topic_leave_the_teacher_imu_har_and_echo_labelling(procs, short_stream):
    """4000 flipped, truncated and foreign payloads on the skeleton, teacher-label, activity and
    diagnostics topics (typed rclpy subscribers segfault on such bytes): all three nodes stay up,
    count what they could not read, and then label the replay as if nothing had happened."""
    record = replay_through_teacher_and_har(procs, short_stream, echo=True, fuzz=4000)
    sent = record["fuzz"]["topics"]
    assert set(sent) >= {"skeleton", "teacher/activity/classification", "/diagnostics"}  # vision_msgs present
    teacher_diag = record["status"]["teacher: skeleton teacher"][-1]
    skeleton = sent["skeleton"]
    # skeletons are best effort (sensor data): DDS may lose a few of the malformed ones
    assert 0.9 * skeleton["malformed"] <= int(teacher_diag["dropped_malformed"]) <= skeleton["sent"]
    agreement = record["status"]["imu_har: teacher agreement"][-1]
    labels = sent["teacher/activity/classification"]
    # imu_har keeps the last 10 teacher labels (they come at 2 Hz): a burst at ~2000/s overwrites
    # queued ones whenever the reader is slower, more so on a busy machine; what it reads it counts
    assert 0.25 * labels["malformed"] <= int(agreement["teacher_labels_malformed"]) <= labels["sent"]

    rec = load_npz(short_stream)
    card = TeacherClassifier(DEFAULT_TEACHER).card
    expected = int((rec.duration_s - card.window_s) / card.hop_s)
    assert len(record["teacher_classification"]) >= 0.9 * expected
    assert int(agreement["paired_total"]) >= 0.8 * len(record["classification"])
    echoed = (procs.tmp / "activity_echo.log").read_text().splitlines()
    assert len([line for line in echoed if "  [" in line and "(agree " in line]) >= 5, echoed[-5:]


def test_a_managed_teacher_labels_only_while_active(procs, short_stream):
    teacher = procs.node("teacher_node", "autostart:=false", log="teacher")
    procs.node("imu_replay_node", f"recording:={short_stream}", "loop:=true", "rate_scale:=4.0", log="replay")
    steps = run_lifecycle(
        procs, "teacher", "/teacher/activity", "/skeleton", "configure", "activate", "deactivate", "cleanup"
    )
    seen = [(s["state"], s["publishers"], s["input_subscribers"], s["messages"] > 0) for s in steps]
    assert seen == [
        ("unconfigured", 0, 0, False),
        ("inactive", 0, 0, False),
        ("active", 1, 1, True),
        ("inactive", 0, 0, False),
        ("unconfigured", 0, 0, False),
    ], steps
    assert teacher.poll() is None
