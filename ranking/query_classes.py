"""Query classes: kinds of query that may rank with settings of their own.

Why: a job title that is the whole query ("Accounts Payable Clerk") wants members of an
occupation, not holders of one skill, so a profile may rank it with other leg settings
(`RankingProfile.query_classes`, validated as `ranking_profile.ClassSettings`). This module is
the one place that says which classes exist, what a class may set, and how a query gets one;
`RankingProfile.for_query_class` applies a class's settings, and the tuner
(relevance.tuning.space) searches them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, Literal, get_args

if TYPE_CHECKING:
    from ranking.job_titles import TitleMatch

#: `job_title`: an O*NET job title that is the whole query ("Accounts Payable Clerk"), whose
#: relevant profiles are members of an occupation rather than holders of one skill. As
#: `QueryUnderstanding.query_class` and the response's `ranking.query_class` name it.
QueryClass = Literal["job_title"]
#: The profile's field of per-class settings (`RankingProfile.query_classes`); the tuner names
#: a class's settings `query_classes.CLASS.PATH`.
CLASSES_FIELD: Final = "query_classes"
QUERY_CLASSES: Final[tuple[str, ...]] = get_args(QueryClass)
#: What a query class may set: how the legs retrieve and combine. Not the badges or the JSS
#: prior (marketplace policy, the same for every query), nor the window or the query reading
#: (the reading decides the class).
CLASS_SETTINGS: Final = ("legs", "normalisation", "minmax_top_percentile", "rrf_k")


def query_class_of(title: TitleMatch | None) -> QueryClass | None:
    """The query's class: `job_title` when an O*NET job title is the whole query, else None
    (the profile's own settings)."""
    return "job_title" if title is not None and title.whole_query else None
