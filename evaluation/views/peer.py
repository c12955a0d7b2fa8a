"""多元互评: a liaison rates the departments of the other kind."""

from django.shortcuts import get_object_or_404, redirect, render

from config.permissions import role_required
from evaluation import services
from evaluation.models import EvaluationRound
from evaluation.views.common import _int, _run
from responsibilities.models import Department, Role
from responsibilities.selectors import is_office


@role_required({Role.OFFICE, Role.LIAISON})
def peer(request):
    """A liaison rates the departments of the other kind in open rounds."""
    from evaluation.models import PeerRating
    from responsibilities.selectors import department_of

    department = department_of(request.user)
    rated_kind = services.RATES.get(department.kind) if department else None
    rounds = list(
        EvaluationRound.objects.filter(status="draft", peer_weight__gt=0).order_by(
            "-year", "-quarter"
        )
    )
    if request.method == "POST":
        round_ = get_object_or_404(
            EvaluationRound, pk=_int(request.POST.get("round"), 0)
        )
        rated = get_object_or_404(Department, pk=_int(request.POST.get("rated"), 0))
        _run(
            request,
            lambda: services.peer_rate(
                round=round_,
                rater=department,
                rated=rated,
                score=request.POST.get("score", ""),
                comment=request.POST.get("comment", ""),
                actor=request.user,
            ),
            f"已保存对“{rated.name}”的评分。",
        )
        return redirect("evaluation:peer")
    targets = (
        list(
            Department.objects.filter(kind=rated_kind, is_active=True).order_by(
                "sort_order", "code"
            )
        )
        if rated_kind and department and not is_office(request.user)
        else []
    )
    given = {
        (r.round_id, r.rated_id): r
        for r in PeerRating.objects.filter(rater=department, round__in=rounds)
    }
    sections = [
        {
            "round": r,
            "rows": [
                {"department": t, "rating": given.get((r.pk, t.pk))} for t in targets
            ],
        }
        for r in rounds
    ]
    return render(
        request,
        "evaluation/peer.html",
        {"department": department, "sections": sections, "rated_kind": rated_kind},
    )
