"""The denial letter: the same words whatever the data holds (R34).

Nothing in it comes from the reads: only the request's own number, the
recipient's name and the date. The department neither confirms nor denies
that any record exists.
"""

from __future__ import annotations

from django.utils import timezone

from platekeeper.sharing.models import ReleaseRequest

TEXT = """{date}

{recipient}
Attn: {requester}

Re: request {number} for automated license plate recognition (ALPR) data

The department has reviewed your request. Under California Civil Code section
1798.90.55(b) and the department's ALPR Policy (427.6), ALPR information may be
shared only with California public agencies for law-enforcement purposes. Your
request cannot be fulfilled. The department does not confirm or deny whether
any ALPR record exists for the plates, times or places named in it.

A request for public records may be made through the department's Records
Maintenance and Release process.

Custodian of Records
"""


def denial(request: ReleaseRequest) -> str:
    return TEXT.format(
        date=timezone.localdate().strftime("%B %d, %Y"),
        recipient=request.recipient.name,
        requester=request.requester_name,
        number=request.pk,
    )
