"""What a repository's recent history says: how old it is, how busy, where the work goes.

Read from `git log --format=@%ct --name-only` over a blob-less clone of limited depth, so the
history costs commits and trees, never old file contents. Pure: log text in, facts out.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from pydantic import BaseModel, Field

LOG_FORMAT = "@%ct"  # one line per commit: @<unix time>, then the paths it touched
DAY = 86_400


class FileChurn(BaseModel):
    path: str
    commits: int


class HistoryFacts(BaseModel):
    commits: int  # commits read (the clone's depth caps this)
    truncated: bool  # the depth ran out before the first commit
    first_seconds: int  # oldest commit read, unix time
    last_seconds: int  # newest commit, unix time
    active_weeks: int  # distinct weeks with at least one commit
    most_changed: list[FileChurn] = Field(default_factory=list)

    @property
    def span_days(self) -> int:
        return max((self.last_seconds - self.first_seconds) // DAY, 0)

    @property
    def last_date(self) -> str:
        return datetime.fromtimestamp(self.last_seconds, UTC).date().isoformat()


def parse_git_log(text: str, *, depth: int, keep: set[str] | None = None) -> HistoryFacts | None:
    """Facts from the log; `keep` limits "most changed" to these paths (the code, say).

    None when the log holds no commit. A log of exactly `depth` commits is taken as cut
    short: the repository may be older than what was read.
    """
    times: list[int] = []
    churn: Counter[str] = Counter()
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("@") and line[1:].isdigit():
            times.append(int(line[1:]))
        elif line and times and (keep is None or line in keep):
            churn[line] += 1
    if not times:
        return None
    weeks = {t // (7 * DAY) for t in times}
    return HistoryFacts(
        commits=len(times),
        truncated=depth > 0 and len(times) >= depth,
        first_seconds=min(times),
        last_seconds=max(times),
        active_weeks=len(weeks),
        most_changed=[
            FileChurn(path=p, commits=n)
            for p, n in sorted(churn.items(), key=lambda item: (-item[1], item[0]))[:5]
            if n > 1
        ],
    )
