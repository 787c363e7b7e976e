"""One line of text from a third-party exception (rcl, ONNX Runtime, MediaPipe, YAML, rosbags).

Their messages often span many lines (reports, YAML marks, dumps), and some have none at all;
our errors are one line that names the input, so only the first line of theirs is kept.
"""

from __future__ import annotations


def first_line(exc: BaseException, with_type: bool = False, limit: int = 200) -> str:
    """The first non-empty line of ``exc``'s message (at most ``limit`` characters).

    With ``with_type`` it is prefixed by the exception's type (``MemoryError: ...``), for errors
    whose message alone says little; a message-less exception is its type name either way.
    """
    line = next((s.strip() for s in str(exc).splitlines() if s.strip()), "")[:limit]
    if not line:
        return type(exc).__name__
    return f"{type(exc).__name__}: {line}" if with_type else line
