"""Routers and the dispatcher: one resident's event in, replies and state changes out.

Order of routing for a message: global commands (ยกเลิก, เมนู, ช่วยเหลือ) → the step of the
conversation state the resident is in → entry points (typed keyword or tapped postback) of every
router, in the priority order `bot.main` gives → the polite fallback. Routes that touch personal
data wait until the resident has consented to the current PDPA notice.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar

from sqlmodel import Session

from bot.chat import messages as m
from bot.chat import state as conversation_state
from bot.chat.callbacks import CallbackData, CallbackError, Callbacks
from bot.chat.events import EventKind, Incoming
from bot.chat.messages import Message
from bot.chat.state import DialogState
from bot.config import Settings
from bot.crypto import Sealer
from bot.errors import DomainError
from bot.organisation import Organisation

if TYPE_CHECKING:  # the annotation only: at run time the engine meets residents through `People`
    from bot.residents.models import Resident

Handler = Callable[["Turn"], None]
C = TypeVar("C", bound=CallbackData)


@dataclass(frozen=True)
class People:
    """The residents domain as the engine sees it, wired in `bot.main`: the engine imports no domain."""

    find_or_create: Callable[[Session, str, datetime], Resident]
    find_or_create_many: Callable[[Session, Collection[str], datetime], dict[str, Resident]]  # by LINE user id
    has_consented: Callable[[Resident, Organisation], bool]
    erase: Callable[[Session, Resident, datetime], None]  # with every domain's share (bot.main's ERASERS)
    stored_events: Callable[[Session, Resident], int]  # webhook payloads kept about them
    # A declined consent: forget what they sent before the event being handled (the notice says we keep nothing).
    forget_messages: Callable[[Session, Resident], None] = lambda session, resident: None


@dataclass
class Prefetched:
    """Looked up once for a worker's batch (one event per user) instead of twice per event: the residents,
    their conversation rows (locked), and which users are in no sealed dialog. Local to one batch."""

    residents: dict[str, Resident]
    conversations: dict[int, conversation_state.Conversation]
    not_sealed: set[str]


@dataclass
class Turn:
    """One event being handled: who, what they sent, their dialog state, and what we answer."""

    session: Session
    now: datetime
    org: Organisation
    settings: Settings
    sealer: Sealer
    resident: Resident
    incoming: Incoming
    dialog: DialogState
    people: People
    callback: CallbackData | None = None  # the button tapped; its tap handler is given it typed (Router.tap)
    replies: list[Message] = field(default_factory=list)
    forget_event: bool = False  # the worker empties this event's payload once handled

    @property
    def p(self) -> str:
        """The deployment's polite particle (ค่ะ / ครับ)."""
        return self.org.particle

    @property
    def state(self) -> str | None:
        return self.dialog.name

    @property
    def data(self) -> Mapping[str, Any]:
        """What the dialog has collected, read-only: change it with `goto(state, key=value)`."""
        return MappingProxyType(self.dialog.data)

    @property
    def expired(self) -> bool:
        return self.dialog.expired

    @property
    def sealed(self) -> bool:
        return self.dialog.sealed

    @property
    def consented(self) -> bool:
        return self.people.has_consented(self.resident, self.org)

    def reply(self, *messages: Message) -> None:
        self.replies.extend(messages)

    def goto(self, state: StrEnum, **data: Any) -> None:
        """Move to `state` (one of the dialog's StrEnum of states: its value is what is stored), merging
        `data` into what the dialog has collected so far."""
        merged = {**self.dialog.data, **data} if self.dialog.name else dict(data)
        self.dialog.name, self.dialog.data = str(state), merged  # the plain value, as loading gives it back

    def end(self) -> None:
        self.dialog.name, self.dialog.data = None, {}

    def forget_messages(self) -> None:
        """Keep nothing the resident has sent so far, this message included (e.g. on ไม่ยินยอม); what they
        send next is kept as usual."""
        self.people.forget_messages(self.session, self.resident)
        self.forget_event = True

    def seal(self) -> None:
        """From now on this dialog is confidential: its state is encrypted, the resident's message is
        not kept in the inbox, and our answers are addressed through a sealed recipient."""
        self.dialog.sealed = True


@dataclass(frozen=True)
class Entry:
    handler: Handler
    keywords: tuple[str, ...]
    callback: type[CallbackData] | None
    states: tuple[str, ...]  # a tapped button is only valid in these states (empty: always valid)
    needs_consent: bool
    prefix_match: bool  # "ติดตาม C2570-00042" reaches the ติดตาม entry


class Router:
    """A feature's chat routes: entry points, conversation steps, follow/unfollow hooks."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.entries: list[Entry] = []
        self.steps: dict[str, Handler] = {}
        self.follow_handlers: list[Handler] = []
        self.unfollow_handlers: list[Handler] = []

    def entry(
        self, *keywords: str, needs_consent: bool = True, prefix_match: bool = False
    ) -> Callable[[Handler], Handler]:
        """Register a handler reached by typing one of `keywords`."""

        def register(handler: Handler) -> Handler:
            normalised = tuple(normalise(k) for k in keywords)
            self.entries.append(Entry(handler, normalised, None, (), needs_consent, prefix_match))
            return handler

        return register

    def tap(
        self, callback: type[C], *, states: Sequence[StrEnum] = (), needs_consent: bool = True
    ) -> Callable[[Callable[[Turn, C], None]], Callable[[Turn, C], None]]:
        """Register the handler of a tapped `callback` button, given the button's data typed; with `states`,
        the button is only valid in those."""

        def register(handler: Callable[[Turn, C], None]) -> Callable[[Turn, C], None]:
            def run(turn: Turn) -> None:
                if isinstance(turn.callback, callback):  # always: the dispatcher runs this entry for its class only
                    handler(turn, turn.callback)

            self.entries.append(Entry(run, (), callback, tuple(states), needs_consent, prefix_match=False))
            return handler

        return register

    def step(self, *states: StrEnum) -> Callable[[Handler], Handler]:
        """Register the handler for whatever the resident sends while in one of `states`."""

        def register(handler: Handler) -> Handler:
            for name in states:
                if name in self.steps:
                    raise ValueError(f"state {name!r} has two steps in router {self.name!r}")
                self.steps[name] = handler
            return handler

        return register

    def on_follow(self, handler: Handler) -> Handler:
        self.follow_handlers.append(handler)
        return handler

    def on_unfollow(self, handler: Handler) -> Handler:
        self.unfollow_handlers.append(handler)
        return handler


@dataclass(frozen=True)
class Hooks:
    """What the dispatcher does when no route fits; supplied by the core dialogs."""

    global_commands: Router
    needs_consent: Handler
    stale_button: Handler
    fallback: Handler


_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Typed keywords compare without surrounding or repeated spaces and without case."""
    return _SPACES.sub(" ", text).strip().casefold()


class Dispatcher:
    def __init__(
        self,
        routers: Sequence[Router],
        hooks: Hooks,
        settings: Settings,
        sealer: Sealer,
        people: People,
        callbacks: Callbacks,
    ) -> None:
        self.routers = [hooks.global_commands, *routers]
        self.callbacks = callbacks
        for router in self.routers:
            for entry in router.entries:
                if entry.callback is not None and entry.callback not in callbacks:
                    raise ValueError(
                        f"router {router.name!r} takes {entry.callback.__name__} taps, which the "
                        "callbacks it was given cannot read"
                    )
        self.people = people
        self.hooks = hooks
        self.settings = settings
        self.ttl = timedelta(minutes=settings.conversation_ttl_minutes)
        self.sealer = sealer
        self.steps: dict[str, Handler] = {}
        for router in self.routers:
            for name, handler in router.steps.items():
                if name in self.steps:
                    raise ValueError(f"conversation state {name!r} claimed by two routers")
                self.steps[name] = handler

    def prefetch(self, session: Session, user_ids: Collection[str], now: datetime) -> Prefetched:
        """One query each for a batch's residents (newcomers created), conversations and sealed dialogs."""
        residents = self.people.find_or_create_many(session, user_ids, now)
        conversations = conversation_state.lock_many(session, [r.id for r in residents.values() if r.id])
        not_sealed = set(user_ids) - conversation_state.sealed_user_ids(session, self.sealer, user_ids)
        return Prefetched(residents, conversations, not_sealed)

    def handle(
        self,
        session: Session,
        org: Organisation,
        incoming: Incoming,
        now: datetime,
        batch: Prefetched | None = None,
        careful: bool = True,
    ) -> Turn:
        """Route one event; the caller commits the session with the outbox rows for `turn.replies`.
        `batch`: what the caller looked up for this user beforehand (`prefetch`), saving the lookups here.
        Not `careful`: a refusal raises (see `_refusable`)."""
        user_id = incoming.user_id
        resident = batch.residents.get(user_id) if batch else None
        prefetched = batch.conversations if batch and resident is not None else None
        if resident is None:  # not in the batch's lookup (a sealed arrival's user is not named there)
            resident = self.people.find_or_create(session, user_id, now)
        conversation, dialog = conversation_state.load(
            session,
            resident.id or 0,
            now,
            self.sealer,
            user_id,
            sealed_possible=not (batch and user_id in batch.not_sealed),
            prefetched=prefetched,
        )
        turn = Turn(session, now, org, self.settings, self.sealer, resident, incoming, dialog, self.people)
        if incoming.kind is EventKind.FOLLOW:
            for router in self.routers:
                for handler in router.follow_handlers:
                    handler(turn)
        elif incoming.kind is EventKind.UNFOLLOW:
            for router in self.routers:
                for handler in router.unfollow_handlers:
                    handler(turn)
        else:
            self._refusable(turn, self._tap if incoming.kind is EventKind.POSTBACK else self._message, careful)
        conversation_state.save(conversation, turn.dialog, now, self.ttl, self.sealer)
        return turn

    def _refusable(self, turn: Turn, route: Handler, careful: bool) -> None:
        """Route; a service's refusal (bot.errors) undoes the turn's writes and is answered politely in Thai,
        the resident staying where they were in the dialog. Not `careful` (the worker's first run of a
        batch), a refusal propagates instead: a savepoint per event would flush every event on its own, and
        the worker reruns the batch carefully, which is rare."""
        if not careful:
            route(turn)
            return
        before = (turn.dialog.name, dict(turn.dialog.data))
        try:
            with turn.session.begin_nested():
                route(turn)
        except DomainError as refusal:
            turn.dialog.name, turn.dialog.data = before
            turn.replies = [m.text(str(refusal) or f"ขออภัย{turn.p} ทำรายการนี้ไม่ได้ในขณะนี้")]

    def _tap(self, turn: Turn) -> None:
        try:
            turn.callback = self.callbacks.unpack(turn.incoming.postback_data or "")
        except CallbackError:
            self.hooks.stale_button(turn)
            return
        for router in self.routers:
            for entry in router.entries:
                if entry.callback is not None and isinstance(turn.callback, entry.callback):
                    if entry.states and turn.state not in entry.states:
                        self.hooks.stale_button(turn)
                    else:
                        self._run(entry, turn)
                    return
        self.hooks.stale_button(turn)

    def _message(self, turn: Turn) -> None:
        typed = normalise(turn.incoming.text or "") if turn.incoming.kind is EventKind.TEXT else None
        if typed is not None:
            for entry in self.hooks.global_commands.entries:
                if typed in entry.keywords:
                    self._run(entry, turn)
                    return
        if turn.state and turn.state in self.steps:
            self.steps[turn.state](turn)
            return
        found = self._keyword_entry(typed) if typed is not None else None
        if found is not None:
            self._run(found, turn)
            return
        self.hooks.fallback(turn)

    def _keyword_entry(self, typed: str) -> Entry | None:
        for router in self.routers:
            for entry in router.entries:
                for keyword in entry.keywords:
                    if typed == keyword or (entry.prefix_match and typed.startswith(keyword + " ")):
                        return entry
        return None

    def _run(self, entry: Entry, turn: Turn) -> None:
        if entry.needs_consent and not turn.consented:
            self.hooks.needs_consent(turn)
            return
        entry.handler(turn)
