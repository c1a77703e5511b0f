"""What a resident meant by a message no keyword or dialog step caught: a greeting, thanks, a problem
to file, a question, or something we cannot tell.

Recognition is data: the general lexicons are in `bot.chat.texts`, the words that point at each
complaint category are in the organisation file. Both are matched on Thai word segmentation
(pythainlp's newmm with its bundled dictionary, no network), longest phrase first, so "ไฟป่า" is a
disaster and not a street light, and "ไม่ได้รับ" is one phrase rather than three words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from bot.chat import texts
from bot.organisation import Organisation

# The dictionary knows compounds ("ถนนลูกรัง", "ได้รับความเดือดร้อน"): a word it yields whole still carries
# the meaning of a lexicon word of at least this many characters inside it (shorter ones: too risky).
MIN_INNER_WORD = 4
MAX_PHRASE_TOKENS = 4  # a lexicon phrase the segmenter split into at most this many words still matches

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_PUNCTUATION = re.compile(r"[!?.,;:“”\"'()\[\]{}~…\-–—/\\|*_+=<>@#$%^&]+")


class IntentKind(StrEnum):
    GREETING = "greeting"
    THANKS = "thanks"
    EMOJI = "emoji"  # only emoji or a sticker: answered in kind
    COMPLAINT = "complaint"  # a problem described: offered as a complaint
    QUESTION = "question"  # offered the inquiries channel, or the office's contact
    YES = "yes"  # agreeing to something we just offered
    NO = "no"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Intent:
    kind: IntentKind
    category: str | None = None  # the complaint category guessed, if any


def choice_number(typed: str) -> int | None:
    """A typed list choice: "1", "๒", "ข้อ 3", "3." → the number; anything else → None."""
    cleaned = typed.translate(_THAI_DIGITS).strip().removeprefix("ข้อ").removeprefix("ที่").strip().rstrip(".")
    for particle in sorted(texts.PARTICLES, key=len, reverse=True):
        cleaned = cleaned.removesuffix(particle).strip()
    return int(cleaned) if cleaned.isdecimal() and len(cleaned) <= 3 else None  # "²" is a digit int() refuses


def is_only_emoji(typed: str) -> bool:
    """True for a message of emoji (and spaces) only, like "👍" or "🙏🙏"."""
    stripped = "".join(ch for ch in typed if not ch.isspace())
    return bool(stripped) and all(_is_symbol(ch) for ch in stripped)


def _is_symbol(ch: str) -> bool:
    return unicodedata.category(ch) in ("So", "Sk", "Cf", "Mn", "Me") or ord(ch) in (0xFE0F, 0x200D)


@lru_cache(maxsize=8)
def _segmenter(extra_words: frozenset[str]):  # type: ignore[no-untyped-def]
    """newmm over pythainlp's dictionary plus our lexicon's words (built once per lexicon)."""
    from pythainlp.corpus import thai_words
    from pythainlp.tokenize import Trie, word_tokenize

    trie = Trie(set(thai_words()) | extra_words)

    def segment(text: str) -> list[str]:
        return [t for t in word_tokenize(text, custom_dict=trie, engine="newmm") if t.strip()]

    return segment


def tokens(text: str, lexicon_words: Iterable[str] = ()) -> list[str]:
    """Thai words of `text` (Latin lower-cased, Thai digits as Arabic, punctuation dropped)."""
    cleaned = _PUNCTUATION.sub(" ", text.translate(_THAI_DIGITS)).casefold()
    extra = frozenset(w for w in lexicon_words if " " not in w)
    words: list[str] = _segmenter(extra)(cleaned)
    return words


class Lexicon:
    """Every phrase we recognise, each tagged with what it means (a general tag or a category key)."""

    def __init__(self, categories: tuple[tuple[str, tuple[str, ...]], ...]) -> None:
        self.tags: dict[str, set[str]] = {}
        general = {
            "greeting": texts.GREETINGS,
            "thanks": texts.THANKS,
            "problem": texts.PROBLEM_WORDS,
            "question": texts.QUESTION_WORDS,
            "ask": texts.QUESTION_OPENERS,
            "yes": texts.YES_WORDS,
            "no": texts.NO_WORDS,
            "particle": texts.PARTICLES,
        }
        for tag, words in general.items():
            for word in words:
                self.tags.setdefault(word.casefold(), set()).add(tag)
        for key, words in categories:
            for word in words:
                self.tags.setdefault(word.casefold(), set()).add("category:" + key)

    def match(self, words: list[str]) -> list[tuple[str, set[str]]]:
        """Greedy longest match of lexicon phrases over the words; unmatched words get no tags."""
        found: list[tuple[str, set[str]]] = []
        i = 0
        while i < len(words):
            for size in range(min(MAX_PHRASE_TOKENS, len(words) - i), 0, -1):
                phrase = "".join(words[i : i + size])
                if phrase in self.tags:
                    found.append((phrase, self.tags[phrase]))
                    i += size
                    break
            else:
                found.append((words[i], self._inside(words[i])))
                i += 1
        return found

    def _inside(self, word: str) -> set[str]:
        """Tags of the longest lexicon word inside a compound the segmenter kept whole."""
        inner = [w for w in self.tags if MIN_INNER_WORD <= len(w) < len(word) and w in word]
        return set(self.tags[max(inner, key=len)]) if inner else set()


@lru_cache(maxsize=8)
def _lexicon(categories: tuple[tuple[str, tuple[str, ...]], ...]) -> Lexicon:
    return Lexicon(categories)


def lexicon_for(org: Organisation) -> Lexicon:
    """The lexicon of this organisation's categories (built once per distinct set of keywords)."""
    return _lexicon(tuple((c.key, tuple(c.keywords)) for c in org.categories))


def classify(org: Organisation, typed: str) -> Intent:
    """What `typed` most likely asks of us (see the module docstring; the table in the tests)."""
    if is_only_emoji(typed):
        return Intent(IntentKind.EMOJI)
    lexicon = lexicon_for(org)
    matched = lexicon.match(tokens(typed, lexicon.tags))
    if not matched:
        return Intent(IntentKind.EMOJI if typed.strip() else IntentKind.UNKNOWN)
    tags = [t for _, t in matched]
    has = {tag for t in tags for tag in t}
    category = _best_category(tags)
    content = [w for w, t in matched if not t & {"particle", "greeting", "thanks", "yes", "no"}]
    question = "question" in has or "ask" in has or "?" in typed
    if not content:
        for kind in ("no", "yes", "thanks", "greeting"):
            if kind in has:
                return Intent(IntentKind(kind))
        return Intent(IntentKind.YES)  # a particle alone ("ค่ะ", "ครับ") acknowledges
    if "thanks" in tags[0] and len(matched) > 1 and matched[1][0] == "ที่":
        return Intent(IntentKind.THANKS)  # "ขอบคุณที่…": thanks for something done
    if "problem" in has:
        return Intent(IntentKind.COMPLAINT, category)
    if "thanks" in has:
        return Intent(IntentKind.THANKS)
    if question:
        return Intent(IntentKind.QUESTION, category)
    if category is not None:
        return Intent(IntentKind.COMPLAINT, category)
    if "greeting" in has:
        return Intent(IntentKind.GREETING)
    return Intent(IntentKind.UNKNOWN)


def _best_category(tags: list[set[str]]) -> str | None:
    """The category most phrases point at; on a tie, the one named first in the message."""
    counts: dict[str, int] = {}
    for t in tags:
        for tag in t:
            if tag.startswith("category:"):
                key = tag.removeprefix("category:")
                counts[key] = counts.get(key, 0) + 1
    if not counts:
        return None
    best = max(counts.values())
    return next(k for k in counts if counts[k] == best)
