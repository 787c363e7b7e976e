"""Who wears which IMU: one imu_har node serves several wearers, each under its own namespace.

A robot among several people subscribes to each person's watch (``/alice/imu``, ``/bob/imu``)
and wants each person's activity beside their IMU (``/alice/activity``, ``/bob/activity``).
This module turns the node's ``imu_topics``/``wearers`` parameters into that plan, or into a
one-line error; it is pure so it is tested without DDS.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(/[A-Za-z_][A-Za-z0-9_]*)*$")
_TOPIC = re.compile(r"^~?/?[A-Za-z_][A-Za-z0-9_]*(/[A-Za-z_][A-Za-z0-9_]*)*$")


@dataclass(frozen=True)
class Wearer:
    """One IMU stream: ``name`` ('' for a lone wearer) and the prefix of its output topics."""

    name: str
    imu_topic: str

    @property
    def prefix(self) -> str:
        """Relative output topics of this wearer start with this ('' or 'alice/')."""
        return f"{self.name}/" if self.name else ""

    def topic(self, relative: str) -> str:
        """``activity`` -> ``alice/activity``; an absolute name is left alone."""
        return relative if relative.startswith("/") else self.prefix + relative


def wearer_name_from_topic(topic: str) -> str:
    """``/alice/imu`` -> ``alice``; ``/alice/watch/imu`` -> ``alice/watch``; ``imu_left`` -> ``imu_left``."""
    parts = topic.lstrip("~/").split("/")
    return "/".join(parts[:-1]) if len(parts) > 1 else parts[0]


def plan_wearers(imu_topics: Sequence[str], names: Sequence[str] = ()) -> list[Wearer]:
    """The wearers for ``imu_topics``: one topic and no names keeps today's single-wearer topics.

    With several topics each wearer is named by ``names`` or, when that is empty, by the
    namespace of its topic; names and topics must be unique and valid ROS names.
    """
    topics = list(imu_topics)
    if not topics:
        raise ValueError("imu_topics: expected at least one IMU topic")
    for topic in topics:
        if not _TOPIC.match(topic):
            raise ValueError(f"imu_topics: {topic!r} is not a valid ROS topic name")
    if len(set(topics)) != len(topics):
        raise ValueError(f"imu_topics: expected distinct topics, got {topics}")
    if names and len(names) != len(topics):
        raise ValueError(f"wearers: expected one name per IMU topic ({len(topics)}), got {len(names)}")
    if not names and len(topics) == 1:
        return [Wearer("", topics[0])]
    chosen = list(names) if names else [wearer_name_from_topic(t) for t in topics]
    for name in chosen:
        if not _NAME.match(name):
            raise ValueError(f"wearers: {name!r} is not a valid relative ROS namespace")
    if len(set(chosen)) != len(chosen):
        where = "wearers" if names else "imu_topics (wearers named by their namespaces)"
        raise ValueError(f"{where}: expected distinct wearer names, got {chosen}; set 'wearers' explicitly")
    return [Wearer(n, t) for n, t in zip(chosen, topics, strict=True)]
