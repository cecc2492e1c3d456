"""Ranking profiles: every weight and mode of the ranking, in a validated, versioned YAML file.

A relevance engineer tunes ranking by editing (or adding) a profile, never code. Each search
response names the profile and version that ranked it, so results are reproducible.
"""

from __future__ import annotations

import itertools
import re
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Final, Literal, get_args

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from domain.badges import Badge
from ranking.errors import RankingError

PROFILES_DIR = Path(__file__).with_name("profiles")
# A profile's name is its file name, in a search's `ranking_profile` and in an export: one rule.
PROFILE_NAME_PATTERN: Final = r"^[a-z0-9][a-z0-9_-]{0,63}$"
ProfileName = Annotated[str, StringConstraints(pattern=PROFILE_NAME_PATTERN)]

Weight = Annotated[float, Field(ge=0, le=10)]
Normalisation = Literal["minmax", "rrf"]
# minmax: the top of the scale is this percentile of the leg's window instead of its maximum
# (100), so that one outlier score cannot squash the rest of the leg towards 0
TopPercentile = Annotated[float, Field(ge=50, le=100)]
RrfK = Annotated[int, Field(ge=1, le=1000)]
Multiplier = Annotated[float, Field(gt=0, le=10)]


class RankingProfileError(RankingError, ValueError):
    """A ranking profile is missing or invalid."""


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LexicalLeg(_Frozen):
    weight: Weight = Field(
        default=0.35, description="How much the lexical (BM25) leg counts in the fused relevance."
    )
    # constant score added for holding a skill the query names (by any alias) ...
    skill_boost: Annotated[float, Field(ge=0, le=20)] = 2.0
    # ... and for a title that names it ("React.js Developer" for "react"); 0 turns either off
    title_skill_boost: Annotated[float, Field(ge=0, le=20)] = 0.0


class SkillLeg(_Frozen):
    weight: Weight = Field(
        default=0.65,
        description="How much the skill-similarity leg (query skills held, by similarity) "
        "counts in the fused relevance.",
    )
    top_k_skills: Annotated[int, Field(ge=1, le=256)] = 48
    tie_breaker: Annotated[float, Field(ge=0, le=1)] = 0.2
    min_similarity: Annotated[float, Field(ge=-1, le=1)] = 0.35
    # added to the similarity (1) of a skill the query names outright: its holders outrank
    # profiles that only hold several of its neighbours
    exact_boost: Annotated[float, Field(ge=0, le=5)] = 0.0
    # a job title in the query ("Information Developer") adds its occupation's technologies
    # (ranking.job_titles) at this similarity times their weight, this many at most
    title_similarity: Annotated[float, Field(ge=0, le=1)] = 0.7
    title_top_k: Annotated[int, Field(ge=1, le=64)] = 12
    # a profile title of the job title's occupation ("Bookkeeping Clerk" for "Accounts Payable
    # Clerk", through the indexed title_occupations) counts like a skill of this similarity
    title_occupation_similarity: Annotated[float, Field(ge=0, le=2)] = 0.0
    # a profile title holding every word of the query (filler words aside) counts like a skill
    # this similar (0: off)
    title_match_similarity: Annotated[float, Field(ge=0, le=5)] = 0.0
    # the raw score that is full evidence (a skill of similarity `full_score`): min-max never
    # stretches a window of weaker matches up to 1 (0: plain min-max)
    full_score: Annotated[float, Field(ge=0, le=10)] = 0.0


class VectorLeg(_Frozen):
    """k-NN over profile vectors (mappings.profile_vectors): only where the index has them.

    Off (weight 0) unless a profile turns it on; on an engine or index without the vectors a
    profile that weights it ranks with the other legs alone, and says so in explain.
    """

    weight: Weight = 0.0


class Legs(_Frozen):
    lexical: LexicalLeg = LexicalLeg()
    skill: SkillLeg = SkillLeg()
    vector: VectorLeg = VectorLeg()


class JobPostReading(_Frozen):
    """Reading what a query needs from the marketplace's past job posts
    (`ranking.job_post_evidence`): the `neighbours` posts whose titles are nearest the query
    vote for their tagged skills (similarity ** `power` times the skill's idf among the posts);
    the `top_skills` heaviest, scaled to sum to 1, join the skill leg, where a profile scores
    `weight` times the share of them it holds. Off without a job-post index."""

    enabled: bool = False
    neighbours: Annotated[int, Field(ge=1, le=500)] = 40
    power: Annotated[float, Field(ge=0, le=10)] = 3.0
    min_similarity: Annotated[float, Field(ge=0, le=1)] = 0.3
    top_skills: Annotated[int, Field(ge=1, le=100)] = 10
    weight: Annotated[float, Field(ge=0, le=10)] = 2.0
    # ... and this instead when the query, or one of its comma-separated parts, names a skill
    # outright ("Python", "JS"): the client said what they need, so the posts only reorder
    # its holders (kept below the named skill's own score, 1 + the skill leg's exact_boost)
    named_skill_weight: Annotated[float, Field(ge=0, le=10)] = 0.5
    explain_posts: Annotated[int, Field(ge=0, le=50)] = 10  # past posts named in explain
    # when the posts speak, the skill leg keeps at most this many of the query's own nearest
    # skills (`legs.skill.top_k_skills` otherwise): the posts are the stronger evidence of what
    # it needs, and every skill kept is one more clause the engine scores
    top_k_skills: Annotated[int, Field(ge=1, le=256)] = 256


class FeedbackReading(_Frozen):
    """Pseudo-relevance feedback over skills, for a marketplace without past job posts
    (`ranking.skill_feedback`): a first pass ranks; the skills over-represented among its
    `top_hits` (votes of 1/sqrt(rank) times their rarity among all profiles) are read as what
    the query needs, the `top_skills` heaviest scaled to sum to 1, and a second pass adds `weight`
    times the share a profile holds, as job-post evidence would. It costs a second `_msearch`,
    and runs only when the past job posts said nothing and the query names no skill outright."""

    enabled: bool = False
    top_hits: Annotated[int, Field(ge=1, le=200)] = 50
    top_skills: Annotated[int, Field(ge=1, le=100)] = 20
    weight: Annotated[float, Field(ge=0, le=10)] = 4.0


class JobSearch(_Frozen):
    """Searching by a whole job post (`ranking.job_post_query`): each list of the post's skills
    is weighted by rarity to sum to 1, and a profile adds the list's weight times the weighted
    share of it that it holds (in the skill leg, beside the query's own skills)."""

    required_weight: Annotated[float, Field(ge=0, le=20)] = 6.0  # the skills the client tagged
    nice_to_have_weight: Annotated[float, Field(ge=0, le=20)] = 2.0
    description_weight: Annotated[float, Field(ge=0, le=20)] = 1.0  # skills the text names
    description_skills: Annotated[int, Field(ge=0, le=50)] = 5  # at most this many of them
    # ... each held by at most this share of the profiles (commoner ones cannot tell
    # candidates apart, and cost the engine the most)
    description_max_share: Annotated[float, Field(gt=0, le=1)] = 0.05


class QueryReading(_Frozen):
    """How much of the query `ranking.query_understanding` reads as skills."""

    # every skill named inside the query ("python developer"), not only the whole query
    skills_in_phrases: bool = True
    # a word one or two edits from a technology skill ("pyhton") is read as it (did you mean)
    typo_correction: bool = True
    # an O*NET job title in the query is read as its occupation's skills (ranking.job_titles)
    job_titles: bool = False
    # the skills of the nearest past job posts (a job-post index must exist)
    job_posts: JobPostReading = JobPostReading()
    # ... else the skills over-represented among a first pass's top hits (a second pass)
    feedback: FeedbackReading = FeedbackReading()
    # a whole job post as the query (`job` in POST /v1/search)
    job: JobSearch = JobSearch()


#: The marketplace's own order of its badges, highest first.
BADGE_ORDER: Final = ("expert_vetted", "top_rated_plus", "top_rated", "rising_talent")


class BadgeMultipliers(_Frozen):
    expert_vetted: Multiplier = Field(
        default=1.15,
        description="Relevance times this for Expert-Vetted talent (keep it the highest).",
    )
    top_rated_plus: Multiplier = Field(
        default=1.10, description="Relevance times this for Top Rated Plus talent."
    )
    top_rated: Multiplier = Field(
        default=1.06, description="Relevance times this for Top Rated talent."
    )
    rising_talent: Multiplier = Field(
        default=1.03, description="Relevance times this for Rising Talent (below 1 demotes it)."
    )

    def policy_problems(self) -> list[str]:
        """Where these multipliers break the badge policy: every multiplier at least 1 (below
        1 punishes the badge) and in badge order (a lower badge above a higher one inverts the
        marketplace's order). Allowed (promoting new talent is a policy choice), but said."""
        problems = [
            f"badges.{name} is {value:g}, below 1: it demotes the badge"
            for name in BADGE_ORDER
            if (value := getattr(self, name)) < 1
        ]
        for higher, lower in itertools.pairwise(BADGE_ORDER):
            if getattr(self, lower) > getattr(self, higher):
                problems.append(
                    f"badges.{lower} ({getattr(self, lower):g}) is above badges.{higher} "
                    f"({getattr(self, higher):g}): it inverts the badge order"
                )
        return problems

    def for_badge(self, badge: str | None) -> float:
        if badge is None or badge not in Badge.__members__.values():
            return 1.0
        value: float = getattr(self, badge)
        return value


class JssPrior(_Frozen):
    """final *= 1 + weight * clamp((jss - pivot) / (100 - pivot), -1, 1); missing JSS is neutral."""

    weight: Annotated[float, Field(ge=0, le=1)] = Field(
        default=0.10,
        description="JSS prior strength: a JSS of 100 multiplies by 1 + weight, one far below "
        "the pivot by 1 - weight; no JSS is neutral.",
    )
    pivot: Annotated[float, Field(ge=0, lt=100)] = Field(
        default=90, description="The JSS that neither lifts nor lowers a score."
    )
    missing: Literal["neutral"] = "neutral"

    def multiplier(self, jss: float | None) -> float:
        if jss is None:
            return 1.0
        position = (jss - self.pivot) / (100 - self.pivot)
        return 1.0 + self.weight * max(-1.0, min(1.0, position))


class RepresentativeSettings(_Frozen):
    """Representative re-ranking (`ranking.representative`, DetGreedy of Geyik et al. 2019):
    each prefix of the results, up to the page read, holds a group at least in its share among
    the first `pool` results of the unmodified ranking. Nobody enters or leaves the window.

    `badge` turns it on for every client, the group being that badge's holders (Rising Talent
    exposure); an enterprise request's `representative` option uses the same `pool`."""

    pool: Annotated[int, Field(ge=1, le=1000)] = Field(
        default=50,
        description="A group's share is measured among this many results of the unmodified "
        "ranking (the candidates a client would page through).",
    )
    badge: Badge | None = Field(
        default=None,
        description="Holders of this badge get at least their share of every prefix (off: none).",
    )


class TuningRecord(_Frozen):
    """How `talent-search tune` made a profile: file metadata, never a ranking setting.

    Kept out of `model_dump` (so out of the API's catalog, and `with_overrides` drops it: an
    edited copy of a tuned profile is no longer what was cross-validated).
    """

    base: str  # "default v2"
    judgments: str  # the judgments file's name
    judgments_sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    queries: Annotated[int, Field(ge=1)]
    metric: str
    folds: Annotated[int, Field(ge=2)]
    trials: Annotated[int, Field(ge=1)]  # per study
    seed: int
    cv_base: float  # cross-validated (held-out) metric of the base profile
    cv_tuned: float  # ... and of the profiles tuned on the other folds
    cv_wins: Annotated[int, Field(ge=0)]
    cv_losses: Annotated[int, Field(ge=0)]
    cv_ties: Annotated[int, Field(ge=0)]
    parameters: tuple[str, ...]  # the searched settings
    tuned_at: str  # ISO 8601


#: Kinds of query that may rank with their own settings (`RankingProfile.query_classes`), as
#: `QueryUnderstanding.query_class` names them: `job_title`, an O*NET job title that is the
#: whole query ("Accounts Payable Clerk"), whose relevant profiles are members of an occupation
#: rather than holders of one skill.
QueryClass = Literal["job_title"]
QUERY_CLASSES: Final[tuple[str, ...]] = get_args(QueryClass)
#: What a query class may set: how the legs retrieve and combine. Not the badges or the JSS
#: prior (marketplace policy, the same for every query), nor the window or the query reading
#: (the reading decides the class).
CLASS_SETTINGS: Final = ("legs", "normalisation", "minmax_top_percentile", "rrf_k")


class RankingProfile(_Frozen):
    name: Annotated[str, Field(pattern=PROFILE_NAME_PATTERN)]
    version: Annotated[int, Field(ge=1)]
    description: str = ""
    window: Annotated[int, Field(ge=10, le=1000)] = 200
    normalisation: Normalisation = "minmax"
    minmax_top_percentile: TopPercentile = 100
    rrf_k: RrfK = 60
    legs: Legs = Legs()
    query: QueryReading = QueryReading()
    badges: BadgeMultipliers = BadgeMultipliers()
    jss_prior: JssPrior = JssPrior()
    representative: RepresentativeSettings = RepresentativeSettings()
    # per query class, the settings (of CLASS_SETTINGS) that replace the profile's own for
    # queries of that class; unset ones are the profile's (see `for_query_class`)
    query_classes: dict[QueryClass, dict[str, Any]] = Field(default_factory=dict)
    # written by `talent-search tune`; metadata only (see TuningRecord)
    tuning: TuningRecord | None = Field(default=None, exclude=True)

    @field_validator("query_classes")
    @classmethod
    def _valid_classes(
        cls, classes: dict[str, dict[str, Any]], info: ValidationInfo
    ) -> dict[str, dict[str, Any]]:
        """Each class's settings, validated as the profile's own would be (and so stored in
        their validated form); an error names the class and the setting."""
        own = {key: info.data[key] for key in CLASS_SETTINGS if key in info.data}
        if len(own) < len(CLASS_SETTINGS):  # an earlier field failed: reported on its own
            return classes
        checked: dict[str, dict[str, Any]] = {}
        for name, settings in classes.items():
            unknown = sorted(set(settings) - set(CLASS_SETTINGS))
            if unknown:
                raise ValueError(
                    f"{name}: a query class may set only {', '.join(CLASS_SETTINGS)}; "
                    f"not {', '.join(unknown)}"
                )
            merged = _deep_merge(
                {k: v.model_dump() if isinstance(v, BaseModel) else v for k, v in own.items()},
                settings,
            )
            try:
                valid = ClassSettings.model_validate(merged)
            except ValidationError as exc:
                problems = "; ".join(
                    f"{name}.{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
                )
                raise ValueError(problems) from None
            checked[name] = _pick(valid.model_dump(), settings)
        return checked

    def compacted(self) -> RankingProfile:
        """The same ranking without the class settings that equal the profile's own (an
        explicit copy of a setting would stop following the profile's value)."""
        own = self.model_dump(include=set(CLASS_SETTINGS))
        kept = {name: _differing(settings, own) for name, settings in self.query_classes.items()}
        kept = {name: settings for name, settings in kept.items() if settings}
        if kept == self.query_classes:
            return self
        return self.model_copy(update={"query_classes": kept})

    def for_query_class(self, query_class: str | None) -> RankingProfile:
        """The profile a query of `query_class` ranks with: its class's settings over the
        profile's own (the same name and version); the profile itself for no class or a class
        it does not set."""
        settings = self.query_classes.get(query_class) if query_class else None  # type: ignore[call-overload]
        if not settings:
            return self
        data = _deep_merge(self.model_dump(exclude={"query_classes"}), settings)
        return RankingProfile.model_validate(data | {"tuning": self.tuning})

    @classmethod
    def from_yaml(cls, path: Path) -> RankingProfile:
        try:
            data = yaml.safe_load(path.read_text())
        except (OSError, yaml.YAMLError) as exc:
            raise RankingProfileError(f"cannot read ranking profile {path}: {exc}") from exc
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise RankingProfileError(f"invalid ranking profile {path}: {exc}") from exc

    def with_overrides(self, overrides: dict[str, Any]) -> RankingProfile:
        """A copy with nested fields replaced (per-request tuning), validated like a file."""
        merged = _deep_merge(self.model_dump(), overrides)
        try:
            return RankingProfile.model_validate(merged)
        except ValidationError as exc:
            raise RankingProfileError(f"invalid ranking overrides: {exc}") from exc

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.model_dump(mode="json"), sort_keys=False)


class ClassSettings(_Frozen):
    """The settings a query class may set (CLASS_SETTINGS), validated like the profile's."""

    legs: Legs
    normalisation: Normalisation
    minmax_top_percentile: TopPercentile
    rrf_k: RrfK


def _differing(settings: dict[str, Any], own: dict[str, Any]) -> dict[str, Any]:
    """The entries of `settings` whose value is not `own`'s at the same path."""
    kept: dict[str, Any] = {}
    for key, value in settings.items():
        if isinstance(value, dict) and isinstance(own.get(key), dict):
            if differing := _differing(value, own[key]):
                kept[key] = differing
        elif own.get(key) != value:
            kept[key] = value
    return kept


def _pick(validated: dict[str, Any], shape: dict[str, Any]) -> dict[str, Any]:
    """The entries of `validated` at the paths `shape` sets."""
    picked: dict[str, Any] = {}
    for key, value in shape.items():
        if isinstance(value, dict) and isinstance(validated.get(key), dict):
            picked[key] = _pick(validated[key], value)
        else:
            picked[key] = validated[key]
    return picked


def _deep_merge(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def profile_directories(user_dir: Path | None = None) -> tuple[Path, ...]:
    """Where named profiles are looked up, in order: the packaged ones win a name clash.

    `user_dir` holds the profiles outside the package (where `talent-search tune` writes them);
    the CLI and the API pass `TalentSettings.user_profiles_dir`.
    """
    return (PROFILES_DIR,) if user_dir is None else (PROFILES_DIR, user_dir)


def available_profiles(directory: Path | None = None, *, user_dir: Path | None = None) -> list[str]:
    """Profile names in `directory`, or (by default) in every `profile_directories(user_dir)`."""
    directories = (directory,) if directory is not None else profile_directories(user_dir)
    return sorted({p.stem for d in directories for p in d.glob("*.yaml")})


def setting_descriptions(
    model: type[BaseModel] = RankingProfile, prefix: str = ""
) -> dict[str, str]:
    """Each setting's one-line description from the model (dotted path -> text), for the
    workbench's sliders."""
    found: dict[str, str] = {}
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        nested = info.annotation
        if isinstance(nested, type) and issubclass(nested, BaseModel):
            found |= setting_descriptions(nested, path + ".")
        elif info.description:
            found[path] = info.description
    return found


def load_profile(
    name: str = "default", directory: Path | None = None, *, user_dir: Path | None = None
) -> RankingProfile:
    """A named profile from `directory`, or (by default) the first of
    `profile_directories(user_dir)` that has it; the file name is the profile name. Cached: an
    edited file is read again only by a new process (a new file is found at once)."""
    directories = (directory,) if directory is not None else profile_directories(user_dir)
    return _load_profile(name, directories)


@cache
def _load_profile(name: str, directories: tuple[Path, ...]) -> RankingProfile:
    if not re.fullmatch(PROFILE_NAME_PATTERN, name):
        raise RankingProfileError(f"invalid ranking profile name {name!r}")
    path = next((d / f"{name}.yaml" for d in directories if (d / f"{name}.yaml").exists()), None)
    if path is None:
        known = ", ".join(sorted({p.stem for d in directories for p in d.glob("*.yaml")}))
        raise RankingProfileError(f"no ranking profile {name!r}; available: {known}")
    profile = RankingProfile.from_yaml(path)
    if profile.name != name:
        raise RankingProfileError(f"{path} declares name {profile.name!r}, expected {name!r}")
    return profile
