"""The absolute imports a module makes, for the tests that hold packages to contracts (layering, the
simulator boundary)."""

from __future__ import annotations

import ast
from collections.abc import Iterator


def absolute_imports(tree: ast.AST) -> Iterator[tuple[str, int]]:
    """(top-level package, line) of every `import x.y` and `from x.y import z`; relative imports stay
    inside their package and are skipped."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            yield name.split(".")[0], node.lineno
