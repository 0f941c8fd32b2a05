"""The people an event is about: volunteers (applicants) and children.

IDs become objects once, at load time; everything downstream reads these
models, never spreadsheet rows.
"""

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from planner.names import given_name


class Frozen(BaseModel):
    """Base for every model: immutable, unknown fields rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Gender(StrEnum):
    MALE = "male"
    FEMALE = "female"


class Category(StrEnum):
    """Why a child is in the programme (the school care archive)."""

    LEFT_BEHIND = "left_behind"
    DISABLED = "disabled"
    SINGLE_PARENT = "single_parent"
    ORPHAN = "orphan"


class Relation(StrEnum):
    """The guardian's relation to the child."""

    FATHER = "father"
    MOTHER = "mother"
    GRANDFATHER = "grandfather"
    GRANDMOTHER = "grandmother"
    MATERNAL_GRANDFATHER = "maternal_grandfather"
    MATERNAL_GRANDMOTHER = "maternal_grandmother"
    UNCLE = "uncle"
    AUNT = "aunt"
    SIBLING = "sibling"
    RELATIVE = "relative"
    TEACHER = "teacher"
    OTHER = "other"


class Skill(StrEnum):
    """What a volunteer can do that an event or a child may need."""

    COUNSELLING = "counselling"
    FIRST_AID = "first_aid"
    GAMES = "games"
    SPECIAL_NEEDS = "special_needs"
    TUTORING_CHINESE = "tutoring_chinese"
    TUTORING_MATH = "tutoring_math"
    TUTORING_ENGLISH = "tutoring_english"
    TUTORING_SCIENCE = "tutoring_science"
    ART = "art"
    MUSIC = "music"
    SPORTS = "sports"
    LAW = "law"
    SAFETY = "safety"
    PHOTOGRAPHY = "photography"
    DRIVING = "driving"
    SIGN_LANGUAGE = "sign_language"


class Need(StrEnum):
    """What a child needs from the volunteer paired with them."""

    WHEELCHAIR = "wheelchair"
    SPECIAL_NEEDS = "special_needs"
    COUNSELLING = "counselling"
    TUTORING_CHINESE = "tutoring_chinese"
    TUTORING_MATH = "tutoring_math"
    TUTORING_ENGLISH = "tutoring_english"
    TUTORING_SCIENCE = "tutoring_science"
    HEARING = "hearing"
    SAFETY = "safety"


#: Needs that only a volunteer trained for special needs may take on (hard rule).
SPECIAL_CARE_NEEDS: frozenset[Need] = frozenset({Need.WHEELCHAIR, Need.SPECIAL_NEEDS, Need.HEARING})

#: Which volunteer skill answers which child need (soft rule: need ↔ skill).
SKILL_FOR_NEED: dict[Need, Skill] = {
    Need.WHEELCHAIR: Skill.SPECIAL_NEEDS,
    Need.SPECIAL_NEEDS: Skill.SPECIAL_NEEDS,
    Need.HEARING: Skill.SIGN_LANGUAGE,
    Need.COUNSELLING: Skill.COUNSELLING,
    Need.TUTORING_CHINESE: Skill.TUTORING_CHINESE,
    Need.TUTORING_MATH: Skill.TUTORING_MATH,
    Need.TUTORING_ENGLISH: Skill.TUTORING_ENGLISH,
    Need.TUTORING_SCIENCE: Skill.TUTORING_SCIENCE,
    Need.SAFETY: Skill.SAFETY,
}


class Diet(StrEnum):
    HALAL = "halal"
    VEGETARIAN = "vegetarian"


class Scores(Frozen):
    """Interview scores of an applicant, each 0..10 (blank = not scored)."""

    responsibility: float | None = Field(default=None, ge=0, le=10)
    patience: float | None = Field(default=None, ge=0, le=10)
    caring: float | None = Field(default=None, ge=0, le=10)
    interview: float | None = Field(default=None, ge=0, le=10)


class Volunteer(Frozen):
    """An applicant; screening decides who is selected for the event."""

    id: str
    name: str
    gender: Gender
    age: int = Field(ge=0, le=120)
    phone: str | None = None
    email: str | None = None
    organisation: str | None = None
    skills: tuple[Skill, ...] = ()
    dialects: tuple[str, ...] = ()
    scores: Scores = Scores()
    training_done: bool = False
    background_check_done: bool = False
    background_check_date: date | None = None
    #: the check date as written when it could not be read: screening rejects the
    #: applicant with it, instead of the whole sheet failing (not in plan.json)
    background_check_date_unread: str | None = Field(default=None, exclude=True)
    max_children: int = Field(default=1, ge=1, le=2)
    home_area: str | None = None
    available: bool = True
    roles: tuple[str, ...] = ()
    last_children: tuple[str, ...] = ()
    notes: str | None = None

    def has(self, skill: Skill) -> bool:
        return skill in self.skills


class Guardian(Frozen):
    relation: Relation
    name: str
    phone: str | None = None


class Child(Frozen):
    """A child in the programme. Sensitive: each output carries only what its reader needs."""

    id: str
    name: str
    gender: Gender
    birth_date: date | None = None
    age: int | None = Field(default=None, ge=0, le=25)
    grade: str | None = None
    school: str | None = None
    village: str | None = None
    pickup_point: str | None = None
    categories: tuple[Category, ...] = ()
    guardian: Guardian | None = None
    needs: tuple[Need, ...] = ()
    dietary: tuple[Diet, ...] = ()
    allergies: tuple[str, ...] = ()
    medical_notes: str | None = None
    sibling_group: str | None = None
    dialects: tuple[str, ...] = ()
    outing_consent: bool = False
    photo_consent: bool = False
    attending: bool = True

    def age_on(self, day: date) -> int | None:
        """Age in whole years on ``day`` (from the birth date when known)."""
        if self.birth_date is None:
            return self.age
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years

    @property
    def given_name(self) -> str:
        """The name a volunteer may see: the given name without the surname.

        >>> Child(id="C1", name="王小明", gender="male").given_name
        '小明'
        """

        return given_name(self.name)
