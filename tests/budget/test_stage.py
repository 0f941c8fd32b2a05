"""The budget stage: lines from the plan's counts, totals exact to the fen."""

from __future__ import annotations

from decimal import Decimal

import pytest

from planner.budget import run
from planner.budget.stage import build_budget
from planner.errors import Infeasible, InvalidInput
from planner.model import BudgetLineSpec, Plan
from planner.pipeline import empty_plan

D = Decimal


def amounts(budget) -> dict[str, Decimal]:
    return {line.item: line.amount for line in budget.lines}


# ---------- the school day reproduces the source plan ----------


def test_school_day_reproduces_the_source_plan(school_event):
    plan = run(school_event, empty_plan(school_event))
    budget = plan.budget
    assert amounts(budget) == {
        "路费": D("400.00"),
        "水费": D("75.00"),
        "面包": D("75.00"),
        "资料(心理资料、图片等)": D("700.00"),
        "横幅": D("160.00"),
        "展板": D("150.00"),
        "礼物": D("500.00"),
        "其他": D("300.00"),
    }
    assert str(budget.total) == "2360.00"
    assert budget.total == budget.cap == D("2360")
    assert budget.balance == D("0.00")
    assert budget.by_category["宣传"] == D("310.00")
    assert plan.warnings == []


def test_school_day_total_is_a_string_in_plan_json(school_event):
    plan = run(school_event, empty_plan(school_event))
    assert '"total": "2360.00"' in plan.to_json()


# ---------- quantities follow the plan ----------


def test_expo_quantities_come_from_the_plan(expo_plan):
    plan, event = expo_plan()
    budget = run(event, plan).budget
    lines = {line.item: line for line in budget.lines}
    assert lines["世博园门票(儿童)"].quantity == 30
    assert lines["世博园门票(志愿者)"].quantity == 15
    assert budget.counts["tickets"] == 45
    assert lines["包车"].quantity == 2 and lines["包车"].unit_price == D("900")
    assert lines["午餐"].quantity == 48  # 30 children + 15 volunteers + 3 staff who eat
    assert lines["意外保险"].quantity == 45
    assert lines["意外保险"].quantity_expr == "children + volunteers"


def test_two_absent_children_take_two_child_tickets_off(expo_plan, make_event):
    """With two children absent, tickets fall 45 → 43 and a tickets-only budget
    falls by exactly two child tickets."""
    full_plan, full_event = expo_plan()
    short_plan, short_event = expo_plan(absent=("C01", "C02"))
    tickets = make_event(
        {"item": "门票(儿童)", "quantity": "tickets_child", "unit_price": "60"},
        {"item": "门票(志愿者)", "quantity": "tickets_volunteer", "unit_price": "120"},
    )
    full = run(full_event.model_copy(update={"budget": tickets.budget}), full_plan).budget
    short = run(short_event.model_copy(update={"budget": tickets.budget}), short_plan).budget
    assert (full.counts["tickets"], short.counts["tickets"]) == (45, 43)
    assert full.total - short.total == 2 * D("60")


def test_two_absent_children_move_every_line_by_its_own_count(expo_plan):
    """On the whole Expo budget the ticket line falls by exactly two child tickets,
    and every other line by its count's change × its unit price."""
    full_plan, full_event = expo_plan()
    short_plan, short_event = expo_plan(absent=("C01", "C02"))
    full = run(full_event, full_plan).budget
    short = run(short_event, short_plan).budget
    before, after = amounts(full), amounts(short)
    assert before["世博园门票(儿童)"] - after["世博园门票(儿童)"] == 2 * D("60")
    assert before["世博园门票(志愿者)"] == after["世博园门票(志愿者)"]
    assert before["午餐"] - after["午餐"] == 2 * D("30")
    assert before["意外保险"] - after["意外保险"] == 2 * D("5")
    assert before["包车"] == after["包车"]
    assert full.subtotal - short.subtotal == 2 * (D("60") + D("30") + D("1.5") + D("5") + D("3"))


# ---------- itinerary sources and their fallbacks ----------


def test_buses_and_meals_fall_back_to_event_toml_with_warnings(expo_event):
    plan = run(expo_event, empty_plan(expo_event))
    lines = {line.item: line for line in plan.budget.lines}
    assert lines["包车"].quantity == 2 and lines["包车"].amount == D("1800.00")
    assert lines["午餐"].unit_price == D("30")
    assert any("尚未安排车辆" in w for w in plan.warnings)
    assert any("尚未算出用餐人数" in w for w in plan.warnings)
    assert any("尚未算出门票数" in w for w in plan.warnings)


def test_buses_with_different_costs_get_one_line_each(expo_plan):
    plan, event = expo_plan()
    buses = [
        b.model_copy(update={"cost": D(cost)})
        for b, cost in zip(plan.buses, ("900", "750"), strict=True)
    ]
    budget = run(event, plan.model_copy(update={"buses": buses})).budget
    bus_lines = [line for line in budget.lines if line.source == "itinerary:buses"]
    assert [(line.item, line.amount) for line in bus_lines] == [
        ("包车(B1)", D("900.00")),
        ("包车(B2)", D("750.00")),
    ]


def test_no_buses_after_the_itinerary_ran_is_a_zero_line(expo_plan):
    plan, event = expo_plan()
    budget = run(event, plan.model_copy(update={"buses": []})).budget
    bus_lines = [line for line in budget.lines if line.source == "itinerary:buses"]
    assert [(line.quantity, line.amount) for line in bus_lines] == [(0, D("0.00"))]


def test_no_warning_when_the_itinerary_filled_its_counts(expo_plan):
    plan, event = expo_plan()
    assert run(event, plan).warnings == []


# ---------- exact arithmetic ----------


def test_amounts_round_half_up_to_the_fen(make_event):
    event = make_event(
        {"item": "复印", "quantity": 3, "unit_price": "0.125"},  # 0.375 → 0.38
        {"item": "贴纸", "quantity": 1, "unit_price": "0.005"},  # 0.005 → 0.01
    )
    budget = run(event, empty_plan(event)).budget
    assert amounts(budget) == {"复印": D("0.38"), "贴纸": D("0.01")}
    assert budget.total == D("0.39")


def test_contingency_is_a_percentage_of_the_subtotal(make_event):
    event = make_event(
        {"item": "车费", "quantity": 1, "unit_price": "333"}, contingency_percent="5%"
    )
    budget = run(event, empty_plan(event)).budget
    assert budget.contingency == D("16.65")
    assert budget.total == D("349.65")


def test_cost_per_child_uses_the_attending_children(expo_plan):
    plan, event = expo_plan(absent=("C01", "C02"))
    budget = run(event, plan).budget
    assert budget.counts["children"] == 28
    assert budget.per_child == (budget.total / 28).quantize(D("0.01"))


def test_a_division_that_does_not_end_keeps_four_places_and_warns(make_event):
    event = make_event({"item": "分摊", "quantity": "10 / 3", "unit_price": "3"})
    plan = run(event, empty_plan(event))
    assert plan.budget.lines[0].quantity == D("3.3333")
    assert plan.budget.lines[0].amount == D("10.00")
    assert any("4 位小数" in w for w in plan.warnings)


# ---------- cap and funding ----------


def test_over_the_cap_warns_when_the_cap_is_soft(make_event):
    event = make_event({"item": "车费", "quantity": 1, "unit_price": "1200"}, cap="1000")
    plan = run(event, empty_plan(event))
    assert any("超出可用资金上限 ¥1,000.00,超出 ¥200.00" in w for w in plan.warnings)


def test_over_the_cap_fails_when_the_cap_is_hard(make_event):
    event = make_event(
        {"item": "车费", "quantity": 1, "unit_price": "1200"}, cap="1000", cap_fails=True
    )
    with pytest.raises(Infeasible) as caught:
        run(event, empty_plan(event))
    assert caught.value.exit_code == 4
    assert "¥1,200.00" in caught.value.reasons[0] and "¥200.00" in caught.value.reasons[0]
    assert "over the cap" in caught.value.reasons_en[0]


def test_at_the_cap_is_within_it(make_event):
    event = make_event(
        {"item": "车费", "quantity": 1, "unit_price": "1000"}, cap="¥1,000", cap_fails=True
    )
    assert run(event, empty_plan(event)).budget.total == D("1000.00")


def test_funding_gives_the_balance_and_a_gap_warns(make_event):
    event = make_event(
        {"item": "车费", "quantity": 1, "unit_price": "1000"},
        funding=[
            {"source": "协会经费", "amount": "600"},
            {"source": "赞助", "amount": "￥300", "kind": "sponsor"},
        ],
    )
    plan = run(event, empty_plan(event))
    assert plan.budget.balance == D("-100.00")
    assert any("资金缺口 ¥100.00" in w for w in plan.warnings)


# ---------- bad values are collected, every one ----------


def test_every_bad_value_is_reported_at_once(make_event):
    event = make_event(
        {"item": "水", "quantity": 50, "unit_price": "1,5"},
        {"item": "车", "quantity": 1, "unit_price": "-80"},
        {"item": "票", "quantity": "kids + volunteers", "unit_price": "60"},
        {"item": "面包", "quantity": 50, "unit_price": "一块五"},
        {"item": "餐", "source": "itinerary:lunch"},
        cap="1,0",
    )
    with pytest.raises(InvalidInput) as caught:
        run(event, empty_plan(event))
    messages = {p.column: p.message_en for p in caught.value.problems}
    assert caught.value.exit_code == 3
    assert "ambiguous" in messages["budget.lines.0.unit_price"]
    assert "negative" in messages["budget.lines.1.unit_price"]
    assert "unknown name 'kids'" in messages["budget.lines.2.quantity"]
    assert "children" in messages["budget.lines.2.quantity"]  # the known names are listed
    assert "must be a number" in messages["budget.lines.3.unit_price"]
    assert "unknown source" in messages["budget.lines.4.source"]
    assert "ambiguous" in messages["budget.cap"]


def test_unambiguous_money_text_is_accepted(make_event):
    event = make_event(
        {"item": "水", "quantity": 50, "unit_price": "¥1.5"},
        {"item": "面包", "quantity": "５０", "unit_price": "1.5元"},
        {"item": "车", "quantity": 1, "unit_price": "￥1,500"},
        {"item": "票", "quantity": 2, "unit_price": "１.５"},
    )
    budget = run(event, empty_plan(event)).budget
    assert budget.total == D("75.00") + D("75.00") + D("1500.00") + D("3.00")


def test_division_by_a_zero_count_is_an_input_error(make_event):
    event = make_event({"item": "每车分摊", "quantity": "children / buses", "unit_price": "10"})
    with pytest.raises(InvalidInput) as caught:
        build_budget(event, empty_plan(event))
    assert "division by zero" in caught.value.problems[0].message_en


def test_a_quantity_that_comes_out_negative_is_an_input_error(make_event):
    event = make_event({"item": "退款", "quantity": "children - 5", "unit_price": "10"})
    with pytest.raises(InvalidInput) as caught:
        build_budget(event, empty_plan(event))
    assert "below zero" in caught.value.problems[0].message_en


def test_a_source_line_may_not_set_its_own_price(make_event):
    event = make_event({"item": "包车", "source": "itinerary:buses", "unit_price": "800"})
    with pytest.raises(InvalidInput) as caught:
        run(event, empty_plan(event))
    assert caught.value.problems[0].column == "budget.lines.0.unit_price"


def test_plan_json_round_trip_gives_the_same_budget(expo_plan):
    """`planner export` rebuilds the event from plan.json: the budget comes out the same."""
    plan, event = expo_plan(absent=("C01",))
    first = run(event, plan)
    again = Plan.model_validate_json(first.to_json())
    rebuilt = run(again.event_model(), again.model_copy(update={"budget": None, "notices": []}))
    assert rebuilt.budget == first.budget


def test_tickets_count_the_ones_to_buy(make_event):
    """Without the itinerary's total, the kinds add up with the free kinds left out."""
    event = make_event({"item": "票", "quantity": "tickets", "unit_price": "10"}, children=3)
    event = event.model_copy(
        update={
            "tickets": event.tickets.model_copy(update={"required": True, "free_kinds": ("child",)})
        }
    )
    budget = run(event, empty_plan(event)).budget
    assert budget.counts["tickets_child"] == 3
    assert budget.counts["tickets"] == 0


def test_a_line_may_count_the_free_tickets(expo_plan):
    """``tickets_free`` is a count like the others: a line may use it."""
    from planner.budget import validate

    plan, event = expo_plan()
    spec = {"item": "免票登记", "quantity": "tickets_free", "unit_price": "0"}
    lines = (*event.budget.lines, BudgetLineSpec.model_validate(spec))
    event = event.model_copy(update={"budget": event.budget.model_copy(update={"lines": lines})})
    assert validate(event) == []
    budget = run(event, plan).budget
    line = next(line for line in budget.lines if line.item == "免票登记")
    assert line.quantity == plan.tickets["free"] > 0
