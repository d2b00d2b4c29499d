"""The production settings pass Django's deployment checks with the documented environment."""

import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "x" * 20 + "a-long-random-production-secret-key-for-the-deploy-check-0123456789",
    "ALLOWED_HOSTS": "polku.example.fi",
    "DATABASE_URL": "sqlite:////tmp/polku-deploy-check.sqlite3",
    "POLKU_IDENTITY_HMAC_KEY": "an-hmac-key-that-is-long-enough-0123456789",
}


def run_check(environment):
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={"PATH": os.environ.get("PATH", ""), **environment},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check():
    result = run_check(
        {**PRODUCTION_ENVIRONMENT, "POLKU_FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode()}
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_refuse_to_start_without_their_secrets():
    result = run_check({**PRODUCTION_ENVIRONMENT, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
