"""What the apps above the catalogue add to it (see config/hooks.py).

responsibilities and workflows register in their AppConfig.ready().
"""

from config.hooks import Hook

# The rows of the four lists for one regulation that the user may see, shown on
# the regulation's page and in its API detail
# (responsibilities.selectors.regulation_responsibilities).
regulation_responsibilities = Hook(
    "regulation_responsibilities", arguments=("regulation", "user")
)

# Inside a revision's transaction, when the office carries the old version's
# work over: its active list rows move to the new version
# (responsibilities.services.responsibility_carry_to_revision).
carry_to_revision = Hook("carry_to_revision", arguments=("old", "new", "user"))

# Why a regulation may not be deleted: each app answers a message while it still
# uses the regulation, else None (responsibilities: active list rows; workflows:
# execution projects).
deletion_refusal = Hook("deletion_refusal", arguments=("regulation",))
