#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ips.settings")
    from django.core.management import execute_from_command_line

    from ips.config_guard import load_settings_or_exit
    from ips.embedded import developer_defaults

    if developer_defaults(os.environ):
        sys.stderr.write(
            "ips: nothing configured in the environment: local development settings "
            "(DEBUG=true, the database of `make run`).\n"
        )
    load_settings_or_exit()
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
