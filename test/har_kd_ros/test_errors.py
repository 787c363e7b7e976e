"""Third-party exception text -> one line for our errors."""

from har_kd_ros.errors import first_line


def test_keeps_the_first_non_empty_line_only():
    exc = RuntimeError("\n  rcl: could not parse  \n  at arguments.c:352\n")
    assert first_line(exc) == "rcl: could not parse"
    assert first_line(exc, with_type=True) == "RuntimeError: rcl: could not parse"


def test_a_message_less_exception_is_its_type_not_an_index_error():
    assert first_line(MemoryError()) == "MemoryError"
    assert first_line(MemoryError(), with_type=True) == "MemoryError"


def test_long_lines_are_cut():
    assert len(first_line(ValueError("x" * 5000))) == 200
