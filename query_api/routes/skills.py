"""Skills: autocomplete from the vocabulary in memory, the same for every tier."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from query_api.deps import CurrentClient, State
from query_api.error_responses import ERROR_RESPONSES
from query_api.response_models import SkillSuggestionItem, SkillSuggestions

router = APIRouter(tags=["search"])


@router.get(
    "/v1/skills/suggest",
    summary="Skill autocomplete: skills whose name or an alias starts with the prefix.",
    description=(
        "From the skill vocabulary in memory (ESCO, O*NET, linguist), ranked by how many "
        "indexed profiles hold each skill (then shorter names first); ESCO's long task "
        "phrases only when nothing else matches. The same answer for every tier."
    ),
    response_model=SkillSuggestions,
    responses={code: ERROR_RESPONSES[code] for code in (401, 422)},
)
def suggest_skills(
    state: State,
    prefix: Annotated[
        str,
        Query(min_length=1, max_length=100, description="What was typed, e.g. `reac`."),
    ],
    client: CurrentClient,
    limit: Annotated[int, Query(ge=1, le=25, description="At most this many.")] = 10,
) -> SkillSuggestions:
    provider = state.searcher_provider
    found = provider.suggester().suggest(prefix, limit, provider.skill_counts())
    return SkillSuggestions(
        prefix=prefix,
        suggestions=[SkillSuggestionItem(id=s.id, label=s.label, matched=s.matched) for s in found],
    )
