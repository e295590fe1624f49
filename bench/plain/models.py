"""A tip row stored in clear: what an ordinary Django form would do (benchmark only)."""

from django.db import models


class PlainTip(models.Model):
    reference = models.CharField(max_length=16, unique=True)
    what = models.TextField()
    when_date = models.DateField(null=True, blank=True)
    when_time = models.TimeField(null=True, blank=True)
    place = models.CharField(max_length=500, blank=True)
    how_known = models.TextField(blank=True)
    contact = models.TextField(blank=True)
    urgent = models.BooleanField(default=False)
    language = models.CharField(max_length=10)
    received_at = models.DateTimeField(db_index=True)
    #: Bytes that make the row as large as a real tip row (the encryption overhead, the
    #: receipt digest and key, measured by the benchmark: BENCH_PLAIN_ROW_PADDING).
    padding = models.BinaryField(blank=True)

    def __str__(self):
        return self.reference
