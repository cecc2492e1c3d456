"""The profile id: what the marketplace exports, the index's document id, the API's path part.

One pattern, so the indexer never accepts an id that the API's `/v1/profiles/{id}` refuses.
"""

from __future__ import annotations

from typing import Annotated, Final

from pydantic import StringConstraints

PROFILE_ID_PATTERN: Final = r"^[A-Za-z0-9._:-]{1,128}$"

ProfileId = Annotated[str, StringConstraints(pattern=PROFILE_ID_PATTERN)]
