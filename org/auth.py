"""Authentication that loads a user with its membership, department and office
in the same query (a LEFT JOIN on the one-to-one membership): every request
reads the role, so it costs no query of its own. Here, not in config.auth,
because the membership is org's (config may not import the apps above it)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from config.auth import ExpiringTokenAuthentication
from org.selectors import MEMBERSHIP_JOIN, membership_joined


class MembershipBackend(ModelBackend):
    """Django's ModelBackend whose session user comes with its membership.
    Logins are checked exactly as by ModelBackend."""

    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related(MEMBERSHIP_JOIN).get(
                pk=user_id
            )
        except user_model.DoesNotExist:
            return None
        if not self.user_can_authenticate(user):
            return None
        membership_joined(user)
        return user


class MembershipTokenAuthentication(ExpiringTokenAuthentication):
    """The expiring API token whose user comes with its membership."""

    user_related = MEMBERSHIP_JOIN

    def loaded(self, user) -> None:
        membership_joined(user)
