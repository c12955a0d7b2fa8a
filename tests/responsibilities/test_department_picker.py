"""Department pickers at city scale: a search endpoint and selects that do not
carry thousands of options (a <select> of 15k departments was the launch form's
weight)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.widgets import DepartmentSelect
from notices.forms import AssignmentForm
from tests import factories
from workflows.forms import LaunchForm

pytestmark = pytest.mark.django_db

URL = "/responsibilities/departments/search/"


def _names(response):
    return [row["name"] for row in response.json()["results"]]


def test_department_search_finds_by_name_within_scope(
    client, office_user, outsider, dept_a, dept_b
):
    # given the office and B's liaison (the outsider to A)
    # when each searches for A's name
    client.force_login(office_user)
    office = _names(client.get(URL, {"q": "组织部"}))
    client.force_login(outsider)
    liaison = _names(client.get(URL, {"q": "组织部"}))
    own = _names(client.get(URL, {"q": "司法"}))
    # then the office finds A, the outsider does not (only its own subtree)
    assert office == ["区委组织部"]
    assert liaison == []
    assert own == ["区司法局"]


def test_department_search_returns_twenty_in_fixed_queries(client, office_user):
    # given 30 departments matching the search
    factories.DepartmentFactory.create_batch(5, name="街道办甲")
    client.force_login(office_user)
    with CaptureQueriesContext(connection) as few:
        client.get(URL, {"q": "街道"})
    factories.DepartmentFactory.create_batch(25, name="街道办乙")
    # when searched
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL, {"q": "街道"})
    # then 20 results at most, for the same number of queries
    assert response.status_code == 200
    assert len(response.json()["results"]) == 20
    assert len(many.captured_queries) == len(few.captured_queries)


def test_department_search_refuses_anonymous(client):
    assert client.get(URL, {"q": "x"}).status_code in (302, 403)


def test_launch_form_long_department_list_renders_only_the_choice(
    dept_a, dept_b, monkeypatch
):
    # given more departments than a plain select should carry
    monkeypatch.setattr(DepartmentSelect, "short_list", 3)
    factories.DepartmentFactory.create_batch(5)
    # when the launch form is shown with A chosen
    form = LaunchForm(initial={"lead_department": dept_a.pk})
    html = str(form["lead_department"])
    # then only A is an option, and the search box is wired to the endpoint
    assert f'data-typeahead="{URL}"' in html
    assert html.count("<option") == 2  # the empty choice and A
    assert "selected>区委组织部" in html
    # and a department never rendered still validates when posted
    form = LaunchForm(
        data={
            "regulation": factories.RegulationFactory().pk,
            "year": 2026,
            "lead_department": dept_b.pk,
            "starts_on": "2026-03-02",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["lead_department"] == dept_b


def test_short_department_list_stays_a_plain_select(dept_a, dept_b):
    # given a district's few departments
    # when the assignment form is shown
    html = str(AssignmentForm()["department"])
    # then every department is an option and no script is needed
    assert "data-typeahead" not in html
    assert "区委组织部" in html and "区司法局" in html


def test_projects_filter_long_department_list_is_a_search(
    client, office_user, dept_a, monkeypatch
):
    # given more departments than a plain select should carry
    monkeypatch.setattr(DepartmentSelect, "short_list", 3)
    factories.DepartmentFactory.create_batch(5, name="街道办")
    client.force_login(office_user)
    # when the projects list is filtered by A
    page = client.get("/workflows/", {"department": dept_a.pk}).content.decode()
    # then the filter carries A (chosen) and "全部", not every department
    assert f'data-typeahead="{URL}"' in page
    assert "街道办" not in page
    assert "selected>区委组织部" in page
