"""The artifact table is the one place artifact kinds are named: the API serves, links and
documents exactly the kinds it says, with the headers it says."""

from __future__ import annotations

from codestory.artifacts.kinds import ARTIFACTS, CACHED, KINDS, LINKED, SERVED, story_artifact
from codestory.core.domain import Story, StoryRequest
from codestory.gateway.schemas import links_for, story_out


def _routes() -> dict[str, set[str]]:
    from codestory.gateway.routes.stories import router

    found: dict[str, set[str]] = {}
    for route in router.routes:
        path = getattr(route, "path", "")
        found.setdefault(path, set()).update(getattr(route, "methods", set()))
    return found


def test_every_served_kind_has_a_get_and_head_route_named_for_it() -> None:
    routes = _routes()
    for kind in SERVED:
        path = f"/stories/{{story_id}}/{kind.route}"
        assert {"GET", "HEAD"} <= routes[path], path


def test_a_kind_with_no_route_is_never_served() -> None:
    routes = _routes()
    for kind in KINDS:
        if kind.route is None:
            assert not any(
                p.endswith(f"/{kind.file}") or p.endswith(f"/{kind.name}") for p in routes
            )


def test_links_name_the_linked_kinds_and_only_those() -> None:
    links = links_for("abc", "http://127.0.0.1:8000/").model_dump()
    assert list(links) == ["self", "progress", "events", *(k.name for k in LINKED)]
    assert links["captions"] == "http://127.0.0.1:8000/api/v1/stories/abc/captions.vtt"


def test_the_audio_url_appears_once_the_audio_is_stored() -> None:
    story = Story.new(StoryRequest(repository_url="https://github.com/pallets/flask"))
    assert story_out(story, "http://127.0.0.1:8000").audio_url is None
    story.artifacts["audio"] = story_artifact(story.id, "audio")
    assert story_out(story, "http://127.0.0.1:8000").audio_url.endswith(f"/{story.id}/audio")


def test_keys_sit_in_the_story_folder_under_the_kinds_file_name() -> None:
    assert story_artifact("s1", "audio") == "stories/s1/story.mp3"
    assert story_artifact("s1", "speech") == "stories/s1/speech/"
    assert CACHED[-1] is ARTIFACTS["timing"]  # the cache writes it last
    assert len({k.name for k in KINDS}) == len(KINDS) == len({k.file for k in KINDS})


def test_every_operation_has_its_own_id() -> None:
    from codestory.gateway.app import create_app

    document = create_app().openapi()
    ids = [op["operationId"] for path in document["paths"].values() for op in path.values()]
    assert len(ids) == len(set(ids))
    audio = document["paths"]["/api/v1/stories/{story_id}/audio"]
    assert audio["get"]["operationId"] != audio["head"]["operationId"]
