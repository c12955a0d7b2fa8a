"""Receivers of the org app, connected in OrgConfig.ready()."""

from django.contrib.auth.models import Group

from org.services import OFFICE_ADMIN_APPS, OFFICE_GROUP_NAME, office_group


def refresh_office_group(sender, **kwargs):
    """Keep the "区委办" admin group in step with new models after each migrate."""
    if sender.label not in OFFICE_ADMIN_APPS:
        return
    if Group.objects.filter(name=OFFICE_GROUP_NAME).exists():
        office_group()
