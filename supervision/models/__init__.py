"""室组地联动监督: inspections, the problems they find and their rectification,
accountability.

Moved out of `evaluation` with their data: the tables keep their old names
(`evaluation_*`), so the move changed no row. Statuses change only through
`supervision.services`; the admin shows them read-only.

The models live in focused modules (records, units, plans, circulars, duties);
every name is re-exported here, so `from supervision.models import X` holds
(and the migrations' `supervision.models.duty_evidence_upload_to`).
"""

from supervision.models.circulars import Circular, CircularCounter, CircularEvent
from supervision.models.duties import Duty, DutyEvent, duty_evidence_upload_to
from supervision.models.plans import Cycle, InspectionPlan, PlanEvent, RowSchedule
from supervision.models.records import (
    Accountability,
    Inspection,
    Problem,
    SupervisionEvent,
    SupervisionRule,
)
from supervision.models.tallies import OfficeRateTally
from supervision.models.units import SupervisingUnit

__all__ = [
    "Inspection",
    "Problem",
    "SupervisionEvent",
    "Accountability",
    "SupervisionRule",
    "SupervisingUnit",
    "Cycle",
    "RowSchedule",
    "InspectionPlan",
    "PlanEvent",
    "Circular",
    "CircularCounter",
    "CircularEvent",
    "duty_evidence_upload_to",
    "Duty",
    "DutyEvent",
    "OfficeRateTally",
]
