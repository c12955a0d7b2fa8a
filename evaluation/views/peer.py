"""多元互评: a liaison rates the departments of the other kind."""

from django.contrib import messages
from django.shortcuts import redirect, render

from config.pages import page_errors
from evaluation import selectors, services
from evaluation.forms import PeerRatingForm
from org.models import Role
from org.permissions import role_required
from org.selectors import department_of


@role_required({Role.OFFICE, Role.LIAISON})
def peer(request):
    """A liaison rates the departments of the other kind in open rounds."""
    if request.method != "POST":
        sheet = selectors.peer_sheet(user=request.user)
        return render(request, "evaluation/peer.html", sheet)
    form = PeerRatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, "评分未保存：请填写分数，轮次和被评单位须存在。")
        return redirect("evaluation:peer")
    data = form.cleaned_data
    with page_errors(request):
        services.peer_rate(
            round=data["round"],
            rater=department_of(request.user),
            rated=data["rated"],
            score=data["score"],
            comment=data["comment"],
            actor=request.user,
        )
        messages.success(request, f"已保存对“{data['rated'].name}”的评分。")
    return redirect("evaluation:peer")
