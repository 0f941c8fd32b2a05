"""Printed paper as HTML with print CSS: rosters, manifests, meal order, cards, sheets.

Each page kind is built in two steps: a small function turns the Plan
into rows holding only what that page's reader needs, then a Jinja2
template lays them out. Who reads what:

- roster, manifests: organisers (and, for manifests, the bus escorts):
  marked confidential; full names, guardians, phones, medical notes.
- meal order: the restaurant: headcounts and dietary counts only.
- pairing cards: volunteer and family: given names, no phone but the coordinator's.
- volunteer sheets: one volunteer each: their own children by given name and id
  with what the adult minding them must know (health, allergies, diet, photo
  consent; never the guardian), the phones they must call that day (fellow
  escorts, driver, group leader), emergency numbers.
- sign-in sheet: organisers (the desk). Guardian slips: one family each.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup
from msgspec import Struct, field

from planner.model import BusPlan, Child, Volunteer
from planner.render.bus_lines import bus_lines, children_bus_lines
from planner.render.compiled import template_cache
from planner.render.labels import Labels
from planner.render.money import format_yuan
from planner.render.schedule import schedule_for
from planner.render.view import BusLeg, PlanView

if TYPE_CHECKING:
    from jinja2 import Environment

    from planner.render.guardians import FamilyNotice

TEMPLATES = Path(__file__).resolve().parent / "templates"

#: Pairing cards printed on one A4 page (2 columns x 2 rows).
CARDS_PER_PAGE = 4


@cache
def environment() -> Environment:
    # Jinja2 (~0.03 s to import) only here: a page's rows go to Typst before its HTML
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=template_cache(),
    )
    return env


@cache
def print_css() -> str:
    return (TEMPLATES / "print.css").read_text(encoding="utf-8")


def render_page(template: str, view: PlanView, t: Labels, **context: object) -> str:
    """Render ``template`` for the plan of ``view``, with the event's heading facts
    (every page carries them) and the print CSS inlined (no external files)."""
    return (
        environment()
        .get_template(template)
        .render(css=Markup(print_css()), t=t, event=event_facts(view, t), **context)
    )


class Page(Struct, frozen=True):
    """One printed page kind, built once from the plan: its template's stem (laid out
    on screen by ``<stem>.html``, on paper by ``<stem>.typ``, see
    :mod:`planner.render.typeset`), its title, its mark and the rows it shows."""

    template: str
    title: str
    mark: str
    context: dict[str, object]


def page_html(view: PlanView, t: Labels, page: Page) -> str:
    """``page`` as an HTML page with the print CSS."""
    return render_page(
        f"{page.template}.html", view, t, title=page.title, mark=page.mark, **page.context
    )


# ---------------------------------------------------------------- common
class EventFacts(Struct, frozen=True):
    """The event's heading facts, shown on every page."""

    name: str
    date: str
    organiser: str
    location: str
    meeting_point: str
    coordinator: str
    emergency: list[tuple[str, str]]
    footer: Markup


def css_string(text: str) -> Markup:
    """``text`` as a CSS string literal, safe inside ``<style>`` (quotes, backslashes
    and ``<`` escaped)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3C ")
    return Markup(f'"{escaped}"')


def emergency_line(view: PlanView, t: Labels) -> str:
    """The coordinator and the emergency numbers in one line, printed at the foot of
    every page."""
    person = view.plan.event.coordinator
    parts = []
    if person and (person.name or person.phone):
        parts.append(" ".join(x for x in (t["coordinator"], person.name, person.phone) if x))
    parts += [
        f"{label} {phone}" for label, phone in sorted(view.plan.event.emergency_phones.items())
    ]
    return t.colon(t["emergency"]) + " · ".join(parts) if parts else ""


def event_facts(view: PlanView, t: Labels) -> EventFacts:
    info = view.plan.event
    person = info.coordinator
    coordinator = " ".join(x for x in (person.name, person.phone) if x) if person else ""
    return EventFacts(
        name=info.name,
        date=format_date(info.date, t),
        organiser=info.organiser or "",
        location=view.place_name(info.location),
        meeting_point=view.place_name(info.meeting_point),
        coordinator=coordinator,
        emergency=sorted(info.emergency_phones.items()),
        footer=css_string(emergency_line(view, t)),
    )


def format_date(day, t: Labels) -> str:
    if t.lang == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    return day.isoformat()


def guardian_text(child: Child, t: Labels) -> str:
    if child.guardian is None:
        return ""
    relation = t.enum("relation", child.guardian.relation)
    return (
        f"{child.guardian.name}（{relation}）"
        if t.lang == "zh"
        else f"{child.guardian.name} ({relation})"
    )


def medical_text(child: Child, t: Labels) -> str:
    parts = []
    if child.medical_notes:
        parts.append(child.medical_notes)
    if child.allergies:
        allergy = "过敏" if t.lang == "zh" else "allergic to"
        parts.append(
            f"{allergy}：{t.list_sep.join(child.allergies)}"
            if t.lang == "zh"
            else f"{allergy} {t.list_sep.join(child.allergies)}"
        )
    return "；".join(parts) if t.lang == "zh" else "; ".join(parts)


# ---------------------------------------------------------------- roster
class RosterRow(Struct, frozen=True):
    no: int
    id: str
    name: str
    gender: str
    age: str
    guardian: str
    phone: str
    medical: str
    diet: str
    needs: str
    consent: bool
    photo: bool
    volunteer: str


class RosterSection(Struct, frozen=True):
    title: str
    leader: str
    rows: list[RosterRow]


def checkpoints(view: PlanView) -> list[str]:
    """The transfers where each child is ticked: boarding and arrival of each direction.

    Without buses, the day's arrival and departure; a programme without a day
    (long-term pairing) has no transfers to tick.
    """
    if not view.plans_a_day:
        return []
    outbound = any(not view.is_return(bl.leg) for bl in view.bus_legs)
    back = any(view.is_return(bl.leg) for bl in view.bus_legs)
    points = []
    if outbound:
        points += ["board_out", "arrive_out"]
    if back:
        points += ["board_back", "handed_home"]
    return points or ["arrival", "departure"]


def roster_row(view: PlanView, t: Labels, no: int, child: Child) -> RosterRow:
    volunteer = view.volunteer_of_child(child.id)
    age = view.age(child)
    return RosterRow(
        no=no,
        id=child.id,
        name=child.name,
        gender=t.enum("gender", child.gender),
        age="" if age is None else str(age),
        guardian=guardian_text(child, t),
        phone=child.guardian.phone or "" if child.guardian else "",
        medical=medical_text(child, t),
        diet=t.enums("diet", child.dietary),
        needs=t.enums("need", child.needs),
        consent=child.outing_consent,
        photo=child.photo_consent,
        volunteer=volunteer.name if volunteer else "",
    )


def roster_sections(view: PlanView, t: Labels) -> list[RosterSection]:
    """Attending children by group (in group order), then those in no group."""
    sections = []
    placed: set[str] = set()
    for group in view.plan.groups:
        children = view.children_named(group.child_ids)
        placed.update(c.id for c in children)
        leader = view.volunteer(group.leader_id) if group.leader_id else None
        rows = [roster_row(view, t, i + 1, c) for i, c in enumerate(children)]
        sections.append(RosterSection(view.group_name(group), leader.name if leader else "", rows))
    rest = [c for c in view.attending_children if c.id not in placed]
    if rest:
        title = t["no_group"] if view.plan.groups else t["children"]
        rows = [roster_row(view, t, i + 1, c) for i, c in enumerate(rest)]
        sections.append(RosterSection(title, "", rows))
    return sections


def roster_page(view: PlanView, t: Labels) -> Page:
    return Page(
        "roster",
        t["roster"],
        t["confidential"],
        dict(
            checkpoints=[t.enum("checkpoint", c) for c in checkpoints(view)],
            sections=roster_sections(view, t),
        ),
    )


def roster_html(view: PlanView, t: Labels) -> str:
    return page_html(view, t, roster_page(view, t))


# ------------------------------------------------------------- manifests
class ManifestChild(Struct, frozen=True):
    no: int
    id: str
    name: str
    age: str
    guardian: str
    phone: str
    medical: str
    volunteer: str


class ManifestBlock(Struct, frozen=True):
    """A stop (its children) or a headcount line at boarding/arrival."""

    kind: str  # "stop" or "count"
    text: str
    time: str = ""
    children: list[ManifestChild] = field(default_factory=list)


class Manifest(Struct, frozen=True):
    bus: str
    direction: str
    route: str
    depart: str
    arrive: str
    seats: int
    driver: str
    escorts: list[str]
    handover: bool
    blocks: list[ManifestBlock]
    total: int


def manifest_for(view: PlanView, t: Labels, bus_leg: BusLeg) -> Manifest:
    """One leg: each stop's children with their guardian, and a headcount at every
    boarding and every arrival."""
    leg, bus = bus_leg.leg, bus_leg.bus
    handover = view.is_return(leg)
    blocks: list[ManifestBlock] = []
    no = 0
    on_board = 0
    if handover:
        on_board = len(leg.child_ids)
        origin = view.place_name(leg.from_)
        text = t("count_before_departure", place=origin, n=on_board)
        blocks.append(ManifestBlock("count", text, view.hhmm(leg.depart)))
    for stop in sorted(leg.stops, key=lambda s: (s.time, s.point)):
        rows = []
        for child in view.children_named(stop.child_ids):
            no += 1
            volunteer = view.volunteer_of_child(child.id)
            age = view.age(child)
            rows.append(
                ManifestChild(
                    no=no,
                    id=child.id,
                    name=child.name,
                    age="" if age is None else str(age),
                    guardian=guardian_text(child, t),
                    phone=child.guardian.phone or "" if child.guardian else "",
                    medical=medical_text(child, t),
                    volunteer=volunteer.name if volunteer else "",
                )
            )
        place = view.place_name(stop.point)
        heading = t("stop_handover" if handover else "stop_boarding", place=place, n=len(rows))
        blocks.append(ManifestBlock("stop", heading, view.hhmm(stop.time), rows))
        on_board = on_board - len(rows) if handover else on_board + len(rows)
        counted = t(
            "count_after_handover" if handover else "count_after_boarding", place=place, n=on_board
        )
        blocks.append(ManifestBlock("count", counted, view.hhmm(stop.time)))
    arrival_key = "count_on_return_arrival" if handover else "count_on_arrival"
    arrival = t(arrival_key, place=view.place_name(leg.to), n=on_board)
    blocks.append(ManifestBlock("count", arrival, view.hhmm(leg.arrive)))
    escorts = []
    for vid in leg.volunteer_ids:
        volunteer = view.volunteer(vid)
        if volunteer:
            escorts.append(" ".join(x for x in (volunteer.name, volunteer.phone) if x))
    driver = " ".join(x for x in (bus.driver, bus.driver_phone) if x)
    return Manifest(
        bus=bus.name or bus.id,
        direction=t["back"] if handover else t["out"],
        route=f"{view.place_name(leg.from_)} → {view.place_name(leg.to)}",
        depart=view.hhmm(leg.depart),
        arrive=view.hhmm(leg.arrive),
        seats=bus.seats,
        driver=driver,
        escorts=escorts,
        handover=handover,
        blocks=blocks,
        total=len(leg.child_ids),
    )


class Seat(Struct, frozen=True):
    no: int
    who: str
    kind: str
    boards: str
    leaves: str


class SeatList(Struct, frozen=True):
    bus: str
    seats: list[Seat]


def seat_list(view: PlanView, t: Labels, bus: BusPlan) -> SeatList:
    """One seat per person on the bus, kept all day, as the plan numbers them
    (``BusPlan.seat_of``: escorts by the door, then the children in boarding
    order); the empty seats are listed too, so the escort sees at a glance who
    is missing."""
    boards: dict[str, str] = {}
    leaves: dict[str, str] = {}
    escorts: set[str] = set()
    for bus_leg in (bl for bl in view.bus_legs if bl.bus.id == bus.id):
        back = view.is_return(bus_leg.leg)
        escorts.update(bus_leg.leg.volunteer_ids)
        for stop in sorted(bus_leg.leg.stops, key=lambda s: (s.time, s.point)):
            for cid in stop.child_ids:
                at = f"{view.place_name(stop.point)} {view.hhmm(stop.time)}"
                (leaves if back else boards).setdefault(cid, at)
    by_seat = {n: pid for pid, n in bus.seat_of.items()}
    seats: list[Seat] = []
    for n in range(1, max([bus.seats, *by_seat]) + 1):
        pid = by_seat.get(n)
        if pid is None:
            seats.append(Seat(n, "", "", "", ""))
        elif pid in escorts:
            volunteer = view.volunteer(pid)
            who = f"{pid} {volunteer.name}" if volunteer else pid
            seats.append(Seat(n, who, t["escort"], "", ""))
        else:
            child = view.child(pid)
            who = f"{pid} {child.name}" if child else pid
            seats.append(Seat(n, who, t["child"], boards.get(pid, ""), leaves.get(pid, "")))
    return SeatList(bus.name or bus.id, seats)


def manifests_page(view: PlanView, t: Labels) -> Page:
    buses = [bus for bus in view.plan.buses if bus.legs]
    return Page(
        "manifests",
        t["manifests"],
        t["confidential_escort"],
        dict(
            manifests=[manifest_for(view, t, bl) for bl in view.bus_legs],
            seat_lists=[seat_list(view, t, bus) for bus in buses],
        ),
    )


def manifests_html(view: PlanView, t: Labels) -> str:
    return page_html(view, t, manifests_page(view, t))


# ------------------------------------------------------------------ meals
class MealOrder(Struct, frozen=True):
    venue: str
    address: str
    time: str
    headcount: int
    children: int | None
    adults: int | None
    dietary: list[tuple[str, int]]
    seating: list[tuple[str, int]]
    price: str


#: Prefix of allergy counts in ``MealPlan.dietary`` (the itinerary stage's convention).
ALLERGY_PREFIX = "allergy:"


def diet_label(t: Labels, key: str) -> str:
    """``halal`` -> 清真; ``allergy:花生`` -> 过敏：花生 (a count per allergen, no names)."""
    if key.startswith(ALLERGY_PREFIX):
        return t("allergy_to", what=key.removeprefix(ALLERGY_PREFIX))
    return t.enum("diet", key)


def meal_orders(view: PlanView, t: Labels) -> list[MealOrder]:
    """For the restaurant: when, how many, and how many of each special diet. No names."""

    orders = []
    groups = {g.id: view.group_name(g) for g in view.plan.groups}
    for meal in sorted(view.plan.meals, key=lambda m: (m.time, m.venue)):
        place = view.place(meal.venue)
        end = f"–{view.hhmm(meal.end)}" if meal.end else ""
        orders.append(
            MealOrder(
                venue=view.place_name(meal.venue),
                address=place.address or "" if place else "",
                time=f"{format_date(view.local(meal.time).date(), t)} {view.hhmm(meal.time)}{end}",
                headcount=meal.headcount,
                children=meal.children,
                adults=meal.adults,
                dietary=[(diet_label(t, k), n) for k, n in sorted(meal.dietary.items()) if n],
                seating=[
                    (groups.get(k) or t.enum("who", k), n) for k, n in sorted(meal.seating.items())
                ],
                price=format_yuan(meal.price_per_head) if meal.price_per_head is not None else "",
            )
        )
    return orders


def meal_page(view: PlanView, t: Labels) -> Page:
    return Page(
        "meal",
        t["meal_order"],
        t["restaurant_copy"],
        dict(
            meals=meal_orders(view, t),
        ),
    )


def meal_html(view: PlanView, t: Labels) -> str:
    return page_html(view, t, meal_page(view, t))


# ------------------------------------------------------------------ cards
class Card(Struct, frozen=True):
    volunteer: str
    children: str
    children_label: str
    date: str
    contact: str
    promise: str
    guardian_signs: list[str]


def same_family(children: list[Child]) -> bool:
    """Children of one family sign once: siblings (one sibling group) or one guardian
    (same name and phone)."""
    groups = {c.sibling_group for c in children}
    if len(groups) == 1 and None not in groups:
        return True
    guardians = {(c.guardian.name, c.guardian.phone) if c.guardian else None for c in children}
    return len(guardians) == 1 and None not in guardians


def guardian_sign_lines(children: list[Child], t: Labels) -> list[str]:
    """One guardian signature line per family: two children from two families
    need two guardians' signatures, each naming whose guardian signs."""
    if len(children) == 1 or same_family(children):
        return [t["card_sign_guardian"]]
    return [t("card_sign_guardian_of", name=c.given_name) for c in children]


def pairing_cards(view: PlanView, t: Labels) -> list[Card]:
    """One card per pair: the volunteer's name, the children's given names, the date,
    the promise and the coordinator's contact. No guardian, no phone but the coordinator's."""
    person = view.plan.event.coordinator
    contact = " ".join(x for x in (person.name, person.phone) if x) if person else ""
    cards = []
    for pair in sorted(view.plan.pairs, key=lambda p: p.volunteer_id):
        volunteer = view.volunteer(pair.volunteer_id)
        children = view.children_named(pair.child_ids)
        if volunteer is None or not children:
            continue
        cards.append(
            Card(
                volunteer=volunteer.name,
                children=t.list_sep.join(c.given_name for c in children),
                children_label=t["child"] if len(children) == 1 else t["children_plural"],
                date=format_date(view.plan.event.date, t),
                contact=contact,
                promise=t["card_promise"] if len(children) == 1 else t["card_promise_plural"],
                guardian_signs=guardian_sign_lines(children, t),
            )
        )
    return cards


def cards_page(view: PlanView, t: Labels) -> Page:
    cards = pairing_cards(view, t)
    pages = [cards[i : i + CARDS_PER_PAGE] for i in range(0, len(cards), CARDS_PER_PAGE)]
    return Page(
        "cards",
        t["cards"],
        "",
        dict(
            pages=pages,
        ),
    )


def cards_html(view: PlanView, t: Labels) -> str:
    return page_html(view, t, cards_page(view, t))


# ------------------------------------------------------- volunteer sheets
class SheetChild(Struct, frozen=True):
    """One of the volunteer's own children: what the adult minding them must know
    (health, allergies, diet, photo consent), never the guardian's phone or address."""

    id: str
    given_name: str
    age: str
    needs: str
    health: str
    diet: str
    photo: bool


class SheetItem(Struct, frozen=True):
    time: str
    what: str
    where: str
    note: str
    photo_warning: str = ""


class SheetStop(Struct, frozen=True):
    """An escort's stop: when, where, and which children get on (or off) there."""

    time: str
    place: str
    children: str
    count: int


class SheetLeg(Struct, frozen=True):
    bus: str
    direction: str
    route: str
    stops: list[SheetStop]


class VolunteerSheet(Struct, frozen=True):
    id: str
    name: str
    roles: str
    group: str
    start: str
    buses: list[str]
    children_bus: list[str]
    children: list[SheetChild]
    schedule: list[SheetItem]
    co_escorts: list[str]
    drivers: list[str]
    leader: str
    legs: list[SheetLeg]
    photo_warnings: list[str]


def contact(name: str | None, phone: str | None) -> str:
    """``name phone``, unmasked: for the people a volunteer must call that day."""
    return " ".join(x for x in (name, phone) if x)


def child_label(child: Child, t: Labels) -> str:
    """A child as a volunteer sees them: given name and id (two children may share
    a given name)."""
    return (
        f"{child.given_name}（{child.id}）"
        if t.lang == "zh"
        else f"{child.given_name} ({child.id})"
    )


def sheet_child(view: PlanView, t: Labels, child: Child) -> SheetChild:
    age = view.age(child)
    return SheetChild(
        id=child.id,
        given_name=child.given_name,
        age="" if age is None else str(age),
        needs=t.enums("need", child.needs),
        health=medical_text(child, t),
        diet=t.enums("diet", child.dietary),
        photo=child.photo_consent,
    )


def escort_legs(view: PlanView, t: Labels, volunteer_id: str) -> list[SheetLeg]:
    """Each leg the volunteer escorts, stop by stop, with the children collected
    (or handed home) there, by given name and id."""
    legs = []
    for bus_leg in view.legs_of_volunteer(volunteer_id):
        leg = bus_leg.leg
        stops = []
        for stop in sorted(leg.stops, key=lambda s: (s.time, s.point)):
            children = view.children_named(stop.child_ids)
            stops.append(
                SheetStop(
                    time=view.hhmm(stop.time),
                    place=view.place_name(stop.point),
                    children=t.list_sep.join(child_label(c, t) for c in children),
                    count=len(children),
                )
            )
        legs.append(
            SheetLeg(
                bus=bus_leg.bus.name or bus_leg.bus.id,
                direction=t["back"] if view.is_return(leg) else t["out"],
                route=t(
                    "leg_route",
                    start=view.place_name(leg.from_),
                    depart=view.hhmm(leg.depart),
                    end=view.place_name(leg.to),
                    arrive=view.hhmm(leg.arrive),
                ),
                stops=stops,
            )
        )
    return legs


def photo_warning(view: PlanView, t: Labels, children: list[Child]) -> str:
    """The warning for a photo activity: these children may not be photographed."""
    refused = [c for c in children if not c.photo_consent]
    if not refused:
        return ""
    return t("photo_no_consent", names=t.list_sep.join(child_label(c, t) for c in refused))


def volunteer_sheet(view: PlanView, t: Labels, volunteer: Volunteer) -> VolunteerSheet:
    """A volunteer's own page: their real start, their day, their children's given
    names with the health, allergy, diet and photo-consent facts the adult minding
    them must know; an escort's bus stop by stop with the children collected there;
    the phones they must call that day (fellow escorts, driver, group leader)."""
    own_children = view.children_of(volunteer.id)
    children = [sheet_child(view, t, c) for c in own_children]
    own_legs = {bl.key for bl in view.legs_of_volunteer(volunteer.id)}
    items = []
    photo_warnings = []
    for item in schedule_for(view.plan, volunteer.id):
        place = view.place_name(item.place) if item.place else ""
        riding = view.legs_during(item, volunteer.id)
        if not place:
            place = view.place_name(riding[0].leg.from_) if riding else ""
        escorting = [bl for bl in riding if bl.key in own_legs]
        note = (
            t("escort_on", bus=escorting[0].bus.name or escorting[0].bus.id)
            if escorting
            else t.pick(item.note, item.note_en)
        )
        warning = photo_warning(view, t, own_children) if view.is_photo(item) else ""
        time = f"{view.hhmm(item.start)}–{view.hhmm(item.end)}"
        what = t.pick(item.title, item.title_en)
        if warning:
            photo_warnings.append(
                f"{time} {what}：{warning}" if t.lang == "zh" else f"{time} {what}: {warning}"
            )
        items.append(SheetItem(time=time, what=what, where=place, note=note, photo_warning=warning))
    start = f"{items[0].time.split('–')[0]} {items[0].where}".strip() if items else ""
    co_escorts: dict[str, str] = {}
    drivers: dict[str, str] = {}
    for bus_leg in view.legs_of_volunteer(volunteer.id):
        for vid in bus_leg.leg.volunteer_ids:
            other = view.volunteer(vid)
            if other and vid != volunteer.id:
                co_escorts[vid] = contact(other.name, other.phone)
        bus = bus_leg.bus
        if bus.driver or bus.driver_phone:
            drivers[bus.id] = f"{bus.name or bus.id} " + contact(bus.driver, bus.driver_phone)
    group = view.group_of_volunteer(volunteer.id)
    leader = ""
    if group and group.leader_id and group.leader_id != volunteer.id:
        head = view.volunteer(group.leader_id)
        if head:
            leader = contact(head.name, head.phone)
    return VolunteerSheet(
        id=volunteer.id,
        name=volunteer.name,
        roles=t.enums("role", view.roles_of(volunteer.id)),
        group=view.group_name(group),
        start=start,
        buses=bus_lines(view, t, volunteer.id),
        children_bus=children_bus_lines(view, t, volunteer.id),
        children=children,
        schedule=items,
        co_escorts=list(co_escorts.values()),
        drivers=list(drivers.values()),
        leader=leader,
        legs=escort_legs(view, t, volunteer.id),
        photo_warnings=photo_warnings,
    )


def volunteer_sheets_page(view: PlanView, t: Labels, volunteers: list[Volunteer]) -> Page:
    title = t["volunteer_sheet"] if len(volunteers) == 1 else t["volunteer_sheets"]
    return Page(
        "volunteer_sheets",
        title,
        t["volunteer_copy"],
        dict(
            privacy_hint=t["privacy_hint"] if view.plans_a_day else t["privacy_hint_kept"],
            sheets=[volunteer_sheet(view, t, v) for v in volunteers],
        ),
    )


def volunteer_sheets_html(view: PlanView, t: Labels, volunteers: list[Volunteer]) -> str:
    return page_html(view, t, volunteer_sheets_page(view, t, volunteers))


# ----------------------------------------------------------------- sign-in
class SignInRow(Struct, frozen=True):
    no: int
    id: str
    name: str
    role: str
    group: str


def sign_in_rows(view: PlanView, t: Labels) -> list[SignInRow]:
    """Every adult expected on the day: the selected volunteers by group, then the
    staff; each signs in on arrival and out on leaving."""
    rows: list[SignInRow] = []
    order = {g.id: i for i, g in enumerate(view.plan.groups)}

    def group_key(volunteer: Volunteer) -> tuple[int, str]:
        group = view.group_of_volunteer(volunteer.id)
        return (order.get(group.id, len(order)) if group else len(order), volunteer.id)

    for volunteer in sorted(view.selected, key=group_key):
        rows.append(
            SignInRow(
                no=len(rows) + 1,
                id=volunteer.id,
                name=volunteer.name,
                role=t.enums("role", view.roles_of(volunteer.id)),
                group=view.group_name(view.group_of_volunteer(volunteer.id)),
            )
        )
    for staff in view.plan.people.staff:
        rows.append(SignInRow(len(rows) + 1, "", staff.name, staff.role or "", ""))
    return rows


def sign_in_page(view: PlanView, t: Labels) -> Page:
    return Page(
        "signin",
        t["sign_in"],
        t["confidential"],
        dict(
            rows=sign_in_rows(view, t),
            blank=3,
        ),
    )


def sign_in_html(view: PlanView, t: Labels) -> str:
    return page_html(view, t, sign_in_page(view, t))


# ------------------------------------------------------- family notices
class Slip(Struct, frozen=True):
    """One family's slip: named by its first child's id, the greeting, one line per
    trip and whom to call (the whole sentence, empty without a coordinator)."""

    id: str
    greeting: str
    lines: list[str]
    contact: str


def guardian_slips_page(view: PlanView, t: Labels, notices: list[FamilyNotice]) -> Page:
    """One slip per family to cut apart (``notices``, from
    :func:`planner.render.guardians.family_notices`): their children's pickup and
    return, the coordinator's phone."""
    return Page(
        "guardian_slips",
        t["guardian_slips"],
        t["guardian_copy"],
        dict(
            slips=[
                Slip(
                    id=n.family.id,
                    greeting=n.greeting,
                    lines=n.lines,
                    contact=t("notice_contact", contact=n.contact) if n.contact else "",
                )
                for n in notices
            ],
        ),
    )


def guardian_slips_html(view: PlanView, t: Labels) -> str:
    from planner.render.guardians import family_notices

    return page_html(view, t, guardian_slips_page(view, t, family_notices(view, t)))


__all__ = [
    "CARDS_PER_PAGE",
    "Page",
    "cards_html",
    "cards_page",
    "checkpoints",
    "guardian_slips_html",
    "guardian_slips_page",
    "manifests_html",
    "manifests_page",
    "meal_html",
    "meal_page",
    "page_html",
    "roster_html",
    "roster_page",
    "sign_in_html",
    "sign_in_page",
    "volunteer_sheets_html",
    "volunteer_sheets_page",
]
