"""The reliability that skeleton_node's auto mode asks for, from what the publishers offer."""

from __future__ import annotations

from rclpy.qos import ReliabilityPolicy

from har_kd_ros.ros.qos_match import matching_reliability

R, B = ReliabilityPolicy.RELIABLE, ReliabilityPolicy.BEST_EFFORT


def test_reliable_only_while_every_publisher_is_reliable():
    assert matching_reliability([R]) == R
    assert matching_reliability([R, R]) == R
    assert matching_reliability([R, B]) == B  # a reliable subscription would not match the second
    assert matching_reliability([B]) == B


def test_no_publisher_yet_is_best_effort_which_matches_whoever_comes():
    assert matching_reliability([]) == B
    assert matching_reliability(iter([R])) == R  # any iterable, read once
