"""Known expert failures, one list for the expert tests (tests/robogenesis) and the run tests
(tests/labc/runtime): each is a strict xfail in both, so a fix must remove it here."""

KNOWN_BROKEN: dict[tuple[str, str], str] = {}  # (robot, task) -> why
