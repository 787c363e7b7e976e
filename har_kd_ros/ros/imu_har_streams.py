"""What one wearer gets from imu_har: an ingest for its IMU topic, a smoother, its publishers
(``activity``, and with vision_msgs ``activity/classification`` and the latched
``activity/label_info``) and, with a teacher topic, an agreement tracker fed by a raw teacher
subscription. All of it under the wearer's namespace (har_kd_ros.imu.wearers)."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from functools import partial

from rclpy.qos import DurabilityPolicy, QoSProfile, ReliabilityPolicy
from std_msgs.msg import String

from har_kd_ros.imu.ingest import StreamIngest
from har_kd_ros.imu.wearers import Wearer
from har_kd_ros.imu.window import StreamingWindow
from har_kd_ros.inference.agreement import AgreementTracker
from har_kd_ros.inference.smoothing import LabelSmoother
from har_kd_ros.messages.cdr import ImuCdrReader
from har_kd_ros.ros import convert


@dataclass
class WearerStream:
    """One wearer: its ingest (reader, window, what it dropped), smoother and publishers."""

    wearer: Wearer
    ingest: StreamIngest
    smoother: LabelSmoother
    activity_pub: object
    classification_pub: object | None = None
    label_info_pub: object | None = None
    agreement: AgreementTracker | None = None
    teacher_malformed: int = 0
    published: int = 0
    last_accepted: tuple[int, float] = (0, 0.0)
    latencies_ms: deque[float] = field(default_factory=lambda: deque(maxlen=200))


def string_teacher_topic(topic: str) -> str:
    """Where the teacher's String labels are: ``teacher/activity/classification`` -> ``teacher/activity``."""
    return topic.removesuffix("/classification")


def make_stream(node, wearer: Wearer, reader: ImuCdrReader, vision_msgs: bool) -> WearerStream:
    """``node`` (an ImuHarNode, active) creates the wearer's publishers and teacher subscription."""
    card, config = node.classifier.card, node.config
    window = StreamingWindow(
        card.sample_rate_hz, card.window_samples, card.hop_samples, len(card.channels), config.max_gap
    )
    ingest = StreamIngest(
        wearer.imu_topic,
        reader,
        window,
        now=node.ros_time_s,
        report=node.log_problem,
        frame_id=config.frame_id,
        channels_hint=f"the model {card.model_id} reads {', '.join(card.channels)}",
    )
    stream = WearerStream(
        wearer,
        ingest,
        LabelSmoother(card.labels, config.smoothing_alpha, config.min_confidence, config.hysteresis),
        node.create_publisher(String, wearer.topic("activity"), 10),
        last_accepted=(0, time.monotonic()),
    )
    if vision_msgs:
        latched = QoSProfile(
            depth=1, durability=DurabilityPolicy.TRANSIENT_LOCAL, reliability=ReliabilityPolicy.RELIABLE
        )
        stream.classification_pub = node.create_publisher(
            convert.Classification, wearer.topic("activity/classification"), 10
        )
        stream.label_info_pub = node.create_publisher(convert.LabelInfo, wearer.topic("activity/label_info"), latched)
        publish_label_info(node, stream, config.min_confidence)
    if config.teacher_topic:
        stream.agreement = AgreementTracker(
            card.labels,
            config.agreement_window,
            config.agreement_tolerance,
            max_wait_s=max(5.0, config.agreement_tolerance),
        )
        # without the Classification type: the teacher's String labels, timed on arrival
        msg_type, topic = (
            (convert.Classification, config.teacher_topic)
            if vision_msgs
            else (String, string_teacher_topic(config.teacher_topic))
        )
        # raw, like the IMU: rclpy's deserializer crashes on hostile bytes (har_kd_ros.messages.cdr)
        on_teacher = partial(node.on_teacher_label, stream, msg_type is String)
        node.create_subscription(msg_type, wearer.topic(topic), on_teacher, 10, raw=True)
    return stream


def publish_label_info(node, stream: WearerStream, threshold: float) -> None:
    """The latched LabelInfo (class names, and the threshold below which a label is 'unknown')."""
    if stream.label_info_pub is not None:
        stream.label_info_pub.publish(convert.label_info_msg(node.classifier.labels, threshold, node.ros_time_s(), ""))
