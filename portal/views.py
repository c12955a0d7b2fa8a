"""The home page: a to-do per role, then the menu as tiles."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from org.models import Role
from org.selectors import role_of
from portal import selectors


@login_required
def home(request):
    todo = []
    if role_of(request.user) == Role.OFFICE:
        todo = selectors.office_todo(user=request.user)
    return render(request, "home.html", {"todo": todo})
