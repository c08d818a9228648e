"""Start-up checks of the deployment's configuration."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core import checks

# ISO 3166: the United States, or one of its states (US-CA).
US_REGION = re.compile(r"^US(-[A-Z]{2})?$")


@checks.register(checks.Tags.security, deploy=False)
def hosting_region(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """CJIS SC-28 and the State Auditor's cloud finding (R35): ALPR data and CJI
    are stored only in the United States. A foreign region refuses to start."""
    region = settings.HOSTING_REGION
    if US_REGION.match(region):
        return []
    return [
        checks.Error(
            f"PLATEKEEPER_HOSTING_REGION is {region!r}: ALPR data may be stored "
            "only in the United States (US or US-<state>)",
            id="platekeeper.E001",
        )
    ]


@checks.register(checks.Tags.security, deploy=False)
def production(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """Production refuses debug pages, and a data key that is not one."""
    from platekeeper.reads import sealing

    found: list[checks.CheckMessage] = []
    if settings.PRODUCTION and settings.DEBUG:
        found.append(
            checks.Error(
                "PLATEKEEPER_DEBUG is on in production: debug pages show data",
                id="platekeeper.E002",
            )
        )
    try:
        sealing.key()
        sealing.old_keys()
    except sealing.KeyProblem as exc:
        found.append(checks.Error(str(exc), id="platekeeper.E003"))
    return found
