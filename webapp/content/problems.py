"""What is wrong with a content folder: every problem is collected, so one run of
``flask check-content`` lists them all, each naming the file, the entry and what is wrong."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the content, phrased for the person who edits it."""

    file: str
    entry: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.entry}" if self.entry else self.file
        return f"{where}: {self.message}"


class ContentError(Exception):
    """The content folder has problems; the site must not start with it."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{len(problems)} problem(s) in the content:\n{lines}")


class Problems:
    """Gathers problems while loading so that all of them are reported at once."""

    def __init__(self, root: Path, *others: Path) -> None:
        self.roots = (root, *others)
        self.problems: list[Problem] = []

    def name(self, path: Path) -> str:
        """``path`` as the person knows it: from its content folder's parent (the shipped
        folder's or the local one's)."""
        for root in self.roots:
            if path.is_relative_to(root):
                return str(path.relative_to(root.parent))
        return str(path)

    def add(self, path: Path, entry: str, message: str) -> None:
        self.problems.append(Problem(self.name(path), entry, message))
