"""The default flow templates of the method (七步法 and 三步法), as data.

`seed_default_flows` is called by a data migration (with historical models) and
by the demo; it creates what is missing and never overwrites the office's edits.
"""

from decimal import Decimal

# (code, name, working days, may run in parallel with the step before,
#  evidence kinds, base mark, high mark, requirement)
DEFAULT_FLOWS = {
    "general": {
        "name": "七步法(一般流程)",
        "description": "重要党内法规的一般执行流程：执行发起、培训、配套、备案、评价、"
        "通报、闭环。",
        "steps": [
            (
                "launch",
                "执行发起",
                5,
                False,
                ["document", "meeting_record"],
                10,
                12,
                "制定执行方案，明确责任分工和时间节点，召开部署会议。",
            ),
            (
                "training",
                "培训",
                15,
                False,
                ["training_roster", "meeting_record"],
                15,
                18,
                "组织专题学习培训，覆盖相关干部和执行人员。",
            ),
            (
                "supporting_measures",
                "配套",
                20,
                True,
                ["document"],
                15,
                18,
                "制定或修订配套制度、实施细则，与培训可同步推进。",
            ),
            (
                "filing",
                "备案",
                10,
                False,
                ["filing_receipt", "document"],
                15,
                18,
                "配套制度按规定报送备案审查。",
            ),
            (
                "evaluation",
                "评价",
                15,
                False,
                ["report"],
                15,
                18,
                "开展执行情况自评，形成评价报告。",
            ),
            (
                "bulletin",
                "通报",
                5,
                False,
                ["document"],
                10,
                12,
                "通报执行情况和评价结果。",
            ),
            (
                "closure",
                "闭环",
                10,
                False,
                ["report", "text"],
                20,
                24,
                "问题整改到位，形成闭环总结。",
            ),
        ],
    },
    "simple": {
        "name": "三步法(简易流程)",
        "description": "执行要求相对简单的党内法规：执行发起、落实备案、评价闭环。",
        "steps": [
            (
                "launch",
                "执行发起",
                5,
                False,
                ["document"],
                20,
                24,
                "明确责任分工和落实要求。",
            ),
            (
                "implementation",
                "落实备案",
                30,
                False,
                ["document", "filing_receipt"],
                50,
                60,
                "抓好贯彻落实，相关制度报送备案。",
            ),
            (
                "evaluation_closure",
                "评价闭环",
                15,
                False,
                ["report", "text"],
                30,
                36,
                "开展评价，整改问题，形成闭环总结。",
            ),
        ],
    },
}


# 执行主体 of each default step, as the method tells it: the office launches and
# circulates (通报); training and closure are the lead's; the rest are everyone's.
DEFAULT_ACTORS = {
    "general": {
        "launch": "office",
        "training": "lead",
        "supporting_measures": "all",
        "filing": "all",
        "evaluation": "all",
        "bulletin": "office",
        "closure": "lead",
    },
    "simple": {
        "launch": "office",
        "implementation": "all",
        "evaluation_closure": "lead",
    },
}


def default_actor(flow_code: str, step_code: str) -> str:
    return DEFAULT_ACTORS.get(flow_code, {}).get(step_code, "all")


def seed_default_flows(flow_model, step_model) -> int:
    """Create the default flows and steps that do not exist yet.

    Takes the model classes so a migration can pass its historical models.
    Returns the number of step templates created.
    """
    created = 0
    # The 0003 migration's historical model predates `actor` (0005 sets it).
    has_actor = any(f.name == "actor" for f in step_model._meta.get_fields())
    for code, spec in DEFAULT_FLOWS.items():
        flow, _ = flow_model.objects.get_or_create(
            code=code,
            defaults={"name": spec["name"], "description": spec["description"]},
        )
        if step_model.objects.filter(flow=flow).exists():
            continue  # the office owns this flow now; never overwrite its edits
        for order, row in enumerate(spec["steps"], start=1):
            step_code, name, days, parallel, kinds, base, high, text = row
            extra = {"actor": default_actor(code, step_code)} if has_actor else {}
            step_model.objects.create(
                flow=flow,
                code=step_code,
                name=name,
                order=order,
                duration_days=days,
                parallel=parallel,
                evidence_kinds=kinds,
                base_points=Decimal(base),
                high_points=Decimal(high),
                description=text,
                **extra,
            )
            created += 1
    return created
