"""report.html: warnings first, charts inline, self-contained (nothing to fetch)."""

from __future__ import annotations

import re

from render.plans import bare_plan, expo_plan

from planner.render.charts import CHART_W, LABEL_W, Bar, GanttRow, fit_label, gantt_svg
from planner.render.labels import Labels
from planner.render.report import report_html, summary_numbers
from planner.render.view import PlanView

#: Anything that would make the page reach outside itself.
EXTERNAL = re.compile(r"https?://|<script|<link|<iframe|<img|@import|url\(|src=|href=", re.I)


def render(plan, lang: str = "zh") -> str:
    return report_html(PlanView(plan), Labels(lang))


def test_report_is_self_contained() -> None:
    html = render(expo_plan())
    assert EXTERNAL.findall(html) == []
    assert "<style>" in html and html.count("<svg") == 2


def test_a_planted_url_would_be_caught() -> None:
    assert EXTERNAL.findall('<img src="https://cdn.example/x.png">')


def test_warnings_come_first() -> None:
    html = render(expo_plan())
    assert html.index("C06 的外出同意书未交") < html.index("<svg")
    assert html.index("提醒") < html.index("概况")


def test_no_warnings_says_so() -> None:
    plan = expo_plan()
    plan.notices = []
    plan.timeline = [i for i in plan.timeline if i.id != "photo"]  # the photo warns
    assert "没有提醒" in render(plan)


def test_timeline_chart_has_a_bar_per_item_and_per_bus_leg() -> None:
    plan = expo_plan()
    html = render(plan)
    gantt = html[html.index("<svg") : html.index("</svg>")]
    assert gantt.count("<rect") == len(plan.timeline) + sum(len(b.legs) for b in plan.buses)
    assert "06:30–09:00" in gantt  # the convoy's bar, local time
    assert gantt.count('class="tick"') == sum(len(leg.stops) for b in plan.buses for leg in b.legs)


def test_budget_chart_has_a_bar_per_category_with_yuan_amounts() -> None:
    html = render(expo_plan())
    chart = html[html.rindex("<svg") : html.rindex("</svg>")]
    assert chart.count("<rect") == 4
    assert "¥1,800.00" in chart and "交通" in chart
    assert "¥3,988.42" in html  # the total


def test_tickets_total_is_not_counted_twice() -> None:
    plan = expo_plan()
    plan.tickets = {"child": 10, "volunteer": 6, "total": 16}
    numbers = dict(summary_numbers(PlanView(plan), Labels("zh")))
    assert numbers["门票"] == "儿童 10、志愿者 6；需购买 16 张，免票 0 张，共 16 张"


def test_a_plan_with_no_stage_run_still_renders() -> None:
    html = render(bare_plan())
    assert "<svg" not in html
    assert "西安世园一日游" in html


def test_english_report() -> None:
    html = render(expo_plan(), "en")
    assert '<html lang="en">' in html and "Budget by category" in html


def test_chinese_report_declares_zh_cn() -> None:
    assert '<html lang="zh-CN">' in render(expo_plan())


def test_long_labels_are_cut_to_fit_the_chart() -> None:
    long = "启动仪式(讲话、经验分享、一帮一结对、赠送礼品)"
    assert fit_label(long).endswith("…") and len(fit_label(long)) < len(long)
    assert fit_label("午餐") == "午餐"


def test_gantt_of_nothing_is_empty() -> None:
    assert gantt_svg([GanttRow("x", [])]) == ""
    assert gantt_svg([]) == ""


def test_gantt_places_bars_by_time() -> None:
    """09:00–10:00 in a 09:00–11:00 day is the first half of the chart."""
    day = expo_plan().timeline[0].start
    nine, ten, eleven = (day.replace(hour=h, minute=0) for h in (9, 10, 11))
    svg = gantt_svg([GanttRow("a", [Bar(nine, ten, "a")]), GanttRow("b", [Bar(ten, eleven, "b")])])
    rects = re.findall(r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', svg)
    assert [(float(x), float(w)) for x, w in rects] == [
        (LABEL_W, CHART_W / 2),
        (LABEL_W + CHART_W / 2, CHART_W / 2),
    ]
