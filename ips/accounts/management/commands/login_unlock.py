from django.core.management.base import BaseCommand, CommandError

from ips.accounts import throttle


class Command(BaseCommand):
    help = "Lift a sign-in lock now (by username and/or address) instead of waiting for expiry."

    def add_arguments(self, parser):
        parser.add_argument("--username")
        parser.add_argument("--ip")

    def handle(self, *args, username=None, ip=None, **options):
        if not username and not ip:
            raise CommandError("Give --username and/or --ip.")
        if username:
            throttle.login_unlock(username=username)
        if ip:
            throttle.address_unlock(ip=ip)
        self.stdout.write("Unlocked.")
