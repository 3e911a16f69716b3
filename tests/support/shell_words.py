"""A small, conservative reader of shell command text: the simple commands it holds, for the corpus variants.

It understands words, quotes, `$VAR` / `${...}` / `$((...))`, command substitution (`$(...)` and
backquotes, whose insides are read as commands of their own), comments, the list and pipeline
operators and redirections. Anything it does not understand (here-documents, process substitution,
background jobs, function definitions, unbalanced text) raises Unreadable: callers then treat the
command as one they cannot judge. It never runs anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field

OPERATORS = ("&&", "||", ";;", ">>", ">&", "&>", "<<", "<(", ">(", ";", "|", "&", "(", ")", ">", "<")
REDIRECTIONS = frozenset({">>", ">&", "&>", ">", "<"})
SEPARATORS = frozenset({"&&", "||", ";;", ";", "|", "(", ")"})
UNSUPPORTED = frozenset({"<<", "<(", ">(", "&"})


class Unreadable(ValueError):
    """The text uses shell syntax this reader does not judge."""


@dataclass(frozen=True)
class Word:
    """A word as written (quotes and all), and the command texts of the substitutions inside it."""

    raw: str
    substitutions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Operator:
    """A list, pipeline or redirection operator; a newline reads as `;`."""

    text: str


Token = Word | Operator


@dataclass
class _Reader:
    text: str
    position: int = 0
    tokens: list[Token] = field(default_factory=list)
    raw: list[str] = field(default_factory=list)
    substitutions: list[str] = field(default_factory=list)

    def peek(self, offset: int = 0) -> str:
        index = self.position + offset
        return self.text[index] if index < len(self.text) else ""

    def end_word(self) -> None:
        if self.raw:
            self.tokens.append(Word("".join(self.raw), tuple(self.substitutions)))
        self.raw, self.substitutions = [], []

    def read(self) -> list[Token]:
        while self.position < len(self.text):
            char = self.peek()
            if char == "\\" and self.peek(1) == "\n":
                self.position += 2  # a line continuation
            elif char in " \t":
                self.end_word()
                self.position += 1
            elif char == "\n":
                self.end_word()
                self.tokens.append(Operator(";"))
                self.position += 1
            elif char == "#" and not self.raw:
                while self.position < len(self.text) and self.peek() != "\n":
                    self.position += 1
            elif (operator := self._operator()) is not None:
                if operator in (">", "<", ">>", ">&") and self.raw and "".join(self.raw).isdigit():
                    self.raw, self.substitutions = [], []  # a descriptor number: `2>&1`
                self.end_word()
                if operator in UNSUPPORTED:
                    raise Unreadable(f"unsupported operator {operator}")
                self.tokens.append(Operator(operator))
                self.position += len(operator)
            else:
                self._word_part()
        self.end_word()
        return self.tokens

    def _operator(self) -> str | None:
        return next((op for op in OPERATORS if self.text.startswith(op, self.position)), None)

    def _word_part(self) -> None:
        char = self.peek()
        start = self.position
        if char == "\\":
            self.position += 2
        elif char == "'":
            end = self.text.find("'", start + 1)
            if end < 0:
                raise Unreadable("unterminated single quote")
            self.position = end + 1
        elif char == '"':
            self._double_quoted()
        elif char == "$":
            self._dollar()
        elif char == "`":
            self._backquoted()
        else:
            self.position += 1
        self.raw.append(self.text[start : self.position])

    def _double_quoted(self) -> None:
        self.position += 1
        while True:
            char = self.peek()
            if char == "":
                raise Unreadable("unterminated double quote")
            if char == '"':
                self.position += 1
                return
            if char == "\\":
                self.position += 2
            elif char == "$":
                self._dollar()
            elif char == "`":
                self._backquoted()
            else:
                self.position += 1

    def _dollar(self) -> None:
        if self.text.startswith("$((", self.position):
            end = self.text.find("))", self.position)
            if end < 0:
                raise Unreadable("unterminated arithmetic")
            self.position = end + 2
        elif self.text.startswith("$(", self.position):
            self.position += 2
            self.substitutions.append(self._balanced())
        elif self.text.startswith("${", self.position):
            end = self.text.find("}", self.position)
            if end < 0:
                raise Unreadable("unterminated ${")
            self.position = end + 1
        else:
            self.position += 1

    def _balanced(self) -> str:
        """The text up to the `)` closing a `$(` (quotes respected); the position goes past it."""
        start, depth = self.position, 1
        while True:
            char = self.peek()
            if char == "":
                raise Unreadable("unterminated $(")
            if char in "'\"":
                end = self.text.find(char, self.position + 1)
                if end < 0:
                    raise Unreadable("unterminated quote in $(")
                self.position = end + 1
                continue
            depth += {"(": 1, ")": -1}.get(char, 0)
            self.position += 1
            if depth == 0:
                return self.text[start : self.position - 1]

    def _backquoted(self) -> None:
        start = self.position + 1
        self.position = start
        while self.peek() != "`":
            if self.peek() == "":
                raise Unreadable("unterminated backquote")
            self.position += 2 if self.peek() == "\\" else 1
        self.substitutions.append(self.text[start : self.position].replace("\\`", "`"))
        self.position += 1


def tokens(text: str) -> list[Token]:
    """The words and operators of `text`; raises Unreadable for syntax this reader does not judge."""
    return _Reader(text).read()
