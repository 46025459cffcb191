"""Jest's convention names folders of tests and measurements with double underscores
(`__tests__`, `__mocks__`); the same wrapping around other words (`__performance_tests__`,
`__benchmarks__`, `__e2e_tests__`) marks benchmarks and tests, not the project's code."""

from __future__ import annotations

from codestory.analysis.classify import classify_path
from codestory.analysis.file_kind import FileKind


def test_a_dunder_folder_of_measurements_holds_benchmarks() -> None:
    assert classify_path("__performance_tests__/timer.mjs") is FileKind.BENCHMARK
    assert classify_path("__benchmarks__/big-object.js") is FileKind.BENCHMARK
    assert classify_path("packages/core/__perf__/run.ts") is FileKind.BENCHMARK


def test_a_dunder_folder_of_tests_holds_tests() -> None:
    assert classify_path("__integration_tests__/api.js") is FileKind.TEST
    assert classify_path("src/__specs__/draft.ts") is FileKind.TEST


def test_other_dunder_folders_and_plain_words_keep_their_kind() -> None:
    assert classify_path("src/__internal__/draft.ts") is FileKind.SOURCE
    assert classify_path("src/performance/timer.ts") is FileKind.SOURCE


def test_a_folder_named_for_performance_testing_holds_benchmarks() -> None:
    assert classify_path("perf-testing/large-state.mjs") is FileKind.BENCHMARK
    assert classify_path("performance_tests/large.js") is FileKind.BENCHMARK
    assert classify_path("integration-testing/api.js") is FileKind.TEST
