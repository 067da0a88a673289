// TriageBot playground: plain JavaScript, no build step. Every action goes through /playground/api/*, which calls the
// same engine use cases and storage as the Slack and Teams adapters (tenant "local"). User text is only ever set with
// textContent, never as HTML.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { org: null, card: null, leadId: null };

const OUTCOME = { take: "Take", redirect: "Redirect", clarify: "Clarify" };
const STATUS = { open: "Open", taken: "Taken", redirected: "Redirected", clarified: "Asked for details", dropped: "Dropped", done: "Done" };
const VALUE = { yes: "Yes", no: "No", unsure: "Unsure", long: "Long", short: "Short" };

async function api(method, path, body) {
  const init = { method, headers: { Accept: "application/json" } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch("/playground/api" + path, init);
  } catch {
    throw new Error("The bot is not reachable. Is it still running?");
  }
  let json = null;
  try { json = await response.json(); } catch { /* empty or not JSON */ }
  if (!response.ok) {
    throw new Error((json && json.error) || `The bot answered ${response.status}.`);
  }
  return json;
}

function showError(message) {
  const box = $("error");
  box.textContent = message;
  box.hidden = false;
}

function clearError() {
  $("error").hidden = true;
  $("error").textContent = "";
}

async function guarded(button, action) {
  clearError();
  if (button) button.disabled = true;
  $("result").setAttribute("aria-busy", "true");
  try {
    await action();
  } catch (e) {
    showError(e.message);
  } finally {
    if (button) button.disabled = false;
    $("result").setAttribute("aria-busy", "false");
  }
}

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function option(value, label) {
  const o = document.createElement("option");
  o.value = value;
  o.textContent = label;
  return o;
}

function hours(h) {
  return (Math.round(h * 10) / 10).toString() + " h";
}

// ---------- tabs ----------
function setupTabs() {
  const tabs = Array.from(document.querySelectorAll('[role="tab"]'));
  const select = (tab, focus) => {
    for (const t of tabs) {
      const selected = t === tab;
      t.setAttribute("aria-selected", String(selected));
      t.tabIndex = selected ? 0 : -1;
      $(t.getAttribute("aria-controls")).hidden = !selected;
    }
    if (focus) tab.focus();
    if (tab.id === "tab-digest" && $("digest").hidden) loadDigest();
  };
  tabs.forEach((tab, i) => {
    tab.addEventListener("click", () => select(tab, false));
    tab.addEventListener("keydown", (e) => {
      let next = null;
      if (e.key === "ArrowRight") next = tabs[(i + 1) % tabs.length];
      if (e.key === "ArrowLeft") next = tabs[(i - 1 + tabs.length) % tabs.length];
      if (e.key === "Home") next = tabs[0];
      if (e.key === "End") next = tabs[tabs.length - 1];
      if (next) { e.preventDefault(); select(next, true); }
    });
  });
}

// ---------- org ----------
async function loadOrg() {
  const org = await api("GET", "/org");
  state.org = org;
  const leads = org.people.filter((p) => p.isLead);
  const lead = $("lead"), digestLead = $("digest-lead"), requester = $("requester");
  lead.replaceChildren(); digestLead.replaceChildren(); requester.replaceChildren();
  for (const p of leads) {
    const label = `${p.name}${p.teamName ? " · " + p.teamName : ""}`;
    lead.append(option(p.id, label));
    digestLead.append(option(p.id, label));
  }
  for (const p of org.people) requester.append(option(p.id, `${p.name} (${p.level})`));
  requester.append(option("outsider-1", "Someone outside the org"));
  const firstNonLead = org.people.find((p) => !p.isLead);
  if (firstNonLead) requester.value = firstNonLead.id;
  state.leadId = lead.value;
  renderOrg(org);
  if (leads.length === 0) {
    showError("The org has no Leads (level lead, staff or principal). Open the Org tab to see the problems.");
  }
}

function renderOrg(org) {
  $("org-source").textContent = org.source;
  const problems = $("org-problems");
  problems.replaceChildren();
  if (org.problems.length === 0) {
    problems.append(el("p", `No problems: ${org.topics.length} topics, ${org.people.length} people, ${org.teams.length} teams.`, "ok"));
  } else {
    problems.append(el("p", `${org.problems.length} problem(s) — fix them in the file; it reloads on save.`, "problem"));
    const list = el("ul");
    for (const p of org.problems) list.append(el("li", (p.line > 0 ? `line ${p.line}: ` : "") + p.message, "problem"));
    problems.append(list);
  }
  const topics = $("org-topics"); topics.replaceChildren();
  for (const t of org.topics) {
    const tr = el("tr");
    tr.append(el("td", t.name), el("td", t.keywords.slice(0, 6).join(", ") + (t.keywords.length > 6 ? "…" : ""), "small"));
    topics.append(tr);
  }
  const people = $("org-people"); people.replaceChildren();
  for (const p of org.people) {
    const tr = el("tr");
    const name = el("td", p.name);
    if (p.isLead) name.append(el("span", " · Lead", "small muted"));
    tr.append(name, el("td", p.level), el("td", p.teamName || "–", "small"),
      el("td", p.skills.slice(0, 3).map((s) => `${s.topicName} ${s.level}`).join(", "), "small"));
    people.append(tr);
  }
  const teams = $("org-teams"); teams.replaceChildren();
  for (const t of org.teams) {
    const tr = el("tr");
    const name = el("td", t.name);
    if (t.service) name.append(el("span", " · service", "small muted"));
    tr.append(name, el("td", t.topics.join(", "), "small"), el("td", t.intake || "–", "small"));
    teams.append(tr);
  }
}

async function loadWeek() {
  const leadId = $("lead").value;
  if (!leadId) return;
  try {
    const home = await api("GET", `/leads/${encodeURIComponent(leadId)}/home`);
    const pct = home.budgetHours > 0 ? Math.min(100, (home.hoursSpent / home.budgetHours) * 100) : 0;
    $("week-label").textContent = `${home.leadName}'s week ${home.isoWeek}`;
    $("week-text").textContent = `${hours(home.hoursSpent)} of ${hours(home.budgetHours)} help budget`;
    $("week-meter").style.width = pct + "%";
    $("week-meter").classList.toggle("over", home.hoursSpent > home.budgetHours);
    $("week-meter-wrap").setAttribute("aria-label", `${hours(home.hoursSpent)} of ${hours(home.budgetHours)} help budget used this week`);
  } catch (e) {
    $("week-text").textContent = e.message;
  }
}

// ---------- triage card ----------
function renderCard(card) {
  state.card = card;
  $("placeholder").hidden = true;
  $("card").hidden = false;
  const badge = $("badge");
  badge.textContent = OUTCOME[card.outcome] || card.outcome;
  badge.className = "badge " + card.outcome;
  $("status").textContent = `Status: ${STATUS[card.status] || card.status} · decision v${card.version}`;
  $("headline").textContent = card.headline;
  $("summary").textContent = card.summary;
  $("requester-name").textContent = card.requesterName;
  $("excerpt").textContent = card.requestExcerpt;
  $("topics").textContent = card.topics.length ? card.topics.join(", ") : "none understood";
  $("repeat").hidden = !card.repeatNotice;
  $("repeat").textContent = card.repeatNotice || "";
  $("howto").hidden = !card.howToHelp;
  $("howto").textContent = card.howToHelp ? "How to help: " + card.howToHelp : "";
  $("rule").textContent = "Rule: " + card.ruleText;

  // Why this topic, and teaching the bot: the clarify guesses as buttons and a topic picker.
  const evidence = $("evidence");
  evidence.replaceChildren();
  const sure = card.topicConfidence != null ? ` (${Math.round(card.topicConfidence * 100)}% sure)` : "";
  if (card.topicEvidence.length) evidence.append(el("li", `${card.topics[0]}${sure}:`));
  for (const line of card.topicEvidence) evidence.append(el("li", line));
  evidence.hidden = card.topicEvidence.length === 0;
  $("learned").hidden = !card.learnedNote;
  $("learned").textContent = card.learnedNote || "";
  const canTeach = card.actions.includes("correctTopic");
  const guesses = $("guesses");
  guesses.replaceChildren();
  for (const g of card.guesses) {
    const b = el("button", `It's about ${g.name}`);
    b.type = "button";
    b.addEventListener("click", () => correctTopic(g.id, b));
    guesses.append(b);
  }
  const pick = $("topic-pick");
  pick.replaceChildren();
  for (const t of card.topicChoices) pick.append(option(t.id, t.name));
  $("topic-pick-label").textContent = card.correctTopicLabel || "Pick the topic";
  $("teach").hidden = !canTeach;

  const answers = $("answers");
  answers.replaceChildren();
  const canOverride = card.actions.includes("override");
  for (const a of card.answers) {
    const tr = el("tr");
    const q = el("td", a.label);
    const v = el("td");
    const select = document.createElement("select");
    select.id = "answer-" + a.question;
    select.setAttribute("aria-label", `${a.label} — answer (change to override)`);
    select.append(option(a.value, VALUE[a.value] || a.valueText));
    for (const c of a.choices) if (c !== a.value) select.append(option(c, VALUE[c] || c));
    select.value = a.value;
    select.disabled = !canOverride;
    select.addEventListener("change", () => overrideAnswer(a.question, select.value, select));
    v.append(select);
    if (a.overridden) v.append(el("span", "set by you", "overridden"));
    tr.append(q, v, el("td", a.why));
    answers.append(tr);
  }

  const owners = $("owners");
  owners.replaceChildren();
  const ownerSelect = $("redirect-owner");
  ownerSelect.replaceChildren();
  for (const o of card.owners) {
    const li = el("li");
    li.append(el("strong", o.name));
    if (o.intake) li.append(el("span", ` · ${o.intake}`, "small"));
    li.append(el("div", o.why, "small muted"));
    owners.append(li);
    ownerSelect.append(option(o.id, o.name));
  }
  $("owners-wrap").hidden = card.owners.length === 0;

  const has = (a) => card.actions.includes(a);
  $("take-btn").disabled = !has("take");
  $("estimate").disabled = !has("take");
  $("redirect-btn").disabled = !has("redirect") || card.owners.length === 0;
  ownerSelect.disabled = $("redirect-btn").disabled;
  $("clarify-btn").disabled = !has("askForDetails");
  $("done-btn").disabled = !has("done");
  $("time-btn").disabled = !has("logTime");
}

function showOutbox(title, text) {
  $("outbox").hidden = false;
  $("outbox-title").textContent = title;
  $("outbox-text").textContent = text;
}

async function triage(event) {
  event.preventDefault();
  const text = $("text").value;
  await guarded($("triage-btn"), async () => {
    const result = await api("POST", "/triage", { leadId: $("lead").value, requesterId: $("requester").value, text });
    $("outbox").hidden = true;
    $("redirect-form").hidden = true;
    renderCard(result.card);
    $("headline").focus();
    await loadWeek();
  });
}

async function correctTopic(topic, button) {
  await guarded(button, async () => {
    const result = await api("POST", `/requests/${state.card.requestId}/topic`, { leadId: $("lead").value, topic });
    renderCard(result.card);
    showOutbox("Topic corrected", `Topic set to ${result.card.topics[0]}. I'll remember it for similar requests.`);
  });
}

async function overrideAnswer(question, value, select) {
  await guarded(select, async () => {
    const result = await api("POST", `/requests/${state.card.requestId}/override`, { leadId: $("lead").value, question, value });
    renderCard(result.card);
    $("answer-" + question).focus();
  });
  if (state.card) renderCard(state.card); // restores the select when the override was refused
}

async function take() {
  await guarded($("take-btn"), async () => {
    const result = await api("POST", `/requests/${state.card.requestId}/take`, { leadId: $("lead").value, estimate: $("estimate").value });
    renderCard(result.card);
    showOutbox("Taken", result.confirmation);
    await loadWeek();
  });
}

async function previewRedirect() {
  await guarded($("redirect-btn"), async () => {
    const result = await api("POST", `/requests/${state.card.requestId}/redirect/preview`, { leadId: $("lead").value, ownerId: $("redirect-owner").value });
    $("redirect-message").value = result.message;
    $("redirect-form").hidden = false;
    $("redirect-message").focus();
  });
}

async function sendRedirect(event) {
  event.preventDefault();
  await guarded($("redirect-send"), async () => {
    const result = await api("POST", `/requests/${state.card.requestId}/redirect`, {
      leadId: $("lead").value, ownerId: $("redirect-owner").value, message: $("redirect-message").value,
    });
    $("redirect-form").hidden = true;
    renderCard(result.card);
    showOutbox(`Redirect sent to ${result.card.requesterName} (pointing to ${result.owner.name})`, result.message);
  });
}

async function clarify() {
  await guarded($("clarify-btn"), async () => {
    const result = await api("POST", `/requests/${state.card.requestId}/clarify`, { leadId: $("lead").value });
    renderCard(result.card);
    showOutbox(`Question sent to ${result.card.requesterName}`, result.message);
  });
}

async function done() {
  await guarded($("done-btn"), async () => {
    const result = await api("POST", `/requests/${state.card.requestId}/done`, { leadId: $("lead").value });
    renderCard(result.card);
    showOutbox("Done", result.confirmation);
  });
}

async function logTime(event) {
  event.preventDefault();
  await guarded($("time-btn"), async () => {
    const result = await api("POST", "/time", {
      leadId: $("lead").value, duration: $("duration").value, requestId: state.card ? state.card.requestId : null,
      note: $("note").value, kind: $("kind").value,
    });
    showOutbox("Time logged", result.confirmation);
    $("duration").value = "";
    $("note").value = "";
    await loadWeek();
  });
}

// ---------- digest ----------
function figure(value, label) {
  const div = el("div", null, "figure");
  div.append(el("span", value, "value"), el("span", label, "label"));
  return div;
}

async function loadDigest(event) {
  if (event) event.preventDefault();
  const leadId = $("digest-lead").value;
  if (!leadId) return;
  const week = $("digest-week").value.trim();
  const query = week ? `?week=${encodeURIComponent(week)}` : "";
  await guarded($("digest-btn"), async () => {
    const { digest: d, text } = await api("GET", `/digest/${encodeURIComponent(leadId)}${query}`);
    $("digest").hidden = false;
    $("digest-title").textContent = `${d.leadName} · week ${d.isoWeek} (${d.timeZone})`;
    const figures = $("digest-figures");
    figures.replaceChildren(
      figure(`${hours(d.hoursSpent)} / ${hours(d.budgetHours)}`, "help hours vs budget"),
      figure(`${Math.round(d.shareOfWeek * 100)}%`, "of a 40-hour week"),
      figure(`${d.received}`, "requests received"),
      figure(`${d.taken} · ${d.redirected} · ${d.clarified}`, "taken · redirected · clarified"),
      figure(d.hoursByKind.map((k) => `${k.kind} ${hours(k.hours)}`).join(", ") || "–", "hours by kind"),
      figure(d.leverage > 0 ? `${d.leverage.toFixed(1)}×` : "–", "leverage (hours guided per hour)"),
    );
    const highlights = $("digest-highlights");
    highlights.replaceChildren(...d.highlights.map((h) => el("li", h)));
    const rows = (id, items, cells) => {
      const body = $(id);
      body.replaceChildren();
      if (items.length === 0) {
        const tr = el("tr"); const td = el("td", "nothing yet", "muted"); td.colSpan = 4; tr.append(td); body.append(tr);
      }
      for (const item of items) {
        const tr = el("tr");
        for (const c of cells(item)) tr.append(el("td", c));
        body.append(tr);
      }
    };
    rows("digest-topics", d.hoursByTopic, (t) => [t.topicName, hours(t.hours), String(t.requests)]);
    rows("digest-requesters", d.topRequesters, (r) => [r.name, String(r.requests), hours(r.hours)]);
    rows("digest-trend", [...d.trend, { isoWeek: d.isoWeek + " (this)", hours: d.hoursSpent, received: d.received, taken: d.taken }],
      (w) => [w.isoWeek, hours(w.hours), String(w.received), String(w.taken)]);
    $("digest-text").textContent = text;
    const img = $("digest-chart");
    img.alt = `Chart of ${d.leadName}'s help hours per day in week ${d.isoWeek}: ${hours(d.hoursSpent)} in total against a budget of ${hours(d.budgetHours)}.`;
    img.src = `/playground/api/digest/${encodeURIComponent(leadId)}.png${query}${query ? "&" : "?"}t=${Date.now()}`;
  });
}

// ---------- commands (the same command table as Slack and Teams) ----------
async function loadStats() {
  const personId = $("lead").value;
  if (!personId) return;
  await guarded($("stats-btn"), async () => {
    const res = await api("POST", "/command", { personId, text: "stats" });
    const list = $("stats");
    list.replaceChildren();
    if (res.kind === "facts") {
      list.append(el("dt", res.reply.title, "stats-title"));
      for (const f of res.reply.facts) list.append(el("dt", f.key), el("dd", f.value));
    } else {
      list.append(el("dd", res.reply.message || res.reply.text || ""));
    }
    list.hidden = false;
  });
}

// ---------- start ----------
function setup() {
  setupTabs();
  $("triage-form").addEventListener("submit", triage);
  $("take-btn").addEventListener("click", take);
  $("topic-btn").addEventListener("click", () => correctTopic($("topic-pick").value, $("topic-btn")));
  $("redirect-btn").addEventListener("click", previewRedirect);
  $("redirect-form").addEventListener("submit", sendRedirect);
  $("redirect-cancel").addEventListener("click", () => { $("redirect-form").hidden = true; $("redirect-btn").focus(); });
  $("clarify-btn").addEventListener("click", clarify);
  $("done-btn").addEventListener("click", done);
  $("time-form").addEventListener("submit", logTime);
  $("digest-form").addEventListener("submit", loadDigest);
  $("stats-btn").addEventListener("click", loadStats);
  $("lead").addEventListener("change", () => { $("digest-lead").value = $("lead").value; $("stats").hidden = true; loadWeek(); });
  for (const chip of document.querySelectorAll("[data-example]")) {
    chip.addEventListener("click", () => { $("text").value = chip.dataset.example; $("text").focus(); });
  }
  guarded(null, async () => { await loadOrg(); await loadWeek(); });
}

document.addEventListener("DOMContentLoaded", setup);
