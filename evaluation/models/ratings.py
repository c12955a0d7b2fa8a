"""多元互评: departments' peer ratings of one another in a round."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from evaluation.models.common import POINTS
from evaluation.models.rounds import EvaluationRound


class PeerRating(models.Model):
    """多元互评: one rater department's score (0-100) of another in a round."""

    round = models.ForeignKey(
        EvaluationRound, on_delete=models.CASCADE, related_name="peer_ratings"
    )
    rater = models.ForeignKey(
        "org.Department", on_delete=models.PROTECT, related_name="+"
    )
    rated = models.ForeignKey(
        "org.Department", on_delete=models.PROTECT, related_name="+"
    )
    score = models.DecimalField(
        "评分",
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        **POINTS,
    )
    comment = models.TextField("意见", blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    rated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "多元互评"
        verbose_name_plural = "多元互评"
        constraints = [
            models.UniqueConstraint(
                fields=["round", "rater", "rated"], name="peer_unique_pair"
            )
        ]

    def __str__(self):
        return f"{self.rater} → {self.rated}: {self.score}"
