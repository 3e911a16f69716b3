"""Runnable variants of real buildspecs: the commands this host can run safely kept, the others echoed.

The rule, per command string (a multi-line block scalar is one command and is judged, and echoed,
as one): the command is KEPT, unchanged, only when every simple command in it (including those in
`$(...)` and backquotes, `if`/`case` bodies and pipelines) is one of

- a variable assignment, or `export` of assignments (the substitutions in them judged too);
- a tool whose outcome cannot depend on the files of the source, the network or the machine's
  state: `echo`, `printf`, `true`, `:`, `date`, `pwd`, `uname`, `id`, `whoami`, `nproc`,
  `basename`, `dirname`, `printenv` (with no argument);
- `mkdir` / `touch` whose every path is relative, inside the source directory (no `/`, `~`, `..`,
  and no variable other than `$CODEBUILD_SRC_DIR` at its start);
- a filter reading the pipe before it (`tr`, `cut`, `sed` without `-i`, `awk`, `wc`, `head`,
  `tail`, `sort`, `uniq`, `tee` with paths as above), never the first command of a pipeline;
- `test` / `[` / `[[` in the condition of an `if`, `elif`, `while` or `until`;
- the version probe of a tool installed here (`node --version`, `java -version`, `npm -v`);

every non-builtin tool must be on this machine's PATH (`shutil.which`), and every redirection must
write inside the source directory (or to /dev/null, or to another descriptor). Anything else
(the network, package managers, docker, the aws CLI, `cd`, `rm`, `exit`, `set`, `source`, a
variable as the command, here-documents, background jobs, PowerShell) makes the whole command
ECHOED: it becomes `echo '<the command, quoted>'`, so the log shows it and it always succeeds.

Everything else of the buildspec is kept: phases and their order, `finally`, `on-failure`,
`run-as`, the `env` block (variables, parameter-store, secrets-manager, exported-variables,
shell), artifacts, reports, cache and batch.
"""

from __future__ import annotations

import re
import shlex
import shutil

from codeyard.runner.buildspec.model import Buildspec, Phase
from tests.support.shell_words import REDIRECTIONS, SEPARATORS, Operator, Unreadable, Word, tokens

BUILTINS = frozenset({"echo", "printf", "true", ":", "export", "pwd", "test", "[", "[["})
ANYWHERE = frozenset(
    {
        "echo",
        "printf",
        "true",
        ":",
        "export",
        "date",
        "pwd",
        "uname",
        "id",
        "whoami",
        "nproc",
        "basename",
        "dirname",
    }
)
PATH_TOOLS = frozenset({"mkdir", "touch"})
FILTERS = frozenset({"tr", "cut", "sed", "awk", "wc", "head", "tail", "sort", "uniq", "tee"})
CONDITIONS = frozenset({"test", "[", "[["})
VERSION_FLAGS = frozenset({"--version", "-version", "-v", "version"})
OPENERS = frozenset({"if", "elif", "while", "until"})
PLAIN_KEYWORDS = frozenset({"then", "else", "fi", "do", "done", "{", "}", "!", "esac"})
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\+?=")
_SRC_DIR = re.compile(r"^(?:\$CODEBUILD_SRC_DIR|\$\{CODEBUILD_SRC_DIR\})(?=/|$)")


class _Judge:
    """Walks the tokens of one command text; `safe()` answers whether every simple command is allowed."""

    def __init__(self, text: str) -> None:
        self._tokens = tokens(text)
        self._index = 0
        self._condition = False

    def safe(self) -> bool:
        piped = False
        while self._index < len(self._tokens):
            token = self._tokens[self._index]
            if isinstance(token, Operator):
                self._index += 1
                if token.text in REDIRECTIONS:
                    self._redirection()
                elif token.text == ";;":
                    self._skip_pattern()
                piped = token.text == "|"
                continue
            if not self._command(piped):
                return False
            piped = False
        return True

    def _next_word(self) -> Word | None:
        if self._index < len(self._tokens) and isinstance(word := self._tokens[self._index], Word):
            self._index += 1
            return word
        return None

    def _redirection(self) -> None:
        target = self._next_word()
        if target is None or not (
            target.raw.isdigit() or target.raw in ("-", "/dev/null") or _inside(target.raw)
        ):
            raise Unreadable("a redirection outside the source directory")

    def _command(self, piped: bool) -> bool:
        """Judges the simple command starting at the current word (keywords and assignments first)."""
        words: list[Word] = []
        while (word := self._next_word()) is not None:
            _judge_substitutions(word)
            if not words and word.raw in OPENERS:
                self._condition = True
            elif not words and word.raw in ("then", "do"):
                self._condition = False
            elif not words and word.raw == "case":
                self._case()
            elif not words and (word.raw in PLAIN_KEYWORDS or _ASSIGNMENT.match(word.raw)):
                continue
            elif not words and word.raw in ("for", "function", "select"):
                return False
            else:
                words.append(word)
                if word.raw == "[[":
                    self._until("]]", words)
            # redirections inside a command are judged by the operator branch of safe()
            if self._index < len(self._tokens) and isinstance(self._tokens[self._index], Operator):
                operator = self._tokens[self._index]
                assert isinstance(operator, Operator)
                if operator.text in SEPARATORS:
                    break
                self._index += 1
                self._redirection()
        return not words or _allowed([w.raw for w in words], piped, self._condition)

    def _until(self, closing: str, words: list[Word]) -> None:
        while (word := self._next_word()) is not None:
            _judge_substitutions(word)
            words.append(word)
            if word.raw == closing:
                return
            while self._index < len(self._tokens) and isinstance(self._tokens[self._index], Operator):
                self._index += 1  # `&&`, `||`, `<`, `>`, `(`, `)` inside [[ ]] are its own syntax
        raise Unreadable(f"no {closing}")

    def _case(self) -> None:
        """`case WORD in`: the patterns up to each `)` are skipped; the bodies are judged as commands."""
        subject = self._next_word()
        keyword = self._next_word()
        if subject is None or keyword is None or keyword.raw != "in":
            raise Unreadable("a case without `in`")
        _judge_substitutions(subject)
        self._skip_pattern()

    def _skip_pattern(self) -> None:
        while self._index < len(self._tokens):
            token = self._tokens[self._index]
            self._index += 1
            if isinstance(token, Operator) and token.text == ")":
                return
            if isinstance(token, Word) and token.raw == "esac":
                return


def _judge_substitutions(word: Word) -> None:
    for inner in word.substitutions:
        if not keeps(inner):
            raise Unreadable("a substitution runs a command that is not kept")


def _inside(raw: str) -> bool:
    """True for a path that stays inside the source directory whatever the variables hold."""
    text = raw.replace('"', "").replace("'", "")
    rest = _SRC_DIR.sub("", text, count=1)
    if rest == text and rest.startswith(("/", "~", "$")):
        return False
    return ".." not in rest.split("/")


def _allowed(words: list[str], piped: bool, condition: bool) -> bool:
    name, args = words[0], words[1:]
    if name not in BUILTINS and shutil.which(name) is None:
        return False
    if name in ANYWHERE:
        return True
    if name == "printenv":
        return not args
    if name in PATH_TOOLS:
        return all(arg.startswith("-") or _inside(arg) for arg in args)
    if name in FILTERS:
        if not piped or (name == "sed" and any(arg.startswith("-i") for arg in args)):
            return False
        return name != "tee" or all(arg.startswith("-") or _inside(arg) for arg in args)
    if name in CONDITIONS:
        return condition
    return len(args) == 1 and args[0] in VERSION_FLAGS


def keeps(command: str) -> bool:
    """True when the variant runs `command` as it is (see the module's rule)."""
    try:
        return _Judge(command).safe()
    except Unreadable:
        return False


def echoed(command: str) -> str:
    """The command that prints `command` instead of running it."""
    return "echo " + shlex.quote(command.rstrip("\n"))


def variant_command(command: str) -> str:
    """The command as the variant runs it: itself when kept, else echoed."""
    return command if keeps(command) else echoed(command)


def variant(buildspec: Buildspec) -> Buildspec:
    """The buildspec with every command (and `finally` command) kept or echoed; all else unchanged."""
    phases = {name: _phase(phase) for name, phase in buildspec.phases.items()}
    return buildspec._replace(phases=phases)


def _phase(phase: Phase) -> Phase:
    return phase._replace(
        commands=tuple(variant_command(c) for c in phase.commands),
        finally_=tuple(variant_command(c) for c in phase.finally_),
    )
