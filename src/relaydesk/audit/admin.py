"""The audit log in the Django admin (read only), and what makes the admin's own changes to
people, teams, absences and external parties leave an entry."""

from collections.abc import Mapping
from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest

from relaydesk.audit.models import Action, Entry
from relaydesk.audit.record import fields_of, record


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    list_display = ("at", "actor", "action", "target_type", "target_label")
    list_filter = ("action", "target_type")
    search_fields = ("target_label", "actor__name", "actor__email")
    date_hierarchy = "at"
    list_select_related = ("actor",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AuditedAdmin(admin.ModelAdmin):
    """Records each add, change and delete made through this admin page, in the transaction of
    the change. `audited_fields` are the plain fields that decide who may see or do what."""

    audited_fields: tuple[str, ...] = ()
    created: Action
    changed: Action
    deleted: Action

    def action_for(self, before: Mapping[str, Any], after: Mapping[str, Any]) -> Action:
        if not before:
            return self.created
        return self.deleted if not after else self.changed

    def save_model(self, request: HttpRequest, obj: models.Model, form: Any, change: bool) -> None:
        before = {}
        if change:
            before = fields_of(type(obj)._default_manager.get(pk=obj.pk), self.audited_fields)
        super().save_model(request, obj, form, change)
        after = fields_of(obj, self.audited_fields)
        record(request.user, self.action_for(before, after), obj, before, after)

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        with transaction.atomic():
            before = fields_of(obj, self.audited_fields)
            record(request.user, self.action_for(before, {}), obj, before, {})
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        with transaction.atomic():
            for obj in queryset:
                before = fields_of(obj, self.audited_fields)
                record(request.user, self.action_for(before, {}), obj, before, {})
            super().delete_queryset(request, queryset)
