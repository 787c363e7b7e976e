"""Where a recording's IMU was worn, and which recordings a student trains on.

A wrist student that learns from a sensor on the thigh learns motions a watch never sees, and its
card would claim a wrist it was not trained for. So the training set is chosen by body place
(``dataset.locations``): ``wrist`` keeps whatever was worn on a wrist (``right_wrist``,
``left_wrist``, ``wrist``, a ``watch``) and what was not worn at all (a watch on a ``table``, or data
that does not say: ``unknown``); any other entry is a place by name (``right_thigh``); ``any``
keeps everything.
"""

from __future__ import annotations

from collections import Counter

WRIST = "wrist"
ANY = "any"
OFF_BODY = frozenset({"table", "unknown", ""})


def on_wrist(location: str) -> bool:
    return location == WRIST or location.endswith("_wrist") or location == "watch"


def wanted(location: str, locations: list[str]) -> bool:
    """Whether a recording worn at ``location`` belongs to a set chosen by ``locations``."""
    if ANY in locations or location in locations:
        return True
    return WRIST in locations and (on_wrist(location) or location in OFF_BODY)


def select_by_location(recordings: list, locations: list[str]) -> tuple[list, str]:
    """The recordings worn where ``locations`` says, and one line on what was left out ('' if
    nothing was). None left is an error that lists the places the data has."""
    kept = [r for r in recordings if wanted(r.location, locations)]
    left = Counter(r.location for r in recordings if not wanted(r.location, locations))
    if not kept:
        found = ", ".join(f"{loc} ({n})" for loc, n in sorted(Counter(r.location for r in recordings).items()))
        raise ValueError(f"dataset.locations: {locations} keeps none of the recordings; they were worn at {found}")
    note = ""
    if left:
        places = ", ".join(f"{n} at {loc}" for loc, n in sorted(left.items()))
        note = f"dataset.locations {locations}: left out {places} ({len(kept)} recordings kept)"
    return kept, note
