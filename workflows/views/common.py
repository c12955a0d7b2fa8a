"""Shared pieces of the workflows pages."""

from django.http import Http404

from org.models import Role
from org.permissions import role_required
from workflows import selectors
from workflows.models import ExecutionProject, Step

liaison_required = role_required({Role.LIAISON})


def _project_or_404(request, pk):
    try:
        return selectors.project_get(user=request.user, pk=pk)
    except ExecutionProject.DoesNotExist as exc:
        raise Http404 from exc


def _step_or_404(request, pk):
    try:
        return selectors.step_get(user=request.user, pk=pk)
    except Step.DoesNotExist as exc:
        raise Http404 from exc
