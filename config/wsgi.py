import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# After setup, before the first request: a production process with a development key or
# a wildcard host stops here (security/checks.py).
from security.checks import development_secrets_refuse  # noqa: E402

development_secrets_refuse()
