"""The node for real: DDS on loopback, nodes and subscriber in separate processes."""

from __future__ import annotations

import json
import signal
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import HELPERS, HERE, assert_exits, read_probe, run_lifecycle, wait_for_line

from har_kd_ros.inference.classifier import DEFAULT_MODEL
from har_kd_ros.inference.model_card import ModelCard, card_path_for
from har_kd_ros.recordings.recording import load_npz, save_npz

pytestmark = pytest.mark.ros


@pytest.fixture(scope="module")
def other_stream(tmp_path_factory):
    """Another held-out subject doing the same activities in another order (a second wearer)."""
    from training.data.synthetic import generate_stream

    path = tmp_path_factory.mktemp("rec") / "other.npz"
    save_npz(generate_stream(("running", "waving", "walking"), segment_s=8.0, seed=6, subject_index=78), path)
    return path


def start_har(procs, *params: str, env=None):
    node = procs.node("imu_har_node", *params, env=env, log="imu_har")
    wait_for_line(node, "model ", 20)
    return node


def replay_into(procs, recording, rate_scale: float) -> dict:
    """Replay ``recording`` once (after imu_har and a probe have matched) and return what the probe saw."""
    probe, out = procs.probe(60)
    replay = start_replay(procs, recording, rate_scale)
    assert_exits(replay, 30)
    time.sleep(2.0)  # the last windows are still being classified (slower when the machine is busy)
    return read_probe(probe, out)


def start_replay(procs, recording, rate_scale: float, namespace: str = ""):
    params = [  # the IMU path alone: the recording's skeletons (for the teacher) stay unpublished
        f"recording:={recording}",
        f"rate_scale:={rate_scale}",
        "wait_for_subscribers:=2",
        "publish_skeleton:=false",
    ]
    return procs.node("imu_replay_node", *params, namespace=namespace, log=f"replay{namespace.replace('/', '_')}")


def test_a_replay_holding_its_start_says_what_it_waits_for(procs, short_stream):
    """wait_for_subscribers holds the first sample; the log says how many matched so far, then
    when it starts, and a subscriber that came late still receives the stream."""
    replay = procs.node(
        "imu_replay_node", f"recording:={short_stream}", "rate_scale:=8.0", "wait_for_subscribers:=1", log="replay"
    )
    wait_for_line(replay, "waiting 5 s for subscribers: 0/1 on '/imu' matched", 20)
    probe, out = procs.probe(60)
    wait_for_line(replay, "1 IMU subscriber(s) matched after", 20)
    assert_exits(replay, 30)
    record = read_probe(probe, out)
    assert record["imu_count"] > 0.9 * load_npz(short_stream).acc.shape[0]  # best effort at 8x: a few lost


@pytest.mark.parametrize("imu_receive", ["deadline", "executor"])
def test_replay_to_classification_matches_ground_truth(procs, short_stream, imu_receive):
    """Replayed at 4x (stamps run four times as fast as the clock: the deadline receiver must
    learn that), every window is classified either way; the receiver wakes far less often than
    samples arrive."""
    har = start_har(procs, f"imu_receive:={imu_receive}")
    record = replay_into(procs, short_stream, 4.0)
    assert har.poll() is None, "imu_har died"
    check_classified(record, short_stream)
    diag = record["diagnostics"][-1]
    assert int(diag["samples_dropped"]) == 0
    batched = record["status"]["imu_har: batched inference"][-1]
    assert batched["imu_receive"] == imu_receive
    if imu_receive == "deadline":
        # about a quarter of the samples wake it (the first 0.5 s is read message by message)
        assert int(batched["receiver_wakeups"]) < int(diag["samples_accepted"]) / 3


REST = {"standing", "sitting", "still", "unknown"}


@pytest.fixture(scope="module")
def still_watch_stream(tmp_path_factory):
    """A watch lying still (gravity + 0.02 m/s^2 noise) with gravity along each of its six axes in
    turn, then one turning slowly (3 deg/s), 6 s each, with 1 s silences between (a new grid each)."""
    from har_kd_ros.recordings.recording import Recording
    from training.data.synthetic import GRAVITY

    rng = np.random.default_rng(11)
    acc, gyro, stamps, t0 = [], [], [], 0.0
    t = np.arange(300) / 50.0
    for axis in range(7):
        if axis < 6:
            g = np.zeros(3)
            g[axis // 2] = GRAVITY * (1 if axis % 2 == 0 else -1)
            a, w = np.tile(g, (t.size, 1)), np.zeros((t.size, 3))
        else:
            angle = np.deg2rad(3.0) * t
            a = GRAVITY * np.stack([np.sin(angle), np.zeros_like(t), np.cos(angle)], 1)
            w = np.tile([0.0, np.deg2rad(3.0), 0.0], (t.size, 1))
        acc.append(a + rng.normal(0, 0.02, a.shape))
        gyro.append(w + rng.normal(0, 0.002, w.shape))
        stamps.append(t + t0)
        t0 += 7.0
    path = tmp_path_factory.mktemp("still") / "still.npz"
    rec = Recording("still", "1", "still", np.concatenate(acc), np.concatenate(stamps), gyro=np.concatenate(gyro))
    save_npz(rec, path)
    return path


def test_a_still_watch_never_gets_a_motion_label(procs, still_watch_stream):
    """On a robot most of what people do is stand, sit and wait: a label that fires on stillness
    is worse than none. Every orientation, and a slow turn, gets a rest label or 'unknown'."""
    start_har(procs)
    record = replay_into(procs, still_watch_stream, 4.0)
    labels = [label for _, label in record["activity"]]
    assert len(labels) >= 7 * 6  # 6 s per orientation: 8 windows each (hop 0.5 s) after the first 2.56 s
    assert set(labels) <= REST, {x: labels.count(x) for x in set(labels) - REST}


def test_a_gyroscope_model_reports_a_stream_without_gyroscope(procs, short_stream, tmp_path):
    """REP 145: the replay of an accelerometer-only recording says angular_velocity_covariance[0]
    = -1. The 6-axis default student drops those samples, says why, and labels nothing."""
    if "gyro_x" not in ModelCard.load(card_path_for(DEFAULT_MODEL)).channels:
        pytest.skip("the bundled student reads no gyroscope")
    acc_only = tmp_path / "acc_only.npz"
    save_npz(load_npz(short_stream).with_(gyro=None), acc_only)
    har = start_har(procs)
    record = replay_into(procs, acc_only, 8.0)
    assert har.poll() is None
    assert not record["classification"]
    status = record["status"]["imu_har: activity classifier"][-1]
    assert int(status["dropped_no_gyroscope"]) > 0 and int(status["samples_accepted"]) == 0
    assert status["level"] == 2 and status["message"] == "IMU without the gyroscope the model reads"
    assert "angular_velocity_covariance[0] = -1" in har.log_path.read_text()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_an_idle_node_never_wakes_for_imu_and_stops_at_once_on_a_signal(procs, sig):
    """No IMU publisher: the deadline receiver waits for a first message instead of polling (it
    woke ten times a second before), and a signal still ends the node cleanly within a second
    although the executor spins in 1 s slices."""
    har = start_har(procs)
    probe, out = procs.probe(20, imu=False)
    time.sleep(3.5)
    record = read_probe(probe, out)
    batched = record["status"]["imu_har: batched inference"]
    assert len(batched) >= 2 and {b["receiver_wakeups"] for b in batched} == {"0"}
    # our threads are named where top -H and /proc show them (bench_threads.py reads them so)
    threads = {path.read_text().strip() for path in Path(f"/proc/{har.pid}/task").glob("*/comm")}
    assert {"imu_receiver", "imu_har_infer"} <= threads
    start = time.monotonic()
    har.send_signal(sig)
    assert_exits(har, 5)
    assert time.monotonic() - start < 1.0
    log = har.log_path.read_text()
    assert "Traceback" not in log and "Exception" not in log, log


def test_one_node_serves_several_wearers_each_under_its_namespace(procs, short_stream, other_stream):
    """Two watches replayed at once into one node: each wearer's labels follow their own activities."""
    har = start_har(procs, "imu_topics:=[/alice/imu, /bob/imu]")
    assert "2 wearers: alice, bob" in har.log_path.read_text()
    probes = {ns: procs.probe(60, namespace=f"/{ns}") for ns in ("alice", "bob")}
    replays = [start_replay(procs, rec, 4.0, f"/{ns}") for ns, rec in (("alice", short_stream), ("bob", other_stream))]
    deadline = time.monotonic() + 60.0  # 7.5 s of publishing each, in parallel, once matched
    for replay in replays:
        assert_exits(replay, max(1.0, deadline - time.monotonic()))
    time.sleep(2.0)
    records = {ns: read_probe(*probe) for ns, probe in probes.items()}
    assert har.poll() is None, "imu_har died"
    for ns, recording in (("alice", short_stream), ("bob", other_stream)):
        name = f"imu_har: activity classifier ({ns})"  # /diagnostics is global: each probe sees both
        check_classified(records[ns], recording, name)
        diag = records[ns]["status"][name][-1]
        assert diag["imu_topic"] == f"/{ns}/imu" and diag["wearer"] == ns
        assert int(diag["samples_dropped"]) == 0
    batched = records["alice"]["status"]["imu_har: batched inference"][-1]
    assert int(batched["wearers"]) == 2 and 1 <= float(batched["batch_size_mean"]) <= 2


def test_an_imu_mounted_another_way_is_classified_once_its_axes_are_named(procs, short_stream, tmp_path):
    """The held-out subject's watch turned so that its x is the IMU's -y: with imu_axes saying so
    the node reads the frame the student learnt, and every window is classified as well."""
    from har_kd_ros.imu.axes import AxisMap

    m = AxisMap.parse("-y x z")
    rec = load_npz(short_stream)
    mounted = tmp_path / "mounted.npz"
    save_npz(rec.with_(acc=rec.acc @ m.matrix, gyro=rec.gyro @ m.matrix), mounted)  # imu = R^T watch
    har = start_har(procs, "imu_axes:=-y x z")
    assert "imu_axes: the watch frame's x y z read the IMU's -y x z" in har.log_path.read_text()
    record = replay_into(procs, mounted, 4.0)
    assert har.poll() is None, har.log_path.read_text()[-2000:]
    check_classified(record, mounted)


def check_classified(record: dict, recording: Path, status: str = "imu_har: activity classifier") -> None:
    """Every window was made and either classified or counted as skipped (a worker stalled past
    two hops skips the oldest by design, a loaded machine may see a few); every classification
    arrived, stamped and framed right, and mostly right where the window is pure."""
    card = ModelCard.load(card_path_for(DEFAULT_MODEL))
    rec = load_npz(recording)
    assert record["label_info"] == list(card.labels)
    assert record["imu_count"] > 0.9 * rec.acc.shape[0]
    classifications = record["classification"]
    diag = record["status"][status][-1]
    windows, skipped = int(diag["windows"]), int(diag["windows_skipped"])
    expected_windows = int((rec.duration_s - card.window_s) / card.hop_s) + 1
    assert windows >= expected_windows - 1, diag
    assert skipped <= max(2, windows // 10), diag
    assert len(classifications) == int(diag["classifications_published"]) == windows - skipped, diag
    assert len(record["activity"]) == len(classifications)
    correct = total = 0
    for c in classifications:
        scores = [s for _, s in c["results"]]
        assert scores == sorted(scores, reverse=True) and c["frame_id"] == "imu_link"
        t_end = c["stamp"] - record["imu_first_stamp"] + rec.acc_t[0]
        t_start = t_end - (card.window_samples - 1) / card.sample_rate_hz
        truth = rec.label_at(t_start)
        if truth == rec.label_at(t_end):  # windows inside one activity
            total += 1
            correct += c["results"][0][0] == truth
    assert total >= 20 and correct / total >= 0.8
    assert {label for _, label in record["activity"]} <= {*card.labels, "unknown"}


def test_bad_input_never_kills_the_node(procs, short_stream, ros_env):
    har = start_har(procs, "frame_id:=imu_link", "imu_reliability:=reliable")
    probe, out = procs.probe(90)
    fuzz = procs.start(
        sys.executable, str(HELPERS / "fuzz_publisher.py"), str(short_stream), "imu_link", "2", name="fuzz"
    )
    assert_exits(fuzz, 90)
    sent = json.loads(Path(fuzz.log_path).read_text().strip().splitlines()[-1])
    record = read_probe(probe, out)
    assert har.poll() is None, "imu_har died:\n" + har.log_path.read_text()[-2000:]
    diag = record["diagnostics"][-1]
    assert int(diag["dropped_non_finite"]) == sent["non_finite"]
    assert int(diag["dropped_wrong_frame"]) == sent["wrong_frame"]
    assert int(diag["dropped_out_of_order"]) == sent["out_of_order"]
    assert int(diag["unstamped"]) == sent["unstamped"]
    # after all that, the valid stream is still classified
    late = [c for c in record["classification"] if c["stamp"] > 0]
    assert len(late) >= 20
    labels = [c["results"][0][0] for c in late[-10:]]
    assert max(labels.count(x) for x in set(labels)) >= 6  # the final running segment is recognised consistently


def test_ten_thousand_malformed_imu_messages_are_counted_and_the_node_keeps_classifying(procs):
    """Random NaN/Inf/huge values, absurd stamps and frames, truncated and foreign bytes: nothing
    is lost uncounted, and the valid stream that follows is classified."""
    har = start_har(procs, "frame_id:=imu_link", "imu_reliability:=reliable", "imu_queue_depth:=1000")
    probe, out = procs.probe(120, imu=False)
    fuzz = procs.start(sys.executable, str(HELPERS / "fuzz_messages.py"), "imu", "10000", "7", name="fuzz")
    assert_exits(fuzz, 120)
    sent = json.loads(fuzz.log_path.read_text().strip().splitlines()[-1])
    time.sleep(1.5)  # one more diagnostics period
    record = read_probe(probe, out)
    assert har.poll() is None, "imu_har died:\n" + har.log_path.read_text()[-2000:]
    diag = record["diagnostics"][-1]
    assert int(diag["samples_accepted"]) + int(diag["samples_dropped"]) == sent["sent"] + sent["valid_after"]
    for reason in ("non_finite", "wrong_frame", "out_of_order", "duplicate"):
        assert int(diag[f"dropped_{reason}"]) > 0, reason
    assert int(diag["dropped_malformed"]) == sent["malformed"] > 0
    valid = [c for c in record["classification"] if c["stamp"] >= sent["valid_start"] - 1e-6]
    assert len(valid) >= 8  # 8 s of valid samples: 11 windows


@pytest.mark.parametrize("problem", ["missing", "corrupt"])
def test_bad_model_exits_non_zero_with_one_line(procs, tmp_path, problem):
    model = tmp_path / "student.onnx"
    if problem == "corrupt":
        model.write_bytes(DEFAULT_MODEL.read_bytes()[:1000])
        model.with_suffix(".json").write_text(card_path_for(DEFAULT_MODEL).read_text())
    node = procs.node("imu_har_node", f"model:={model}", log="bad_model")
    assert_exits(node, 20, 1)
    lines = [line for line in node.log_path.read_text().splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"imu_har: {model}: ")  # the .onnx itself, not its card
    assert ("model file not found" if problem == "missing" else "not a loadable ONNX model") in lines[0]


@pytest.mark.parametrize(
    ("param", "reason"),
    [
        ("min_confidence:=1.5", "out of range"),
        ("min_confidence:=high", "expecting type"),
        ("imu_topics:=[/a/imu, /a/imu]", "imu_topics: expected distinct topics"),
        ("wearers:=[9lives]", "wearers: '9lives' is not a valid relative ROS namespace"),
        ("imu_topics:=[]", "imu_topics: got an empty value (an empty list has no type); expected list like"),
        ("imu_axes:=y x z", "imu_axes: 'y x z' is a mirror image"),
        ("imu_axes:=x x z", "imu_axes: expected three of x, y, z each once"),
    ],
)
def test_bad_parameter_exits_with_one_line(procs, param, reason):
    node = procs.node("imu_har_node", param, log="bad_param")
    assert_exits(node, 20, 1)
    lines = [line for line in node.log_path.read_text().splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("imu_har: ") and reason in lines[0]


def test_parameters_change_at_run_time_within_their_ranges(procs):
    har = start_har(procs)
    probe, out = procs.probe(40)
    setter = procs.start(
        sys.executable,
        str(HELPERS / "set_param.py"),
        "imu_har",
        "min_confidence=0.9",
        "min_confidence=1.5",
        "hysteresis=0.3",
        name="set_param",
    )
    assert_exits(setter, 40)
    results = json.loads(setter.log_path.read_text().strip().splitlines()[-1])
    assert [r["successful"] for r in results] == [True, False, True]
    assert "range" in results[1]["reason"]
    time.sleep(0.5)
    record = read_probe(probe, out)
    assert record["thresholds"][-1] == pytest.approx(0.9)  # LabelInfo follows min_confidence
    assert har.poll() is None


def test_without_vision_msgs_publishes_string_only(procs, short_stream, ros_env):
    env = dict(ros_env)
    env["PYTHONPATH"] = ":".join(p for p in env["PYTHONPATH"].split(":") if "vision_msgs" not in p)
    har = start_har(procs, env=env)
    assert "vision_msgs is not installed" in har.log_path.read_text()
    record = replay_into(procs, short_stream, 8.0)
    assert len(record["activity"]) > 10 and record["classification"] == [] and har.poll() is None


def test_replay_rejects_a_bad_recording(procs, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("t,x\n0,1\n")
    node = procs.node("imu_replay_node", f"recording:={bad}", log="bad_replay")
    assert_exits(node, 20, 1)
    assert "imu_replay: " in node.log_path.read_text() and "lacks columns" in node.log_path.read_text()
    np.testing.assert_equal(node.returncode, 1)


def test_unparsable_ros_args_are_one_line_of_ours_not_a_traceback(procs):
    node = procs.node("imu_har_node", "teacher_topic:=", log="bad_args")
    assert_exits(node, 20, 2)
    text = node.log_path.read_text()
    assert "Traceback" not in text
    ours = [line for line in text.splitlines() if line.startswith("imu_har: ")]
    assert len(ours) == 1 and "bad command-line arguments" in ours[0] and "teacher_topic" in ours[0]


def humble_env(ros_env) -> dict[str, str]:
    """Node processes whose rclpy lacks what Humble's lacks (test/support/humble_rclpy)."""
    env = dict(ros_env)
    env["PYTHONPATH"] = f"{HERE.parent / 'support' / 'humble_rclpy'}:{env['PYTHONPATH']}"
    return env


def test_without_the_events_executor_and_the_private_rclpy_module_the_node_still_classifies(
    procs, short_stream, ros_env
):
    """On an rclpy without EventsExecutor and without the implementation module the receiver
    uses, the defaults fall back (each said once) and every window is still classified."""
    har = start_har(procs, env=humble_env(ros_env))
    record = replay_into(procs, short_stream, 4.0)
    assert har.poll() is None, har.log_path.read_text()[-2000:]
    check_classified(record, short_stream)
    log = har.log_path.read_text()
    assert log.count("imu_receive: deadline is not available in this rclpy") == 1, log
    assert log.count("executor 'events' is not in this rclpy") == 1, log
    assert record["status"]["imu_har: batched inference"][-1]["imu_receive"] == "executor"


def test_a_managed_imu_har_follows_its_lifecycle_transitions(procs, short_stream):
    """autostart:=false: nothing until configure; inputs and outputs only while active; classifying
    again after a second activate; unconfigured after cleanup."""
    har = procs.node("imu_har_node", "autostart:=false", log="imu_har")
    procs.node("imu_replay_node", f"recording:={short_stream}", "loop:=true", "rate_scale:=4.0", log="replay")
    steps = run_lifecycle(
        procs,
        "imu_har",
        "/activity",
        "/imu",
        "configure",
        "activate",
        "deactivate",
        "activate",
        "deactivate",
        "cleanup",
    )
    seen = [(s["transition"], s["success"], s["state"], s["publishers"], s["input_subscribers"]) for s in steps]
    assert seen == [
        ("start", True, "unconfigured", 0, 0),
        ("configure", True, "inactive", 0, 0),
        ("activate", True, "active", 1, 1),
        ("deactivate", True, "inactive", 0, 0),
        ("activate", True, "active", 1, 1),
        ("deactivate", True, "inactive", 0, 0),
        ("cleanup", True, "unconfigured", 0, 0),
    ], steps
    messages = {s["transition"]: s["messages"] for s in steps[:4]}
    assert messages["start"] == messages["configure"] == messages["deactivate"] == 0
    assert steps[2]["messages"] >= 2 and steps[4]["messages"] >= 2  # a label per hop (0.5 s of stamps)
    assert har.poll() is None and "Traceback" not in har.log_path.read_text()


def test_a_managed_node_with_a_bad_model_stays_unconfigured_and_says_why(procs, tmp_path):
    har = procs.node("imu_har_node", "autostart:=false", f"model:={tmp_path / 'none.onnx'}", log="imu_har")
    steps = run_lifecycle(procs, "imu_har", "/activity", "/imu", "configure")
    assert (steps[-1]["success"], steps[-1]["state"]) == (False, "unconfigured")
    log = har.log_path.read_text()
    assert (
        har.poll() is None and "configure failed: ModelLoadError:" in log and "none.onnx: model file not found" in log
    )
