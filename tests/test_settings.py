import os
import subprocess
import sys

import pytest
from django.conf import settings

from config.settings import email_settings

PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "x7" * 30,
    "DJANGO_ALLOWED_HOSTS": "polku.example.fi",
    "FIELD_ENCRYPTION_KEYS": "FDX66x9R0_thxJsv3Jm1P9Gf0HtIeZitLW7MpoggMTk=",
    "BLIND_INDEX_KEY": "Korud4IebOPsrBrDdTfjSS41lYGE84UKMCyOSR_l6oo",
}


def load_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))
    }
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import config.settings as s; "
            "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL.split(':')[0], s.DEBUG)",
        ],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_embedded_default_is_sqlite_and_the_filesystem_broker():
    result = load_settings({})
    assert result.stdout.split() == ["django.db.backends.sqlite3", "filesystem", "True"]


def test_database_and_redis_urls_switch_to_postgresql_and_redis():
    result = load_settings(
        {
            "DATABASE_URL": "postgres://polku@127.0.0.1:5432/polku",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
        }
    )
    assert result.stdout.split() == ["django.db.backends.postgresql", "redis", "True"]


@pytest.mark.parametrize(
    "missing",
    ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY"],
)
def test_production_refuses_to_start_without_secret_key_or_hosts(missing):
    result = load_settings({k: v for k, v in PRODUCTION.items() if k != missing})
    assert result.returncode != 0
    assert missing in result.stderr


def test_production_refuses_a_short_secret_key():
    result = load_settings({**PRODUCTION, "DJANGO_SECRET_KEY": "too-short"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_starts_with_real_values():
    result = load_settings(PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "False"


def test_secret_can_come_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("f" * 60 + "\n")
    env = {**PRODUCTION, "DJANGO_SECRET_KEY_FILE": str(secret)}
    del env["DJANGO_SECRET_KEY"]
    assert load_settings(env).returncode == 0


def test_email_url():
    assert str(email_settings("")["EMAIL_BACKEND"]).endswith("console.EmailBackend")
    smtp = email_settings("smtp://polku%40kunta.fi:s%3Acret@mail.kunta.fi:587?tls=true")
    assert smtp["EMAIL_HOST"] == "mail.kunta.fi"
    assert smtp["EMAIL_PORT"] == 587
    assert smtp["EMAIL_HOST_USER"] == "polku@kunta.fi"
    assert smtp["EMAIL_HOST_PASSWORD"] == "s:cret"
    assert smtp["EMAIL_USE_TLS"] is True
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        email_settings("ftp://nope")


def run_in_production(env: dict[str, str], code: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={**clean, **PRODUCTION, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "error"),
    [
        ({"FIELD_ENCRYPTION_KEYS": settings.DEVELOPMENT_FIELD_KEY}, "polku.E002"),
        (
            {
                "FIELD_ENCRYPTION_KEYS": PRODUCTION["FIELD_ENCRYPTION_KEYS"]
                + ","
                + settings.DEVELOPMENT_FIELD_KEY
            },
            "polku.E002",
        ),
        ({"BLIND_INDEX_KEY": settings.DEVELOPMENT_BLIND_INDEX_KEY}, "polku.E003"),
        ({"BLIND_INDEX_KEY": "a-passphrase-of-thirty-three-char"}, "polku.E004"),
        ({"DJANGO_SECRET_KEY_FALLBACKS": settings.DEVELOPMENT_SECRET_KEY}, "polku.E001"),
        ({"DJANGO_ALLOWED_HOSTS": "polku.example.fi,*"}, "polku.E005"),
    ],
    ids=["fernet", "fernet-as-older-key", "blind-index", "short-blind-index", "secret", "hosts"],
)
def test_production_refuses_development_secrets_at_every_start(env, error):
    web = run_in_production(env, "import config.wsgi")
    assert web.returncode != 0
    assert error in web.stderr
    assert "Polku refuses to start" in web.stderr
    worker = run_in_production(
        env,
        "from config.celery import app; import django; django.setup(); "
        "from celery import signals; signals.worker_init.send(sender=None)",
    )
    assert worker.returncode != 0
    assert error in worker.stderr
    check = run_in_production(
        env,
        "import sys; from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check'])",
    )
    assert check.returncode != 0
    assert error in check.stderr


def test_production_starts_with_its_own_keys():
    web = run_in_production({}, "import config.wsgi; print('started')")
    assert (web.returncode, web.stdout.strip()) == (0, "started"), web.stderr
