"""EMAIL_URL is read into Django's email settings."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from rapport.settings import _email_settings


@pytest.mark.django_db  # the suite clears the (database) cache around every test
def test_email_urls_choose_the_backend_and_server() -> None:
    assert _email_settings("dummy://")["EMAIL_BACKEND"].endswith("dummy.EmailBackend")
    assert _email_settings("console://")["EMAIL_BACKEND"].endswith("console.EmailBackend")
    tls = _email_settings("smtp+tls://ada%40x.io:s3cret@mail.x.io:587")
    assert (tls["EMAIL_HOST"], tls["EMAIL_PORT"], tls["EMAIL_USE_TLS"]) == ("mail.x.io", 587, True)
    assert (tls["EMAIL_HOST_USER"], tls["EMAIL_HOST_PASSWORD"]) == ("ada@x.io", "s3cret")
    with pytest.raises(ImproperlyConfigured):
        _email_settings("pigeon://coop")
