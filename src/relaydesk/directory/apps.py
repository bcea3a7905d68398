from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "relaydesk.directory"
    verbose_name = "Directory"
