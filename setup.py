"""Package list for setuptools; everything else lives in pyproject.toml.

The LabUtopia suite stays in `examples/` (where a reader looks for it) but ships inside the wheel as
the `labc_suite` package, so `synthesize`, `run` and `bench` find their default suite in an installed
labc as in a checkout. pyproject.toml cannot map a folder to another package name while also finding
the others, hence this file. Data folders (robot profiles, the catalog, the suite's levels) are listed
as namespace packages so that setuptools ships them without warning about each one.
"""

from setuptools import find_namespace_packages, setup

PACKAGES = [
    "labinfra",
    "protocol_lang",
    "labdata",
    "skills",
    "compiler",
    "labsim",
    "robogenesis",
    "labvla",
    "labc",
]
SKIP = ["*__pycache__*", "*.egg-info"]

setup(
    packages=[
        *find_namespace_packages(include=[f"{p}*" for p in PACKAGES], exclude=SKIP),
        "labc_suite",
        *(f"labc_suite.{p}" for p in find_namespace_packages("examples", exclude=SKIP)),
    ],
    package_dir={"labc_suite": "examples"},
    package_data={"": ["*.lark", "*.yaml", "*.json", "*.j2", "*.xml", "*.lab", "*.md"]},
)
