from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm

from relaydesk.directory.models import Absence, Party, Person, Team

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
class PersonAdmin(UserAdmin):
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


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "parent", "lead", "assignment_policy")
    list_filter = ("assignment_policy",)
    search_fields = ("name",)
    autocomplete_fields = ("parent", "lead")
    exclude = ("last_assignee",)


@admin.register(Absence)
class AbsenceAdmin(admin.ModelAdmin):
    list_display = ("person", "starts_at", "ends_at", "backup")
    search_fields = ("person__name", "person__email")
    autocomplete_fields = ("person", "backup")


@admin.register(Party)
class PartyAdmin(admin.ModelAdmin):
    list_display = ("name", "kind")
    list_filter = ("kind",)
    search_fields = ("name",)
