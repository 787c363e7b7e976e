"""Which reliability a subscription should ask for, from what the topic's publishers offer.

A best-effort subscription matches every publisher, but a reliable publisher's large samples
(raw camera frames over 0.5 MB, sent as many UDP fragments) then arrive only when no fragment
is lost: most frames of a 640 x 480 rgb8 camera never do on a busy host. A reliable subscription
gets them all (lost fragments are resent) but matches no best-effort publisher. So, as
``ros2 topic echo`` does: reliable when every publisher offers reliable, else best effort.
"""

from __future__ import annotations

from collections.abc import Iterable

from rclpy.qos import ReliabilityPolicy


def matching_reliability(offered: Iterable[ReliabilityPolicy]) -> ReliabilityPolicy:
    """Reliable if there are publishers and all of them are reliable; best effort otherwise
    (it matches anyone, including publishers yet to come)."""
    offered = list(offered)
    if offered and all(r == ReliabilityPolicy.RELIABLE for r in offered):
        return ReliabilityPolicy.RELIABLE
    return ReliabilityPolicy.BEST_EFFORT
