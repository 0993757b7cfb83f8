"""What a config check finds: `Problem`s, raised together as one `ConfigValidationError`.

Every check collects problems instead of stopping at the first, so a user fixes the whole
file in one pass; each problem carries its key path and line so the message points at it.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sync.errors import ConfigError

JsonPath = tuple[Any, ...]  # keys and list indexes from the document root


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a config file."""

    message: str
    key: str | None = None
    line: int | None = None

    def render(self, file: str | None) -> str:
        """The problem as `file:line: [key] message`, leaving out the parts that are unknown."""
        where = ":".join(str(p) for p in (file, self.line) if p is not None)
        at_key = f"[{self.key}] " if self.key else ""
        return f"{where}: {at_key}{self.message}" if where else f"{at_key}{self.message}"


class ConfigValidationError(ConfigError):
    """Every problem found in one config file, in file order (also as `problems`)."""

    def __init__(self, file: str | None, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        if len(self.problems) == 1:
            only = self.problems[0]
            super().__init__(only.message, file=file, key=only.key, line=only.line)
        else:
            listing = "\n".join(f"  {p.render(file)}" for p in self.problems)
            super().__init__(f"{len(self.problems)} problems:\n{listing}", file=file)


def key_of(path: JsonPath) -> str:
    """A JSON path as users write it: `flows[0].mapping`."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f"{'.' if out else ''}{part}"
    return out


def suggest(word: str, choices: Sequence[str]) -> str:
    """` (did you mean 'x'?)` for a close choice, else an empty string."""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
