"""The authors' one-line summary of a name, said as the narrator's own predicate.

Doc comments follow two habits across ecosystems: Go and Javadoc summaries open with the
name or a verb in the third person ("ExecuteC executes the command", "Returns the text"),
and Python's PEP 257 asks for the imperative ("Return the text"). Either turns into what a
person says aloud: "`ExecuteC` executes the command". A summary that is not a verb phrase, or
that carries numbers or code the story would then be claiming, is left to be quoted.
"""

from __future__ import annotations

import re

# Verbs that open doc summaries, in the imperative; the third person is derived.
_VERB_WORDS = (
    "accept add allocate allow append apply attach build calculate call cancel check clean "
    "clear close collect combine compare compile compute configure connect construct contain "
    "convert copy count create decode define delete describe detect determine dispatch do "
    "emit enable encode ensure escape evaluate execute expand extract fetch fill filter find "
    "finish flush format forward generate get handle hold implement initialise initialize "
    "insert install invoke iterate join keep list listen load look lookup make manage map "
    "mark match merge move normalise normalize open parse perform populate prepare print process "
    "produce provide push put read receive record register remove render replace report "
    "represent reset resolve restore return run save scan search send serialise serialize "
    "serve set show sort split start stop store strip take tell test trace track transform "
    "translate traverse try turn unwrap update use validate visit wait walk wrap write yield "
)
_VERBS = frozenset(_VERB_WORDS.split())
# Verbs that follow "and" in an imperative summary ("... and say whether to trace").
_SPOKEN = _VERBS | {"say", "tell", "give", "leave", "exit", "quit", "raise", "fail"}
# A known verb undone or done again is a verb too: "uninstall", "unregister", "reload".
_PREFIXED = re.compile(r"(?:un|re)([a-z]+)")


def _is_verb(word: str, verbs: frozenset[str]) -> bool:
    undone = _PREFIXED.fullmatch(word)
    return word in verbs or (undone is not None and undone.group(1) in _VERBS)


MAX_WORDS = 30  # a longer summary is a paragraph: it is quoted, not spoken as a clause
_UNSAFE = re.compile(r"[\d`<>{}\[\]|@#]|\(\)|::|->|https?:")


def _agree(match: re.Match[str]) -> str:
    word = match.group(2)
    return f"{match.group(1)} {third_person(word) if _is_verb(word, _SPOKEN) else word}"


# Phrasal verbs written as one word, as nouns are ("Lookup and compile a format"): the
# verb agrees, not the particle ("looks up", never "lookups").
_PHRASAL = {
    "lookup": ("look", "up"),
    "setup": ("set", "up"),
    "cleanup": ("clean", "up"),
    "backup": ("back", "up"),
    "shutdown": ("shut", "down"),
    "teardown": ("tear", "down"),
    "login": ("log", "in"),
    "logout": ("log", "out"),
    "signup": ("sign", "up"),
}


def third_person(verb: str) -> str:
    """`return` -> `returns`, `match` -> `matches`, `apply` -> `applies`, `lookup` ->
    `looks up`."""
    if verb in _PHRASAL:
        head, particle = _PHRASAL[verb]
        return f"{third_person(head)} {particle}"
    if verb.endswith("o"):  # `does`, `undoes`, `goes`, `echoes`
        return f"{verb}es"
    if verb.endswith(("s", "sh", "ch", "x", "z")):
        return f"{verb}es"
    if verb.endswith("y") and verb[-2:-1] not in set("aeiou"):
        return f"{verb[:-1]}ies"
    return f"{verb}s"


def _base_form(word: str) -> str | None:
    """The imperative a third-person verb comes from, if it is one of the summary verbs."""
    for candidate in (word[:-1], word[:-2], f"{word[:-3]}y"):
        if word.endswith("s") and candidate in _VERBS and third_person(candidate) == word:
            return candidate
    return None


def predicate(name: str, doc: str | None) -> str | None:
    """What the summary says `name` does, as a clause after it; None to quote it instead."""
    if not doc:
        return None
    text = " ".join(doc.split()).rstrip(".!?… ")
    if not text or _UNSAFE.search(text) or len(text.split()) > MAX_WORDS:
        return None
    if "." in text.rstrip("."):
        return None  # more than one sentence, or an abbreviation: quote it as written
    if re.match(r"(?i)(do\s+not|don't|never|must\s+not)\b", text):
        return None  # a warning to callers ("Do not use"), not what the name does
    # "ExecuteC executes the command", "The Command type is ..." -> what comes after the name
    short = name.rsplit(".", 1)[-1]
    lead = re.match(rf"^(?:the\s+|a\s+|an\s+)?`?{re.escape(short)}`?\s+(\w+)(.*)$", text, re.I)
    if lead:
        verb, rest = lead.group(1), lead.group(2)
        if verb.lower() in {"is", "are", "was", "has", "holds", "can", "will", "should"} or (
            _base_form(verb.lower())
        ):
            return f"{verb.lower()}{rest}"
        # Otherwise the name was the verb itself: `load` summed up as "Load settings".
    first, _, rest = text.partition(" ")
    word = first.lower()
    if rest.startswith(("/", "&", "+")):
        return None  # "Map / Set plugin": alternatives named, the first word a noun
    if _is_verb(word, _VERBS):
        # "Read the variable and say whether to trace", "Parse an object - create a new
        # root": every verb of the list, and of a clause after a spaced dash, agrees.
        rest = re.sub(
            r"(\band|\bor|\bthen|(?<= )[-\u2013\u2014])\s+(\w+)",
            lambda m: (
                f"{m.group(1)} "
                f"{third_person(m.group(2)) if _is_verb(m.group(2), _SPOKEN) else m.group(2)}"
            ),
            rest,
        )
        return f"{third_person(word)} {rest}".rstrip()
    if _base_form(word):
        return f"{word} {rest}".rstrip()
    return None
