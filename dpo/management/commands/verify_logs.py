from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dpo.chain import ChainState
from dpo.models import LogKind
from dpo.services import log_chains_verify


def describe(state: ChainState) -> str:
    sealed = state.sealed_until.isoformat() if state.sealed_until else "-"
    line = (
        f"{state.log} log, agency {state.agency_id}: "
        f"{'intact' if state.intact else 'BROKEN (' + state.problem + ')'}; "
        f"{state.seals} seals, {state.rows} rows from {state.chain_from or '-'}, "
        f"sealed until {sealed}, {state.unsealed} not sealed yet"
    )
    if state.problem:
        line += f"; at the seal of {state.problem_day}"
        if state.problem_row is not None:
            line += f", first row that differs: {state.problem_row}"
    return line


class Command(BaseCommand):
    help = (
        "Check the hash chain of the use and disclosure logs, agency by agency: each seal "
        "against the rows as they are now. Exits with an error if any chain is broken."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--log", choices=[kind.value for kind in LogKind])
        parser.add_argument("--agency", type=int, help="one agency's id")

    def handle(self, *args: Any, **options: Any) -> None:
        states = log_chains_verify(log=options["log"], agency_id=options["agency"])
        for state in states:
            self.stdout.write(describe(state))
        broken = [state for state in states if not state.intact]
        if broken:
            raise CommandError(f"{len(broken)} of {len(states)} log chains are broken")
        self.stdout.write(f"{len(states)} log chains intact")
