from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "neuewege.api"
    label = "api"
