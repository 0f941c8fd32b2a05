"""The event: what `event.toml` describes, validated, plus the people loaded.

Each stage reads its own settings block (``event.screening``,
``event.matching`` ...). Weights and limits live here, never in code.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Self
from zoneinfo import ZoneInfo

from pydantic import BeforeValidator, Field, field_validator, model_validator

from planner.model.people import Child, Frozen, Gender, Skill, Volunteer


def _clock(value: object) -> object:
    """Accept 8:30, 08:30, 8：30 (full-width colon) and TOML local times."""
    if isinstance(value, str):
        text = value.strip().replace("：", ":")
        parts = text.split(":")
        if len(parts) in (2, 3) and all(p.isdigit() for p in parts):
            hour, minute = int(parts[0]), int(parts[1])
            second = int(parts[2]) if len(parts) == 3 else 0
            if 0 <= hour < 24 and 0 <= minute < 60 and 0 <= second < 60:
                return time(hour, minute, second)
        raise ValueError(f"not a time of day: {value!r} (write it as 08:30)")
    return value


def _money(value: object) -> object:
    """Money as Decimal; floats are refused by going through their text."""
    if isinstance(value, float):
        return Decimal(repr(value))
    return value


Clock = Annotated[time, BeforeValidator(_clock)]
Money = Annotated[Decimal, BeforeValidator(_money)]

# Bounds on settings far beyond any real event, so that an absurd value (in
# event.toml or a hand-edited plan.json) is an input error, not a solver
# running for a year or an integer the solver cannot hold.
#: a solver's seed is a 32-bit integer
Seed = Annotated[int, Field(ge=0, le=2**31 - 1)]
#: seconds a solver may think: at most an hour
TimeLimit = Annotated[float, Field(gt=0, le=3600)]
#: a weight is a finite number (TOML can write nan and inf)
Weight = Annotated[float, Field(allow_inf_nan=False)]


class Shape(StrEnum):
    """The five programme shapes organisers run (see the README)."""

    SCHOOL_CARE = "school_care"
    PAIRING = "pairing"
    SCHOOL_DAY = "school_day"
    DAY_TRIP = "day_trip"
    COUNTY = "county"

    @property
    def plans_a_day(self) -> bool:
        """A day at a place (a school day, a day trip) has a timeline, game groups,
        buses, meals and tickets; a long-term pairing programme has pairs only."""
        return self in (Shape.SCHOOL_DAY, Shape.DAY_TRIP)


class PlaceKind(StrEnum):
    DEPOT = "depot"
    PICKUP = "pickup"
    VENUE = "venue"
    RESTAURANT = "restaurant"
    SCHOOL = "school"
    MEETING = "meeting"
    ROOM = "room"
    AREA = "area"  # where volunteers live (home_area), for the distance criterion


class Person(Frozen):
    name: str
    phone: str | None = None
    email: str | None = None
    role: str | None = None


class StaffMember(Person):
    """Someone at the event who is neither volunteer nor child (guide, teacher)."""

    eats: bool = True
    needs_ticket: bool = True


class Place(Frozen):
    id: str
    name: str
    kind: PlaceKind = PlaceKind.VENUE
    address: str | None = None
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    capacity: int | None = Field(default=None, ge=0)


class Files(Frozen):
    """The two sheets; in a workbook, the sheet by its name (default: the first)."""

    volunteers: str = "volunteers.csv"
    children: str = "children.csv"
    volunteers_sheet: str | None = None
    children_sheet: str | None = None


class Quota(Frozen):
    """At least ``min`` (at most ``max``) of the selected have this trait.

    ``skill`` or ``gender`` names the trait; ``per_group = true`` multiplies
    ``min`` by the number of game groups (a first-aider per group).
    """

    label: str | None = None
    skill: Skill | None = None
    gender: Gender | None = None
    min: int = Field(default=0, ge=0)
    max: int | None = Field(default=None, ge=0)
    per_group: bool = False

    @model_validator(mode="after")
    def _one_trait(self) -> Self:
        if (self.skill is None) == (self.gender is None):
            raise ValueError("a quota names exactly one of skill or gender")
        return self


class ScreeningSettings(Frozen):
    select: int | None = Field(default=None, ge=0)
    min_age: int = Field(default=18, ge=0)
    background_check_valid_days: int = Field(default=365, ge=1)
    require_training: bool = True
    require_background_check: bool = True
    seed: Seed = 0
    time_limit_s: TimeLimit = 30.0
    weights: dict[str, Weight] = Field(
        default_factory=lambda: {
            "responsibility": 1.0,
            "patience": 1.0,
            "caring": 1.0,
            "interview": 1.0,
        }
    )
    quotas: tuple[Quota, ...] = ()


class LockedPair(Frozen):
    volunteer: str
    children: tuple[str, ...]


class ForbiddenPair(Frozen):
    volunteer: str
    child: str
    reason: str | None = None


#: how much each pairing criterion counts, unless event.toml says otherwise
_PAIRING_WEIGHTS: dict[str, float] = {
    "same_gender": 10,
    "need_skill": 20,
    "dialect": 10,
    "distance": 15,
    "age_gap": 5,
    "continuity": 40,
    "spread": 30,
}


class MatchingSettings(Frozen):
    max_children: int = Field(default=1, ge=1, le=2)
    same_gender_required: bool = False
    #: brothers and sisters go with one volunteer (false: each may have their own)
    siblings_together: bool = True
    weights: dict[str, Weight] = Field(default_factory=lambda: dict(_PAIRING_WEIGHTS))
    locked: tuple[LockedPair, ...] = ()
    forbidden: tuple[ForbiddenPair, ...] = ()
    seed: Seed = 0
    time_limit_s: TimeLimit = 30.0
    # distance and age gap earn full points up to *_best, none from *_worst on
    distance_best_km: float = Field(default=5.0, ge=0, allow_inf_nan=False)
    distance_worst_km: float = Field(default=50.0, gt=0, allow_inf_nan=False)
    age_gap_best: int = Field(default=8, ge=0)
    age_gap_worst: int = Field(default=30, gt=0)

    @model_validator(mode="after")
    def _scales(self) -> Self:
        if self.distance_worst_km <= self.distance_best_km:
            raise ValueError("distance_worst_km must be larger than distance_best_km")
        if self.age_gap_worst <= self.age_gap_best:
            raise ValueError("age_gap_worst must be larger than age_gap_best")
        return self


class GroupSettings(Frozen):
    count: int = Field(default=1, ge=1, le=1000)
    first_aider_per_group: bool = True
    #: how much each imbalance between groups counts (children's age, gender)
    balance_weights: dict[str, int] = Field(default_factory=lambda: {"age": 1, "gender": 2})


class ActivityKind(StrEnum):
    GENERAL = "general"
    CEREMONY = "ceremony"
    GAMES = "games"
    EXHIBITION = "exhibition"
    COUNSELLING = "counselling"
    MEAL = "meal"
    TRAVEL_OUT = "travel_out"
    TRAVEL_BACK = "travel_back"
    GATHER = "gather"
    TOUR = "tour"


class Activity(Frozen):
    """One block of the day. Times are local to the event's timezone."""

    id: str
    title: str
    title_en: str | None = None
    kind: ActivityKind = ActivityKind.GENERAL
    duration: int = Field(gt=0, le=24 * 60, description="minutes")
    earliest: Clock | None = None
    latest_end: Clock | None = None
    after: tuple[str, ...] = ()
    beside: tuple[str, ...] = ()
    place: str | None = None
    #: games: one place per group (group i plays at places[i]), all at once
    places: tuple[str, ...] = ()
    who: tuple[str, ...] = ("everyone",)
    note: str | None = None


class Bus(Frozen):
    id: str
    name: str | None = None
    seats: int = Field(gt=0, le=1000)
    #: the driver sits in one of ``seats`` (a "19-seat" minibus carries 18)
    seats_include_driver: bool = True
    cost: Money = Decimal("0")
    driver: str | None = None
    driver_phone: str | None = None
    depot: str | None = None


class Travel(Frozen):
    """Travel minutes between places: a matrix, or coordinates and a speed."""

    speed_kmh: float = Field(default=40.0, gt=0, le=1000)
    minutes: dict[str, dict[str, int]] = Field(default={})
    boarding_minutes: int = Field(default=3, ge=0)


class ItinerarySettings(Frozen):
    day_start: Clock = time(7, 0)
    day_end: Clock = time(19, 0)
    venue: str | None = None
    escort_ratio: int = Field(default=8, ge=1)
    min_adults_per_bus: int = Field(default=2, ge=1)
    escorts: int | None = Field(default=None, ge=0)
    #: who is preferred as an escort: points per trait of a selected volunteer
    escort_weights: dict[str, int] = Field(
        default_factory=lambda: {
            "own_children_ride": 3,
            "first_aid": 2,
            "driving": 1,
            "first_aid_each_bus": 4,
        }
    )
    seed: Seed = 0
    time_limit_s: TimeLimit = 10.0


class MealSettings(Frozen):
    id: str = "meal"
    venue: str
    activity: str | None = None
    capacity: int | None = Field(default=None, ge=0)
    opens: Clock | None = None
    closes: Clock | None = None
    price_per_head: Money = Decimal("0")
    seating_by_group: bool = False


class TicketSettings(Frozen):
    """Whether tickets are needed, and which kinds are free. Prices are written
    once, as the unit price of the budget lines that count ``tickets_<kind>``."""

    required: bool = False
    free_kinds: tuple[str, ...] = ()


def _not_a_flag(value: object) -> object:
    """true/false is not an amount (it would otherwise read as 1 or 0)."""
    if isinstance(value, bool):
        raise ValueError('expected a number or text like "1.5", not true/false')
    return value


#: A budget value as written: a number, or text the budget stage parses ("¥1,500").
BudgetValue = Annotated[str | int | Money, BeforeValidator(_not_a_flag)]


class BudgetLineSpec(Frozen):
    item: str
    category: str = "other"
    quantity: BudgetValue = 1
    unit_price: BudgetValue = 0
    note: str | None = None
    source: str | None = None


class Funding(Frozen):
    source: str
    amount: BudgetValue
    kind: str = "cash"


class BudgetSettings(Frozen):
    """Money values may be text ("¥1,500", "1.5元"): the budget stage parses them."""

    currency: str = "CNY"
    lines: tuple[BudgetLineSpec, ...] = ()
    contingency_percent: BudgetValue = Decimal("0")
    cap: BudgetValue | None = None
    cap_fails: bool = False
    funding: tuple[Funding, ...] = ()


class FollowupSettings(Frozen):
    """How often volunteers contact their child: the monthly reminder in their invites."""

    contact_every_days: int = Field(default=31, ge=1)


class Event(Frozen):
    """One validated, immutable event: settings plus the people."""

    id: str
    name: str
    organiser: str | None = None
    date: date
    timezone: str = "Asia/Shanghai"
    shape: Shape = Shape.DAY_TRIP
    location: str | None = None
    meeting_point: str | None = None
    coordinator: Person | None = None
    emergency_phones: dict[str, str] = Field(default={})
    files: Files = Files()
    places: tuple[Place, ...] = ()
    staff: tuple[StaffMember, ...] = ()
    screening: ScreeningSettings = ScreeningSettings()
    matching: MatchingSettings = MatchingSettings()
    groups: GroupSettings = GroupSettings()
    activities: tuple[Activity, ...] = ()
    itinerary: ItinerarySettings = ItinerarySettings()
    buses: tuple[Bus, ...] = ()
    travel: Travel = Travel()
    meals: tuple[MealSettings, ...] = ()
    tickets: TicketSettings = TicketSettings()
    budget: BudgetSettings = BudgetSettings()
    followup: FollowupSettings = FollowupSettings()
    volunteers: tuple[Volunteer, ...] = ()
    children: tuple[Child, ...] = ()

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except Exception as exc:  # ZoneInfoNotFoundError, ValueError
            raise ValueError(f"unknown timezone {value!r}") from exc
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def at(self, clock: time, *, days: int = 0) -> datetime:
        """The event day's ``clock`` as an aware datetime in the event's zone."""
        return datetime.combine(self.date + timedelta(days=days), clock, self.tz)

    @property
    def is_outing(self) -> bool:
        """The children leave home for the day: a day trip, or any day with bus rounds."""
        rounds = (ActivityKind.TRAVEL_OUT, ActivityKind.TRAVEL_BACK)
        return self.shape == Shape.DAY_TRIP or any(a.kind in rounds for a in self.activities)

    def place(self, place_id: str) -> Place | None:
        return next((p for p in self.places if p.id == place_id), None)

    def volunteer(self, volunteer_id: str) -> Volunteer | None:
        return next((v for v in self.volunteers if v.id == volunteer_id), None)

    def child(self, child_id: str) -> Child | None:
        return next((c for c in self.children if c.id == child_id), None)

    @property
    def attending_children(self) -> tuple[Child, ...]:
        return tuple(c for c in self.children if c.attending)
