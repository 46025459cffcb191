// codestory's page: submit a repository, follow its progress and log, listen to the story.
// Plain JavaScript served by the gateway itself: no build step and no other host. Every
// text from the server is set with textContent, never parsed as HTML.
"use strict";

const KEY_STORE = "codestory.apiKey";
const PAGE_SIZE = 10;
const FIELDS = ["repository_url", "ref", "since", "style", "expertise_level", "focus_areas"];
const FINAL = new Set(["complete", "failed", "cancelled"]);
const UNREACHABLE = "The gateway is unreachable; retrying…";
const RETRY_FIRST_MS = 300; // retries start quickly and back off to RETRY_MAX_MS
const RETRY_MAX_MS = 2000; // so the page follows a returning gateway within two seconds
const ANSWER_TIMEOUT_MS = 8000; // a frozen gateway accepts connections but never answers
const STALL_GRACE_SECONDS = 3; // beyond the stream's own ping interval
const LIST_REFRESH_MS = 2000; // the list is read again while any story in it runs
// The stages a story goes through, by the step names its progress events carry.
const STAGES = [
  ["queued", "Queued"],
  ["fetch", "Fetch"],
  ["analyse", "Analyse"],
  ["narrate", "Narrate"],
  ["speak", "Speak"],
  ["encode", "Encode"],
  ["upload", "Store"],
];
const RECENT = 5; // stories shown under the form
const VIEWS = {
  "view-new": "new-title",
  "view-story": "story-title",
  "view-list": "list-title",
};
const LABELS = {
  repository_url: "Repository URL",
  ref: "Branch or tag",
  since: "Changes since",
  style: "Style",
  expertise_level: "Listener",
  focus_areas: "Focus areas",
};

const $ = (id) => document.getElementById(id);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let current = null; // the open story: {id, abort, story, status, paused, cues, chapters, ...}
let prefill = null; // a story's request, put back into the form by "Edit and resubmit"
let viewAbort = new AbortController(); // ends the open view's loads, retries and refreshes
let listOffset = 0;

// ---- the API -------------------------------------------------------------------------

function authHeaders(extra = {}) {
  const headers = { ...extra };
  const key = localStorage.getItem(KEY_STORE);
  if (key) headers.Authorization = `Bearer ${key}`;
  return headers;
}

function api(path, options = {}) {
  return fetch(path, { ...options, headers: authHeaders(options.headers), cache: "no-store" });
}

const backoff = (wait) => Math.min(wait * 2, RETRY_MAX_MS);

// A read the view cannot do without, retried while the gateway is away or failing (5xx),
// saying so through onState as the live streams do. Rejects only when the view is left.
async function load(path, { signal, onState }) {
  let wait = RETRY_FIRST_MS;
  for (;;) {
    try {
      const timeout = AbortSignal.timeout(ANSWER_TIMEOUT_MS);
      const response = await api(path, { signal: AbortSignal.any([signal, timeout]) });
      if (response.status < 500) {
        onState("");
        return response;
      }
    } catch (error) {
      if (signal.aborted) throw error;
    }
    onState(UNREACHABLE);
    await sleep(wait);
    if (signal.aborted) throw new DOMException("The view was left", "AbortError");
    wait = backoff(wait);
  }
}

async function detailOf(response) {
  try {
    const body = await response.json();
    if (typeof body.detail === "string") return body.detail;
    if (Array.isArray(body.detail)) return body.detail.map((d) => d.msg).join("; ");
  } catch (_) {
    /* not JSON */
  }
  return `HTTP ${response.status}`;
}

// Server-Sent Events read with fetch: EventSource cannot send an Authorization header.
// Reconnects after a drop, resuming after the last event id the server gave. A stream that
// stays silent longer than its ping interval (X-Heartbeat-Seconds) has stalled: it is
// dropped and reconnected like a broken one.
async function followEvents(path, { lastId, signal, onEvent, onState }) {
  let wait = RETRY_FIRST_MS;
  while (!signal.aborted) {
    const headers = authHeaders({ Accept: "text/event-stream" });
    if (lastId) headers["Last-Event-ID"] = lastId;
    const attempt = new AbortController();
    let timer = setTimeout(() => attempt.abort(), ANSWER_TIMEOUT_MS);
    try {
      const both = AbortSignal.any([signal, attempt.signal]);
      const response = await fetch(path, { headers, signal: both, cache: "no-store" });
      if (!response.ok) {
        if (response.status < 500) {
          clearTimeout(timer);
          onState(`stopped: ${await detailOf(response)}`);
          return;
        }
        throw new Error(`HTTP ${response.status}`);
      }
      onState("");
      wait = RETRY_FIRST_MS;
      const heartbeat = Number(response.headers.get("X-Heartbeat-Seconds")) || 15;
      const stallMs = (heartbeat + STALL_GRACE_SECONDS) * 1000;
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        clearTimeout(timer);
        timer = setTimeout(() => attempt.abort(), stallMs);
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value.replace(/\r\n/g, "\n");
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const frame = { event: "message", data: "", id: null };
          for (const line of block.split("\n")) {
            const colon = line.indexOf(":");
            if (colon <= 0) continue; // a comment (ping) or nothing
            const field = line.slice(0, colon);
            const text = line.slice(colon + 1).replace(/^ /, "");
            if (field === "data") frame.data += text;
            else if (field === "event") frame.event = text;
            else if (field === "id") frame.id = text;
          }
          if (frame.id) lastId = frame.id;
          if (frame.data && onEvent(frame)) {
            clearTimeout(timer);
            return; // the handler says the stream is done
          }
        }
      }
    } catch (error) {
      if (signal.aborted) return;
    } finally {
      clearTimeout(timer);
    }
    onState(UNREACHABLE);
    await sleep(wait);
    wait = backoff(wait);
  }
}

// ---- views -----------------------------------------------------------------------------

// The page's one polite live region: what changed, said once (progress and log stay quiet).
let announced = "";
function announce(text) {
  if (!text || text === announced) return;
  announced = text;
  const region = $("announcer");
  region.textContent = "";
  setTimeout(() => {
    region.textContent = text;
  }, 50); // emptied first, so a screen reader hears a repeated phrase again
}

function name(title) {
  document.title = `${title} · codestory`;
}

// Each view starts at its heading, named in the tab's title, so keyboard and screen-reader
// users land where the view begins instead of at the top of the document.
function show(view, title) {
  for (const id of Object.keys(VIEWS)) $(id).hidden = id !== view;
  name(title);
  $(VIEWS[view]).focus();
}

function route() {
  viewAbort.abort();
  viewAbort = new AbortController();
  if (current) {
    for (const url of [current.audioUrl, current.captionsUrl]) if (url) URL.revokeObjectURL(url);
    current = null;
  }
  announced = "";
  const hash = location.hash || "#/";
  const story = hash.match(/^#\/stories\/([A-Za-z0-9_-]{1,64})$/);
  if (story) {
    show("view-story", "Story");
    openStory(story[1]);
  } else if (hash === "#/stories") {
    show("view-list", "Stories");
    loadList(viewAbort.signal);
  } else {
    if (prefill) fillForm(prefill);
    prefill = null;
    show("view-new", "New story");
    loadRecent(viewAbort.signal);
  }
}

// ---- submitting ------------------------------------------------------------------------

function fillForm(request) {
  const form = $("new-form");
  form.repository_url.value = request.repository_url || "";
  form.ref.value = request.ref || "";
  form.since.value = request.since || "";
  form.style.value = request.style || "overview";
  form.expertise_level.value = request.expertise_level || "intermediate";
  form.focus_areas.value = (request.focus_areas || []).join(", ");
  clearErrors();
}

function clearErrors() {
  for (const field of FIELDS) {
    $(`${field}-error`).textContent = "";
    $(field).removeAttribute("aria-invalid");
  }
  $("form-error").textContent = "";
}

// A validation error in words a person would use: pydantic's phrasing reworded, the
// gateway's own refusals (URL policy, SSH remotes) kept as they are.
function plainError(field, item) {
  const message = String(item.msg || "").replace(/^Value error, /, "");
  const most = message.match(/at most (\d+) (character|item)/);
  const given = message.match(/not (\d+)/);
  if (item.type === "missing" || item.type === "string_too_short") {
    return field === "repository_url"
      ? "Enter the repository's URL, such as https://github.com/owner/project."
      : `${LABELS[field] || "This field"} cannot be empty.`;
  }
  if (item.type === "string_too_long" && most) return `Use at most ${most[1]} characters.`;
  if (item.type === "too_long" && most) {
    return `Give at most ${most[1]}${given ? ` (there are ${given[1]})` : ""}.`;
  }
  if (item.type === "enum" || item.type === "literal_error") return "Choose one of the options.";
  if (/^(is|must|has|should) /.test(message)) return `This ${message}`;
  return message.charAt(0).toUpperCase() + message.slice(1);
}

async function submitStory(event) {
  event.preventDefault();
  clearErrors();
  const form = $("new-form");
  const body = {
    repository_url: form.repository_url.value.trim(),
    ref: form.ref.value.trim() || null,
    since: form.since.value.trim() || null,
    style: form.style.value,
    expertise_level: form.expertise_level.value,
    focus_areas: form.focus_areas.value.split(",").map((s) => s.trim()).filter(Boolean),
  };
  $("submit").disabled = true;
  try {
    const response = await api("/api/v1/stories", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    if (response.status === 202) {
      const accepted = await response.json();
      location.hash = `#/stories/${accepted.id}`;
      return;
    }
    if (response.status === 422) {
      const problem = await response.json();
      const messages = {}; // every field's errors, each field's in one line
      for (const item of problem.detail || []) {
        const loc = item.loc || [];
        const field = FIELDS.find((f) => loc.includes(f)) || "form";
        (messages[field] ||= []).push(plainError(field, item));
      }
      for (const [field, texts] of Object.entries(messages)) {
        $(`${field}-error`).textContent = texts.join(" ");
        if (field !== "form") $(field).setAttribute("aria-invalid", "true");
      }
      const wrong = FIELDS.filter((f) => messages[f]);
      if (wrong.length) {
        $(wrong[0]).focus(); // its error is read with it (aria-describedby)
        const count = wrong.length === 1 ? "One field needs" : `${wrong.length} fields need`;
        announce(`${count} attention: ${wrong.map((f) => LABELS[f]).join(", ")}.`);
      }
      return;
    }
    $("form-error").textContent = await detailOf(response);
  } catch (error) {
    $("form-error").textContent = "The gateway cannot be reached. Try again in a moment.";
  } finally {
    $("submit").disabled = false;
  }
}

// ---- one story -------------------------------------------------------------------------

function repositoryName(url) {
  const parts = url.replace(/[/\\]+$/, "").replace(/\.git$/, "").split(/[/\\:]/);
  return parts[parts.length - 1] || url;
}

function showStory(story) {
  const title = story.title || repositoryName(story.repository_url);
  $("story-title").textContent = title;
  name(title);
  const facts = [story.repository_url];
  // A digest names its range: what changed from `since` to `ref`.
  if (story.since) {
    const commits = story.since_commits == null ? "" : `, ${story.since_commits} commit${story.since_commits === 1 ? "" : "s"}`;
    facts.push(`changes ${story.since} → ${story.ref || "latest"}${commits}`);
  }
  if (story.duration_seconds) facts.push(clock(story.duration_seconds));
  if (story.chapters && story.chapters.length) facts.push(`${story.chapters.length} chapters`);
  $("story-repo").textContent = facts.join(" · ");
}

function showProgress(event) {
  const mine = current;
  if (!mine) return;
  const final = FINAL.has(event.status);
  mine.status = event.status;
  if (event.step === "pausing" || event.step === "paused") mine.paused = true;
  else if (event.step === "resumed" || final) mine.paused = false;
  // One status line: what it is doing, how far, in words; the bar only while it runs.
  $("story-progress").value = event.percent;
  $("story-progress").hidden = final;
  $("story-status").textContent = event.status;
  $("story-status").dataset.status = event.status;
  const step = event.step && event.step !== event.status ? event.step : "";
  $("story-step").textContent = !final && step ? `· ${step}` : "";
  $("story-percent").textContent = final ? "" : `· ${Math.round(event.percent)}%`;
  const said = event.status === "complete" || event.status === "failed" ? "" : event.message;
  $("story-message").textContent = said ? `· ${said}` : "";
  $("story-failure").textContent = event.status === "failed" ? event.message : "";
  showControls();
  noteStage(mine, event);
  announce(`The story is ${event.status}${mine.paused ? ", paused" : ""}.`);
}

// ---- stages: each one's start from the first event naming it ---------------------------

function noteStage(mine, event) {
  if (FINAL.has(event.status)) {
    clearInterval(mine.ticker);
    $("story-stages").hidden = true;
    return;
  }
  if (STAGES.some(([step]) => step === event.step)) {
    // The earliest event naming a stage: a snapshot shown first may be from its middle.
    const at = event.at || Date.now() / 1000;
    mine.stageStarts[event.step] = Math.min(mine.stageStarts[event.step] ?? at, at);
  }
  mine.stage = event.step in mine.stageStarts ? event.step : mine.stage;
  $("story-stages").hidden = false;
  if (!mine.ticker) mine.ticker = setInterval(() => showStages(mine), 1000);
  showStages(mine);
}

function took(seconds) {
  const s = Math.max(0, seconds);
  return s < 60 ? `${s.toFixed(1)} s` : clock(s);
}

function showStages(mine) {
  if (mine !== current || mine.signal.aborted) {
    clearInterval(mine.ticker);
    return;
  }
  const now = Date.now() / 1000;
  const starts = STAGES.map(([step]) => mine.stageStarts[step]);
  const items = STAGES.map(([step, label], index) => {
    const item = document.createElement("li");
    item.textContent = label;
    const start = starts[index];
    if (start === undefined) return item;
    const next = starts.slice(index + 1).find((t) => t !== undefined);
    const running = step === mine.stage && next === undefined;
    item.className = running ? "current" : "done";
    if (running) item.setAttribute("aria-current", "step");
    const time = document.createElement("span");
    time.className = "took";
    time.textContent = took((running ? now : next) - start);
    item.append(time);
    return item;
  });
  $("stages").replaceChildren(...items);
  const created = mine.story ? mine.story.created_at : now;
  $("story-elapsed").textContent = `Elapsed ${clock(Math.max(0, now - created))}`;
}

function showControls() {
  const mine = current;
  const running = Boolean(mine.status) && !FINAL.has(mine.status);
  $("story-pause").hidden = !running || mine.paused;
  $("story-resume").hidden = !running || !mine.paused;
  $("story-cancel").hidden = !running;
  $("story-edit").hidden = !(mine.status === "failed" || mine.status === "cancelled");
  $("story-retry").hidden = mine.status !== "failed";
}

async function openStory(id) {
  const signal = viewAbort.signal;
  current = {
    id, signal, story: null, status: null, paused: false, cues: [], chapters: [],
    stageStarts: {}, stage: null, ticker: null,
  };
  const mine = current;
  for (const field of ["story-repo", "story-message", "story-failure", "story-connection"]) {
    $(field).textContent = "";
  }
  $("story-action-error").textContent = "";
  $("story-title").textContent = "Story";
  $("player").hidden = true;
  $("story-progress").hidden = false;
  $("story-stages").hidden = true;
  $("log-section").open = true;
  for (const button of $("story-controls").children) button.hidden = true;
  $("log").replaceChildren();
  const state = (text) => {
    $("story-connection").textContent = text;
    announce(text);
  };
  let response;
  try {
    response = await load(`/api/v1/stories/${id}`, { signal, onState: state });
  } catch (_) {
    return; // left for another view
  }
  if (!response.ok) {
    $("story-failure").textContent = await detailOf(response);
    return;
  }
  const story = await response.json();
  mine.story = story;
  mine.paused = story.pause != null;
  showStory(story);
  // Progress events expire before the record does: the record still says where it ended.
  const snapshot = story.progress || {
    status: story.status,
    step: story.status,
    percent: story.status === "complete" ? 100 : 0,
    message: story.failure_reason || `The story is ${story.status}`,
    seq: 0,
  };
  showProgress(snapshot);
  // Progress is read from its first event, so every stage's start is known, even after a
  // reload; the events already shown are shown again, briefly.
  const lastSeq = "0";
  if (FINAL.has(snapshot.status)) {
    finished(mine, snapshot.status);
  } else {
    followEvents(`/api/v1/stories/${id}/events`, {
      lastId: lastSeq,
      signal,
      onState: state,
      onEvent: (frame) => {
        if (frame.event !== "progress") return false;
        const event = JSON.parse(frame.data);
        showProgress(event);
        if (FINAL.has(event.status)) {
          finished(mine, event.status);
          return true;
        }
        return false;
      },
    });
  }
  followEvents(`/api/v1/stories/${id}/logs?follow=true`, {
    lastId: null,
    signal,
    onState: () => {},
    onEvent: (frame) => {
      if (frame.event === "log") addLogLine(JSON.parse(frame.data));
      return frame.event === "end";
    },
  });
}

function addLogLine(line) {
  const log = $("log");
  const atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 8;
  const row = document.createElement("div");
  row.className = `line ${line.level}`;
  const parts = [
    ["time", line.time.slice(11, 23)],
    ["level", line.level],
    ["service", line.service],
    ["step", line.step || "-"],
    ["message", line.message + (line.error_type ? ` [${line.error_type}]` : "")],
  ];
  for (const [part, text] of parts) {
    const cell = document.createElement("span");
    cell.className = part;
    cell.textContent = text;
    row.append(cell);
  }
  if (line.traceback) {
    const trace = document.createElement("pre");
    trace.textContent = line.traceback;
    row.append(trace);
  }
  log.append(row);
  if (atBottom) log.scrollTop = log.scrollHeight;
}

async function finished(mine, status) {
  if (mine !== current) return;
  // A finished story leads with what it made; the log is there for a failure.
  $("log-section").open = status !== "complete";
  if (status !== "complete") return;
  const state = (text) => {
    $("story-connection").textContent = text;
  };
  let response;
  try {
    response = await load(`/api/v1/stories/${mine.id}`, { signal: mine.signal, onState: state });
  } catch (_) {
    return;
  }
  if (!response.ok || mine !== current) return;
  mine.story = await response.json();
  showStory(mine.story);
  await loadPlayer(mine);
}

// The story's controls: each answers with the story's record, and focus moves to the button
// that takes the place of the one pressed.
async function control(method, action, then) {
  const mine = current;
  if (!mine) return;
  $("story-action-error").textContent = "";
  let response;
  try {
    response = await api(`/api/v1/stories/${mine.id}${action}`, { method });
  } catch (_) {
    $("story-action-error").textContent = "The gateway cannot be reached. Try again in a moment.";
    return;
  }
  if (mine !== current) return;
  if (!response.ok) {
    $("story-action-error").textContent = await detailOf(response);
    return;
  }
  const story = await response.json();
  mine.paused = story.pause != null;
  if (FINAL.has(story.status) && !FINAL.has(mine.status)) {
    const message = story.failure_reason || `The story is ${story.status}`;
    showProgress({ status: story.status, step: story.status, percent: 0, message });
    finished(mine, story.status);
  } else {
    showControls();
    announce(`The story is ${story.status}${mine.paused ? ", paused" : ""}.`);
  }
  $(then).focus();
}

function editAndResubmit() {
  if (!current || !current.story) return;
  prefill = current.story;
  location.hash = "#/";
}

// ---- the player --------------------------------------------------------------------------

function parseVtt(text) {
  const cues = [];
  const stamp = (s) => {
    const parts = s.trim().split(":").map(Number);
    return parts.reduce((total, part) => total * 60 + part, 0);
  };
  for (const block of text.replace(/\r\n/g, "\n").split("\n\n")) {
    const lines = block.split("\n");
    const timing = lines.findIndex((l) => l.includes("-->"));
    if (timing < 0) continue;
    const [start, end] = lines[timing].split("-->");
    cues.push({ start: stamp(start), end: stamp(end.trim().split(" ")[0]), text: lines.slice(timing + 1).join(" ") });
  }
  return cues;
}

function seek(seconds, play) {
  const audio = $("audio");
  audio.currentTime = seconds + 0.01;
  if (play) audio.play().catch(() => {});
}

// Activated by click, Enter or Space, as a button is.
function activate(element, action) {
  element.addEventListener("click", action);
  element.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      action();
    }
  });
}

async function loadPlayer(mine) {
  const base = `/api/v1/stories/${mine.id}`;
  const audio = $("audio");
  const key = localStorage.getItem(KEY_STORE);
  // The audio element cannot send a header: with a key it reads the feed's keyed link,
  // which the gateway checks as it checks the header, so the player still streams and seeks.
  const source = key ? `/api/v1/feed/${encodeURIComponent(key)}/stories/${mine.id}/story.mp3` : `${base}/audio`;
  audio.replaceChildren();
  audio.src = source;
  $("download-audio").href = source;
  $("download-audio").download = `${mine.id}-story.mp3`;
  const chapters = $("chapters");
  chapters.replaceChildren();
  mine.chapters = mine.story.chapters || [];
  for (const chapter of mine.chapters) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    // A reused chapter's words (and audio) are an earlier telling's: nothing changed there.
    const reused = chapter.reused ? ", unchanged since the last telling" : "";
    button.textContent = `${chapter.title} (${clock(chapter.start_seconds)}${reused})`;
    button.addEventListener("click", () => seek(chapter.start_seconds, true));
    item.append(button);
    chapters.append(item);
  }
  $("player").hidden = false;
  let captions = "";
  try {
    const response = await api(`${base}/captions.vtt`, { signal: mine.signal });
    if (response.ok) captions = await response.text();
  } catch (_) {
    /* the transcript stays empty; the audio plays */
  }
  if (mine !== current) return;
  mine.cues = parseVtt(captions);
  if (captions) {
    // A captions track for players and assistive tools, from the text already fetched.
    mine.captionsUrl = URL.createObjectURL(new Blob([captions], { type: "text/vtt" }));
    const track = document.createElement("track");
    Object.assign(track, { kind: "captions", label: "English", srclang: "en", src: mine.captionsUrl });
    audio.append(track);
  }
  showTranscript(mine);
  highlight();
}

// The transcript by chapter, each sentence a control that plays from where it is said.
function showTranscript(mine) {
  const transcript = $("transcript");
  transcript.replaceChildren();
  mine.sentences = [];
  let shown = -2;
  let paragraph = null;
  for (const cue of mine.cues) {
    let chapter = -1;
    mine.chapters.forEach((c, index) => {
      if (c.start_seconds <= cue.start + 0.05) chapter = index;
    });
    if (chapter !== shown || !paragraph) {
      shown = chapter;
      if (chapter >= 0) {
        const heading = document.createElement("h3");
        heading.textContent = mine.chapters[chapter].title;
        transcript.append(heading);
      }
      paragraph = document.createElement("p");
      transcript.append(paragraph);
    }
    const sentence = document.createElement("span");
    sentence.className = "cue";
    sentence.tabIndex = 0;
    sentence.setAttribute("role", "button");
    sentence.textContent = cue.text;
    activate(sentence, () => seek(cue.start, true));
    paragraph.append(sentence, " ");
    mine.sentences.push(sentence);
  }
}

function clock(seconds) {
  const whole = Math.floor(seconds);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

function highlight() {
  if (!current || !current.sentences) return;
  const now = $("audio").currentTime;
  const items = $("chapters").children;
  current.chapters.forEach((chapter, index) => {
    const on = now >= chapter.start_seconds && now < chapter.start_seconds + chapter.duration_seconds;
    items[index].classList.toggle("current", on);
    if (on) items[index].setAttribute("aria-current", "true");
    else items[index].removeAttribute("aria-current");
  });
  current.cues.forEach((cue, index) => {
    const sentence = current.sentences[index];
    const on = now >= cue.start && now < cue.end;
    // The transcript scrolls with the voice unless the listener turned that off to read.
    const follow = $("follow-voice").checked;
    if (on && follow && !sentence.classList.contains("current")) sentence.scrollIntoView({ block: "nearest" });
    sentence.classList.toggle("current", on);
  });
}

async function download(file) {
  if (!current) return;
  const response = await api(`/api/v1/stories/${current.id}/${file}`);
  if (!response.ok) {
    $("story-action-error").textContent = await detailOf(response);
    return;
  }
  const link = document.createElement("a");
  link.href = URL.createObjectURL(await response.blob());
  const disposition = response.headers.get("Content-Disposition") || "";
  const named = disposition.match(/filename="([^"]+)"/);
  link.download = named ? named[1] : file;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}

async function retryStory() {
  if (!current) return;
  const response = await api(`/api/v1/admin/stories/${current.id}/retry`, { method: "POST" });
  if (response.status === 202) {
    route(); // follow it again from where it is now
    return;
  }
  $("story-action-error").textContent =
    response.status === 401 ? "Only the admin can retry a story." : await detailOf(response);
}

// ---- the list ----------------------------------------------------------------------------

let listShown = ""; // what the table shows, so an unchanged refresh leaves it (and focus) alone
let listTimer = null;
let listReads = 0; // only the latest read of the list may draw it

async function loadList(signal) {
  clearTimeout(listTimer);
  const read = ++listReads;
  const state = (text) => {
    $("list-connection").textContent = text;
  };
  let response;
  try {
    const path = `/api/v1/stories?offset=${listOffset}&limit=${PAGE_SIZE}`;
    response = await load(path, { signal, onState: state });
  } catch (_) {
    return; // left for another view
  }
  if (!response.ok) {
    if (read === listReads) $("list-error").textContent = await detailOf(response);
    return;
  }
  const page = await response.json();
  if (signal.aborted || read !== listReads) return;
  $("list-error").textContent = "";
  // While any story here is unfinished, read the list again: its rows change on their own.
  if (page.items.some((story) => !FINAL.has(story.status))) {
    listTimer = setTimeout(() => loadList(signal), LIST_REFRESH_MS);
  }
  const shown = JSON.stringify([listOffset, page.total, page.items.map((s) => [s.id, s.status, s.title, s.duration_seconds])]);
  if (shown === listShown) return;
  listShown = shown;
  const rows = $("list-rows");
  rows.replaceChildren();
  for (const story of page.items) {
    const row = document.createElement("tr");
    const status = document.createElement("td");
    status.textContent = story.status;
    status.className = "status";
    status.dataset.status = story.status;
    const repo = document.createElement("td");
    const link = document.createElement("a");
    link.href = `#/stories/${story.id}`;
    link.textContent = story.title ? `${story.title} — ${story.repository_url}` : story.repository_url;
    repo.append(link);
    const length = document.createElement("td");
    length.textContent = story.duration_seconds ? clock(story.duration_seconds) : "-";
    const created = document.createElement("td");
    created.textContent = new Date(story.created_at * 1000).toLocaleString();
    row.append(status, repo, length, created);
    rows.append(row);
  }
  $("list-empty").hidden = page.total > 0;
  const last = Math.min(page.offset + page.items.length, page.total);
  $("list-page").textContent = page.total ? `${page.offset + 1}–${last} of ${page.total}` : "";
  $("list-prev").disabled = page.offset === 0;
  $("list-next").disabled = last >= page.total;
}

// ---- the API key -------------------------------------------------------------------------

function showKeyState() {
  const saved = Boolean(localStorage.getItem(KEY_STORE));
  $("key-state").textContent = saved ? "A key is saved in this browser." : "No key saved.";
  $("key-badge").hidden = !saved;
}

// The latest few stories under the form, to go back to one.
async function loadRecent(signal) {
  let page;
  try {
    const response = await api(`/api/v1/stories?offset=0&limit=${RECENT}`, { signal });
    if (!response.ok) return;
    page = await response.json();
  } catch (_) {
    return; // the form works without them
  }
  if (signal.aborted) return;
  const items = page.items.map((story) => {
    const item = document.createElement("li");
    const status = document.createElement("span");
    status.className = "status";
    status.dataset.status = story.status;
    status.textContent = story.status;
    const link = document.createElement("a");
    link.href = `#/stories/${story.id}`;
    link.textContent = story.title || repositoryName(story.repository_url);
    item.append(status, link);
    return item;
  });
  $("recent-list").replaceChildren(...items);
  $("recent").hidden = items.length === 0;
}

function closeKey() {
  $("key-details").open = false;
}

function setUp() {
  $("new-form").addEventListener("submit", submitStory);
  $("key-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const key = $("api-key").value.trim();
    if (key) localStorage.setItem(KEY_STORE, key);
    $("api-key").value = "";
    showKeyState();
    closeKey();
    route();
  });
  $("key-forget").addEventListener("click", () => {
    localStorage.removeItem(KEY_STORE);
    showKeyState();
    closeKey();
    route();
  });
  $("key-details").addEventListener("keydown", (event) => {
    if (event.key === "Escape" && $("key-details").open) {
      event.preventDefault();
      closeKey();
      $("key-details").querySelector("summary").focus();
    }
  });
  $("audio").addEventListener("timeupdate", highlight);
  $("audio").addEventListener("seeked", highlight);
  $("story-retry").addEventListener("click", retryStory);
  $("story-pause").addEventListener("click", () => control("POST", "/pause", "story-resume"));
  $("story-resume").addEventListener("click", () => control("POST", "/resume", "story-pause"));
  $("story-cancel").addEventListener("click", () => control("DELETE", "", "story-edit"));
  $("story-edit").addEventListener("click", editAndResubmit);
  for (const button of document.querySelectorAll("[data-download]")) {
    button.addEventListener("click", () => download(button.dataset.download));
  }
  $("list-prev").addEventListener("click", () => {
    listOffset = Math.max(0, listOffset - PAGE_SIZE);
    loadList(viewAbort.signal);
  });
  $("list-next").addEventListener("click", () => {
    listOffset += PAGE_SIZE;
    loadList(viewAbort.signal);
  });
  window.addEventListener("hashchange", route);
  showKeyState();
  route();
}

setUp();
