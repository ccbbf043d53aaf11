"""Makes sure the demo has an admin account and says how to log in."""

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

PASSWORD_FILE = Path(settings.BASE_DIR) / ".demo-admin-password"


class Command(BaseCommand):
    help = (
        "Create the demo admin account if it does not exist (DEMO_ADMIN_USERNAME, default 'admin'; "
        "DEMO_ADMIN_PASSWORD, or a random password kept in .demo-admin-password) and print how to log in."
    )

    def handle(self, *args, **options):
        username = os.environ.get("DEMO_ADMIN_USERNAME", "admin")
        given_password = os.environ.get("DEMO_ADMIN_PASSWORD", "")
        if not settings.DEBUG and not given_password:
            raise CommandError(
                "Outside development, set DEMO_ADMIN_PASSWORD explicitly (or use createsuperuser)."
            )
        User = get_user_model()  # noqa: N806
        user = User.objects.filter(username=username).first()
        if user is None:
            password = given_password or secrets.token_urlsafe(12)
            User.objects.create_superuser(username=username, email="", password=password)
            if not given_password:
                PASSWORD_FILE.write_text(password + "\n")
                PASSWORD_FILE.chmod(0o600)
            self.stdout.write(f"Created the demo admin account '{username}'.")
        elif given_password:
            password = given_password
        elif PASSWORD_FILE.exists():
            password = PASSWORD_FILE.read_text().strip()
        else:
            password = None
        self.stdout.write(self.style.SUCCESS(f"Log into {settings.WAGTAILADMIN_BASE_URL}/admin/"))
        self.stdout.write(f"  username: {username}")
        if password:
            self.stdout.write(f"  password: {password}")
        else:
            self.stdout.write(
                "  password: the one you set (reset it with: .venv/bin/python manage.py changepassword)"
            )
        if settings.STAFF_2FA_REQUIRED:
            self.stdout.write(
                "  two-step verification: after the password, the admin asks you to scan a QR code "
                "with an authenticator app and enter its code; keep the recovery codes it shows."
            )
        else:
            self.stdout.write(
                "  two-step verification: optional in this development setup only (DEBUG; "
                "STAFF_2FA_REQUIRED=false). Production requires it of superusers and Front desk staff. "
                "Try it: account menu > Two-step verification."
            )
