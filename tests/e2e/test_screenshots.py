"""Each demo role's home page on a desktop (1366×900) and a phone (390×844),
saved under docs/screenshots/ (linked from README.md) and checked for overflow."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"
ROLES = {
    "office": "区委办工作人员",
    "leader": "领导",
    "inspector": "纪检监督",
    "liaison_zzb": "部门联络员",
}
DESKTOP = {"width": 1366, "height": 900}


def test_home_pages_of_each_role_desktop_and_phone(open_tab, expect, media_root):
    # given the demo district
    call_command("seed_demo", stdout=io.StringIO())
    SHOTS.mkdir(parents=True, exist_ok=True)
    for username, role_label in ROLES.items():
        user = get_user_model().objects.get(username=username)
        for device in ("desktop", "phone"):
            # when the user opens the home page on the device
            tab = open_tab(phone=device == "phone").login_as(user)
            if device == "desktop":
                tab.page.set_viewport_size(DESKTOP)
            tab.goto("/")
            # then it greets them in their role, with nothing wider than the screen
            expect(tab.page.locator("main")).to_contain_text(role_label)
            overflow = tab.page.evaluate(
                "document.documentElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 0, f"{username} {device}: {overflow}px too wide"
            tab.page.screenshot(path=str(SHOTS / f"home-{username}-{device}.png"))
            assert tab.console_errors == []
            tab.context.close()
