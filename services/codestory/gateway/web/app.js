// codestory's page: submit a repository, follow its progress and log, listen to the story.
// Plain JavaScript served by the gateway itself: no build step and no other host. Every
// text from the server is set with textContent, never parsed as HTML.
"use strict";

const KEY_STORE = "codestory.apiKey";
const PAGE_SIZE = 10;
const FIELDS = ["repository_url", "ref", "style", "expertise_level", "focus_areas"];
const FINAL = new Set(["complete", "failed", "cancelled"]);
const UNREACHABLE = "The gateway is unreachable; retrying…";
const RETRY_FIRST_MS = 300; // retries start quickly and back off to RETRY_MAX_MS
const RETRY_MAX_MS = 2000; // so the page follows a returning gateway within two seconds
const ANSWER_TIMEOUT_MS = 8000; // a frozen gateway accepts connections but never answers
const STALL_GRACE_SECONDS = 3; // beyond the stream's own ping interval
const LIST_REFRESH_MS = 2000; // the list is read again while any story in it runs

const $ = (id) => document.getElementById(id);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let current = null; // the open story: {id, abort, story, cues, chapters, audioUrl}
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

function show(view) {
  for (const id of ["view-new", "view-story", "view-list"]) $(id).hidden = id !== view;
}

function route() {
  viewAbort.abort();
  viewAbort = new AbortController();
  if (current) {
    current.abort.abort();
    if (current.audioUrl) URL.revokeObjectURL(current.audioUrl);
    current = null;
  }
  const hash = location.hash || "#/";
  const story = hash.match(/^#\/stories\/([A-Za-z0-9_-]{1,64})$/);
  if (story) {
    show("view-story");
    openStory(story[1]);
  } else if (hash === "#/stories") {
    show("view-list");
    loadList(viewAbort.signal);
  } else {
    show("view-new");
    $("repository_url").focus();
  }
}

// ---- submitting ------------------------------------------------------------------------

function clearErrors() {
  for (const field of FIELDS) {
    $(`${field}-error`).textContent = "";
    $(field).removeAttribute("aria-invalid");
  }
  $("form-error").textContent = "";
}

async function submitStory(event) {
  event.preventDefault();
  clearErrors();
  const form = $("new-form");
  const body = {
    repository_url: form.repository_url.value.trim(),
    ref: form.ref.value.trim() || null,
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
      for (const item of problem.detail || []) {
        const field = (item.loc || [])[1];
        const target = FIELDS.includes(field) ? $(`${field}-error`) : $("form-error");
        target.textContent = item.msg;
        if (FIELDS.includes(field)) $(field).setAttribute("aria-invalid", "true");
      }
      const first = FIELDS.find((f) => $(f).getAttribute("aria-invalid"));
      if (first) $(first).focus();
      return;
    }
    $("form-error").textContent = await detailOf(response);
  } catch (error) {
    $("form-error").textContent = "The gateway cannot be reached.";
  } finally {
    $("submit").disabled = false;
  }
}

// ---- one story -------------------------------------------------------------------------

function showProgress(event) {
  $("story-progress").value = event.percent;
  $("story-status").textContent = event.status;
  $("story-status").dataset.status = event.status;
  $("story-step").textContent = event.step && event.step !== event.status ? `· ${event.step}` : "";
  $("story-percent").textContent = `· ${Math.round(event.percent)}%`;
  $("story-message").textContent = event.message;
  $("story-failure").textContent = event.status === "failed" ? `Failed: ${event.message}` : "";
  $("story-retry").hidden = event.status !== "failed";
}

async function openStory(id) {
  const abort = new AbortController();
  current = { id, abort, story: null, cues: [], chapters: [], audioUrl: null };
  const mine = current;
  for (const field of ["story-repo", "story-message", "story-failure", "story-connection"]) {
    $(field).textContent = "";
  }
  $("story-title").textContent = "Story";
  $("player").hidden = true;
  $("story-retry").hidden = true;
  $("log").replaceChildren();
  const state = (text) => {
    $("story-connection").textContent = text;
  };
  let response;
  try {
    response = await load(`/api/v1/stories/${id}`, { signal: abort.signal, onState: state });
  } catch (_) {
    return; // left for another view
  }
  if (!response.ok) {
    $("story-failure").textContent = await detailOf(response);
    return;
  }
  const story = await response.json();
  mine.story = story;
  $("story-title").textContent = story.title || "Story";
  $("story-repo").textContent = story.repository_url;
  // Progress events expire before the record does: the record still says where it ended.
  const snapshot = story.progress || {
    status: story.status,
    step: story.status,
    percent: story.status === "complete" ? 100 : 0,
    message: story.failure_reason || `The story is ${story.status}`,
    seq: 0,
  };
  showProgress(snapshot);
  // Progress resumes from the snapshot just shown: only later events are sent.
  const lastSeq = snapshot.seq ? String(snapshot.seq) : null;
  if (FINAL.has(snapshot.status)) {
    finished(mine, snapshot.status);
  } else {
    followEvents(`/api/v1/stories/${id}/events`, {
      lastId: lastSeq,
      signal: abort.signal,
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
    signal: abort.signal,
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
  for (const [name, text] of parts) {
    const cell = document.createElement("span");
    cell.className = name;
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
  if (status !== "complete" || mine !== current) return;
  const state = (text) => {
    $("story-connection").textContent = text;
  };
  let response;
  try {
    response = await load(`/api/v1/stories/${mine.id}`, { signal: mine.abort.signal, onState: state });
  } catch (_) {
    return;
  }
  if (!response.ok || mine !== current) return;
  mine.story = await response.json();
  $("story-title").textContent = mine.story.title || "Story";
  await loadPlayer(mine);
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

async function loadPlayer(mine) {
  const base = `/api/v1/stories/${mine.id}`;
  const audio = $("audio");
  if (localStorage.getItem(KEY_STORE)) {
    // With an API key the audio element cannot send it: fetch the file, play it from memory.
    const response = await api(`${base}/audio`);
    if (!response.ok || mine !== current) return;
    mine.audioUrl = URL.createObjectURL(await response.blob());
    audio.src = mine.audioUrl;
  } else {
    audio.src = `${base}/audio`; // streamed, with range requests for seeking
  }
  const chapters = $("chapters");
  chapters.replaceChildren();
  mine.chapters = mine.story.chapters || [];
  for (const chapter of mine.chapters) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = `${chapter.title} (${clock(chapter.start_seconds)})`;
    button.addEventListener("click", () => {
      audio.currentTime = chapter.start_seconds + 0.01;
      audio.play().catch(() => {});
    });
    item.append(button);
    chapters.append(item);
  }
  const captions = await api(`${base}/captions.vtt`);
  mine.cues = captions.ok ? parseVtt(await captions.text()) : [];
  const transcript = $("transcript");
  transcript.replaceChildren();
  for (const cue of mine.cues) {
    const span = document.createElement("span");
    span.textContent = `${cue.text} `;
    span.addEventListener("click", () => {
      audio.currentTime = cue.start + 0.01;
    });
    transcript.append(span);
  }
  $("player").hidden = false;
  highlight();
}

function clock(seconds) {
  const whole = Math.floor(seconds);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

function highlight() {
  if (!current) return;
  const now = $("audio").currentTime;
  const items = $("chapters").children;
  current.chapters.forEach((chapter, index) => {
    const on = now >= chapter.start_seconds && now < chapter.start_seconds + chapter.duration_seconds;
    items[index].classList.toggle("current", on);
    if (on) items[index].setAttribute("aria-current", "true");
    else items[index].removeAttribute("aria-current");
  });
  const spans = $("transcript").children;
  current.cues.forEach((cue, index) => {
    const on = now >= cue.start && now < cue.end;
    if (on && !spans[index].classList.contains("current")) {
      spans[index].scrollIntoView({ block: "nearest" });
    }
    spans[index].classList.toggle("current", on);
  });
}

async function download(name) {
  if (!current) return;
  const response = await api(`/api/v1/stories/${current.id}/${name}`);
  if (!response.ok) {
    $("story-connection").textContent = await detailOf(response);
    return;
  }
  const link = document.createElement("a");
  link.href = URL.createObjectURL(await response.blob());
  const disposition = response.headers.get("Content-Disposition") || "";
  const named = disposition.match(/filename="([^"]+)"/);
  link.download = named ? named[1] : name;
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
  $("story-failure").textContent =
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
}

function setUp() {
  $("new-form").addEventListener("submit", submitStory);
  $("key-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const key = $("api-key").value.trim();
    if (key) localStorage.setItem(KEY_STORE, key);
    $("api-key").value = "";
    showKeyState();
    route();
  });
  $("key-forget").addEventListener("click", () => {
    localStorage.removeItem(KEY_STORE);
    showKeyState();
    route();
  });
  $("audio").addEventListener("timeupdate", highlight);
  $("audio").addEventListener("seeked", highlight);
  $("story-retry").addEventListener("click", retryStory);
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
