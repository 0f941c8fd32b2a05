"""What can go wrong, as values the command turns into exit codes.

No traceback reaches a user for bad input or an impossible event: the
stages raise these, the command prints them and exits with the code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes of the `planner` command (a contract other tools read)."""

    DONE = 0
    INTERNAL = 1
    USAGE = 2
    INVALID_INPUT = 3
    INFEASIBLE = 4
    TIME_LIMIT = 5


@dataclass(frozen=True, order=True)
class Problem:
    """One bad thing in the input, located as ``file:row:column``.

    ``row`` is the sheet row (header = 1) or the TOML line; ``column`` the
    header as the user wrote it, or the TOML key path. A stage's
    ``validate`` sees the Event, not the file: it names the event.toml key
    path in ``loc`` (``("buses", 0, "depot")``, array indices from 0), and
    the loader turns that into the line.
    """

    file: str
    row: int | None
    column: str | None
    message: str
    message_en: str | None = None
    loc: tuple[str | int, ...] = field(default=(), compare=False)

    def render(self, lang: str = "zh") -> str:
        text = self.message_en if lang == "en" and self.message_en else self.message
        where = self.file
        if self.row is not None:
            where += f":{self.row}"
        if self.column is not None:
            if self.row is None:
                where += ":"
            where += f":{self.column}"
        return f"{where}: {text}"


class PlannerError(Exception):
    """Base of the errors the command reports without a traceback."""

    exit_code: ExitCode = ExitCode.INTERNAL


@dataclass
class InvalidInput(PlannerError):
    """Every problem found in the input, all at once (exit 3)."""

    problems: list[Problem] = field(default_factory=list)
    exit_code = ExitCode.INVALID_INPUT

    def __post_init__(self) -> None:
        self.problems = sorted(set(self.problems), key=_problem_key)
        super().__init__(f"{len(self.problems)} problem(s) in the input")

    def lines(self, lang: str = "zh") -> list[str]:
        return [p.render(lang) for p in self.problems]


def _problem_key(p: Problem) -> tuple[str, int, str, str]:
    return (p.file, p.row if p.row is not None else -1, p.column or "", p.message)


@dataclass
class Infeasible(PlannerError):
    """The event cannot be planned; each reason says why in numbers (exit 4).

    ``stage`` names the stage that found it; ``reasons`` are in Chinese,
    ``reasons_en`` the same in English when available.
    """

    stage: str
    reasons: list[str]
    reasons_en: list[str] = field(default_factory=list)
    exit_code = ExitCode.INFEASIBLE

    def __post_init__(self) -> None:
        super().__init__(f"{self.stage}: " + "; ".join(self.reasons))

    def lines(self, lang: str = "zh") -> list[str]:
        if lang == "en" and self.reasons_en:
            return list(self.reasons_en)
        return list(self.reasons)


@dataclass
class TimeLimitReached(PlannerError):
    """The solver ran out of time before it found any plan (exit 5)."""

    stage: str
    seconds: float
    #: the real time the stage spent (the limit counts solver work, not the clock)
    spent: float | None = None
    exit_code = ExitCode.TIME_LIMIT

    def __post_init__(self) -> None:
        super().__init__(f"{self.stage}: no plan within {self.seconds:g} s")

    def lines(self, lang: str = "zh") -> list[str]:
        if self.spent is not None:
            if lang == "en":
                return [
                    f"{self.stage}: no plan found after {self.spent:.1f} s "
                    f"(solver work limit {self.seconds:g}; not proved impossible)"
                ]
            return [
                f"{self.stage}:用时 {self.spent:.1f} 秒仍未找到方案"
                f"(求解工作量上限 {self.seconds:g};不是无解,可调大时限)"
            ]
        if lang == "en":
            return [f"{self.stage}: no plan found within the time limit of {self.seconds:g} s"]
        return [f"{self.stage}:在 {self.seconds:g} 秒时限内未找到方案(不是无解,可调大时限)"]
