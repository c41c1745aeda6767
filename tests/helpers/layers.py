"""The package layers, lowest first: the layering test's contract, and the folders tests/ mirrors."""

LAYERS: list[set[str]] = [
    {"labinfra"},  # stdlib-only plumbing: atomic writes, the job pool, LeRobot names
    {"protocol_lang"},
    {"labdata"},  # the lab's static facts (catalog, deck, robot profiles, wells)
    {"labsim", "skills"},
    {"robogenesis", "labvla", "compiler"},
    {"labc"},
]
