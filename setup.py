"""Package list for setuptools; everything else lives in pyproject.toml.

The LabUtopia suite stays in `examples/` (where a reader looks for it) but ships inside the wheel as
the `labc_suite` package, so `synthesize`, `run` and `bench` find their default suite in an installed
labc as in a checkout. pyproject.toml cannot map a folder to another package name while also finding
the others, hence this file.
"""

from setuptools import find_packages, setup

PACKAGES = ["protocol_lang", "skills", "compiler", "labsim", "robogenesis", "labvla", "labc"]

setup(
    packages=[*find_packages(include=[f"{p}*" for p in PACKAGES]), "labc_suite"],
    package_dir={"labc_suite": "examples"},
    package_data={
        "": ["*.lark", "*.yaml", "*.json", "*.j2", "*.xml", "robots/*.yaml", "catalog/*.yaml"],
        "labc_suite": ["*.yaml", "*.lab", "labutopia/*/*.yaml", "labutopia/*/*.lab", "labutopia/*/*.md"],
    },
)
