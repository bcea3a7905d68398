from collections.abc import Mapping
from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm
from django.db import transaction
from django.http import HttpRequest, HttpResponse

from relaydesk.audit.admin import AuditedAdmin
from relaydesk.audit.models import Action
from relaydesk.audit.record import record
from relaydesk.directory.models import Absence, Party, Person, Team
from relaydesk.directory.services import PARTY_AUDITED_FIELDS

admin.site.site_header = "Relaydesk admin"
admin.site.site_title = "Relaydesk admin"


class PersonCreationForm(BaseUserCreationForm):
    class Meta:
        model = Person
        fields = ("email", "name")


class PersonChangeForm(UserChangeForm):
    class Meta:
        model = Person
        fields = "__all__"


@admin.register(Person)
class PersonAdmin(AuditedAdmin, UserAdmin):
    add_form = PersonCreationForm
    form = PersonChangeForm
    list_display = ("name", "email", "team", "manager", "is_admin", "is_active")
    list_filter = ("is_admin", "is_active")
    search_fields = ("name", "email")
    ordering = ("name",)
    autocomplete_fields = ("team", "manager")
    filter_horizontal = ()
    readonly_fields = ("last_login", "created_at")
    fieldsets = (
        (None, {"fields": ("email", "name", "password")}),
        ("Place in the organisation", {"fields": ("team", "manager", "timezone")}),
        ("Access", {"fields": ("is_active", "is_admin")}),
        ("Dates", {"fields": ("last_login", "created_at")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "name", "password1", "password2")}),
    )
    audited_fields = ("email", "name", "team", "is_active", "is_admin")
    created, changed, deleted = Action.PERSON_CREATED, Action.PERSON_CHANGED, Action.PERSON_DELETED

    def action_for(self, before: Mapping[str, Any], after: Mapping[str, Any]) -> Action:
        if before.get("is_active") and after and not after["is_active"]:
            return Action.PERSON_DEACTIVATED
        return super().action_for(before, after)

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        # Whoever knows the new password may act as this person: the log says that it was set,
        # by whom, and never what to.
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                person = Person.objects.get(pk=id)
                record(request.user, Action.PERSON_PASSWORD_SET, person, {}, {"password_set": True})
        return response


@admin.register(Team)
class TeamAdmin(AuditedAdmin):
    list_display = ("name", "parent", "lead", "assignment_policy")
    list_filter = ("assignment_policy",)
    search_fields = ("name",)
    autocomplete_fields = ("parent", "lead")
    exclude = ("last_assignee",)
    # Who leads it, and how its queue is ordered and shared out among its members.
    audited_fields = ("name", "parent", "lead", "assignment_policy", "queue_policy", "wip_limit")
    created, changed, deleted = Action.TEAM_CREATED, Action.TEAM_CHANGED, Action.TEAM_DELETED


@admin.register(Absence)
class AbsenceAdmin(AuditedAdmin):
    list_display = ("person", "starts_at", "ends_at", "backup")
    search_fields = ("person__name", "person__email")
    autocomplete_fields = ("person", "backup")
    audited_fields = ("person", "starts_at", "ends_at", "backup")
    created, changed, deleted = (
        Action.ABSENCE_DECLARED,
        Action.ABSENCE_CHANGED,
        Action.ABSENCE_ENDED,
    )


@admin.register(Party)
class PartyAdmin(AuditedAdmin):
    list_display = ("name", "kind")
    list_filter = ("kind",)
    search_fields = ("name",)
    audited_fields = PARTY_AUDITED_FIELDS
    created, changed, deleted = Action.PARTY_CREATED, Action.PARTY_CHANGED, Action.PARTY_DELETED
