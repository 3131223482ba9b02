"""The WSGI application `zhengfa serve` runs: Django with WhiteNoise serving var/static.

WhiteNoise wraps the application here rather than sitting in MIDDLEWARE, so tests and
`runserver` (which serve static files themselves) never look for a collected directory.
"""

from __future__ import annotations

from django.conf import settings
from whitenoise import WhiteNoise

from zhengfa.wsgi import application as django_application

application = WhiteNoise(
    django_application, root=str(settings.STATIC_ROOT), prefix=settings.STATIC_URL
)
