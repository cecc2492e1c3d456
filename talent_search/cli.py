"""The `talent-search` command line: the top-level app, which registers each command group.

Each group lives in its own module (`talent_search.*_commands`); this one only wires them up,
in the order `--help` lists them.

Exit codes: 0 success; 3 some input lines were rejected and the rest indexed; 1 a fatal error
(nothing was swapped in); 2 a usage error.
"""

from __future__ import annotations

import typer

from talent_search.api_commands import keys_app, serve
from talent_search.backend_commands import backend_app
from talent_search.demo_commands import demo, generate_demo, generate_demo_job_posts
from talent_search.eval_commands import build_judgments, eval_command
from talent_search.index_commands import index_app
from talent_search.profile_commands import profiles_app
from talent_search.search_commands import search
from talent_search.tune_commands import tune_command

app = typer.Typer(help="Talent search: indexer, ranking and query API.", no_args_is_help=True)
app.command("eval")(eval_command)
app.command("build-judgments")(build_judgments)
app.command("tune")(tune_command)
app.add_typer(profiles_app, name="profiles")
app.command("serve")(serve)
app.add_typer(keys_app, name="keys")
app.add_typer(backend_app, name="backend")
app.add_typer(index_app, name="index")
app.command("generate-demo")(generate_demo)
app.command("generate-demo-job-posts")(generate_demo_job_posts)
app.command("search")(search)
app.command("demo")(demo)


if __name__ == "__main__":  # pragma: no cover
    app()
