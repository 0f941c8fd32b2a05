"""Who reads each output file, so each carries only what its reader needs.

The privacy tests read this table: every file whose audience is
``VOLUNTEER`` (or ``RESTAURANT``) must hold no child's full name, guardian,
phone (the coordinator's excepted), medical, allergy or category note, except
what one volunteer's own sheet needs (their own children's health, allergy and
diet facts; the phones of fellow escorts, their driver and group leader). A
``GUARDIAN`` file (one family's notice or slip) names only that family's
children and no one's phone but the coordinator's.

========================================  ===========  =====================================
file                                      audience     why
========================================  ===========  =====================================
invites/V01.ics ... invites/team.ics      volunteer    sent to each volunteer / the team
volunteers/V01.html                       volunteer    one volunteer's own sheet
print/volunteer_sheets.{html,pdf}         volunteer    the same sheets, one per page
print/cards.{html,pdf}                    volunteer    a card goes to the volunteer and family
print/meal.{html,pdf}                     restaurant   counts only
print/manifests.{html,pdf}                escort       on the bus: guardian to hand over to, seats
print/roster.{html,pdf}                   organiser    confidential master roster
print/signin.{html,pdf}                   organiser    the desk's sign-in sheet (adults only)
guardians/C01.txt ...                     guardian     one family's notice (SMS / WeChat)
print/guardian_slips.{html,pdf}           guardian     one slip per family, cut apart
guardians/notices.txt                     organiser    every notice, headed by whom to send it
report.html, *.csv, plan.xlsx, plan.json  organiser    the organisers' own working files
========================================  ===========  =====================================
"""

from __future__ import annotations

from enum import StrEnum
from fnmatch import fnmatch
from pathlib import PurePosixPath


class Audience(StrEnum):
    ORGANISER = "organiser"
    ESCORT = "escort"
    RESTAURANT = "restaurant"
    VOLUNTEER = "volunteer"
    GUARDIAN = "guardian"


#: (glob on the path relative to the output folder, audience); first match wins.
AUDIENCES: tuple[tuple[str, Audience], ...] = (
    ("invites/*.ics", Audience.VOLUNTEER),
    ("volunteers/*.html", Audience.VOLUNTEER),
    ("print/volunteer_sheets.*", Audience.VOLUNTEER),
    ("print/cards.*", Audience.VOLUNTEER),
    ("print/meal.*", Audience.RESTAURANT),
    ("print/manifests.*", Audience.ESCORT),
    ("print/roster.*", Audience.ORGANISER),
    ("guardians/notices.txt", Audience.ORGANISER),
    ("guardians/*.txt", Audience.GUARDIAN),
    ("print/guardian_slips.*", Audience.GUARDIAN),
    ("*", Audience.ORGANISER),
)


def audience_of(relative: str | PurePosixPath) -> Audience:
    """The reader of an output, from its path inside the output folder.

    >>> audience_of("invites/V01.ics"), audience_of("print/roster.pdf")
    (<Audience.VOLUNTEER: 'volunteer'>, <Audience.ORGANISER: 'organiser'>)
    """
    text = PurePosixPath(relative).as_posix()
    return next(aud for pattern, aud in AUDIENCES if fnmatch(text, pattern))
