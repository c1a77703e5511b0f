"""The `tambon` command: serve, worker, db upgrade, staff add, richmenu deploy."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import structlog
import typer
import uvicorn
from sqlalchemy.engine import Engine

from bot.config import Settings
from bot.db import make_engine
from bot.logs import configure_logging
from bot.staff.models import Role

app = typer.Typer(help="Tambon: LINE bot and back office of a Thai local administration.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
staff_app = typer.Typer(help="Staff accounts.", no_args_is_help=True)
richmenu_app = typer.Typer(help="The LINE rich menu.", no_args_is_help=True)
tips_app = typer.Typer(help="The sealed corruption-tip channel.", no_args_is_help=True)
surveys_app = typer.Typer(help="Survey definitions.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(staff_app, name="staff")
app.add_typer(richmenu_app, name="richmenu")
app.add_typer(tips_app, name="tips")
app.add_typer(surveys_app, name="surveys")

log = structlog.get_logger("tambon")


def _local_host(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "::", "") else host


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
    no_worker: Annotated[bool, typer.Option("--no-worker", help="web only; run `tambon worker` apart")] = False,
    worker_process: Annotated[
        bool | None,
        typer.Option(
            "--worker-process/--in-process-worker",
            help="the worker in a process of its own (default on PostgreSQL) or inside the web process",
        ),
    ] = None,
) -> None:
    """Run migrations, then the web app and (unless --no-worker) the background worker.

    On PostgreSQL the worker runs as a child process by default: web and worker each get their own
    interpreter (and core) instead of sharing one, so a burst of webhooks does not starve the answers.
    SQLite keeps it in-process: one writer per file."""
    from bot import migrate
    from bot.main import create_app

    settings = Settings()
    engine = make_engine(settings.database_url)
    migrate.upgrade(engine)
    _install_defaults(settings, engine)
    base = f"http://{_local_host(host)}:{port}"
    simulator_api = None
    if settings.simulator_mode:
        simulator_api = (
            settings.line_api_base_url if "line_api_base_url" in settings.model_fields_set else f"{base}/simulator/line"
        )
        typer.secho(
            "โหมดจำลอง LINE (simulator mode): no LINE_CHANNEL_SECRET / LINE_CHANNEL_ACCESS_TOKEN set.",
            fg=typer.colors.YELLOW,
        )
        typer.secho(f"Open the LINE simulator: {base}/simulator", fg=typer.colors.GREEN, bold=True)
        from bot.line.simulator import address

        address.remember(engine, simulator_api)  # `tambon richmenu deploy` finds this server
    else:
        typer.echo(f"LINE webhook URL to register: https://<your public host>/line/webhook (listening on {base})")
    typer.echo(f"Admin API docs: {base}/docs   Health: {base}/healthz")
    separate = (engine.dialect.name != "sqlite") if worker_process is None else worker_process
    in_process = not no_worker and not separate
    web = create_app(settings, engine, run_worker=in_process, simulator_base_url=simulator_api)
    with _worker_child(enabled=not no_worker and separate, line_api=simulator_api):
        uvicorn.run(web, host=host, port=port, log_level="info", access_log=False)


def _die_with_parent() -> None:
    """In the worker child, before exec: Linux sends it SIGTERM when `tambon serve` dies, even by kill -9
    (else an orphan worker would go on working, on a database nobody serves)."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # 1: PR_SET_PDEATHSIG


@contextlib.contextmanager
def _worker_child(enabled: bool, line_api: str | None) -> Iterator[None]:
    """`tambon worker` as a child of `tambon serve`, stopped with it."""
    if not enabled:
        yield
        return
    env = dict(os.environ)
    if line_api:  # simulator mode: the worker talks to the web process's emulated LINE API
        env.update(LINE_API_BASE_URL=line_api, LINE_DATA_API_BASE_URL=line_api)
    child = subprocess.Popen([sys.executable, "-m", "bot.cli", "worker"], env=env, preexec_fn=_die_with_parent)
    try:
        yield
    finally:
        child.terminate()
        try:
            child.wait(timeout=20)
        except subprocess.TimeoutExpired:
            child.kill()


@app.command()
def worker(
    metrics_port: Annotated[int | None, typer.Option(help="serve Prometheus metrics on this port")] = None,
    metrics_host: Annotated[str, typer.Option(help="address for --metrics-port")] = "127.0.0.1",
) -> None:
    """Process the inbox and deliver the outbox (for deployments that run web and worker apart)."""
    from bot.main import work
    from bot.runtime import Runtime

    settings = Settings()
    if settings.simulator_mode and "line_api_base_url" not in settings.model_fields_set:
        typer.secho(
            "Simulator mode: set LINE_API_BASE_URL to http://<serve host>:<port>/simulator/line", fg=typer.colors.RED
        )
        raise typer.Exit(2)
    configure_logging(json_lines=settings.json_logs)
    runtime = Runtime.build(settings, make_engine(settings.database_url))
    if metrics_port is not None:
        from bot import metrics

        metrics.serve(metrics_port, metrics_host, runtime.engine, runtime.clock)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(signum, stop.set)
        log.info("worker.started")
        await work(runtime, stop)

    asyncio.run(main())


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bring the database schema to the latest migration."""
    from bot import migrate

    settings = Settings()
    engine = make_engine(settings.database_url)
    migrate.upgrade(engine)
    _install_defaults(settings, engine)
    typer.echo("database is up to date")


def _install_defaults(settings: Settings, engine: Engine) -> None:
    """The shipped surveys, installed once (those the organisation file names opened): `make run` offers
    them at once, and a complainant's rating has its survey."""
    from bot.surveys.loader import install_defaults_into

    added = install_defaults_into(engine, settings.organisation)
    if added:
        opened = [key for key in added if key in settings.organisation.surveys.open]
        typer.echo(
            f"installed the shipped surveys: {', '.join(added)}" + (f" (open: {', '.join(opened)})" if opened else "")
        )


@staff_app.command("add")
def staff_add(
    name: Annotated[str, typer.Option(help="the staff member's name")],
    role: Annotated[Role, typer.Option(help="officer, integrity_officer, manager or admin")],
    unit: Annotated[str | None, typer.Option(help="unit key from the organisation file")] = None,
    username: Annotated[str | None, typer.Option(help="sign-in name for the web console")] = None,
) -> None:
    """Create a staff account; its API token is printed once, alone on the last line."""
    from sqlmodel import Session

    from bot import migrate
    from bot.staff import service
    from bot.thai import utcnow

    settings = Settings()
    if unit is not None and unit not in {u.key for u in settings.organisation.units}:
        typer.secho(f"unknown unit {unit!r}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2)
    engine = make_engine(settings.database_url)
    migrate.upgrade(engine)
    with Session(engine) as session:
        member, token = service.create_staff(session, name=name, role=role, unit=unit, now=utcnow())
        if username is not None:
            from bot.staff import accounts

            try:
                accounts.set_username(session, member, username)
            except accounts.AccountError as error:
                typer.secho(str(error), fg=typer.colors.RED, err=True)
                raise typer.Exit(2) from error
        service.audit(
            session,
            actor=None,
            actor_name="cli",
            action="staff.create",
            record_type="staff_member",
            record_id=member.id,
            now=utcnow(),
            detail={"role": role},
        )
        session.commit()
        typer.echo(f"created {member.role} #{member.id} {member.name}; API token (shown once):")
        if username is not None:
            typer.echo(f"console sign-in: {member.username} (set a password: tambon staff password {member.username})")
    typer.echo(token)


@staff_app.command("password")
def staff_password(username: Annotated[str, typer.Argument(help="the console sign-in name")]) -> None:
    """Set a staff member's console password, read from standard input (a prompt on a terminal)."""
    import sys

    from sqlmodel import Session, select

    from bot import migrate
    from bot.staff import accounts, service
    from bot.staff.models import StaffMember
    from bot.thai import utcnow

    if sys.stdin.isatty():
        password = typer.prompt("new password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    settings = Settings()
    engine = make_engine(settings.database_url)
    migrate.upgrade(engine)
    with Session(engine) as session:
        member = session.exec(select(StaffMember).where(StaffMember.username == username.strip().lower())).first()
        if member is None:
            typer.secho(f"no staff member signs in as {username!r}", fg=typer.colors.RED, err=True)
            raise typer.Exit(1)
        try:
            accounts.set_password(session, member, password)
        except accounts.AccountError as error:
            typer.secho(str(error), fg=typer.colors.RED, err=True)
            raise typer.Exit(2) from error
        service.audit(
            session,
            actor=None,
            actor_name="cli",
            action="staff.password",
            record_type="staff_member",
            record_id=member.id,
            now=utcnow(),
        )
        session.commit()
    typer.echo(f"password set for {username}; their other sessions are signed out")


@richmenu_app.command("deploy")
def richmenu_deploy(
    image_out: Annotated[str | None, typer.Option(help="also save the generated image here")] = None,
) -> None:
    """Create the Thai rich menu through the LINE API and make it everyone's default."""
    from bot.line import richmenu

    settings = Settings()
    if settings.simulator_mode and "line_api_base_url" not in settings.model_fields_set:
        from bot.line.simulator import address

        running = address.recalled(make_engine(settings.database_url))
        if running is None:
            typer.secho(
                "Simulator mode: `tambon serve` deploys the rich menu itself when it starts. To deploy again, "
                "start `tambon serve` first (or set LINE_API_BASE_URL and LINE_DATA_API_BASE_URL to "
                "http://<serve host>:<port>/simulator/line)",
                fg=typer.colors.RED,
            )
            raise typer.Exit(2)
        typer.echo(f"Simulator mode: deploying to the running server's emulated LINE API, {running}")
        settings = settings.model_copy(update={"line_api_base_url": running, "line_data_api_base_url": running})
    try:
        rich_menu_id = asyncio.run(richmenu.deploy(settings, image_out=image_out))
    except richmenu.RichMenuError as error:
        typer.secho(
            f"{error} (is `tambon serve` running?)" if settings.simulator_mode else str(error),
            fg=typer.colors.RED,
            err=True,
        )
        raise typer.Exit(1) from None
    typer.echo(f"rich menu {rich_menu_id} is now the default")


@surveys_app.command("load")
def surveys_load(
    files: Annotated[list[str] | None, typer.Argument(help="TOML definitions; none: the six shipped ones")] = None,
    update: Annotated[bool, typer.Option(help="publish changed definitions as new versions")] = False,
) -> None:
    """Install survey definitions (as drafts a manager opens), or publish new versions with --update."""
    from bot import migrate
    from bot.surveys.loader import load

    migrate.upgrade(make_engine(Settings().database_url))
    raise typer.Exit(load([Path(name) for name in files or []], update=update))


@tips_app.command("rotate-key")
def tips_rotate_key() -> None:
    """Re-seal every whistleblower identity with the first key of TAMBON_TIPS_KEY (see README)."""
    from sqlmodel import Session

    from bot.runtime import Runtime
    from bot.tips import service

    settings = Settings()
    if settings.tambon_tips_key is None:
        typer.secho("set TAMBON_TIPS_KEY=<new key>,<old key> first", fg=typer.colors.RED, err=True)
        raise typer.Exit(2)
    runtime = Runtime.build(settings, make_engine(settings.database_url))
    with Session(runtime.engine) as session:
        count = service.reseal_all(session, runtime.sealer)
        session.commit()
    typer.echo(f"re-sealed {count} records with the newest key; the old key can now be removed")


if __name__ == "__main__":
    app()
