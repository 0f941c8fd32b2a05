"""Game groups: pairs kept whole, even sizes, a games leader and a
first-aider per group, balanced by age and gender; impossible asks in numbers."""

from __future__ import annotations

from datetime import date

import pytest
from itinerary.build import child, paired, planned, school, trip, violations, volunteer

from planner.errors import Infeasible
from planner.itinerary.groups import make_groups
from planner.model import GroupSettings, Skill


def test_school_groups_are_whole_even_and_led():
    event = school()
    plan = planned(event)
    assert [g.id for g in plan.groups] == ["G1", "G2"]
    assert sorted(len(g.volunteer_ids) for g in plan.groups) == [3, 3]
    volunteers = {v.id: v for v in event.volunteers}
    for g in plan.groups:
        assert volunteers[g.leader_id].has(Skill.GAMES)
        assert g.first_aider_ids
        for v in g.volunteer_ids:
            assert f"C{v[1:]}" in g.child_ids  # V<n> is paired with C<n>
    assert violations(event, plan) == []


def test_odd_number_of_pairs_differs_by_one():
    event = school(groups=GroupSettings(count=4), activities=())  # no games: no leaders needed
    groups = make_groups(event, paired(event))
    assert sorted(len(g.volunteer_ids) for g in groups) == [1, 1, 2, 2]


def test_groups_balance_boys_and_girls():
    boys = [child(f"B{i}", gender="male") for i in range(4)]
    girls = [child(f"G{i}", gender="female") for i in range(4)]
    vols = [volunteer(f"V{i}", "games" if i < 2 else "art") for i in range(8)]
    event = school(volunteers=tuple(vols), children=tuple(boys + girls))
    pairs = [(f"V{i}", (c.id,)) for i, c in enumerate(boys + girls)]
    groups = make_groups(event, paired(event, pairs))
    assert [sum(c.startswith("B") for c in g.child_ids) for g in groups] == [2, 2]


def test_groups_balance_ages():
    young = [child(f"Y{i}", born=date(2019, 1, 1)) for i in range(4)]
    old = [child(f"O{i}", born=date(2011, 1, 1)) for i in range(4)]
    vols = [volunteer(f"V{i}", "games" if i in (0, 7) else "art") for i in range(8)]
    event = school(volunteers=tuple(vols), children=tuple(young + old))
    pairs = [(f"V{i}", (c.id,)) for i, c in enumerate(young + old)]
    groups = make_groups(event, paired(event, pairs))
    assert [sum(c.startswith("O") for c in g.child_ids) for g in groups] == [2, 2]


def test_too_few_games_leaders_is_infeasible_in_numbers():
    vols = [volunteer("V1", "games")] + [volunteer(f"V{i}") for i in range(2, 7)]
    event = school(volunteers=tuple(vols))
    with pytest.raises(Infeasible) as err:
        planned(event)
    assert "2 个组各需一名会组织游戏的志愿者" in err.value.reasons[0]
    assert "只有 1 名" in err.value.reasons[0]


def test_more_groups_than_pairs_is_infeasible_in_numbers():
    event = school(groups=GroupSettings(count=8))
    with pytest.raises(Infeasible) as err:
        planned(event)
    assert "要分 8 组,结对只有 6 对" in err.value.reasons[0]
    assert "少 2 对" in err.value.reasons[0]


def test_without_games_a_group_needs_no_games_leader():
    event = trip(groups=GroupSettings(count=3))
    pairs = [("V1", ("C1", "C2")), ("V2", ("C3",)), ("V3", ("C6",)), ("V4", ("C4", "C5"))]
    plan = planned(event, pairs=pairs)
    assert len(plan.groups) == 3
    assert [
        g for g in plan.groups if "V3" not in g.volunteer_ids
    ]  # groups without V3, the only games leader
    assert violations(event, plan) == []


def test_first_aiders_spread_when_too_few():
    event = school(groups=GroupSettings(count=3), activities=())
    groups = make_groups(event, paired(event))
    with_aid = [g for g in groups if g.first_aider_ids]
    assert len(with_aid) == 2  # two first-aiders, in two different groups


@pytest.mark.parametrize("example", ["expo_day", "school_day"])
def test_the_quick_proof_splits_as_the_full_search_does(
    example: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The short LP-free search (kept only when it proves the optimum) and the
    search with the LP alone give the same groups on both examples."""
    from support import EXAMPLES

    import planner.itinerary.groups as groups_module
    from planner.load import load_event
    from planner.pipeline import build_plan
    from planner.solving import forget_proved

    event = load_event(EXAMPLES / example)
    plan = build_plan(event, until="matching")
    quick = make_groups(event, plan)
    monkeypatch.setattr(groups_module, "QUICK_SHARE", 0.0)  # no time: the full search decides
    forget_proved()
    assert make_groups(event, plan) == quick
