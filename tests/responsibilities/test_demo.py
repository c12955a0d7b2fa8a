from io import StringIO

from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token

from org import demo
from org.models import Department, Membership
from portal.demo import print_accounts
from responsibilities import demo_lists
from responsibilities.models import ResponsibilityList
from responsibilities.selectors import regulations_without_lead
from tests import factories


def test_demo_seed_is_idempotent_and_prints_accounts(db, client):
    # given: a few regulations, as the catalogue's demo would load
    for title in [
        "中国共产党组织工作条例",
        "中国共产党纪律处分条例",
        "中国共产党宣传工作条例",
        "中国共产党普通高等学校基层组织工作条例",
    ]:
        factories.RegulationFactory(title=title)
    out = StringIO()
    # when: run twice
    for _ in range(2):
        demo.seed(stdout=out)
        demo_lists.seed(stdout=out)
    counts = (
        Department.objects.count(),
        get_user_model().objects.count(),
        ResponsibilityList.objects.count(),
        Token.objects.count(),
    )
    demo.seed(stdout=out)
    demo_lists.seed(stdout=out)
    # then
    assert counts == (
        Department.objects.count(),
        get_user_model().objects.count(),
        ResponsibilityList.objects.count(),
        Token.objects.count(),
    )
    assert 35 <= counts[0] <= 45
    print_accounts(stdout=out)  # seed_demo prints it last
    assert "zhigui2026" in out.getvalue() and "liaison_nanhu" in out.getvalue()
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {"office", "leader", "inspector", "liaison", "api_client"}
    assert client.login(username="liaison_sfj", password=demo.DEMO_PASSWORD)
    leads = {
        r.regulation.title: r.department.code
        for r in ResponsibilityList.objects.filter(kind="lead")
    }
    assert leads["中国共产党组织工作条例"] == "ZZB"
    assert leads["中国共产党纪律处分条例"] == "JWJW"
    assert leads["中国共产党宣传工作条例"] == "XCB"
    assert [r.title for r in regulations_without_lead()] == [
        "中国共产党普通高等学校基层组织工作条例"
    ]
    assert ResponsibilityList.objects.filter(kind="driver").count() == 10
    assert ResponsibilityList.objects.filter(kind="safeguard").count() == 10
    assert ResponsibilityList.objects.filter(kind="supervision").exists()
