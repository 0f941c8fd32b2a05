"""What every volunteer must meet before anything else counts, and how applicants are scored.

Each requirement is a small function named in the organisers' words; it
returns a :class:`Failure` (why the applicant cannot go) or ``None``. The
plan checker calls the same functions, so solver and checker agree on what
"screened" means.
"""

from __future__ import annotations

from collections.abc import Callable

from msgspec import Struct

from planner.errors import InvalidInput, Problem
from planner.model import Event, Scores, Volunteer


class Failure(Struct, frozen=True):
    """A requirement an applicant does not meet, in Chinese and English."""

    rule: str
    zh: str
    en: str


def training_done(event: Event, v: Volunteer) -> Failure | None:
    """The volunteer took the volunteers' training (培训)."""
    if not event.screening.require_training or v.training_done:
        return None
    return Failure("training_done", "未参加志愿者培训", "volunteer training not done")


def background_check_in_date(event: Event, v: Volunteer) -> Failure | None:
    """The background check is done and still in date on the event day."""
    settings = event.screening
    if not settings.require_background_check:
        return None
    if not v.background_check_done:
        return Failure("background_check_in_date", "背景审查未完成", "background check not done")
    if v.background_check_date is None and v.background_check_date_unread:
        return Failure(
            "background_check_in_date",
            f"背景审查日期「{v.background_check_date_unread}」无法识别,无法确认在有效期内",
            f"background check date {v.background_check_date_unread!r} cannot be read: "
            "cannot tell it is in date",
        )
    if v.background_check_date is None:
        return Failure(
            "background_check_in_date",
            "背景审查日期未填,无法确认在有效期内",
            "background check date missing: cannot tell it is in date",
        )
    age_days = (event.date - v.background_check_date).days
    if age_days < 0:
        return Failure(
            "background_check_in_date",
            f"背景审查日期 {v.background_check_date} 晚于活动日 {event.date}",
            f"background check dated {v.background_check_date}, after the event day {event.date}",
        )
    if age_days > settings.background_check_valid_days:
        return Failure(
            "background_check_in_date",
            f"背景审查已过期({v.background_check_date} 审查,到活动日 {age_days} 天,"
            f"有效期 {settings.background_check_valid_days} 天)",
            f"background check out of date ({v.background_check_date}, {age_days} days before the event; "
            f"valid {settings.background_check_valid_days} days)",
        )
    return None


def adult(event: Event, v: Volunteer) -> Failure | None:
    """The volunteer is an adult (at least the event's minimum age)."""
    if v.age >= event.screening.min_age:
        return None
    return Failure(
        "adult",
        f"未满 {event.screening.min_age} 岁({v.age} 岁)",
        f"under {event.screening.min_age} ({v.age})",
    )


def available_on_the_day(event: Event, v: Volunteer) -> Failure | None:
    """The volunteer can come on the event day."""
    if v.available:
        return None
    return Failure("available_on_the_day", "活动当天不能到", "not available on the event day")


Requirement = Callable[[Event, Volunteer], Failure | None]

#: The hard requirements, in the order their reasons are listed.
REQUIREMENTS: tuple[Requirement, ...] = (
    training_done,
    background_check_in_date,
    adult,
    available_on_the_day,
)


def failures(event: Event, v: Volunteer) -> list[Failure]:
    """Every requirement ``v`` does not meet (empty: eligible)."""
    return [f for req in REQUIREMENTS if (f := req(event, v)) is not None]


def eligible(event: Event) -> list[Volunteer]:
    """Applicants who meet every requirement, sorted by id."""
    return sorted((v for v in event.volunteers if not failures(event, v)), key=lambda v: v.id)


SCORE_NAMES: tuple[str, ...] = tuple(Scores.model_fields)
SCORE_ZH = {"responsibility": "责任心", "patience": "耐心", "caring": "爱心", "interview": "面试"}


def weight_problems(event: Event) -> list[Problem]:
    """Screening weights name interview scores, and none is negative."""
    weights = event.screening.weights
    problems = [
        Problem(
            "event.toml",
            None,
            f"screening.weights.{key}",
            f"未知的评分项「{key}」;可用:{'、'.join(SCORE_NAMES)}",
            f"unknown score {key!r}; known: {', '.join(SCORE_NAMES)}",
            loc=("screening", "weights", key),
        )
        for key in sorted(set(weights) - set(SCORE_NAMES))
    ]
    problems += [
        Problem(
            "event.toml",
            None,
            f"screening.weights.{key}",
            f"评分权重不能为负数({w:g})",
            f"a score weight cannot be negative ({w:g})",
            loc=("screening", "weights", key),
        )
        for key, w in sorted(weights.items())
        if w < 0
    ]
    return problems


def check_weights(event: Event) -> None:
    """Refuse screening weights that name no interview score, or are negative."""
    problems = weight_problems(event)
    if problems:
        raise InvalidInput(problems)


def weighted_score(event: Event, v: Volunteer) -> float:
    """The weighted mean of the interview scores (0..10); a blank score counts 0.

    >>> from planner.model import Scores
    >>> e = Event(id="e", name="e", date="2026-12-12")
    >>> v = Volunteer(id="V1", name="甲", gender="male", age=30,
    ...               scores=Scores(responsibility=8, patience=6, caring=10, interview=4))
    >>> weighted_score(e, v)
    7.0
    """
    weights = event.screening.weights
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    value = sum(w * (getattr(v.scores, name) or 0.0) for name, w in weights.items())
    return round(value / total, 3)
