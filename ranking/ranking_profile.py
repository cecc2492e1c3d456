"""Ranking profiles: every weight and mode of the ranking, in a validated, versioned YAML file.

A relevance engineer tunes ranking by editing (or adding) a profile, never code. Each search
response names the profile and version that ranked it, so results are reproducible.

This model is the one home of every ranking setting: its default is the `default` profile's
value, its bounds are the validated range, and its stage (`Stage`) says where the search reads
it. The tuner's search space, the workbench's sliders (GET /v1/ranking-profiles `settings`) and
the settings reference in the docs (`setting_table`) are all read from here. A profile file
may say `extends: NAME` and list only its differences from that profile.
"""

from __future__ import annotations

import enum
import itertools
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Final, Literal

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
from ranking.query_classes import CLASS_SETTINGS, QueryClass

PROFILES_DIR = Path(__file__).with_name("profiles")
# A profile's name is its file name, in a search's `ranking_profile` and in an export: one rule.
PROFILE_NAME_PATTERN: Final = r"^[a-z0-9][a-z0-9_-]{0,63}$"
ProfileName = Annotated[str, StringConstraints(pattern=PROFILE_NAME_PATTERN)]


class Stage(enum.StrEnum):
    """Where a search reads a setting. The tuner re-sends the engine only for `request`
    settings and re-fuses cached windows for the rest, so a wrong stage gives wrong trials:
    tests/integration/test_setting_stages.py checks every non-request setting leaves the
    request bodies unchanged."""

    REQUEST = "request"  # shapes the engine's request bodies (query reading, legs, window)
    FUSION = "fusion"  # read after the engine answered: normalisation, leg weights, boosts
    RERANK = "rerank"  # representative re-ranking of the fused window (ranking.representative)
    EXPLAIN = "explain"  # only what explain reports


@dataclass(frozen=True)
class StageOf:
    """A setting's stage, as Annotated metadata (`Annotated[float, Field(...), FUSION]`)."""

    stage: Stage


REQUEST: Final = StageOf(Stage.REQUEST)
FUSION: Final = StageOf(Stage.FUSION)
RERANK: Final = StageOf(Stage.RERANK)
EXPLAIN: Final = StageOf(Stage.EXPLAIN)

# A leg's weight is a fusion setting: a weight of 0 also leaves the leg out of the request, and
# the tuner plans every leg on (relevance.tuning) so that a trial's weights only re-fuse.
Weight = Annotated[float, Field(ge=0, le=10), FUSION]
Normalisation = Annotated[Literal["minmax", "rrf"], FUSION]
# minmax: the top of the scale is this percentile of the leg's window instead of its maximum
# (100), so that one outlier score cannot squash the rest of the leg towards 0
TopPercentile = Annotated[float, Field(ge=50, le=100), FUSION]
RrfK = Annotated[int, Field(ge=1, le=1000), FUSION]
Multiplier = Annotated[float, Field(gt=0, le=10), FUSION]
FieldBoost = Annotated[float, Field(ge=0, le=10), REQUEST]


class RankingProfileError(RankingError, ValueError):
    """A ranking profile is missing or invalid."""


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LexicalFields(_Frozen):
    """The lexical leg's multi_match fields and their boosts (0 leaves a field out)."""

    title: FieldBoost = Field(default=2.0, description="Boost of the profile title.")
    skill_labels: FieldBoost = Field(
        default=3.0, description="Boost of the vocabulary labels of the profile's skills."
    )
    skills: FieldBoost = Field(default=2.0, description="Boost of the skills as listed.")
    overview: FieldBoost = Field(default=1.0, description="Boost of the overview text.")


class LexicalLeg(_Frozen):
    weight: Weight = Field(
        default=0.35, description="How much the lexical (BM25) leg counts in the fused relevance."
    )
    skill_boost: Annotated[float, Field(ge=0, le=20), REQUEST] = Field(
        default=2.0,
        description="Constant score added for holding a skill the query names (by any alias); "
        "0 turns it off.",
    )
    title_skill_boost: Annotated[float, Field(ge=0, le=20), REQUEST] = Field(
        default=2.0,
        description='... and for a title that names it ("React.js Developer" for "react").',
    )
    fields: LexicalFields = LexicalFields()


class SkillLeg(_Frozen):
    weight: Weight = Field(
        default=0.65,
        description="How much the skill-similarity leg (query skills held, by similarity) "
        "counts in the fused relevance.",
    )
    top_k_skills: Annotated[int, Field(ge=1, le=256), REQUEST] = Field(
        default=48, description="How many vocabulary skills the query maps to."
    )
    tie_breaker: Annotated[float, Field(ge=0, le=1), REQUEST] = Field(
        default=0.2, description="A profile scores its best matching skill + this times the rest."
    )
    min_similarity: Annotated[float, Field(ge=-1, le=1), REQUEST] = Field(
        default=0.35, description="Skills less similar than this to the query are ignored."
    )
    exact_boost: Annotated[float, Field(ge=0, le=5), REQUEST] = Field(
        default=1.0,
        description="Added to the similarity (1) of a skill the query names outright: its "
        "holders outrank profiles that only hold several of its neighbours.",
    )
    title_similarity: Annotated[float, Field(ge=0, le=1), REQUEST] = Field(
        default=0.7,
        description='A job title in the query ("Information Developer") adds its occupation\'s '
        "technologies (ranking.job_titles) at this similarity times their weight ...",
    )
    title_top_k: Annotated[int, Field(ge=1, le=64), REQUEST] = Field(
        default=12, description="... this many at most."
    )
    title_occupation_similarity: Annotated[float, Field(ge=0, le=2), REQUEST] = Field(
        default=1.0,
        description='A profile title of the job title\'s occupation ("Bookkeeping Clerk" for '
        '"Accounts Payable Clerk", through the indexed title_occupations) counts like a skill '
        "this similar.",
    )
    title_match_similarity: Annotated[float, Field(ge=0, le=5), REQUEST] = Field(
        default=1.0,
        description="A profile title holding every word of the query (filler words aside) "
        "counts like a skill this similar (0: off).",
    )
    full_score: Annotated[float, Field(ge=0, le=10), FUSION] = Field(
        default=1.0,
        description="The raw score that is full evidence: min-max never stretches a window of "
        "weaker matches up to 1 (0: plain min-max).",
    )


class VectorLeg(_Frozen):
    """k-NN over profile vectors (mappings.profile_vectors): only where the index has them.

    Off (weight 0) unless a profile turns it on; on an engine or index without the vectors a
    profile that weights it ranks with the other legs alone, and says so in explain.
    """

    weight: Weight = Field(
        default=0.0, description="How much the k-NN leg over profile vectors counts (0: off)."
    )


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

    enabled: Annotated[bool, REQUEST] = Field(
        default=True,
        description="Read what the nearest past job posts need (needs `index job-posts`).",
    )
    neighbours: Annotated[int, Field(ge=1, le=500), REQUEST] = Field(
        default=40, description="The past posts whose titles are nearest the query vote ..."
    )
    power: Annotated[float, Field(ge=0, le=10), REQUEST] = Field(
        default=3.0, description="... each with similarity ** power ..."
    )
    min_similarity: Annotated[float, Field(ge=0, le=1), REQUEST] = Field(
        default=0.3, description="... if at least this similar."
    )
    top_skills: Annotated[int, Field(ge=1, le=100), REQUEST] = Field(
        default=10,
        description="The heaviest skills they vote for (idf among the posts), summing to 1 ...",
    )
    weight: Annotated[float, Field(ge=0, le=10), REQUEST] = Field(
        default=5.0,
        description="... join the skill leg: a profile adds weight times the share it holds.",
    )
    named_skill_weight: Annotated[float, Field(ge=0, le=10), REQUEST] = Field(
        default=1.0,
        description="... or this when the query (or a comma-separated part) names a skill "
        "outright: the posts only reorder its holders (kept below the named skill's own "
        "score, 1 + legs.skill.exact_boost).",
    )
    explain_posts: Annotated[int, Field(ge=0, le=50), EXPLAIN] = Field(
        default=10, description="Past posts named in explain."
    )
    top_k_skills: Annotated[int, Field(ge=1, le=256), REQUEST] = Field(
        default=16,
        description="When the posts speak, the skill leg keeps at most this many of the "
        "query's own nearest skills (legs.skill.top_k_skills otherwise).",
    )


class FeedbackReading(_Frozen):
    """Pseudo-relevance feedback over skills, for a marketplace without past job posts
    (`ranking.skill_feedback`): a first pass ranks; the skills over-represented among its
    `top_hits` (votes of 1/sqrt(rank) times their rarity among all profiles) are read as what
    the query needs, the `top_skills` heaviest scaled to sum to 1, and a second pass adds `weight`
    times the share a profile holds, as job-post evidence would. It costs a second `_msearch`,
    and runs only when the past job posts said nothing and the query names no skill outright."""

    enabled: Annotated[bool, REQUEST] = Field(
        default=True,
        description="No job-post evidence and no skill named outright: a second pass reads the "
        "skills over-represented among the first pass's top hits.",
    )
    top_hits: Annotated[int, Field(ge=1, le=200), REQUEST] = Field(
        default=100,
        description="Each of these votes 1/sqrt(rank) for its skills, times their idf among "
        "all profiles.",
    )
    top_skills: Annotated[int, Field(ge=1, le=100), REQUEST] = Field(
        default=20, description="The heaviest skills kept, summing to 1."
    )
    weight: Annotated[float, Field(ge=0, le=10), REQUEST] = Field(
        default=8.0, description="A profile adds weight times the share of them it holds."
    )


class JobSearch(_Frozen):
    """Searching by a whole job post (`ranking.job_post_query`): each list of the post's skills
    is weighted by rarity to sum to 1, and a profile adds the list's weight times the weighted
    share of it that it holds (in the skill leg, beside the query's own skills)."""

    required_weight: Annotated[float, Field(ge=0, le=20), REQUEST] = Field(
        default=6.0, description="Weight of the skills the client tagged as required."
    )
    nice_to_have_weight: Annotated[float, Field(ge=0, le=20), REQUEST] = Field(
        default=2.0, description="Weight of the nice-to-have skills."
    )
    description_weight: Annotated[float, Field(ge=0, le=20), REQUEST] = Field(
        default=1.0, description="Weight of the skills the description names outright ..."
    )
    description_skills: Annotated[int, Field(ge=0, le=50), REQUEST] = Field(
        default=5,
        description="... at most this many of them (each is one more clause for the engine) ...",
    )
    description_max_share: Annotated[float, Field(gt=0, le=1), REQUEST] = Field(
        default=0.05,
        description="... each held by at most this share of the profiles (commoner ones cannot "
        "tell candidates apart, and cost the engine the most).",
    )


class QueryReading(_Frozen):
    """How much of the query `ranking.query_understanding` reads as skills."""

    skills_in_phrases: Annotated[bool, REQUEST] = Field(
        default=True,
        description='Find every skill named inside the query ("python developer"), not only '
        "the whole query.",
    )
    typo_correction: Annotated[bool, REQUEST] = Field(
        default=True,
        description='A word one or two edits from a technology skill ("pyhton") is read as '
        "it, and the response says did you mean.",
    )
    job_titles: Annotated[bool, REQUEST] = Field(
        default=True,
        description="An O*NET job title in the query is read as its occupation's skills "
        "(ranking.job_titles).",
    )
    job_posts: JobPostReading = JobPostReading()
    feedback: FeedbackReading = FeedbackReading()
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

    weight: Annotated[float, Field(ge=0, le=1), FUSION] = Field(
        default=0.10,
        description="JSS prior strength: a JSS of 100 multiplies by 1 + weight, one far below "
        "the pivot by 1 - weight; no JSS is neutral.",
    )
    # a request setting too: a browse (filters, no query) sorts a missing JSS at the pivot
    # (ranking.talent_searcher.browse_bodies)
    pivot: Annotated[float, Field(ge=0, lt=100), REQUEST] = Field(
        default=90,
        description="The JSS that neither lifts nor lowers a score (where a browse sorts a "
        "missing JSS).",
    )
    missing: Annotated[Literal["neutral"], FUSION] = Field(
        default="neutral", description="Profiles without a JSS yet (new talent) are not punished."
    )

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

    pool: Annotated[int, Field(ge=1, le=1000), RERANK] = Field(
        default=50,
        description="A group's share is measured among this many results of the unmodified "
        "ranking (the candidates a client would page through).",
    )
    badge: Annotated[Badge | None, RERANK] = Field(
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


class RankingProfile(_Frozen):
    name: Annotated[str, Field(pattern=PROFILE_NAME_PATTERN)]
    version: Annotated[int, Field(ge=1)]
    description: str = ""
    window: Annotated[int, Field(ge=10, le=1000), REQUEST] = Field(
        default=200,
        description="How many candidates each leg retrieves; fusion ranks these (pages, "
        "totals and facets read them).",
    )
    normalisation: Normalisation = Field(
        default="minmax",
        description="How each leg's scores are put on one scale: minmax over the window, or "
        "reciprocal rank fusion.",
    )
    minmax_top_percentile: TopPercentile = Field(
        default=100,
        description="minmax: this percentile of the leg's window is 1 (100: its maximum; lower: "
        "an outlier clips instead of squashing the rest).",
    )
    rrf_k: RrfK = Field(default=60, description="rrf: a hit at rank r scores 1 / (rrf_k + r).")
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
    def from_yaml(cls, path: Path, directories: tuple[Path, ...] | None = None) -> RankingProfile:
        """The profile in `path`. A file that says `extends: NAME` lists only its differences
        from the profile NAME, looked up in `directories` (by default the packaged profiles,
        then the file's own directory); its name, version and description are its own."""
        data = _read_yaml(path)
        lookup = directories or profile_directories(path.parent.resolve())
        return cls._validated(_resolve_extends(data, path, lookup, ()), path)

    @classmethod
    def _validated(cls, data: dict[str, Any], path: Path) -> RankingProfile:
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


#: What a profile says about itself, never a ranking setting: not inherited through `extends`,
#: not searched by the tuner (relevance.tuning.space), not listed with the settings
#: (ranking.profile_settings).
METADATA: Final = ("name", "version", "description", "tuning")


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise RankingProfileError(f"cannot read ranking profile {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise RankingProfileError(f"invalid ranking profile {path}: not a mapping of settings")
    return data


def _resolve_extends(
    data: dict[str, Any], path: Path, directories: tuple[Path, ...], seen: tuple[Path, ...]
) -> dict[str, Any]:
    """`data` with its `extends` chain merged in: the base's settings, then the file's own.
    The chain is followed by file (a base is found by its file name), so a loop is caught
    whatever the files declare as their names."""
    base_name = data.get("extends")
    if base_name is None:
        return data
    own = {key: value for key, value in data.items() if key != "extends"}
    if not isinstance(base_name, str) or not re.fullmatch(PROFILE_NAME_PATTERN, base_name):
        raise RankingProfileError(f"invalid ranking profile {path}: extends {base_name!r}")
    chain = (*seen, path.resolve())
    base_path = profile_path(base_name, directories)
    if base_path is None:
        raise RankingProfileError(
            f"invalid ranking profile {path}: extends {base_name!r}, which does not exist"
        )
    if base_path.resolve() in chain:
        names = " -> ".join(p.stem for p in (*chain, base_path))
        raise RankingProfileError(f"invalid ranking profile {path}: extends loops ({names})")
    base = _resolve_extends(_read_yaml(base_path), base_path, directories, chain)
    inherited = {key: value for key, value in base.items() if key not in METADATA}
    return _deep_merge(inherited, own)


def profile_path(name: str, directories: tuple[Path, ...]) -> Path | None:
    """The file of profile `name`: the first of `directories` that has it."""
    return next((d / f"{name}.yaml" for d in directories if (d / f"{name}.yaml").exists()), None)


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
    path = profile_path(name, directories)
    if path is None:
        known = ", ".join(sorted({p.stem for d in directories for p in d.glob("*.yaml")}))
        raise RankingProfileError(f"no ranking profile {name!r}; available: {known}")
    profile = RankingProfile.from_yaml(path, directories)
    if profile.name != name:
        raise RankingProfileError(f"{path} declares name {profile.name!r}, expected {name!r}")
    return profile
