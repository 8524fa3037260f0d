"""Turn a configuration error into one clear line instead of a traceback wall."""

import sys

from django.core.exceptions import ImproperlyConfigured


def load_settings_or_exit() -> None:
    from django.conf import settings

    try:
        settings.INSTALLED_APPS  # noqa: B018 - forces the settings module to load
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"ips: configuration error: {exc}\n")
        sys.exit(2)
