"""Admin: for looking things up. Statuses are read-only; scores change through
the office's pages (services), never here."""

from django.contrib import admin

from evaluation import models


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class StandardStepInline(ReadOnlyInline):
    model = models.StandardStep


class KeyIndicatorInline(ReadOnlyInline):
    model = models.KeyIndicator


class DeductionRuleInline(ReadOnlyInline):
    model = models.DeductionRule


class EvaluatingBodyInline(ReadOnlyInline):
    model = models.EvaluatingBody


@admin.register(models.ScoringStandard)
class ScoringStandardAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "office",
        "flow_code",
        "version",
        "is_current",
        "created_at",
    ]
    list_filter = ["flow_code", "office", "is_current"]
    # An office's override is made and dropped on the standards page only.
    readonly_fields = ["office", "flow_code", "version", "is_current", "created_by"]
    inlines = [
        StandardStepInline,
        KeyIndicatorInline,
        DeductionRuleInline,
        EvaluatingBodyInline,
    ]


class RoundEventInline(ReadOnlyInline):
    model = models.RoundEvent


@admin.register(models.EvaluationRound)
class EvaluationRoundAdmin(admin.ModelAdmin):
    list_display = ["name", "year", "quarter", "status", "published_at"]
    list_filter = ["status", "year"]
    readonly_fields = [
        "status",
        "reviewed_at",
        "published_at",
        "corrects",
        "correction_reason",
        "created_by",
        "standards",
    ]
    inlines = [RoundEventInline]

    # Rounds are created and moved on the office's pages (services); a published
    # round is frozen, so the admin never edits one.
    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


class StepScoreInline(ReadOnlyInline):
    model = models.StepScore
    fields = ["code", "base_points", "high_points", "proposed", "final", "explanation"]


@admin.register(models.Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    list_display = ["round", "project", "department", "total", "max_total"]
    list_filter = ["round"]
    list_select_related = ["round", "project__regulation", "department"]
    inlines = [StepScoreInline]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(models.GradeThreshold)
class GradeThresholdAdmin(admin.ModelAdmin):
    list_display = ["grade", "label", "min_score"]


@admin.register(models.CreditRecord)
class CreditRecordAdmin(admin.ModelAdmin):
    list_display = ["department", "year", "score", "grade", "source_round"]
    list_filter = ["year", "grade"]
    list_select_related = ["department", "source_round"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


class LookupOnlyAdmin(admin.ModelAdmin):
    """三家联评 rows change through the round's 三家联评 page (services)."""

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(models.BodyMark)
class BodyMarkAdmin(LookupOnlyAdmin):
    list_display = ["round", "body", "department", "mark", "entered_by"]
    list_select_related = ["round", "body", "department", "entered_by"]


@admin.register(models.BodyMissing)
class BodyMissingAdmin(LookupOnlyAdmin):
    list_display = ["round", "body", "reason", "recorded_by"]
    list_select_related = ["round", "body", "recorded_by"]


@admin.register(models.SurveyResult)
class SurveyResultAdmin(LookupOnlyAdmin):
    list_display = [
        "round",
        "department",
        "satisfied",
        "fairly_satisfied",
        "dissatisfied",
    ]
    list_select_related = ["round", "department"]


@admin.register(models.RoundJob)
class RoundJobAdmin(LookupOnlyAdmin):
    """Background proposals and publications: how far each got, and why one
    failed (written by evaluation.services.jobs only)."""

    list_display = ["round", "action", "done", "total", "finished_at", "error"]
    list_filter = ["action"]
    list_select_related = ["round"]
