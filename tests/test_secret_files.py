"""Every secret may come from a file named by NAME_FILE (Docker and Kubernetes secrets),
in production as in development."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

from .test_settings import PRODUCTION

PRINT = (
    "import json, config.settings as s; print(json.dumps({"
    "'DJANGO_SECRET_KEY': s.SECRET_KEY, "
    "'FIELD_ENCRYPTION_KEYS': ','.join(s.FIELD_ENCRYPTION_KEYS), "
    "'BLIND_INDEX_KEY': s.BLIND_INDEX_KEY, "
    "'DATABASE_URL': '|'.join(str(s.DATABASES['default'].get(k, '')) "
    "for k in ('ENGINE', 'HOST', 'PORT', 'NAME', 'USER', 'PASSWORD')), "
    "'REDIS_URL': s.CELERY_BROKER_URL, "
    "'EMAIL_URL': '{}|{}|{}'.format(getattr(s, 'EMAIL_HOST', ''), "
    "getattr(s, 'EMAIL_HOST_USER', ''), getattr(s, 'EMAIL_HOST_PASSWORD', ''))}))"
)

SECRETS = {
    "DJANGO_SECRET_KEY": ("k3" * 30, "k3" * 30),
    "FIELD_ENCRYPTION_KEYS": (
        "Zn9CqDJcRz7nxtnfJ8mJd5n4Tnq3TmWbq1kB4W2iZ0I=,FDX66x9R0_thxJsv3Jm1P9Gf0HtIeZitLW7MpoggMTk=",
        "Zn9CqDJcRz7nxtnfJ8mJd5n4Tnq3TmWbq1kB4W2iZ0I=,FDX66x9R0_thxJsv3Jm1P9Gf0HtIeZitLW7MpoggMTk=",
    ),
    "BLIND_INDEX_KEY": ("b" * 48, "b" * 48),
    "DATABASE_URL": (
        "postgres://polku:s3cret@db.example.fi:5433/polku",
        "django.db.backends.postgresql|db.example.fi|5433|polku|polku|s3cret",
    ),
    "REDIS_URL": ("redis://:pw@redis.example.fi:6379/0", "redis://:pw@redis.example.fi:6379/0"),
    "EMAIL_URL": (
        "smtp://polku%40kunta.fi:m%40il@mail.kunta.fi:587?tls=true",
        "mail.kunta.fi|polku@kunta.fi|m@il",
    ),
}


def settings_with(env: dict[str, str]) -> dict[str, str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "EMAIL_", "FIELD_", "BLIND_"))
    }
    result = subprocess.run(
        [sys.executable, "-c", PRINT],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    values: dict[str, str] = json.loads(result.stdout.strip().splitlines()[-1])
    return values


@pytest.mark.parametrize("name", sorted(SECRETS))
def test_each_secret_can_come_from_a_file_in_production(tmp_path, name):
    value, expected = SECRETS[name]
    secret = tmp_path / name.lower()
    secret.write_text(value + "\n")  # as `echo` or an editor leaves it
    env = {k: v for k, v in PRODUCTION.items() if k != name}
    env[f"{name}_FILE"] = str(secret)
    assert settings_with(env)[name] == expected


def test_the_file_wins_over_the_variable(tmp_path):
    secret = tmp_path / "blind"
    secret.write_text("f" * 40)
    values = settings_with({**PRODUCTION, "BLIND_INDEX_KEY_FILE": str(secret)})
    assert values["BLIND_INDEX_KEY"] == "f" * 40
