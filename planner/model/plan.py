"""The Plan: every decision of every stage, with its reason.

``plan.json`` is this model serialised (a contract other tools read); every
other output is rendered from it alone, so it also carries the people and
settings a renderer needs.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator

from planner.model.event import Event, Person, Place, StaffMember
from planner.model.people import Child, Volunteer


class Part(BaseModel):
    """Base for plan parts: unknown fields rejected; populated by alias or name."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class Notice(Part):
    """A warning a stage leaves in the plan: which stage, what kind, in both languages.

    Printed in the reader's language (:meth:`text`); plan.json also keeps
    each as one "中文 / English" line under ``warnings``.

    >>> n = Notice(stage="itinerary", code="bus_not_needed", zh="车辆 B2 不需要使用",
    ...            en="bus B2 is not needed")
    >>> n.text("en"), str(n)
    ('bus B2 is not needed', '车辆 B2 不需要使用 / bus B2 is not needed')
    """

    stage: str
    code: str
    zh: str
    en: str

    def text(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh

    def __str__(self) -> str:
        return f"{self.zh} / {self.en}"


class EventInfo(Part):
    id: str
    name: str
    date: date
    timezone: str
    organiser: str | None = None
    shape: str | None = None
    location: str | None = None
    meeting_point: str | None = None
    coordinator: Person | None = None
    emergency_phones: dict[str, str] = {}


class Rejection(Part):
    volunteer_id: str
    reason: str
    reasons: list[str] = []
    reason_en: str | None = None


class Pair(Part):
    volunteer_id: str
    child_ids: list[str] = Field(min_length=1, max_length=2)
    score: float = 0
    reasons: list[str] = []
    points: dict[str, float] = {}
    locked: bool = False
    reasons_en: list[str] = []


class Group(Part):
    id: str
    name: str | None = None
    volunteer_ids: list[str] = []
    child_ids: list[str] = []
    leader_id: str | None = None
    first_aider_ids: list[str] = []


class TimelineItem(Part):
    id: str
    title: str
    title_en: str | None = None
    kind: str | None = None
    start: datetime
    end: datetime
    who: list[str] = []
    place: str | None = None
    note: str | None = None
    note_en: str | None = Field(
        default=None, description="the note in English, when it is not the same in both"
    )


class Stop(Part):
    point: str
    time: datetime
    child_ids: list[str] = []
    kind: str | None = Field(default=None, description="pickup or dropoff")


class Leg(Part):
    from_: str = Field(alias="from")
    to: str
    depart: datetime
    arrive: datetime
    volunteer_ids: list[str] = []
    child_ids: list[str] = []
    stops: list[Stop] = []
    direction: str | None = None


class BusPlan(Part):
    id: str
    name: str | None = None
    seats: int
    driver: str | None = None
    driver_phone: str | None = None
    cost: Decimal | None = None
    legs: list[Leg] = []
    seat_of: dict[str, int] = Field(
        default_factory=dict,
        description="each rider's seat (1 by the door), kept all day and by a re-plan "
        "(planner.model.seats.seat_numbers)",
    )


class MealPlan(Part):
    id: str | None = None
    venue: str
    time: datetime
    end: datetime | None = None
    headcount: int
    children: int | None = None
    adults: int | None = None
    dietary: dict[str, int] = {}
    seating: dict[str, int] = {}
    price_per_head: Decimal | None = None


class BudgetLine(Part):
    item: str
    category: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    note: str | None = None
    quantity_expr: str | None = None
    source: str | None = None


class FundingLine(Part):
    source: str
    amount: Decimal
    kind: str = "cash"


class Budget(Part):
    currency: str = "CNY"
    lines: list[BudgetLine] = []
    by_category: dict[str, Decimal] = {}
    subtotal: Decimal = Decimal("0")
    contingency_percent: Decimal = Decimal("0")
    contingency: Decimal = Decimal("0")
    total: Decimal = Decimal("0")
    per_child: Decimal | None = None
    cap: Decimal | None = None
    funding: list[FundingLine] = []
    balance: Decimal | None = None
    counts: dict[str, int] = {}


class People(Part):
    """Who the renderers may need to name; each renderer picks only its fields."""

    volunteers: list[Volunteer] = []
    children: list[Child] = []
    staff: list[StaffMember] = []
    places: list[Place] = []


#: The plan.json schema this planner writes. Bumped whenever plan.json gains a
#: key; this planner reads every version up to it (older ones are upgraded as
#: they are read) and refuses a higher one (``planner.io.read_plan``).
#: 1: the first; 2: ``buses[].seat_of``, ``ticket_summary``, ``timeline[].note_en``.
SCHEMA_VERSION = 2

#: Keys of ``Plan.tickets`` that sum the kinds up rather than name a kind of ticket.
TICKET_SUM_KEYS: frozenset[str] = frozenset({"free", "total"})


class TicketSummary(Part):
    """Tickets with kinds, free kinds and totals kept apart (``plan.json``
    ``ticket_summary``, derived from ``tickets``): ``free`` and ``total`` are
    never kinds of ticket."""

    kinds: dict[str, int] = Field(description="tickets by kind, free kinds included")
    free_kinds: list[str] = Field(description="the kinds that cost nothing")
    free: int = Field(description="tickets of the free kinds")
    to_buy: int = Field(description="tickets to buy: every kind that is not free")
    total: int = Field(description="every ticket, free ones included")

    @classmethod
    def of(cls, tickets: dict[str, int], free_kinds: tuple[str, ...] | list[str]) -> Self:
        """Split a ``tickets`` dict (kinds plus the stage's ``free`` and ``total`` sums).

        >>> s = TicketSummary.of({"child": 30, "staff": 1, "free": 1, "total": 30}, ["staff"])
        >>> s.kinds, s.free_kinds, s.free, s.to_buy, s.total
        ({'child': 30, 'staff': 1}, ['staff'], 1, 30, 31)
        """
        kinds = {k: n for k, n in tickets.items() if k not in TICKET_SUM_KEYS}
        free_listed = sorted(k for k in set(free_kinds) if k in kinds)
        free = tickets.get("free", sum(kinds[k] for k in free_listed))
        everyone = sum(kinds.values())
        to_buy = tickets.get("total", everyone - free)
        return cls(kinds=kinds, free_kinds=free_listed, free=free, to_buy=to_buy, total=everyone)


class Plan(Part):
    """The whole plan (``plan.json``, a contract other tools read)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=False)

    confidential: str = Field(
        default="机密:含儿童个人信息,仅限组织者 / confidential: children's personal data, organisers only",
        description="a note for whoever opens the file; the tool writes it owner-only (0600)",
    )
    schema_version: int = Field(
        default=SCHEMA_VERSION,
        description="the plan.json schema (planner.model.plan.SCHEMA_VERSION); a plan "
        "read from an older one is upgraded and carries this planner's",
    )
    revision: int = Field(
        default=0,
        ge=0,
        description="bumped by each re-plan of the same event (rematch); calendar "
        "invites carry it as SEQUENCE so a re-import updates the events",
    )
    event: EventInfo
    volunteers_selected: list[str] = []
    volunteers_rejected: list[Rejection] = []
    pairs: list[Pair] = []
    groups: list[Group] = []
    timeline: list[TimelineItem] = []
    buses: list[BusPlan] = []
    meals: list[MealPlan] = []
    tickets: dict[str, int] = {}
    budget: Budget | None = None
    notices: list[Notice] = []
    people: People = Field(default_factory=People)
    sequences: dict[str, int] = Field(
        default_factory=dict,
        description="per person (and 'team'): the revision at which what their invite "
        "says last changed, its SEQUENCE; a person not listed is at 0",
    )
    cancelled: dict[str, list[TimelineItem]] = Field(
        default_factory=dict,
        description="people a re-plan dropped: the items their invite held, sent "
        "again as cancellations (same UIDs) so their calendars clear",
    )
    settings: Event | None = Field(
        default=None,
        description="the event's settings without its people, so that rematch "
        "and export need nothing but plan.json",
    )

    @computed_field  # type: ignore[prop-decorator]
    @property
    def warnings(self) -> list[str]:
        """Every notice as one "中文 / English" line (the plan.json contract)."""
        return [str(n) for n in self.notices]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def ticket_summary(self) -> TicketSummary | None:
        """``tickets`` with kinds, free kinds, tickets to buy and all tickets apart
        (``tickets`` keeps its old shape, sums included, for tools that read it)."""
        if not self.tickets:
            return None
        free_kinds = self.settings.tickets.free_kinds if self.settings is not None else ()
        return TicketSummary.of(self.tickets, free_kinds)

    @model_validator(mode="before")
    @classmethod
    def _derived_fields_are_not_read(cls, data: Any) -> Any:
        """``ticket_summary`` is derived from ``tickets``: written, never read back."""
        if isinstance(data, dict) and "ticket_summary" in data:
            data = {k: v for k, v in data.items() if k != "ticket_summary"}
        return data

    @model_validator(mode="before")
    @classmethod
    def _warnings_come_from_notices(cls, data: Any) -> Any:
        """``warnings`` in plan.json is derived from ``notices``; a plan.json
        written before notices existed keeps its lines as notices of no stage."""
        if isinstance(data, dict) and "warnings" in data:
            data = dict(data)
            lines = data.pop("warnings")
            if "notices" not in data:
                data["notices"] = [_old_line(line) for line in lines]
        return data

    @model_validator(mode="after")
    def _older_plans_are_upgraded(self) -> Self:
        """A plan of an older schema (or built by hand) gets what this schema adds
        and can be derived: each bus's seats in boarding order, as it printed them."""
        from planner.model.seats import seat_numbers

        if any(bus.legs and not bus.seat_of for bus in self.buses):
            self.buses = [
                bus.model_copy(update={"seat_of": seat_numbers(bus)})
                if bus.legs and not bus.seat_of
                else bus
                for bus in self.buses
            ]
        self.schema_version = SCHEMA_VERSION
        return self

    def event_model(self) -> Event:
        """Rebuild the Event this plan was made from (settings + people)."""
        if self.settings is None:
            raise ValueError("plan.json has no settings block")
        return self.settings.model_copy(
            update={
                "volunteers": tuple(self.people.volunteers),
                "children": tuple(self.people.children),
            }
        )

    def to_json(self) -> str:
        """The plan as plan.json text: stable keys, aliases (``from``), UTF-8."""
        return self.model_dump_json(by_alias=True, indent=2) + "\n"


def _old_line(line: str) -> Notice:
    zh, _, en = line.partition(" / ")
    return Notice(stage="", code="", zh=zh, en=en or zh)
