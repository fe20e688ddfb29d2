import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_application = get_asgi_application()

# perf (#16): bounded concurrency per worker; overload is answered 503 + Retry-After.
from apps.common.overload import OverloadGuard  # noqa: E402

application = OverloadGuard.from_settings(django_application)
