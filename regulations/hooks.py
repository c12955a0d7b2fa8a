"""What the apps above the catalogue add to it (see config/hooks.py).

responsibilities registers in ResponsibilitiesConfig.ready().
"""

from config.hooks import Hook

# The rows of the four lists for one regulation that the user may see, shown on
# the regulation's page and in its API detail
# (responsibilities.selectors.regulation_responsibilities).
regulation_responsibilities = Hook(
    "regulation_responsibilities", arguments=("regulation", "user")
)
