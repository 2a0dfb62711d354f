"""The `kiosk` command (contracts.md). Each sub-command lives in its own module and is
imported only when used, so `kiosk sim` never loads Kivy and `kiosk circ` stays fast."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

# sub-command -> "module:function"; the function takes the argparse namespace, returns exit code
HANDLERS = {
    "run": "kiosk.app:run_main",
    "sim": "kiosk.irbis.server:main",
    "script": "kiosk.tools.script:main",
    "hw-check": "kiosk.tools.hwcheck:main",
    "bench": "kiosk.tools.bench.main:main",
    "circ": "kiosk.irbis.circ_cli:main",
    "staff-console": "kiosk.staff.console:main",
    "callpoint": "kiosk.staff.callpoint:main",
    "journal": "kiosk.journal.cli:main",
    "maintenance-pin": "kiosk.maintenance:pin_main",
    "config-check": "kiosk.config.cli:main",
    "stats": "kiosk.stats.cli:main",
}


class UsageErrorExit1(argparse.ArgumentParser):
    """contracts.md: every error other than a refusal exits 1 (argparse's default is 2)."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(1, f"{self.prog}: error: {message}\n")


def _add_run(sub: argparse._SubParsersAction) -> None:
    run = sub.add_parser("run", help="the touchscreen app")
    run.add_argument("--config")


def _add_sim(sub: argparse._SubParsersAction) -> None:
    sim = sub.add_parser("sim", help="the embedded IRBIS64 server")
    sim.add_argument("--load", action="append", default=[], metavar="DB=FILE")
    sim.add_argument("--tcp-port", type=int, default=6666)
    sim.add_argument("--http-port", type=int, default=8080)
    sim.add_argument("--data", metavar="DIR")
    sim.add_argument(
        "--user", action="append", default=[], metavar="NAME:PASSWORD",
        help="a user allowed to register (repeatable; default kiosk1:kiosk1)",
    )
    sim.add_argument("--host", default="127.0.0.1")
    sim.add_argument("--demo", action="store_true", help="load the demo data into empty databases")
    sim.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"), help="serve the HTTP tunnel over HTTPS")
    field = sim.add_argument_group("field conditions", "behave like a CGI gateway on a slow or busy network")
    field.add_argument("--latency-ms", type=float, default=0, metavar="N",
                       help="add N ms to every request (network plus the gateway's CGI start)")
    field.add_argument("--close", action="store_true",
                       help="close the HTTP connection after every answer, as WebToIrbisServer.exe does")
    field.add_argument("--overload", type=float, default=0, metavar="P",
                       help="answer -6666 (server overloaded) to a fraction P (0..1) of requests, unexecuted")
    field.add_argument("--stall-ms", type=float, default=0, metavar="N",
                       help="hold every answer N ms before its first byte")


def _add_script(sub: argparse._SubParsersAction) -> None:
    script = sub.add_parser("script", help="run a scenario through the headless app")
    script.add_argument("scenario")
    script.add_argument("--config")
    script.add_argument("--gateway")
    script.add_argument("--today")
    script.add_argument("--transcript")
    script.add_argument("--screenshots")


def _add_hw_check(sub: argparse._SubParsersAction) -> None:
    hw = sub.add_parser("hw-check", help="list devices and gateway reachability")
    hw.add_argument("--config")


def _add_bench(sub: argparse._SubParsersAction) -> None:
    bench = sub.add_parser("bench", help="benchmarks; prints one JSON object")
    bench.add_argument("--quick", action="store_true")
    bench.add_argument("--soak", type=int, metavar="N", help="N whole sessions; JSON lines")
    bench.add_argument("--tracemalloc", action="store_true",
                       help="with --soak: trace Python memory and name where it grew")
    bench.add_argument("--script-soak", type=int, metavar="N",
                       help="N whole sessions through `kiosk script` in one process; JSON lines")


def _add_circ(sub: argparse._SubParsersAction) -> None:
    circ = sub.add_parser("circ", help="circulation from the command line")
    circ_sub = circ.add_subparsers(dest="action", required=True)
    for action, positional in (
        ("loans", ["card"]),
        ("checkout", ["card", "barcode"]),
        ("renew", ["card", "barcode"]),
        ("return", ["barcode"]),
    ):
        a = circ_sub.add_parser(action)
        for name in positional:
            a.add_argument(name)
        a.add_argument("--gateway")
        a.add_argument("--config")
        a.add_argument("--today")


def _add_staff(sub: argparse._SubParsersAction) -> None:
    console = sub.add_parser("staff-console", help="web console for staff alerts")
    console.add_argument("--config")
    console.add_argument("--port", type=int, default=8090)
    console.add_argument("--host", default="0.0.0.0")
    console.add_argument("--broker", help="mqtt://host:port")

    cp = sub.add_parser("callpoint", help="a call point: one button and a lamp")
    cp.add_argument("--config")


def _add_journal(sub: argparse._SubParsersAction) -> None:
    journal = sub.add_parser("journal", help="the transaction journal")
    journal.add_argument("action", choices=["report", "replay"])
    journal.add_argument("--config")
    sub.add_parser(
        "maintenance-pin", help="hash a staff PIN for [maintenance] staff in kiosk.toml"
    )


def _add_config_check(sub: argparse._SubParsersAction) -> None:
    cc = sub.add_parser("config-check", help="check kiosk.toml: every problem with its fix")
    cc.add_argument("--config")


def _add_stats(sub: argparse._SubParsersAction) -> None:
    st = sub.add_parser("stats", help="the library's figures: CSV (Excel) or JSON")
    st.add_argument("--config")
    st.add_argument("--from", dest="first", metavar="YYYYMMDD")
    st.add_argument("--to", dest="last", metavar="YYYYMMDD")
    st.add_argument("--by", choices=["day", "month", "year"], default="month")
    st.add_argument("--format", choices=["csv", "json"], default="csv")
    st.add_argument("--annual", type=int, metavar="YEAR", help="the plan/done table of a year")
    st.add_argument("--lang", choices=["kk", "ru", "en"], help="labels (default: [kiosk] default_language)")
    st.add_argument("--output", metavar="FILE")
    st.add_argument("--file", metavar="STATS_FILE", help="default: stats.sqlite3 beside the journal")


def build_parser() -> argparse.ArgumentParser:
    """The `kiosk` command line; one small function per subcommand, in help order."""
    p = UsageErrorExit1(prog="kiosk", description="Abai library self-service kiosk")
    sub = p.add_subparsers(dest="command", required=True)
    for add in (_add_run, _add_sim, _add_script, _add_hw_check, _add_bench, _add_circ,
                _add_staff, _add_journal, _add_config_check, _add_stats):
        add(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    args = build_parser().parse_args(argv)
    module_name, func_name = HANDLERS[args.command].split(":")
    handler = getattr(importlib.import_module(module_name), func_name)
    return int(handler(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
