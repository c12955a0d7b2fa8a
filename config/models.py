from django.db import models


class Heartbeat(models.Model):
    """The last time a periodic process proved it runs (row `beat`: Celery beat
    and a worker). /readyz reads its age; kept in the database so every web node
    sees it whatever the cache does."""

    name = models.CharField(max_length=50, primary_key=True)
    beat_at = models.DateTimeField()

    class Meta:
        verbose_name = "心跳"
        verbose_name_plural = "心跳"

    def __str__(self):
        return f"{self.name} {self.beat_at:%Y-%m-%d %H:%M:%S}"
