"""Generate a city or province of districts fast, for `seed_scale` and `make bench`.

Rows are made in Python with ids allotted here and written with COPY on
PostgreSQL (executemany on SQLite, small sizes only), never through the
per-row services: a 150-district province must take minutes. The shapes follow
the services all the same: deadlines come from `workflows.services.launch.
plan_steps` and the working-day calendar, steps are grouped by `stages_of`,
each department walks only its own steps, notices climb the escalation ladder
(reminder, 告知单, 交办单, 警示单 levels 1-3) and rounds are published with
score sheets and credit records. The random generator is seeded, so a size and
a seed always give the same data.
"""

from __future__ import annotations

import bisect
import csv
import datetime
import io
import json
import random
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from evaluation.models import (
    CreditRecord,
    Evaluation,
    EvaluationRound,
    GradeThreshold,
    RoundEvent,
    StepScore,
)
from evaluation.services import grade_thresholds_ensure, standard_ensure_default
from evaluation.services.propose import LINE_FIELDS
from evaluation.services.rankings import ranking_entries_write
from evaluation.services.rounds import round_sheets_count_missing
from notices.models import (
    Delivery,
    ImplementationReport,
    Notice,
    NoticeCounter,
    NoticeEvent,
)
from notices.services.numbering import KIND_MARK
from notices.services.tallies import notice_tallies_recount
from notices.services.warned import warned_levels_rebuild
from org.models import Department, Membership, Office, Role
from regulations.models import Regulation
from responsibilities.models import ResponsibilityList
from supervision.services.tallies import office_rates_refresh_all
from workflows import calendar
from workflows.flows import seed_default_flows
from workflows.models import (
    Actor,
    Event,
    Evidence,
    EvidenceFile,
    ExecutionProject,
    FlowTemplate,
    Receipt,
    Step,
    StepTemplate,
)
from workflows.services.launch import plan_steps, stages_of
from workflows.services.tallies import step_tallies_recount

PASSWORD = "zhigui2026"
REGULATIONS_CSV = settings.BASE_DIR.parent / "shared" / "data" / "regulations.csv"

# Real Zhejiang districts and counties (Jiaxing first); beyond them, numbered.
DISTRICT_NAMES = (
    "南湖 秀洲 嘉善 海盐 海宁 平湖 桐乡 上城 拱墅 西湖 滨江 萧山 余杭 临平 钱塘 富阳 "
    "临安 桐庐 淳安 建德 海曙 江北 北仑 镇海 鄞州 奉化 余姚 慈溪 象山 宁海 鹿城 龙湾 "
    "瓯海 洞头 瑞安 乐清 永嘉 平阳 苍南 文成 泰顺 龙港 吴兴 南浔 德清 长兴 安吉 越城 "
    "柯桥 上虞 诸暨 嵊州 新昌 婺城 金东 兰溪 义乌 东阳 永康 武义 浦江 磐安 柯城 衢江 "
    "江山 常山 开化 龙游 定海 普陀 岱山 嵊泗 椒江 黄岩 路桥 临海 温岭 玉环 天台 仙居 "
    "三门 莲都 龙泉 青田 缙云 遂昌 松阳 云和 庆元 景宁"
).split()

BUREAUS = (
    "组织部 宣传部 统战部 编办 社会工作部 政法委 纪委监委 发改局 教育局 财政局 "
    "人力社保局 司法局 卫健局 民政局 农业农村局 市场监管局 审计局 信访局 "
    "退役军人事务局 住建局"
).split()
TOWNS_PER_DISTRICT = 8
VILLAGES_PER_TOWN = 8
INSPECTION_GROUPS = 4

# Synthetic titles that extend the catalogue to one regulation per project.
EXTRA_TITLE_FORMS = ["实施办法", "工作规则", "若干规定", "实施细则", "工作条例"]


_WORKDAYS: list[datetime.date] = []


def _load_workdays(year: int) -> None:
    """Every working day of the years around `year`, from the app's calendar
    (`workflows.calendar.is_working_day`: the package and the office's
    overrides), so counting many deadlines is a bisect, not a walk."""
    day, end = datetime.date(year - 3, 1, 1), datetime.date(year + 3, 12, 31)
    days = []
    while day <= end:
        if calendar.is_working_day(day):
            days.append(day)
        day += datetime.timedelta(days=1)
    _WORKDAYS[:] = days
    add_wd.cache_clear()
    _back.cache_clear()


@cache
def add_wd(day: datetime.date, n: int) -> datetime.date:
    """calendar.add_working_days(day, n), n >= 0."""
    if n <= 0:
        return _back(day, -n)
    return _WORKDAYS[bisect.bisect_right(_WORKDAYS, day) + n - 1]


@cache
def _back(day: datetime.date, n: int) -> datetime.date:
    """calendar.subtract_working_days(day, n), n >= 0."""
    if n <= 0:
        return day
    return _WORKDAYS[bisect.bisect_left(_WORKDAYS, day) - n]


@cache
def _plan(flow_code: str, starts_on: datetime.date):
    return plan_steps(_TEMPLATES[flow_code], starts_on)


_TEMPLATES: dict[str, list[StepTemplate]] = {}


def _aware(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(
        day.year, day.month, day.day, hour, minute, tzinfo=datetime.UTC
    )


class Row(dict):
    """A step row; `stages_of` reads `.parallel` as from a Step."""

    @property
    def parallel(self) -> bool:
        return self["parallel"]

    @property
    def order(self) -> int:
        return self["order"]


class Writer:
    """Allots ids and streams rows into tables (COPY on PostgreSQL)."""

    def __init__(self):
        self.next_id: dict[str, int] = {}
        self.counts: dict[str, int] = {}
        self.pg = connection.vendor == "postgresql"
        self.models = set()

    def ids(self, model, n: int = 1) -> int:
        table = model._meta.db_table
        if table not in self.next_id:
            with connection.cursor() as cur:
                cur.execute(f'SELECT MAX(id) FROM "{table}"')
                self.next_id[table] = (cur.fetchone()[0] or 0) + 1
        first = self.next_id[table]
        self.next_id[table] += n
        self.models.add(model)
        return first

    def write(self, table: str, columns: list[str], rows) -> int:
        rows = list(rows)
        if not rows:
            return 0
        self.counts[table] = self.counts.get(table, 0) + len(rows)
        cols = ", ".join(f'"{c}"' for c in columns)
        with connection.cursor() as cur:
            if self.pg:
                buffer = io.StringIO()
                csv.writer(buffer, lineterminator="\n").writerows(_pg_rows(rows))
                buffer.seek(0)
                options = "FORMAT csv, NULL '\\N'"
                cur.cursor.copy_expert(
                    f'COPY "{table}" ({cols}) FROM STDIN WITH ({options})', buffer
                )
            else:
                marks = ", ".join(["%s"] * len(columns))
                cur.executemany(
                    f'INSERT INTO "{table}" ({cols}) VALUES ({marks})',
                    [tuple(_lite_value(v) for v in row) for row in rows],
                )
        return len(rows)

    def model_rows(self, model, columns: list[str], rows) -> int:
        fields = [model._meta.get_field(c).column for c in columns]
        return self.write(model._meta.db_table, fields, rows)

    def numbered(self, model, columns: list[str], rows: list) -> int:
        """`model_rows` for rows made without their id (`columns[0]`): ids
        are allotted here, in order."""
        first = self.ids(model, len(rows))
        return self.model_rows(
            model, columns, [[first + i, *r] for i, r in enumerate(rows)]
        )

    def reset_sequences(self) -> None:
        statements = connection.ops.sequence_reset_sql(no_style(), list(self.models))
        with connection.cursor() as cur:
            for sql in statements:
                cur.execute(sql)


def _pg_value(value):
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return value


# Values the csv module writes as PostgreSQL reads them (str() of an int, a
# string, a date, a Decimal, an aware datetime, a bool): no per-value work.
_AS_IS = frozenset({int, str, Decimal, datetime.date, datetime.datetime, bool})


def _pg_rows(rows: list) -> list:
    """`rows` with NULLs and JSON made COPY-ready, converting only the columns
    that hold them: a column at a time, so the common case stays in C."""
    columns = list(zip(*rows, strict=True))
    changed = False
    for i, column in enumerate(columns):
        if set(map(type, column)) <= _AS_IS:
            continue
        columns[i] = list(map(_pg_value, column))
        changed = True
    return list(zip(*columns, strict=True)) if changed else rows


def _lite_value(value):
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


@dataclass
class District:
    index: int
    office_id: int
    name: str
    prefix: str
    office_dept: int = 0
    bureaus: list[int] = field(default_factory=list)
    towns: list[int] = field(default_factory=list)
    villages: list[int] = field(default_factory=list)
    groups: list[int] = field(default_factory=list)
    group_of: dict[int, int] = field(default_factory=dict)
    office_user: int = 0
    liaison_of: dict[int, int] = field(default_factory=dict)

    @property
    def units(self) -> list[int]:
        return self.bureaus + self.towns + self.villages


@dataclass
class Summary:
    districts: int = 0
    seconds: float = 0.0
    counts: dict = field(default_factory=dict)


@dataclass
class Rows:
    """The rows one district-year makes, by table, in the order they are made
    (ids of events and notice events are allotted when they are written)."""

    events: list = field(default_factory=list)
    evidence: list = field(default_factory=list)
    files: list = field(default_factory=list)
    notices: list = field(default_factory=list)
    ccs: list = field(default_factory=list)
    deliveries: list = field(default_factory=list)
    nevents: list = field(default_factory=list)
    reports: list = field(default_factory=list)

    def event(
        self,
        project: int,
        step: int | None,
        department: int | None,
        actor: int | None,
        action: str,
        from_status: str,
        to_status: str,
        at: datetime.datetime,
        *,
        reason: str = "",
    ) -> None:
        """A `workflows.Event` row (columns of `EVENT_COLUMNS` but the id)."""
        self.events.append(
            [
                project,
                step,
                department,
                actor,
                action,
                from_status,
                to_status,
                reason,
                at,
            ]
        )

    def notice_event(
        self,
        notice: int,
        action: str,
        from_status: str,
        to_status: str,
        at: datetime.datetime,
    ) -> None:
        """A `notices.NoticeEvent` row by the system (no actor, no reason)."""
        self.nevents.append([notice, None, action, from_status, to_status, "", at])


class ScaleSeeder:
    def __init__(self, *, districts: int, projects: int, seed: int, today=None):
        self.n = districts
        self.p = projects
        self.rng = random.Random(seed)
        self.today = today or timezone.localdate()
        self.year = self.today.year
        self.years = [self.year - 1, self.year]
        self.w = Writer()
        self.now = timezone.now()
        # Notice numbers run per (office, kind, year), as numbering.py allots them.
        self.serials: dict[tuple[int, str, int], int] = {}

    # -- reference data -------------------------------------------------------
    def prepare(self) -> None:
        seed_default_flows(FlowTemplate, StepTemplate)
        self.flows = {f.code: f for f in FlowTemplate.objects.all()}
        for code, flow in self.flows.items():
            _TEMPLATES[code] = list(flow.steps.order_by("order"))
        _plan.cache_clear()
        _load_workdays(self.year)
        grade_thresholds_ensure()
        self.standards = {
            code: standard_ensure_default(flow_code=code) for code in self.flows
        }
        self.thresholds = list(GradeThreshold.objects.order_by("-min_score"))
        for office_id, kind, year, last in NoticeCounter.objects.values_list(
            "office_id", "kind", "year", "last_serial"
        ):
            self.serials[(office_id, kind, year)] = last
        self.regulations = self._regulations()

    def _regulations(self) -> list[int]:
        """The catalogue all districts share: the real list, extended with
        synthetic rules so each office can run P projects a year."""
        rows = []
        with open(REGULATIONS_CSV, encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                rows.append(row)
        existing = dict(
            Regulation.objects.filter(is_deleted=False).values_list("title", "id")
        )
        wanted = []
        for row in rows:
            wanted.append((row["title"], row))
        base = [r["title"] for r in rows]
        k = 0
        while len(wanted) < self.p:
            parent = base[k % len(base)]
            form = EXTRA_TITLE_FORMS[(k // len(base)) % len(EXTRA_TITLE_FORMS)]
            title = f"{parent}{form}（第{k // len(base) + 1}版）"
            wanted.append((title, {**rows[k % len(rows)], "title": title}))
            k += 1
        new = [(t, r) for t, r in wanted if t not in existing]
        first = self.w.ids(Regulation, len(new))
        out = []
        for i, (title, row) in enumerate(new):
            published = row.get("published_on") or "2019-01-01"
            out.append(
                (
                    first + i,
                    title,
                    "",
                    row.get("issuer") or "中共中央",
                    row.get("level")
                    if row.get("level") in Regulation.Level.values
                    else "central",
                    _form(row.get("form")),
                    _branch(row.get("branch")),
                    "in_force",
                    published,
                    published,
                    "",
                    "",
                    "",
                    False,
                    self.now,
                    self.now,
                )
            )
            existing[title] = first + i
        self.w.model_rows(
            Regulation,
            [
                "id",
                "title",
                "document_number",
                "issuer",
                "level",
                "form",
                "branch",
                "status",
                "published_on",
                "effective_on",
                "summary",
                "link",
                "attachment",
                "is_deleted",
                "created_at",
                "updated_at",
            ],
            out,
        )
        return [existing[t] for t, _ in wanted]

    # -- offices, departments, users -------------------------------------------
    def offices(self) -> list[District]:
        city = Office.objects.filter(kind=Office.Kind.CITY).first()
        if city is None:
            city = Office.objects.create(
                code="city",
                name="嘉兴市委办",
                kind=Office.Kind.CITY,
                number_prefix="嘉兴执规",
            )
        start = Office.objects.filter(kind=Office.Kind.DISTRICT).count()
        first = self.w.ids(Office, self.n)
        rows, districts = [], []
        for i in range(self.n):
            number = start + i
            base = DISTRICT_NAMES[number % len(DISTRICT_NAMES)]
            name = (
                base
                if number < len(DISTRICT_NAMES)
                else f"{base}{number // len(DISTRICT_NAMES) + 1}"
            )
            prefix = f"{name}执规"
            rows.append(
                (
                    first + i,
                    f"d{number + 1:03d}",
                    f"{name}区委办",
                    "district",
                    city.pk,
                    prefix,
                    number + 1,
                )
            )
            districts.append(
                District(
                    index=number + 1, office_id=first + i, name=name, prefix=prefix
                )
            )
        self.w.model_rows(
            Office,
            ["id", "code", "name", "kind", "parent", "number_prefix", "sort_order"],
            rows,
        )
        return districts

    def departments(self, districts: list[District]) -> None:
        per = (
            1
            + len(BUREAUS)
            + INSPECTION_GROUPS
            + TOWNS_PER_DISTRICT * (1 + VILLAGES_PER_TOWN)
        )
        next_id = self.w.ids(Department, per * len(districts))
        rows = []

        def add(d: District, code, name, kind, parent, parent_path, group=None):
            nonlocal next_id
            pk = next_id
            next_id += 1
            path = f"{parent_path}{pk}/"
            rows.append(
                (
                    pk,
                    f"{d.index:03d}-{code}",
                    name,
                    kind,
                    parent,
                    d.office_id,
                    path,
                    group,
                    "",
                    "",
                    "",
                    True,
                    len(rows),
                )
            )
            return pk, path

        for d in districts:
            d.office_dept, office_path = add(
                d, "QWB", f"{d.name}区委办(法规室)", "office", None, "/"
            )
            paths = {}
            for b, bureau in enumerate(BUREAUS):
                pk, paths[pk] = add(
                    d, f"B{b:02d}", f"{d.name}区{bureau}", "district", None, "/"
                )
                d.bureaus.append(pk)
            discipline = d.bureaus[BUREAUS.index("纪委监委")]
            for g in range(INSPECTION_GROUPS):
                pk, _ = add(
                    d,
                    f"JJZ{g + 1}",
                    f"{d.name}区纪委监委第{g + 1}派驻纪检组",
                    "inspection_group",
                    discipline,
                    paths[discipline],
                )
                d.groups.append(pk)
            for t in range(TOWNS_PER_DISTRICT):
                town, town_path = add(
                    d, f"T{t}", f"{d.name}第{t + 1}街道", "town", None, "/"
                )
                d.towns.append(town)
                for v in range(VILLAGES_PER_TOWN):
                    pk, _ = add(
                        d,
                        f"T{t}V{v}",
                        f"{d.name}第{t + 1}街道第{v + 1}社区",
                        "village",
                        town,
                        town_path,
                    )
                    d.villages.append(pk)
            for b, pk in enumerate(d.bureaus):
                if pk != discipline:
                    d.group_of[pk] = d.groups[b % INSPECTION_GROUPS]
        # inspection_group is set in the row for bureaus (groups exist in the batch).
        group_by_pk = {}
        for d in districts:
            group_by_pk.update(d.group_of)
        rows = [r[:7] + (group_by_pk.get(r[0]),) + r[8:] for r in rows]
        self.w.model_rows(
            Department,
            [
                "id",
                "code",
                "name",
                "kind",
                "parent",
                "office",
                "path",
                "inspection_group",
                "leader_name",
                "email",
                "webhook_url",
                "is_active",
                "sort_order",
            ],
            rows,
        )

    def users(self, districts: list[District]) -> None:
        User = get_user_model()
        password = make_password(PASSWORD)
        per = (
            2
            + INSPECTION_GROUPS
            + len(BUREAUS)
            + TOWNS_PER_DISTRICT * (1 + VILLAGES_PER_TOWN)
        )
        next_user = self.w.ids(User, per * len(districts))
        next_member = self.w.ids(Membership, per * len(districts))
        users, members = [], []

        def add(username, role, department):
            nonlocal next_user, next_member
            users.append(
                (
                    next_user,
                    password,
                    False,
                    username,
                    "",
                    "",
                    "",
                    False,
                    True,
                    self.now,
                )
            )
            members.append((next_member, next_user, department, role, ""))
            next_user += 1
            next_member += 1
            return next_user - 1

        for d in districts:
            tag = f"{d.index:03d}"
            d.office_user = add(f"office{tag}", Role.OFFICE, d.office_dept)
            add(f"leader{tag}", Role.LEADER, d.office_dept)
            for g, pk in enumerate(d.groups):
                add(f"inspector{tag}_{g + 1}", Role.INSPECTOR, pk)
            for u, pk in enumerate(d.units):
                d.liaison_of[pk] = add(f"liaison{tag}_{u:03d}", Role.LIAISON, pk)
        self.w.model_rows(
            User,
            [
                "id",
                "password",
                "is_superuser",
                "username",
                "first_name",
                "last_name",
                "email",
                "is_staff",
                "is_active",
                "date_joined",
            ],
            users,
        )
        self.w.model_rows(
            Membership, ["id", "user", "department", "role", "phone"], members
        )

    # -- the four lists ---------------------------------------------------------
    def lists(self, districts, leads: dict) -> None:
        """Lead rows for the regulations each district runs, plus driver,
        safeguard and supervision rows. A deployment-wide one-lead-per-
        regulation constraint keeps only the first district's lead rows active."""
        constraint = next(
            (
                c
                for c in ResponsibilityList._meta.constraints
                if c.name == "responsibility_one_active_lead_per_regulation"
            ),
            None,
        )
        deployment_wide = constraint is not None and list(constraint.fields) == [
            "regulation"
        ]
        taken = set(
            ResponsibilityList.objects.filter(kind="lead", is_active=True).values_list(
                "regulation_id", flat=True
            )
        )
        rows, partners = [], []
        count = sum(len(leads[d.index]) * 2 + 10 for d in districts)
        next_id = self.w.ids(ResponsibilityList, count)
        through = ResponsibilityList.partner_departments.through
        first_through = self.w.ids(through, count * 3)

        def add(
            kind,
            regulation,
            department,
            flow="general",
            group=None,
            active=True,
            **extra,
        ):
            nonlocal next_id
            row = dict(
                id=next_id,
                kind=kind,
                regulation=regulation,
                department=department,
                duty="",
                leader_in_charge="",
                scope="",
                default_flow=flow,
                mechanism="",
                driver_type="",
                frequency="",
                element_type="",
                requirement="",
                inspection_group=group,
                focus="",
                method="",
                period="",
                is_active=active,
                created_at=self.now,
                updated_at=self.now,
            )
            row.update(extra)
            rows.append(row)
            next_id += 1
            return next_id - 1

        taken_now = False
        for d in districts:
            for regulation, (lead, flow, partner_ids) in leads[d.index].items():
                if deployment_wide:
                    taken_now = regulation in taken
                    taken.add(regulation)
                pk = add(
                    "lead",
                    regulation,
                    lead,
                    flow,
                    active=not (deployment_wide and taken_now),
                    duty="牵头组织实施",
                    scope="全区",
                )
                for partner in partner_ids[:3]:
                    partners.append((first_through, pk, partner))
                    first_through += 1
                group = d.group_of.get(lead)
                if group:
                    add(
                        "supervision",
                        regulation,
                        lead,
                        group=group,
                        focus="执行落实情况",
                        method="专项检查",
                        period="每季度",
                    )
            for k, kind in enumerate(ResponsibilityList.DriverType.values):
                add(
                    "driver",
                    None,
                    d.bureaus[k],
                    mechanism=f"{d.name}执规{kind}机制",
                    driver_type=kind,
                    frequency="每年",
                )
            for k, kind in enumerate(ResponsibilityList.SafeguardType.values):
                add(
                    "safeguard",
                    None,
                    d.bureaus[k + 5],
                    element_type=kind,
                    requirement="保障到位",
                )
        columns = list(rows[0].keys())
        self.w.model_rows(
            ResponsibilityList, columns, [tuple(r.values()) for r in rows]
        )
        self.w.write(
            through._meta.db_table,
            ["id", "responsibilitylist_id", "department_id"],
            partners,
        )

    # -- projects and everything below them ---------------------------------------
    def plan_leads(self, districts) -> dict:
        """Per district: regulation → (lead department, flow, partners)."""
        leads = {}
        for d in districts:
            regs = self.regulations[: self.p]
            chosen = {}
            for i, regulation in enumerate(regs):
                flow = "simple" if i % 10 < 3 else "general"
                lead = self.rng.choice(d.bureaus[:6] + d.bureaus[7:] + d.towns)
                pool = [x for x in d.bureaus + d.towns + d.villages if x != lead]
                k = (
                    self.rng.randint(3, 7)
                    if flow == "general"
                    else self.rng.randint(5, 13)
                )
                chosen[regulation] = (lead, flow, self.rng.sample(pool, k))
            leads[d.index] = chosen
        return leads

    def projects(self, districts, leads, stdout) -> None:
        """Both years of every district, written one district at a time."""
        for n, d in enumerate(districts):
            for year in self.years:
                self._district_year(d, leads[d.index], year)
            if stdout and (n + 1) % 10 == 0:
                stdout.write(f"  {n + 1}/{len(districts)} 个区已生成")

    def _start_day(self, year: int) -> datetime.date:
        last = (
            datetime.date(year, 10, 31)
            if year < self.year
            else self.today - datetime.timedelta(days=3)
        )
        first = datetime.date(year, 1, 5)
        span = max((last - first).days, 1)
        day = first + datetime.timedelta(days=self.rng.randint(0, span))
        return add_wd(day - datetime.timedelta(days=1), 1)

    def _district_year(self, d: District, leads: dict, year: int) -> None:
        rng = self.rng
        today = self.today if year == self.year else datetime.date(year, 12, 31)
        out = Rows()
        projects, partners, receipts, steps = [], [], [], []
        p_id = self.w.ids(ExecutionProject, len(leads))
        ptable = ExecutionProject.partner_departments.through
        ncc = Notice.cc_departments.through
        step_rows_for_scores = []
        for regulation, (lead, flow_code, partner_ids) in leads.items():
            pid = p_id
            p_id += 1
            starts = self._start_day(year)
            plans = _plan(flow_code, starts)
            due = max(p.due_on for p in plans)
            departments = [lead, *partner_ids]
            withdrawn = rng.random() < 0.01
            launched = _aware(starts, 9)
            out.event(pid, None, None, d.office_user, "launch", "", "active", launched)
            for partner in partner_ids:
                partners.append([pid, partner])
            # Receipts and their 告知单 (one per department, numbered).
            receipt_due = add_wd(starts, settings.RECEIPT_DUE_WORKING_DAYS)
            receipt_ids = {}
            own_receipts = len(receipts)
            for dept in departments:
                rid = self.w.ids(Receipt)
                receipt_ids[dept] = rid
                late = rng.random()
                when = None
                if late < 0.85:
                    when = add_wd(
                        starts, rng.randint(0, settings.RECEIPT_DUE_WORKING_DAYS)
                    )
                elif late < 0.97:
                    when = add_wd(receipt_due, rng.randint(1, 4))
                if when is not None and when > today:
                    when = None
                confirmed = _aware(when, 11) if when else None
                receipts.append(
                    [
                        rid,
                        pid,
                        dept,
                        receipt_due,
                        confirmed,
                        d.liaison_of.get(dept) if when else None,
                    ]
                )
                if when:
                    out.event(
                        pid,
                        None,
                        dept,
                        d.liaison_of.get(dept),
                        "receipt",
                        "",
                        "confirmed",
                        confirmed,
                    )
                self._notice(
                    out,
                    d,
                    kind="notification",
                    level=1,
                    department=dept,
                    project=pid,
                    step=None,
                    receipt=None,
                    issued=starts,
                    status="confirmed" if when else "sent",
                    title="执行任务告知单",
                    due_on=receipt_due,
                    confirmed=confirmed,
                )
                if when is None and receipt_due < today:
                    self._notice(
                        out,
                        d,
                        kind="warning",
                        level=1,
                        department=dept,
                        project=pid,
                        step=None,
                        receipt=rid,
                        issued=add_wd(receipt_due, 1),
                        status="sent",
                        title="回执逾期警示单",
                        due_on=add_wd(receipt_due, 6),
                    )
            # Steps: office rows, and each department's own chain.
            office_rows = []
            dept_rows: dict[int, list] = {dept: [] for dept in departments}
            for plan in plans:
                t = plan.template
                owners = (
                    [d.office_dept]
                    if t.actor == Actor.OFFICE
                    else [lead]
                    if t.actor == Actor.LEAD
                    else departments
                )
                for owner in owners:
                    row = Row(
                        {
                            "id": self.w.ids(Step),
                            "project": pid,
                            "department": owner,
                            "template": t.pk,
                            "code": t.code,
                            "name": t.name,
                            "order": t.order,
                            "actor": t.actor,
                            "parallel": t.parallel and plan.stage > 0,
                            "duration_days": t.duration_days,
                            "evidence_kinds": t.evidence_kinds,
                            "base_points": t.base_points,
                            "high_points": t.high_points,
                            "starts_on": plan.starts_on,
                            "due_on": plan.due_on,
                            "status": "waiting",
                            "opened_at": None,
                            "submitted_at": None,
                            "approved_at": None,
                            "return_count": 0,
                            "rating": "",
                            "flagged_for_bulletin": False,
                        }
                    )
                    (
                        office_rows if t.actor == Actor.OFFICE else dept_rows[owner]
                    ).append(row)
            all_done = True
            for dept, own in dept_rows.items():
                if not self._walk(
                    own,
                    dept,
                    d,
                    pid,
                    starts,
                    today,
                    out,
                ):
                    all_done = False
            bulletin_done = year < self.year and all_done
            for row in office_rows:
                if row["order"] == 1:
                    # A row not yet inserted: its first status, not a move.
                    at, opened, reason = launched, None, "项目发起即完成执行发起"
                elif bulletin_done:
                    at = _aware(datetime.date(year, 12, 31), 16)
                    opened, reason = at, f"{year}年度评价通报已印发"
                else:
                    continue
                row["status"], row["approved_at"] = "approved", at
                row["opened_at"] = opened
                out.event(
                    pid,
                    row["id"],
                    d.office_dept,
                    d.office_user,
                    "office_done",
                    "waiting",
                    "approved",
                    at,
                    reason=reason,
                )
            status = (
                "closed" if bulletin_done else "completed" if all_done else "active"
            )
            if withdrawn:
                status = "withdrawn"
                for own in [office_rows, *dept_rows.values()]:
                    for row in own:
                        if row["status"] not in ("approved",):
                            row["status"] = "cancelled"
            completed = _aware(due, 17) if status in ("closed", "completed") else None
            for receipt in receipts[own_receipts:]:  # Receipt.project_active
                receipt.append(status == "active")
            projects.append(
                [
                    pid,
                    regulation,
                    year,
                    d.office_id,
                    flow_code,
                    self.flows[flow_code].pk,
                    lead,
                    starts,
                    due,
                    status,
                    d.office_user,
                    launched,
                    completed,
                ]
            )
            for own in [office_rows, *dept_rows.values()]:
                steps.extend(own)
            step_rows_for_scores.extend(r for own in dept_rows.values() for r in own)
        w = self.w
        w.model_rows(
            ExecutionProject,
            [
                "id",
                "regulation",
                "year",
                "office",
                "flow",
                "flow_template",
                "lead_department",
                "starts_on",
                "due_on",
                "status",
                "launched_by",
                "launched_at",
                "completed_at",
            ],
            projects,
        )
        w.numbered(ptable, ["id", "executionproject", "department"], partners)
        w.model_rows(
            Receipt,
            [
                "id",
                "project",
                "department",
                "due_on",
                "confirmed_at",
                "confirmed_by",
                "project_active",
            ],
            receipts,
        )
        columns = list(steps[0].keys())
        w.model_rows(Step, columns, [list(r.values()) for r in steps])
        w.numbered(Event, EVENT_COLUMNS, out.events)
        w.model_rows(
            Evidence,
            ["id", "step", "text", "submitted_by", "submitted_at"],
            out.evidence,
        )
        w.model_rows(
            EvidenceFile,
            ["id", "evidence", "file", "original_name", "size", "content_type"],
            out.files,
        )
        w.model_rows(Notice, NOTICE_COLUMNS, out.notices)
        w.numbered(ncc, ["id", "notice", "department"], out.ccs)
        w.numbered(Delivery, DELIVERY_COLUMNS, out.deliveries)
        w.numbered(NoticeEvent, NOTICE_EVENT_COLUMNS, out.nevents)
        self._round(d, year, step_rows_for_scores)
        w.model_rows(
            ImplementationReport,
            [
                "id",
                "notice",
                "measures",
                "result",
                "person_responsible",
                "completed_on",
                "status",
                "submitted_by",
                "submitted_at",
                "reviewed_by",
                "reviewed_at",
                "return_reason",
            ],
            out.reports,
        )

    def _walk(self, own, dept, d, pid, starts, today, out: Rows) -> bool:
        """One department through its own steps as of `today`; True if done."""
        rng = self.rng
        liaison = d.liaison_of.get(dept)

        def move(row, actor, action, from_status, to_status, at, reason=""):
            out.event(
                pid,
                row["id"],
                dept,
                actor,
                action,
                from_status,
                to_status,
                at,
                reason=reason,
            )

        def notice(row, kind, level, issued, status, title, **more):
            self._notice(
                out,
                d,
                kind=kind,
                level=level,
                department=dept,
                project=pid,
                step=row["id"],
                receipt=None,
                issued=issued,
                status=status,
                title=f"{row['name']}{title}",
                **more,
            )

        def submit(row, on, from_status):
            row["submitted_at"] = _aware(on, 15)
            row["status"] = "submitted"
            self._evidence(row, liaison, out)
            move(row, liaison, "submit", from_status, "submitted", row["submitted_at"])

        ready = starts  # the day its current stage opened
        for stage in stages_of(own):
            stage_end = ready
            for row in stage:
                row["opened_at"] = _aware(ready, 9)
                row["status"] = "open"
                move(row, d.office_user, "open", "waiting", "open", row["opened_at"])
                due = row["due_on"]
                pace = rng.random()
                # Most finish a few days early; some near or past the deadline.
                slip = (
                    -rng.randint(3, 10)
                    if pace < 0.82
                    else rng.randint(-2, 8)
                    if pace < 0.97
                    else 40
                )
                submitted = max(
                    add_wd(due, slip) if slip >= 0 else _back(due, -slip), ready
                )
                # Reminders before the deadline, warnings after it (the ladder).
                reminder_on = _back(due, 3)
                if reminder_on <= today and (submitted > reminder_on):
                    notice(row, "reminder", 1, reminder_on, "sent", "即将到期提醒")
                level = 0
                warn_on = add_wd(due, 1)
                while warn_on < submitted and warn_on <= today and level < 3:
                    level += 1
                    answered = rng.random() < 0.7
                    notice(
                        row,
                        "warning",
                        level,
                        warn_on,
                        "accepted" if answered else "sent",
                        f"逾期警示单（第{level}次）",
                        due_on=add_wd(warn_on, 5),
                        cc=[d.group_of[dept]]
                        if level == 3 and dept in d.group_of
                        else [],
                    )
                    if level == 3:
                        row["flagged_for_bulletin"] = True
                    warn_on = add_wd(warn_on, 5)
                if level == 0 and rng.random() < 0.03 and due <= today:
                    notice(
                        row,
                        "assignment",
                        1,
                        due,
                        "accepted",
                        "交办单",
                        due_on=add_wd(due, 10),
                    )
                if submitted > today:
                    stage_end = None
                    continue
                submit(row, submitted, "open")
                decided = add_wd(submitted, rng.randint(1, 3))
                if decided > today:
                    stage_end = None
                    continue
                if rng.random() < 0.1:
                    row["return_count"] = 1
                    row["status"] = "returned"
                    move(
                        row,
                        d.office_user,
                        "return",
                        "submitted",
                        "returned",
                        _aware(decided, 16),
                        reason="材料不完整，请补充",
                    )
                    resubmit = add_wd(decided, rng.randint(1, 4))
                    if resubmit > today:
                        stage_end = None
                        continue
                    submit(row, resubmit, "returned")
                    decided = add_wd(resubmit, rng.randint(1, 2))
                    if decided > today:
                        stage_end = None
                        continue
                row["approved_at"] = _aware(decided, 16)
                row["status"] = "approved"
                row["rating"] = rng.choices(["excellent", "good", "pass"], [3, 5, 2])[0]
                move(
                    row,
                    d.office_user,
                    "approve",
                    "submitted",
                    "approved",
                    row["approved_at"],
                )
                if stage_end is not None:
                    stage_end = max(stage_end, decided)
            if stage_end is None:
                return False
            ready = stage_end
        return True

    def _evidence(self, row, liaison, out: Rows) -> None:
        eid = self.w.ids(Evidence)
        out.evidence.append(
            [eid, row["id"], f"{row['name']}工作材料", liaison, row["submitted_at"]]
        )
        fid = self.w.ids(EvidenceFile)
        out.files.append(
            [
                fid,
                eid,
                f"evidence/scale/{eid}.pdf",
                f"{row['name']}.pdf",
                204800,
                "application/pdf",
            ]
        )

    def _notice(
        self,
        out: Rows,
        d,
        *,
        kind,
        level,
        department,
        project,
        step,
        receipt,
        issued,
        status,
        title,
        due_on=None,
        confirmed=None,
        cc=(),
    ) -> int:
        nid = self.w.ids(Notice)
        serial, number = None, ""
        if kind != "reminder":
            key = (d.office_id, kind, issued.year)
            serial = self.serials[key] = self.serials.get(key, 0) + 1
            number = f"{d.prefix}{KIND_MARK[kind]}〔{issued.year}〕{serial}号"
        created = _aware(issued, 8, 30)
        sent = _aware(issued, 8, 31)
        out.notices.append(
            [
                nid,
                kind,
                issued.year,
                serial,
                number,
                level,
                department,
                project,
                step,
                receipt,
                None,
                title,
                "",
                due_on,
                status,
                d.office_user if kind in ("notification", "assignment") else None,
                created,
                sent,
                confirmed,
                d.liaison_of.get(department) if confirmed else None,
                issued,
                "",
                sent,
                sent,
            ]
        )
        for c in cc:
            out.ccs.append([nid, c])
        out.deliveries.append([nid, department, "in_app", "", sent, "ok", ""])
        if status == "accepted" and kind in ("warning", "assignment"):
            answered = _aware(add_wd(issued, 3), 14)
            out.reports.append(
                [
                    self.w.ids(ImplementationReport),
                    nid,
                    "已制定整改措施",
                    "已落实",
                    "联络员",
                    add_wd(issued, 3),
                    "accepted",
                    d.liaison_of.get(department),
                    answered,
                    d.office_user,
                    answered,
                    "",
                ]
            )
        out.notice_event(nid, "create", "", "pending", created)
        out.notice_event(nid, "deliver", "pending", "sent", sent)
        return nid

    # -- rounds, sheets, credit --------------------------------------------------
    def _round(self, d: District, year: int, step_rows) -> None:
        """The district's published round of `year` (the past year whole, this
        year's third quarter) with its score sheets; credit for a whole year."""
        standards = self.standards
        sheets, lines, credits = [], [], []
        through = EvaluationRound.standards.through
        quarter = 0 if year < self.year else 3
        as_of = (
            datetime.date(year, 12, 31) if quarter == 0 else datetime.date(year, 9, 30)
        )
        rid = self.w.ids(EvaluationRound)
        published = _aware(
            datetime.date(year, 12, 31) if quarter == 0 else add_wd(as_of, 5), 10
        )
        label = "全年" if quarter == 0 else "第三季度"
        rounds = [
            [
                rid,
                d.office_id,
                year,
                quarter,
                as_of,
                f"{d.name}{year}年{label}党内法规执行评价",
                "published",
                None,
                "",
                Decimal("0"),
                d.office_user,
                published,
                published,
                published,
                published,
            ]
        ]
        stds = [[rid, s.pk] for s in standards.values()]
        round_events = [
            [rid, d.office_user, action, a, b, "", published]
            for action, a, b in (
                ("create", "", "draft"),
                ("review", "draft", "reviewed"),
                ("publish", "reviewed", "published"),
            )
        ]
        by_sheet: dict[tuple[int, int], list] = {}
        for row in step_rows:
            finished = row["approved_at"]
            if row["due_on"] > as_of and (finished is None or finished.date() > as_of):
                continue
            if row["status"] == "cancelled":
                continue
            by_sheet.setdefault((row["project"], row["department"]), []).append(row)
        totals: dict[int, list] = {}
        for (project, dept), own in by_sheet.items():
            eid = self.w.ids(Evaluation)
            total = high = Decimal("0")
            for row in own:
                mark = _mark(row, as_of)
                total += mark
                high += row["high_points"]
                lines.append(
                    [
                        self.w.ids(StepScore),
                        eid,
                        row["id"],
                        row["code"],
                        row["name"],
                        row["order"],
                        row["base_points"],
                        row["high_points"],
                        mark,
                        mark,
                        "",
                    ]
                )
            lead = any(r["actor"] == "lead" for r in own)
            flow = (
                "simple"
                if own[0]["code"] in ("implementation", "evaluation_closure")
                else "general"
            )
            sheets.append(
                [
                    eid,
                    rid,
                    project,
                    dept,
                    standards[flow].pk,
                    lead,
                    total,
                    total,
                    high,
                    0,
                    0,
                    published,
                    published,
                ]
            )
            acc = totals.setdefault(dept, [Decimal("0"), Decimal("0"), 0])
            acc[0] += total
            acc[1] += high
            acc[2] += 1
        if quarter == 0:
            for dept, (total, high, count) in totals.items():
                score = (
                    (Decimal(100) * total / high).quantize(Decimal("0.01"))
                    if high
                    else Decimal("0")
                )
                credits.append(
                    [
                        self.w.ids(CreditRecord),
                        dept,
                        year,
                        score,
                        _grade(score, self.thresholds),
                        count,
                        rid,
                        published,
                    ]
                )
        w = self.w
        w.model_rows(
            EvaluationRound,
            [
                "id",
                "office",
                "year",
                "quarter",
                "as_of",
                "name",
                "status",
                "corrects",
                "correction_reason",
                "peer_weight",
                "created_by",
                "created_at",
                "updated_at",
                "reviewed_at",
                "published_at",
            ],
            rounds,
        )
        w.numbered(through, ["id", "evaluationround", "scoringstandard"], stds)
        w.numbered(
            RoundEvent,
            ["id", "round", *NOTICE_EVENT_COLUMNS[2:]],
            round_events,
        )
        w.model_rows(
            Evaluation,
            [
                "id",
                "round",
                "project",
                "department",
                "standard",
                "is_lead",
                "proposed_total",
                "total",
                "max_total",
                "warnings",
                "overdue_days",
                "created_at",
                "updated_at",
            ],
            sheets,
        )
        w.model_rows(StepScore, ["id", *LINE_FIELDS], lines)
        w.model_rows(
            CreditRecord,
            [
                "id",
                "department",
                "year",
                "score",
                "grade",
                "projects",
                "source_round",
                "updated_at",
            ],
            credits,
        )

    def counters(self) -> None:
        NoticeCounter.objects.all().delete()
        NoticeCounter.objects.bulk_create(
            NoticeCounter(office_id=office_id, kind=kind, year=year, last_serial=last)
            for (office_id, kind, year), last in self.serials.items()
        )

    def run(self, stdout=None) -> dict:
        self.prepare()
        districts = self.offices()
        self.departments(districts)
        self.users(districts)
        leads = self.plan_leads(districts)
        self.lists(districts, leads)
        with _bulk_load(BULK_MODELS, stdout):
            self.projects(districts, leads, stdout)
        self.counters()
        warned_levels_rebuild()  # the level each row reached, for the scan
        self.w.reset_sequences()
        return dict(sorted(self.w.counts.items()))


# The tables `projects` fills: their foreign keys and plain indexes are dropped
# for the load and made again after it (one pass each instead of a check and
# an index entry per row). Primary keys and unique constraints stay.
BULK_MODELS = (
    ExecutionProject,
    ExecutionProject.partner_departments.through,
    Receipt,
    Step,
    Event,
    Evidence,
    EvidenceFile,
    Notice,
    Notice.cc_departments.through,
    Delivery,
    NoticeEvent,
    ImplementationReport,
    EvaluationRound,
    EvaluationRound.standards.through,
    RoundEvent,
    Evaluation,
    StepScore,
    CreditRecord,
)


@contextmanager
def _bulk_load(models, stdout=None):
    """Drop the foreign keys and the plain (not unique) indexes of
    `models`' tables, run the block, then create them again as they were
    (`pg_get_indexdef` / `pg_get_constraintdef`): the keys are validated
    against all rows once. PostgreSQL only, inside the caller's transaction."""
    if connection.vendor != "postgresql":
        yield
        return
    tables = [m._meta.db_table for m in models]
    with connection.cursor() as cur:
        cur.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' "
            "AND conrelid = ANY(%s::regclass[]) ORDER BY 1, 2",
            [tables],
        )
        keys = cur.fetchall()
        cur.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
            "FROM pg_index i WHERE i.indrelid = ANY(%s::regclass[]) "
            "AND NOT i.indisunique AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
            "WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid "
            "AND c.contype IN ('p', 'u', 'x')) ORDER BY 1",
            [tables],
        )
        indexes = cur.fetchall()
        # Run the checks already queued (tables written so far) before the
        # ALTERs, which refuse tables with pending trigger events.
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cur.execute("SET CONSTRAINTS ALL DEFERRED")
        for table, name, _ in keys:
            cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            cur.execute(f"DROP INDEX {name}")
    yield
    if stdout:
        stdout.write(f"  重建 {len(indexes)} 个索引和 {len(keys)} 个外键")
    with connection.cursor() as cur:
        cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _, definition in indexes:
            cur.execute(definition)
        for table, name, definition in keys:
            cur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


EVENT_COLUMNS = (
    "id project step department actor action from_status to_status reason created_at"
).split()
NOTICE_EVENT_COLUMNS = (
    "id notice actor action from_status to_status reason created_at".split()
)
DELIVERY_COLUMNS = (
    "id notice department channel target attempted_at result error".split()
)
NOTICE_COLUMNS = [
    "id",
    "kind",
    "year",
    "serial",
    "number",
    "level",
    "department",
    "project",
    "step",
    "receipt",
    "source_notice",
    "title",
    "body",
    "due_on",
    "status",
    "created_by",
    "created_at",
    "sent_at",
    "confirmed_at",
    "confirmed_by",
    "issued_on",
    "cc_text",
    "delivery_claimed_at",
    "delivered_at",
]


def _chunks(rows, size):
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


SHARES = {"excellent": Decimal("1"), "good": Decimal("0.5"), "pass": Decimal("0")}


def _mark(row, as_of) -> Decimal:
    base, high = row["base_points"], row["high_points"]
    if row["status"] != "approved" or row["approved_at"].date() > as_of:
        return Decimal("0")
    mark = base + (high - base) * SHARES.get(row["rating"], Decimal("0"))
    if row["return_count"]:
        mark -= Decimal("0.5")
    return mark.quantize(Decimal("0.01"))


def _grade(score: Decimal, thresholds) -> str:
    for threshold in thresholds:
        if score >= threshold.min_score:
            return threshold.grade
    return thresholds[-1].grade if thresholds else ""


def _branch(value: str | None) -> str:
    for key, label in Regulation.Branch.choices:
        if value in (key, label):
            return key
    return ""


def _form(value: str | None) -> str:
    choices = dict(Regulation.Form.choices)
    for key, label in choices.items():
        if value in (key, label):
            return key
    return next(iter(choices))


def seed_scale(
    *,
    districts: int,
    projects_per_district: int = 800,
    seed: int = 1,
    today: datetime.date | None = None,
    stdout=None,
) -> dict:
    """Fill the database with `districts` district offices under one city."""
    seeder = ScaleSeeder(
        districts=districts, projects=projects_per_district, seed=seed, today=today
    )
    with transaction.atomic():
        counts = seeder.run(stdout=stdout)
        counts.update(seed_finish())
    if connection.vendor == "postgresql":
        # After the commit: in the loading transaction it takes minutes. VACUUM
        # sets the visibility map, without which an index-only scan still reads
        # every heap page of a freshly loaded table.
        with connection.cursor() as cur:
            # (VACUUM cannot run inside a transaction, e.g. a test's.)
            cur.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    return counts


def seed_finish() -> dict:
    """What publication and set-up leave behind, for data written around the
    services: the city office's own user (the comparison page), the stored
    ranking of every published round that has none and its stored sheet count
    (the scores API's envelope), the stored on-time figures of the city's
    comparison page, every office's stored step and notice counts (the steps/
    and notices/ envelopes). Safe to run again."""
    city = Office.objects.filter(kind=Office.Kind.CITY).order_by("pk").first()
    added = {"city users": 0, "ranking entries": 0, "sheet counts": 0}
    if (
        city is not None
        and not Membership.objects.filter(
            role=Role.OFFICE, department__office=city
        ).exists()
    ):
        unit, _ = Department.objects.get_or_create(
            code=f"{city.code}-SWB",
            defaults={
                "name": city.name,
                "kind": Department.Kind.OFFICE,
                "office": city,
            },
        )
        user = get_user_model().objects.create_user(
            username=f"{city.code}_office", password=PASSWORD
        )
        Membership.objects.create(user=user, department=unit, role=Role.OFFICE)
        added["city users"] = 1
    rounds = EvaluationRound.objects.filter(
        status=EvaluationRound.Status.PUBLISHED, ranking_entries__isnull=True
    ).order_by("pk")
    for round_ in rounds:
        added["ranking entries"] += ranking_entries_write(round=round_)
    added["sheet counts"] = round_sheets_count_missing()
    if connection.vendor == "postgresql":
        # The refresh's grouped counts are planned on fresh statistics (the
        # loading transaction has none yet; ANALYZE may run inside it).
        with connection.cursor() as cur:
            for table in TALLIED_TABLES:
                cur.execute(f"ANALYZE {table}")
    added["rate tallies"] = office_rates_refresh_all()
    # The steps and notices were written around their services: every
    # office's stored counts (the API envelopes) are counted again.
    added["step tallies"] = step_tallies_recount()
    added["notice tallies"] = notice_tallies_recount()
    return added


# What the stored on-time figures count (supervision.rates).
TALLIED_TABLES = [
    "responsibilities_department",
    "workflows_step",
    "workflows_receipt",
    "notices_notice",
    "notices_implementationreport",
    "evaluation_problem",
    "evaluation_inspection",
    "supervision_duty",
]
