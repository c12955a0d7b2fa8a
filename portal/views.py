"""The home page: a to-do per role, then the menu as tiles."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from org.models import Role
from org.selectors import role_of
from portal import selectors

TODO_BY_ROLE = {
    Role.OFFICE: selectors.office_todo,
    Role.LIAISON: selectors.liaison_todo,
}


@login_required
def home(request):
    todo_for = TODO_BY_ROLE.get(role_of(request.user))
    todo = todo_for(user=request.user) if todo_for else []
    return render(request, "home.html", {"todo": todo})
