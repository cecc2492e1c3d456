"""`talent-search profiles`: the ranking profiles a search may name, and every setting they hold.

Why: a relevance engineer writing a profile needs each setting's default, range and stage
without reading code; all three come from the model (ranking.profile_settings), so this
listing cannot drift from what the search reads.
"""

from __future__ import annotations

from typing import Annotated

import typer
import yaml
from rich.table import Table

from config.settings import TalentSettings
from ranking.profile_settings import setting_table
from ranking.ranking_profile import (
    RankingProfileError,
    available_profiles,
    load_profile,
    profile_directories,
    profile_path,
)
from talent_search.cli_support import _fail, print_table

profiles_app = typer.Typer(
    help="Ranking profiles: list them, show one with every setting, print the settings table.",
    no_args_is_help=True,
)


@profiles_app.command("list")
def list_profiles() -> None:
    """Every profile a search may name (packaged first, then the user profiles directory)."""
    user_dir = TalentSettings().user_profiles_dir
    table = Table("name", "version", "extends", "description")
    for name in available_profiles(user_dir=user_dir):
        try:
            profile = load_profile(name, user_dir=user_dir)
        except RankingProfileError as exc:
            table.add_row(name, "", "", f"[red]invalid: {exc}[/]")
            continue
        path = profile_path(name, profile_directories(user_dir))
        assert path is not None  # it loaded
        extends = (yaml.safe_load(path.read_text()) or {}).get("extends") or ""
        table.add_row(name, str(profile.version), extends, profile.description.split(". ")[0])
    print_table(table)


@profiles_app.command("show")
def show_profile(
    name: Annotated[str, typer.Argument(help="The profile's name.")],
) -> None:
    """The profile with every setting resolved (its `extends` chain and the model's defaults),
    as YAML on stdout."""
    try:
        profile = load_profile(name, user_dir=TalentSettings().user_profiles_dir)
    except RankingProfileError as exc:
        raise _fail(str(exc), 2) from exc
    typer.echo(profile.to_yaml(), nl=False)


@profiles_app.command("settings")
def show_settings() -> None:
    """Every setting: its default (the `default` profile's value), valid range, stage and
    meaning, as the Markdown table docs/ranking-settings.md holds."""
    typer.echo(setting_table(), nl=False)
