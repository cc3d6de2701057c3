"""The plain sentence in every care event's `message`, in English and Korean."""

from __future__ import annotations

import math
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from custom_components.care_plug.engine.model import (
    CareEvent,
    EventType,
    Explanation,
    Level,
    Monitoring,
    Reason,
    ResolvedBy,
)
from custom_components.care_plug.presentation.messages import (
    SUPPORTED_LANGUAGES,
    care_message,
    explain,
    format_duration,
)

HOUSEHOLD_EN = "Mum's home"
HOUSEHOLD_KO = "어머니 댁"
ENTITY = "sensor.kitchen_kettle_power"
INACTIVE = 12 * 3600 + 5 * 60 + 59  # "12 h 5 min"
DOWNTIME = 5 * 3600 + 3 * 60 + 1  # "5 h 3 min"

LEVEL_WORDS = {
    "en": {
        Level.NORMAL: "normal",
        Level.ATTENTION: "attention",
        Level.WARNING: "warning",
        Level.CRITICAL: "critical",
    },
    "ko": {
        Level.NORMAL: "'정상'",
        Level.ATTENTION: "'관심'",
        Level.WARNING: "'주의'",
        Level.CRITICAL: "'심각'",
    },
}
HOUSEHOLDS = {"en": HOUSEHOLD_EN, "ko": HOUSEHOLD_KO}
ABOVE_NORMAL = (Level.ATTENTION, Level.WARNING, Level.CRITICAL)
HANGUL = re.compile("[\uac00-\ud7a3]")


def event(**changes: object) -> CareEvent:
    """An `inactivity` alert to `attention`, with `changes` applied."""
    base = CareEvent(
        type=EventType.ALERT,
        time=datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
        level=Level.ATTENTION,
        previous_level=Level.NORMAL,
        reason=Reason.INACTIVITY,
        alert_id="20260302T090000Z-1",
        last_activity=datetime(2026, 3, 1, 20, 54, tzinfo=UTC),
        last_activity_entity=ENTITY,
        inactive_seconds=INACTIVE,
        monitoring=Monitoring.OK,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- durations


@pytest.mark.parametrize(
    ("seconds", "english", "korean"),
    [
        (0, "less than a minute", "1분 미만"),
        (59, "less than a minute", "1분 미만"),
        (59.999, "less than a minute", "1분 미만"),
        (60, "1 min", "1분"),
        (119, "1 min", "1분"),
        (45 * 60 + 30, "45 min", "45분"),
        (3599, "59 min", "59분"),
        (3600, "1 h", "1시간"),
        (3660, "1 h 1 min", "1시간 1분"),
        (12 * 3600 + 5 * 60, "12 h 5 min", "12시간 5분"),
        (86399, "23 h 59 min", "23시간 59분"),
        (86400, "1 day", "1일"),
        (86400 + 59 * 60, "1 day", "1일"),  # the two largest units are days and hours
        (86400 + 3600 * 3 + 59, "1 day 3 h", "1일 3시간"),
        (2 * 86400 + 3 * 3600 + 59 * 60, "2 days 3 h", "2일 3시간"),
        (10**12, "11574074 days 1 h", "11574074일 1시간"),
        (-5, "less than a minute", "1분 미만"),
        (math.nan, "less than a minute", "1분 미만"),
        (math.inf, "less than a minute", "1분 미만"),
    ],
)
def test_format_duration(seconds: float, english: str, korean: str) -> None:
    assert format_duration(seconds, "en") == english
    assert format_duration(seconds, "ko") == korean
    assert format_duration(seconds, "en-GB") == english
    assert format_duration(seconds, "ko-KR") == korean


def test_format_duration_has_at_most_two_units() -> None:
    for seconds in range(0, 5 * 86400, 3571):
        parts = format_duration(seconds, "en").replace("days", "day").split(" ")
        assert len(parts) in {2, 4} or parts == ["less", "than", "a", "minute"]
        assert len(format_duration(seconds, "ko").split(" ")) <= 2


def test_importable_without_home_assistant() -> None:
    code = (
        "import sys, custom_components.care_plug.presentation.messages;"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'homeassistant']"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --------------------------------------------------------------------------- languages


def test_supported_languages() -> None:
    assert frozenset({"en", "ko"}) == SUPPORTED_LANGUAGES


@pytest.mark.parametrize(
    ("language", "korean"),
    [
        ("ko", True),
        ("ko-KR", True),
        ("ko_KR", True),
        ("KO-kr", True),
        (" ko ", True),
        ("en", False),
        ("en-GB", False),
        ("de", False),
        ("kok", False),  # Konkani: only the primary subtag counts
        ("", False),
    ],
)
def test_language_tags(language: str, korean: bool) -> None:
    message = care_message(event(), HOUSEHOLD_EN, language)
    expected = "ko" if korean else "en"
    assert message == care_message(event(), HOUSEHOLD_EN, expected)
    assert bool(HANGUL.search(message)) is korean
    assert format_duration(INACTIVE, language) == format_duration(INACTIVE, expected)


# --------------------------------------------------------------------------- every combination


def all_events() -> Iterator[CareEvent]:
    """Every event type with every reason, resolver, monitoring change and downtime."""
    for downtime in (None, DOWNTIME):
        for reason in Reason:
            for level in ABOVE_NORMAL:
                yield event(
                    reason=reason,
                    level=level,
                    previous_level=Level(level - 1),
                    downtime_seconds=downtime,
                )
            for level in (Level.WARNING, Level.CRITICAL):
                yield event(
                    type=EventType.REMINDER,
                    reason=reason,
                    level=level,
                    previous_level=level,
                    downtime_seconds=downtime,
                )
            for resolved_by in (*ResolvedBy, None):
                for level in ABOVE_NORMAL:
                    yield event(
                        type=EventType.RESOLVED,
                        reason=reason,
                        level=Level.NORMAL,
                        previous_level=level,
                        resolved_by=resolved_by,
                        inactive_seconds=0,
                        downtime_seconds=downtime,
                    )
        for by in ("Jane", None, "", "  "):
            for level in ABOVE_NORMAL:
                yield event(
                    type=EventType.ACKNOWLEDGED,
                    level=level,
                    previous_level=level,
                    by=by,
                    downtime_seconds=downtime,
                )
        for state in Monitoring:
            for previous in (None, *Monitoring):
                if previous is state:
                    continue
                for level in (Level.NORMAL, Level.WARNING):
                    yield event(
                        type=EventType.MONITORING,
                        level=level,
                        previous_level=level,
                        reason=Reason.NONE if level is Level.NORMAL else Reason.INACTIVITY,
                        monitoring=state,
                        previous_monitoring=previous,
                        downtime_seconds=downtime,
                    )


ALL_EVENTS = list(all_events())


def expected_words(item: CareEvent, language: str) -> list[str]:
    """What the sentence must name: levels and durations that matter for this event."""
    levels = LEVEL_WORDS[language]
    inactive = format_duration(item.inactive_seconds, language)
    words: list[str] = []
    if item.type is EventType.RESOLVED:
        words += [levels[item.previous_level], levels[Level.NORMAL]]
    elif item.type is not EventType.MONITORING or item.level is not Level.NORMAL:
        words += [levels[item.level], inactive]
    if item.downtime_seconds is not None:
        words.append(format_duration(item.downtime_seconds, language))
    return words


@pytest.mark.parametrize("language", ["en", "ko"])
def test_every_event_has_a_sentence(language: str) -> None:
    household = HOUSEHOLDS[language]
    for item in ALL_EVENTS:
        message = care_message(item, household, language)
        assert message.strip() == message
        assert message.endswith(".")
        assert "\n" not in message
        assert household in message
        assert ENTITY not in message
        assert "{" not in message
        assert "  " not in message
        for word in expected_words(item, language):
            assert word in message, (item, message, word)
        if language == "en":
            assert message.isascii(), message
        else:
            assert HANGUL.search(message.replace(household, "")), message
        if item.by and item.by.strip():
            assert item.by in message
        # One sentence, plus a short one about the downtime only when there was one.
        sentences = 2 if item.downtime_seconds and item.type is not EventType.MONITORING else 1
        assert message.count(". ") + 1 == sentences, message


@pytest.mark.parametrize("language", ["en", "ko"])
def test_different_situations_read_differently(language: str) -> None:
    """No sentence is silently shared by two reasons, resolvers or monitoring states."""
    household = HOUSEHOLDS[language]

    def distinct(items: list[CareEvent]) -> int:
        return len({care_message(item, household, language) for item in items})

    reasons = [r for r in Reason if r is not Reason.NONE]
    assert distinct([event(reason=reason) for reason in reasons]) == len(reasons)
    resolved = [
        event(type=EventType.RESOLVED, level=Level.NORMAL, resolved_by=by)
        for by in (*ResolvedBy, None)
    ]
    assert distinct(resolved) == len(ResolvedBy) + 1
    for previous in (None, Monitoring.OK, Monitoring.AWAY, Monitoring.LOST):
        for downtime in (None, DOWNTIME):
            states = [
                event(
                    type=EventType.MONITORING,
                    level=Level.NORMAL,
                    monitoring=state,
                    previous_monitoring=previous,
                    downtime_seconds=downtime,
                )
                for state in Monitoring
                if state is not previous
            ]
            assert distinct(states) == len(states)


def test_no_other_level_words() -> None:
    """An alert names its own level, not a neighbour's."""
    for language in ("en", "ko"):
        words = LEVEL_WORDS[language]
        for level in ABOVE_NORMAL:
            message = care_message(
                event(level=level, previous_level=Level(level - 1)),
                HOUSEHOLDS[language],
                language,
            )
            others = [words[other] for other in Level if other is not level]
            assert [word for word in others if word in message] == []


# --------------------------------------------------------------------------- exact sentences


@pytest.mark.parametrize(
    ("item", "english", "korean"),
    [
        pytest.param(
            event(),
            "Mum's home: no sign of activity for 12 h 5 min; care level is now attention.",
            "어머니 댁: 12시간 5분 동안 활동이 없어 돌봄 단계가 '관심'이 되었습니다.",
            id="alert-inactivity",
        ),
        pytest.param(
            event(level=Level.WARNING, previous_level=Level.ATTENTION),
            "Mum's home: no sign of activity for 12 h 5 min; care level is now warning.",
            "어머니 댁: 12시간 5분 동안 활동이 없어 돌봄 단계가 '주의'가 되었습니다.",
            id="alert-warning-particle",
        ),
        pytest.param(
            event(reason=Reason.UNUSUAL_INACTIVITY, inactive_seconds=3 * 3600 + 20 * 60),
            "Mum's home: quieter than usual for this time of day, with no sign of activity"
            " for 3 h 20 min; care level is now attention.",
            "어머니 댁: 평소 이 시간대보다 조용하고 3시간 20분 동안 활동이 없어"
            " 돌봄 단계가 '관심'이 되었습니다.",
            id="alert-unusual",
        ),
        pytest.param(
            event(reason=Reason.MONITORING_LOST),
            "Mum's home: the home cannot be seen because every activity source is offline,"
            " and there has been no sign of activity for 12 h 5 min;"
            " care level is now attention.",
            "어머니 댁: 모든 활동 감지 기기의 연결이 끊겨 집 안 상황을 확인할 수 없고"
            " 12시간 5분 동안 활동이 없어 돌봄 단계가 '관심'이 되었습니다.",
            id="alert-monitoring-lost",
        ),
        pytest.param(
            event(
                level=Level.CRITICAL,
                previous_level=Level.WARNING,
                inactive_seconds=2 * 86400 + 3 * 3600,
                downtime_seconds=10 * 3600,
            ),
            "Mum's home: no sign of activity for 2 days 3 h; care level is now critical."
            " Care Plug was not running for the last 10 h.",
            "어머니 댁: 2일 3시간 동안 활동이 없어 돌봄 단계가 '심각'이 되었습니다."
            " 직전 10시간 동안 Care Plug가 동작하지 않았습니다.",
            id="alert-after-downtime",
        ),
        pytest.param(
            event(type=EventType.REMINDER, level=Level.WARNING, previous_level=Level.WARNING),
            "Reminder: Mum's home is still at care level warning and nobody has acknowledged"
            " it; no sign of activity for 12 h 5 min.",
            "다시 알림: 어머니 댁의 '주의' 단계 알림을 아직 아무도 확인하지 않았으며,"
            " 12시간 5분 동안 활동이 없습니다.",
            id="reminder",
        ),
        pytest.param(
            event(
                type=EventType.ACKNOWLEDGED,
                level=Level.WARNING,
                previous_level=Level.WARNING,
                by=" Jane ",
            ),
            "Mum's home: the alert at care level warning was acknowledged by Jane;"
            " no sign of activity for 12 h 5 min.",
            "어머니 댁: Jane 님이 '주의' 단계 알림을 확인했으며, 12시간 5분 동안 활동이 없습니다.",
            id="acknowledged-by",
        ),
        pytest.param(
            event(type=EventType.ACKNOWLEDGED, previous_level=Level.ATTENTION),
            "Mum's home: the alert at care level attention was acknowledged;"
            " no sign of activity for 12 h 5 min.",
            "어머니 댁: '관심' 단계 알림이 확인되었으며, 12시간 5분 동안 활동이 없습니다.",
            id="acknowledged-anonymous",
        ),
        pytest.param(
            event(
                type=EventType.RESOLVED,
                level=Level.NORMAL,
                previous_level=Level.WARNING,
                resolved_by=ResolvedBy.ACTIVITY,
                inactive_seconds=0,
            ),
            "Mum's home: activity seen again; care level is back from warning to normal.",
            "어머니 댁: 활동이 다시 감지되어 돌봄 단계가 '주의'에서 '정상'으로 돌아왔습니다.",
            id="resolved-activity",
        ),
        pytest.param(
            event(
                type=EventType.RESOLVED,
                level=Level.NORMAL,
                previous_level=Level.CRITICAL,
                resolved_by=ResolvedBy.CHECK_IN,
                inactive_seconds=0,
            ),
            "Mum's home: check-in received; care level is back from critical to normal.",
            "어머니 댁: 안부 확인 응답을 받아 돌봄 단계가 '심각'에서 '정상'으로 돌아왔습니다.",
            id="resolved-check-in",
        ),
        pytest.param(
            event(
                type=EventType.RESOLVED,
                level=Level.NORMAL,
                previous_level=Level.ATTENTION,
                reason=Reason.MONITORING_LOST,
                resolved_by=ResolvedBy.MONITORING_RESTORED,
            ),
            "Mum's home: activity sources are back online;"
            " care level is back from attention to normal.",
            "어머니 댁: 활동 감지 기기의 연결이 복구되어 돌봄 단계가 '관심'에서"
            " '정상'으로 돌아왔습니다.",
            id="resolved-monitoring-restored",
        ),
        pytest.param(
            event(
                type=EventType.MONITORING,
                level=Level.NORMAL,
                previous_level=Level.NORMAL,
                monitoring=Monitoring.OK,
                previous_monitoring=Monitoring.LOST,
                downtime_seconds=DOWNTIME,
            ),
            "Mum's home: Care Plug was not running for 5 h 3 min; monitoring has resumed.",
            "어머니 댁: Care Plug가 5시간 3분 동안 동작하지 않았다가 모니터링을 다시 시작했습니다.",
            id="monitoring-resumed-after-downtime",
        ),
        pytest.param(
            event(
                type=EventType.MONITORING,
                level=Level.NORMAL,
                previous_level=Level.NORMAL,
                monitoring=Monitoring.DEGRADED,
                previous_monitoring=Monitoring.OK,
            ),
            "Mum's home: some activity sources are offline; monitoring continues with the others.",
            "어머니 댁: 일부 활동 감지 기기의 연결이 끊겼지만 나머지 기기로 계속 지켜보고"
            " 있습니다.",
            id="monitoring-degraded",
        ),
        pytest.param(
            event(
                type=EventType.MONITORING,
                level=Level.WARNING,
                previous_level=Level.WARNING,
                monitoring=Monitoring.LOST,
                previous_monitoring=Monitoring.OK,
            ),
            "Mum's home: every activity source is offline, so the home cannot be seen;"
            " care level is still warning, with no sign of activity for 12 h 5 min.",
            "어머니 댁: 모든 활동 감지 기기의 연결이 끊겨 집 안 상황을 확인할 수 없으며,"
            " 돌봄 단계는 여전히 '주의'이고 12시간 5분 동안 활동이 없습니다.",
            id="monitoring-lost-at-warning",
        ),
        pytest.param(
            event(
                type=EventType.MONITORING,
                level=Level.NORMAL,
                previous_level=Level.NORMAL,
                monitoring=Monitoring.DEGRADED,
                previous_monitoring=Monitoring.LOST,
            ),
            "Mum's home: the home can be seen again, but some activity sources are still offline.",
            "어머니 댁: 활동 감지 기기가 다시 연결되어 집 안 상황을 확인할 수 있게 되었지만"
            " 일부 활동 감지 기기는 아직 연결되지 않았습니다.",
            id="monitoring-restored-degraded",
        ),
        pytest.param(
            event(
                type=EventType.MONITORING,
                level=Level.NORMAL,
                previous_level=Level.NORMAL,
                monitoring=Monitoring.AWAY,
                previous_monitoring=Monitoring.OK,
            ),
            "Mum's home: the resident is away, so inactivity alerts are paused.",
            "어머니 댁: 부재 중으로 설정되어 활동 없음 알림을 멈췄습니다.",
            id="monitoring-away",
        ),
        pytest.param(
            event(
                type=EventType.MONITORING,
                level=Level.NORMAL,
                previous_level=Level.NORMAL,
                monitoring=Monitoring.OK,
                previous_monitoring=Monitoring.AWAY,
            ),
            "Mum's home: the away period is over and monitoring has resumed.",
            "어머니 댁: 부재 기간이 끝나 모니터링을 다시 시작했습니다.",
            id="monitoring-back-from-away",
        ),
    ],
)
def test_exact_sentences(item: CareEvent, english: str, korean: str) -> None:
    assert care_message(item, HOUSEHOLD_EN, "en") == english
    assert care_message(item, HOUSEHOLD_KO, "ko") == korean


# ----------------------------------------------------------------- the learned routine

USUAL = Explanation(
    usual_activities=6,
    window_start="07:00",
    window_end="10:00",
    quiet_since="22:41",
    usual_longest_minutes=150,
)
# A silence can be unusual where activity is rare, when it outlasts every quiet spell seen.
RARE = replace(USUAL, usual_activities=0)


@pytest.mark.parametrize(
    ("explanation", "language", "expected"),
    [
        (USUAL, "en", "usually 6 activities between 07:00 and 10:00; none since 22:41"),
        (replace(USUAL, usual_activities=1), "en", "usually 1 activity between 07:00"),
        (USUAL, "ko", "평소 07:00~10:00에 활동 6번, 22:41 이후 활동 없음"),
        (
            RARE,
            "en",
            "none since 22:41; at this time of day a quiet spell usually ends within 2 h 30 min",
        ),
        (RARE, "ko-KR", "22:41 이후 활동 없음, 이 시간대의 조용한 시간은 보통 2시간 30분 이내"),
    ],
)
def test_the_routine_explains_itself_in_plain_words(
    explanation: Explanation, language: str, expected: str
) -> None:
    assert explain(explanation, language).startswith(expected)
