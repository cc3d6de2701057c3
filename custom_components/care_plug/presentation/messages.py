"""The plain sentence in every care event's `message`, in English or Korean.

The payload it belongs to: docs/architecture.md, "Events".

One sentence per event, built only from the household's display name and the event itself:
no entity ids, addresses or other personal data (the one exception is `by` of an
`acknowledged` event, the name of whoever acknowledged). A second short sentence is added
only when Care Plug was not running just before the event (`downtime_seconds`).

Nothing here imports Home Assistant: the replay command and the engine tests use it too.
"""

from __future__ import annotations

import math
from typing import Final

from ..engine.model import (
    CareEvent,
    EventType,
    Explanation,
    Level,
    Monitoring,
    Reason,
    ResolvedBy,
)

__all__ = ["SUPPORTED_LANGUAGES", "care_message", "explain", "format_duration"]

SUPPORTED_LANGUAGES: Final = frozenset({"en", "ko"})


def _is_korean(language: str) -> bool:
    """Whether a language tag (`ko`, `ko-KR`, `ko_KR`, ...) asks for Korean.

    Only the primary subtag counts, so `kok` (Konkani) is not Korean.
    """
    return language.strip().replace("_", "-").split("-", 1)[0].lower() == "ko"


def format_duration(seconds: float, language: str) -> str:
    """`seconds` rounded down to whole minutes, in at most the two largest units.

    English "2 days 3 h", "12 h 5 min", "45 min", "less than a minute"; Korean "2일 3시간",
    "12시간 5분", "45분", "1분 미만". Negative or non-finite values count as zero.
    """
    korean = _is_korean(language)
    minutes = int(seconds // 60) if math.isfinite(seconds) and seconds > 0 else 0
    if minutes == 0:
        return "1분 미만" if korean else "less than a minute"
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    amounts = (days, hours, mins)
    largest = next(index for index, amount in enumerate(amounts) if amount)
    parts: list[str] = []
    for index in range(largest, min(largest + 2, len(amounts))):
        amount = amounts[index]
        if not amount:
            continue
        if korean:
            parts.append(f"{amount}{('일', '시간', '분')[index]}")
        elif index == 0:
            parts.append(f"{amount} day" if amount == 1 else f"{amount} days")
        else:
            parts.append(f"{amount} {('', 'h', 'min')[index]}")
    return " ".join(parts)


def explain(explanation: Explanation, language: str) -> str:
    """Why the learned routine finds a silence unusual, in a few plain words (local times).

    English "usually 6 activities between 07:00 and 10:00; none since 22:41"; Korean
    "평소 07:00~10:00에 활동 6번, 22:41 이후 활동 없음".
    """
    e = explanation
    korean = _is_korean(language)
    if e.kind in ("appliance", "lamp", "began"):
        return _explain_judged(e, korean)
    if e.usual_activities >= 1:
        if korean:
            return (
                f"평소 {e.window_start}~{e.window_end}에 활동 {e.usual_activities}번,"
                f" {e.quiet_since} 이후 활동 없음"
            )
        noun = "activity" if e.usual_activities == 1 else "activities"
        return (
            f"usually {e.usual_activities} {noun} between {e.window_start} and {e.window_end};"
            f" none since {e.quiet_since}"
        )
    usual = format_duration(e.usual_longest_minutes * 60, language)
    if korean:
        return f"{e.quiet_since} 이후 활동 없음, 이 시간대의 조용한 시간은 보통 {usual} 이내"
    return (
        f"none since {e.quiet_since}; at this time of day a quiet spell usually ends within {usual}"
    )


# How a silence began (the edge of its last activity), for the `began` explanation.
_EN_BEGAN: Final = {
    "on": "an appliance or lamp was switched on",
    "off": "an appliance or lamp was switched off",
    "seen": "the last sign of activity",
}
_KO_BEGAN: Final = {
    "on": "가전이나 조명을 켠 뒤",
    "off": "가전이나 조명을 끈 뒤",
    "seen": "마지막 활동 뒤",
}


def _explain_judged(e: Explanation, korean: bool) -> str:
    """An appliance or lamp left on, or a silence judged by how it began."""
    if e.kind == "began":
        usual = format_duration(e.usual_longest_minutes * 60, "ko" if korean else "en")
        if korean:
            return (
                f"{e.quiet_since}에 {_KO_BEGAN.get(e.edge, _KO_BEGAN['seen'])} 활동 없음,"
                f" 이럴 때는 보통 {usual} 안에 다시 활동이 있음"
            )
        began = _EN_BEGAN.get(e.edge, _EN_BEGAN["seen"])
        return (
            f"quiet since {e.quiet_since}, when {began}; after that the home is usually"
            f" active again within {usual}"
        )
    if korean:
        thing = "조명" if e.kind == "lamp" else "가전제품"
        return f"{thing}이 {e.on_since}부터 켜져 있음, 평소에는 {e.usually_off_by}까지 꺼짐"
    thing = "a lamp" if e.kind == "lamp" else "an appliance"
    return f"{thing} has been on since {e.on_since}, usually off by {e.usually_off_by}"


def care_message(event: CareEvent, household: str, language: str) -> str:
    """The one plain sentence for `event` in `household`, in `language` (English fallback)."""
    if _is_korean(language):
        return _Korean(event, household).message()
    return _English(event, household).message()


# --------------------------------------------------------------------------- English

_EN_LEVEL: Final = {
    Level.NORMAL: "normal",
    Level.ATTENTION: "attention",
    Level.WARNING: "warning",
    Level.CRITICAL: "critical",
}

_EN_ALERT: Final = {
    Reason.NONE: "no sign of activity for {d}",
    Reason.INACTIVITY: "no sign of activity for {d}",
    Reason.UNUSUAL_INACTIVITY: (
        "quieter than usual for this time of day, with no sign of activity for {d}"
    ),
    Reason.MONITORING_LOST: (
        "the home cannot be seen because every activity source is offline,"
        " and there has been no sign of activity for {d}"
    ),
    Reason.APPLIANCE_LEFT_ON: (
        "an appliance has been left on for far longer than usual,"
        " and there has been no sign of activity for {d}"
    ),
}

_EN_RESOLVED: Final = {
    ResolvedBy.ACTIVITY: "activity seen again; ",
    ResolvedBy.CHECK_IN: "check-in received; ",
    ResolvedBy.MONITORING_RESTORED: "activity sources are back online; ",
}

# What the home looks like in each monitoring state, on its own ...
_EN_STATE: Final = {
    Monitoring.OK: "all activity sources are online again",
    Monitoring.DEGRADED: "some activity sources are offline; monitoring continues with the others",
    Monitoring.LOST: "every activity source is offline, so the home cannot be seen",
    Monitoring.AWAY: "the resident is away, so inactivity alerts are paused",
}
# ... and after "monitoring has resumed, but".
_EN_STATE_BUT: Final = {
    Monitoring.DEGRADED: "some activity sources are still offline",
    Monitoring.LOST: "every activity source is offline, so the home cannot be seen",
    Monitoring.AWAY: "the resident is away, so inactivity alerts are paused",
}

# Monitoring states in which a home that could not be seen can be seen again.
_RESTORED: Final = frozenset({Monitoring.OK, Monitoring.DEGRADED})


class _Sentences:
    """One event's sentence; each language fills in the parts."""

    language: str

    def __init__(self, event: CareEvent, household: str) -> None:
        self.event = event
        self.household = household
        self.inactive = format_duration(event.inactive_seconds, self.language)

    def message(self) -> str:
        event = self.event
        if event.type is EventType.MONITORING:
            return f"{self.household}: {self._monitoring()}."
        if event.type is EventType.REMINDER:
            text = self._reminder()
        else:
            text = f"{self.household}: {self._body()}."
        if event.downtime_seconds is not None:
            downtime = format_duration(event.downtime_seconds, self.language)
            text += self._downtime(downtime)
        return text

    def _reminder(self) -> str:
        raise NotImplementedError

    def _downtime(self, downtime: str) -> str:
        raise NotImplementedError

    def _body(self) -> str:
        raise NotImplementedError

    def _monitoring(self) -> str:
        raise NotImplementedError


class _English(_Sentences):
    language = "en"

    def _reminder(self) -> str:
        return (
            f"Reminder: {self.household} is still at care level {_EN_LEVEL[self.event.level]}"
            f" and nobody has acknowledged it; no sign of activity for {self.inactive}."
        )

    def _downtime(self, downtime: str) -> str:
        return f" Care Plug was not running for the last {downtime}."

    def _body(self) -> str:
        event = self.event
        level = _EN_LEVEL[event.level]
        if event.type is EventType.ALERT:
            cause = _EN_ALERT[event.reason].format(d=self.inactive)
            if event.reason is Reason.UNUSUAL_INACTIVITY and event.explanation is not None:
                cause = (
                    f"quieter than usual for this time of day ({explain(event.explanation, 'en')}),"
                    f" with no sign of activity for {self.inactive}"
                )
            if event.reason is Reason.APPLIANCE_LEFT_ON and event.explanation is not None:
                cause = (
                    f"left on for far longer than usual ({explain(event.explanation, 'en')}),"
                    f" with no sign of activity for {self.inactive}"
                )
            return f"{cause}; care level is now {level}"
        if event.type is EventType.ACKNOWLEDGED:
            by = f" by {event.by.strip()}" if event.by and event.by.strip() else ""
            return (
                f"the alert at care level {level} was acknowledged{by};"
                f" no sign of activity for {self.inactive}"
            )
        # EventType.RESOLVED: back to normal; `previous_level` is the level that ended.
        cause = "" if event.resolved_by is None else _EN_RESOLVED[event.resolved_by]
        return f"{cause}care level is back from {_EN_LEVEL[event.previous_level]} to normal"

    def _monitoring(self) -> str:
        event = self.event
        state = event.monitoring
        if event.downtime_seconds is not None:
            downtime = format_duration(event.downtime_seconds, "en")
            lead = f"Care Plug was not running for {downtime}; monitoring has resumed"
        elif event.previous_monitoring is Monitoring.AWAY:
            lead = "the away period is over and monitoring has resumed"
        elif event.previous_monitoring is Monitoring.LOST and state in _RESTORED:
            lead = "the home can be seen again"
        else:
            lead = ""
        if not lead:
            text = _EN_STATE[state]
        elif state is Monitoring.OK:
            text = lead
        else:
            text = f"{lead}, but {_EN_STATE_BUT[state]}"
        if event.level is not Level.NORMAL:
            text += (
                f"; care level is still {_EN_LEVEL[event.level]},"
                f" with no sign of activity for {self.inactive}"
            )
        return text


# --------------------------------------------------------------------------- Korean

_KO_LEVEL: Final = {
    Level.NORMAL: "'정상'",
    Level.ATTENTION: "'관심'",
    Level.WARNING: "'주의'",
    Level.CRITICAL: "'심각'",
}
# With the subject particle, which depends on the last syllable (관심이, 주의가).
_KO_LEVEL_SUBJECT: Final = {
    Level.NORMAL: "'정상'이",
    Level.ATTENTION: "'관심'이",
    Level.WARNING: "'주의'가",
    Level.CRITICAL: "'심각'이",
}

_KO_ALERT: Final = {
    Reason.NONE: "{d} 동안 활동이 없어",
    Reason.INACTIVITY: "{d} 동안 활동이 없어",
    Reason.UNUSUAL_INACTIVITY: "평소 이 시간대보다 조용하고 {d} 동안 활동이 없어",
    Reason.MONITORING_LOST: (
        "모든 활동 감지 기기의 연결이 끊겨 집 안 상황을 확인할 수 없고 {d} 동안 활동이 없어"
    ),
    Reason.APPLIANCE_LEFT_ON: "가전제품이 평소보다 훨씬 오래 켜져 있고 {d} 동안 활동이 없어",
}

_KO_RESOLVED: Final = {
    ResolvedBy.ACTIVITY: "활동이 다시 감지되어 ",
    ResolvedBy.CHECK_IN: "안부 확인 응답을 받아 ",
    ResolvedBy.MONITORING_RESTORED: "활동 감지 기기의 연결이 복구되어 ",
}

# Korean clauses are stems ending in a final consonant (했, 었, 없, 있 ...), so that any of
# "습니다" (end), "지만" (but) and "으며" (and) can follow.
_KO_STATE: Final = {
    Monitoring.OK: "모든 활동 감지 기기가 다시 연결되었",
    Monitoring.DEGRADED: "일부 활동 감지 기기의 연결이 끊겼지만 나머지 기기로 계속 지켜보고 있",
    Monitoring.LOST: "모든 활동 감지 기기의 연결이 끊겨 집 안 상황을 확인할 수 없",
    Monitoring.AWAY: "부재 중으로 설정되어 활동 없음 알림을 멈췄",
}
_KO_STATE_BUT: Final = {
    Monitoring.DEGRADED: "일부 활동 감지 기기는 아직 연결되지 않았",
    Monitoring.LOST: "모든 활동 감지 기기의 연결이 끊겨 집 안 상황을 확인할 수 없",
    Monitoring.AWAY: "부재 중으로 설정되어 활동 없음 알림은 멈춰 있",
}


class _Korean(_Sentences):
    language = "ko"

    def _reminder(self) -> str:
        return (
            f"다시 알림: {self.household}의 {_KO_LEVEL[self.event.level]} 단계 알림을"
            f" 아직 아무도 확인하지 않았으며, {self.inactive} 동안 활동이 없습니다."
        )

    def _downtime(self, downtime: str) -> str:
        return f" 직전 {downtime} 동안 Care Plug가 동작하지 않았습니다."

    def _body(self) -> str:
        event = self.event
        if event.type is EventType.ALERT:
            cause = _KO_ALERT[event.reason].format(d=self.inactive)
            if event.reason is Reason.UNUSUAL_INACTIVITY and event.explanation is not None:
                cause = (
                    f"평소 이 시간대보다 조용하고({explain(event.explanation, 'ko')})"
                    f" {self.inactive} 동안 활동이 없어"
                )
            if event.reason is Reason.APPLIANCE_LEFT_ON and event.explanation is not None:
                cause = (
                    f"평소보다 훨씬 오래 켜져 있고({explain(event.explanation, 'ko')})"
                    f" {self.inactive} 동안 활동이 없어"
                )
            return f"{cause} 돌봄 단계가 {_KO_LEVEL_SUBJECT[event.level]} 되었습니다"
        if event.type is EventType.ACKNOWLEDGED:
            level = _KO_LEVEL[event.level]
            if event.by and event.by.strip():
                done = f"{event.by.strip()} 님이 {level} 단계 알림을 확인했으며"
            else:
                done = f"{level} 단계 알림이 확인되었으며"
            return f"{done}, {self.inactive} 동안 활동이 없습니다"
        # EventType.RESOLVED: back to normal; `previous_level` is the level that ended.
        cause = "" if event.resolved_by is None else _KO_RESOLVED[event.resolved_by]
        return f"{cause}돌봄 단계가 {_KO_LEVEL[event.previous_level]}에서 '정상'으로 돌아왔습니다"

    def _monitoring(self) -> str:
        event = self.event
        state = event.monitoring
        if event.downtime_seconds is not None:
            downtime = format_duration(event.downtime_seconds, "ko")
            lead = f"Care Plug가 {downtime} 동안 동작하지 않았다가 모니터링을 다시 시작했"
        elif event.previous_monitoring is Monitoring.AWAY:
            lead = "부재 기간이 끝나 모니터링을 다시 시작했"
        elif event.previous_monitoring is Monitoring.LOST and state in _RESTORED:
            lead = "활동 감지 기기가 다시 연결되어 집 안 상황을 확인할 수 있게 되었"
        else:
            lead = ""
        if not lead:
            stem = _KO_STATE[state]
        elif state is Monitoring.OK:
            stem = lead
        else:
            stem = f"{lead}지만 {_KO_STATE_BUT[state]}"
        if event.level is Level.NORMAL:
            return f"{stem}습니다"
        return (
            f"{stem}으며, 돌봄 단계는 여전히 {_KO_LEVEL[event.level]}이고"
            f" {self.inactive} 동안 활동이 없습니다"
        )
