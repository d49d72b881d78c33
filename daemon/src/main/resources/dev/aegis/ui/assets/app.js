// The Aegis dashboard: logs in with the one-time link's token (in the URL fragment, never sent to
// the server in a URL), then reads /ui/api/* with the session cookie and follows live calls.
"use strict";
(function () {
  const $ = id => document.getElementById(id);
  let csrf = null;
  let viewer = null;
  let keyNames = {};
  let colours = {};
  let live = null;

  async function api(path, options) {
    const opts = Object.assign({credentials: "same-origin", headers: {}}, options || {});
    if (opts.method === "POST") {
      opts.headers["Content-Type"] = "application/json";
      if (csrf) opts.headers["X-CSRF-Token"] = csrf;
    }
    const r = await fetch(path, opts);
    const text = await r.text();
    const body = text ? parseJson(text) : {};
    if (!r.ok) {
      const err = new Error((body.error && body.error.message) || r.statusText);
      err.status = r.status;
      throw err;
    }
    return body;
  }

  // Money (every *_usd field) is a JSON number written exactly, as a plain decimal: it is kept as the
  // daemon wrote it (its digits, as a string), never read into a double that would round it or show it
  // with an exponent. Where the browser cannot hand the number's own text over, its plain decimal (money
  // has at most 9 decimals).
  const MONEY = /_usd(?:_|$)/;

  function parseJson(text) {
    return JSON.parse(text, (key, value, context) => typeof value !== "number" || !MONEY.test(key) ? value
        : context && typeof context.source === "string" ? context.source : plainUsd(value));
  }

  function plainUsd(n) {
    return Number(n).toLocaleString("en-US", {useGrouping: false, maximumFractionDigits: 9});
  }

  const LOGIN = /(?:^#|&)login=([A-Za-z0-9_-]+)/;

  // A link opened over a session asks first: anyone with a key can mint a link and send it, and
  // redeeming it silently would swap the operator's session for that key's.
  async function login() {
    const m = LOGIN.exec(location.hash);
    if (!m) return api("/ui/api/me");
    history.replaceState(null, "", location.pathname + location.search);
    let current = null;
    try {
      current = await api("/ui/api/me");
    } catch (e) {
      if (e.status !== 401) throw e;
    }
    if (current) $("dashboard").hidden = true; // a tab already showing it: the question alone
    if (current && !(await switchSessions(current.viewer))) return current;
    return api("/ui/api/session", {method: "POST", body: JSON.stringify({token: m[1]})});
  }

  function switchSessions(current) {
    $("login-switch-current").textContent = describe(current);
    $("login-switch").hidden = false;
    return new Promise(resolve => {
      const choose = use => () => {
        $("login-switch").hidden = true;
        resolve(use);
      };
      $("login-switch-stay").addEventListener("click", choose(false), {once: true});
      $("login-switch-use").addEventListener("click", choose(true), {once: true});
    });
  }

  function describe(v) {
    return v.admin ? `${v.name} (admin: every key)` : `key ${v.name} (${v.key_id}): its own calls`;
  }

  function period() {
    return "since=" + encodeURIComponent($("period").value);
  }

  // An amount rounded for a table: cents, or three significant digits below a cent; never an exponent.
  function usd(v) {
    const n = Number(v);
    if (n === 0) return "$0";
    if (Math.abs(n) < 0.01) return "$" + significant(n, 3);
    return "$" + n.toFixed(2);
  }

  // A plain decimal to at most this many significant digits (toPrecision writes 1.5e-7).
  function significant(n, digits) {
    return n.toLocaleString("en-US", {useGrouping: false, maximumSignificantDigits: digits});
  }

  // An amount as the daemon counted it: every digit, never an exponent.
  function exactUsd(v) {
    return "$" + (typeof v === "string" ? v : plainUsd(v));
  }

  function count(v) {
    return Number(v).toLocaleString("en-US");
  }

  function compact(n) {
    if (n >= 1e6) return (n / 1e6).toFixed(1) + "M";
    if (n >= 1e3) return (n / 1e3).toFixed(1) + "k";
    if (n === 0 || n >= 1) return String(Math.round(n * 100) / 100);
    return significant(n, 2);
  }

  function cell(tr, text, cls) {
    const td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    tr.appendChild(td);
    return td;
  }

  function table(id, headers, rows) {
    const t = $(id);
    t.textContent = "";
    const head = t.createTHead().insertRow();
    headers.forEach(h => {
      const th = document.createElement("th");
      th.textContent = h.label;
      if (h.num) th.className = "num";
      head.appendChild(th);
    });
    const body = t.createTBody();
    if (rows.length === 0) {
      const tr = body.insertRow();
      const td = cell(tr, "none", "muted");
      td.colSpan = headers.length;
    }
    rows.forEach(r => {
      const tr = body.insertRow();
      headers.forEach(h => {
        const v = h.value(r);
        if (v instanceof Node) {
          const td = document.createElement("td");
          td.appendChild(v);
          tr.appendChild(td);
        } else {
          cell(tr, v, h.num ? "num" : null);
        }
      });
    });
  }

  const GROUP_COLUMNS = [
    {label: "requests", num: true, value: g => count(g.requests)},
    {label: "input", num: true, value: g => count(g.input)},
    {label: "output", num: true, value: g => count(g.output)},
    {label: "cost", num: true, value: g => usd(g.cost_usd)},
    {label: "cache hits", num: true, value: g => percent(g.cache_hit_rate)}
  ];

  // A cache-hit rate (cached input / input) as a percentage; a dash without input.
  function percent(rate) {
    return rate === null || rate === undefined ? "–" : (Number(rate) * 100).toFixed(1) + "%";
  }

  function groupTable(id, label, groups, name) {
    table(id, [{label: label, value: g => name ? name(g) : g.group}].concat(GROUP_COLUMNS), groups);
  }

  async function loadSummary() {
    const s = await api("/ui/api/summary?" + period());
    keyNames = s.key_names || {};
    $("total-cost").textContent = exactUsd(s.total.cost_usd);
    $("total-cost").dataset.usd = s.total.cost_usd;
    $("total-requests").textContent = count(s.total.requests);
    $("total-requests").dataset.value = s.total.requests;
    $("total-input").textContent = count(s.total.input);
    $("total-input").dataset.value = s.total.input;
    $("total-output").textContent = count(s.total.output);
    $("total-output").dataset.value = s.total.output;
    $("total-cache-hit").textContent = percent(s.total.cache_hit_rate);
    groupTable("by-model", "model", s.by.model);
    groupTable("by-key", "key", s.by.key, g => g.name ? `${g.name} (${g.group})` : g.group);
    groupTable("by-provider", "provider", s.by.provider);
    groupTable("by-tenant", "tenant", s.by.tenant);
    groupTable("by-run", "run", s.by.run);
    $("runs-since").textContent = s.runs_since ? `(since ${s.runs_since.substring(0, 16).replace("T", " ")} UTC)` : "";
    groupTable("by-session", "session", s.by.session);
    $("sessions-since").textContent = s.sessions_since ? `(since ${s.sessions_since.substring(0, 16).replace("T", " ")} UTC)` : "";
  }

  function colourOf(group) {
    if (!(group in colours)) colours[group] = "c" + (Object.keys(colours).length % 10);
    return colours[group];
  }

  async function loadSeries() {
    let bucket = $("bucket").value;
    const p = $("period").value;
    const long = p === "30d" || p === "90d" || p === "all";
    if (bucket === "hour" && long) {
      bucket = "day";
      $("bucket").value = "day";
    }
    if ($("stack").value === "run" && long) {
      // runs are read from the raw rows: the server charts them over 7 days at most
      $("stack").value = "model";
      toast("A chart by run covers 7 days at most: pick the last 24 hours or 7 days.");
    }
    const s = await api(`/ui/api/series?${period()}&bucket=${bucket}&by=${encodeURIComponent($("stack").value)}`);
    const buckets = [], groupsCost = {}, cost = {}, tokens = {};
    s.points.forEach(pt => {
      if (!(pt.t in cost)) { buckets.push(pt.t); cost[pt.t] = {}; tokens[pt.t] = {}; }
      cost[pt.t][pt.group] = (cost[pt.t][pt.group] || 0) + Number(pt.cost_usd);
      tokens[pt.t][pt.group] = (tokens[pt.t][pt.group] || 0) + pt.input + pt.output;
      groupsCost[pt.group] = (groupsCost[pt.group] || 0) + Number(pt.cost_usd) + 1e-12 * (pt.input + pt.output);
    });
    fillBuckets(buckets, bucket, p);
    const groups = Object.keys(groupsCost).sort((a, b) => groupsCost[b] - groupsCost[a]);
    colours = {};
    groups.forEach(colourOf);
    AegisChart.stacked($("chart-cost"), {buckets, groups, values: cost}, colourOf, v => "$" + compact(v));
    AegisChart.stacked($("chart-tokens"), {buckets, groups, values: tokens}, colourOf, compact);
    const legend = $("legend");
    legend.textContent = "";
    groups.forEach(g => {
      const item = document.createElement("span");
      const sw = document.createElement("span");
      sw.className = "swatch " + colourOf(g);
      item.appendChild(sw);
      item.appendChild(document.createTextNode(g));
      legend.appendChild(item);
    });
  }

  // Every bucket of the period gets a slot, calls or not, so the bars line up with time.
  function fillBuckets(buckets, bucket, periodText) {
    const step = bucket === "hour" ? 3600e3 : 86400e3;
    const m = /^(\d+)([hd])$/.exec(periodText);
    const now = Date.now();
    let start = m ? now - Number(m[1]) * (m[2] === "h" ? 3600e3 : 86400e3)
        : (buckets.length ? Date.parse(buckets[0]) : now);
    start = Math.floor(start / step) * step;
    const all = [];
    for (let t = start; t <= now && all.length < 2000; t += step) {
      all.push(new Date(t).toISOString().replace(".000Z", "Z"));
    }
    const have = new Set(all);
    buckets.filter(b => !have.has(b)).forEach(b => all.push(b));
    all.sort();
    buckets.length = 0;
    all.forEach(b => buckets.push(b));
  }

  function actionButton(label, cls, run) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    if (cls) b.className = cls;
    b.addEventListener("click", run);
    return b;
  }

  async function loadCredits() {
    const c = await api("/ui/api/credits");
    const columns = [
      {label: "key", value: k => `${k.name} (${k.key_id})` + (k.active ? "" : ", revoked or expired")},
      {label: "balance", num: true, value: k => usd(k.balance_usd)},
      {label: "burn / day", num: true, value: k => usd(k.burn_usd_per_day)},
      {label: "runs out in", num: true, value: k => k.runs_out_in_days === null ? "–" : k.runs_out_in_days + " days"}
    ];
    if (viewer.admin) {
      // nothing to do for a key that is no longer active
      columns.push({label: "", value: k => k.active ? actionButton("Add credits", null, () => addCredits(k)) : ""});
      columns.push({label: "", value: k => k.active ? actionButton("Revoke", "danger", () => revoke(k)) : ""});
    }
    table("credits", columns, c.keys);
  }

  function bar(label, used, limit) {
    const wrap = document.createElement("div");
    const text = document.createElement("div");
    text.textContent = `${label}: ${count(used)} of ${count(limit)}`;
    const b = document.createElement("div");
    b.className = used >= limit ? "bar full" : "bar";
    const fill = document.createElement("div");
    fill.style.width = Math.min(100, limit > 0 ? 100 * used / limit : 100) + "%";
    b.appendChild(fill);
    wrap.appendChild(text);
    wrap.appendChild(b);
    return wrap;
  }

  function duration(seconds) {
    if (seconds % 86400 === 0) return seconds === 86400 ? "day" : `${seconds / 86400} days`;
    if (seconds % 3600 === 0) return seconds === 3600 ? "hour" : `${seconds / 3600} hours`;
    if (seconds % 60 === 0) return seconds === 60 ? "minute" : `${seconds / 60} minutes`;
    return `${seconds} s`;
  }

  function limitBox(title, dataset) {
    const d = document.createElement("div");
    d.className = "limit";
    Object.assign(d.dataset, dataset);
    const h = document.createElement("strong");
    h.textContent = title;
    d.appendChild(h);
    return d;
  }

  async function loadLimits() {
    const l = await api("/ui/api/limits");
    const box = $("limits");
    box.textContent = "";
    const policy = l.policy;
    if (l.keys.length === 0 && !policy) {
      box.textContent = "No key has a rate limit or token budget, and governance sets no limit or budget.";
      box.className = "muted";
      return;
    }
    box.className = "";
    l.keys.forEach(k => {
      const d = limitBox(`${k.name} (${k.key_id})`, {keyId: k.key_id});
      if ("rpm" in k) d.appendChild(bar("requests, last minute", k.rpm_used, k.rpm));
      if ("tpm" in k) d.appendChild(bar("tokens, last minute", k.tpm_used, k.tpm));
      if ("token_budget" in k) d.appendChild(bar("token budget", k.tokens_used, k.token_budget));
      (k.rate_limits || []).forEach(r => d.appendChild(bar(`${r.unit} per ${duration(r.window_seconds)} (governance)`, r.used, r.limit)));
      box.appendChild(d);
    });
    if (!policy) return;
    const mode = policy.hard_stop ? "refused once spent" : "warned once spent";
    const budgets = document.createElement("p");
    budgets.className = "muted";
    const perTenant = [
      policy.per_day > 0 ? `${count(policy.per_day)} tokens a day` : null,
      policy.per_minute > 0 ? `${count(policy.per_minute)} tokens a minute` : null
    ].filter(x => x);
    budgets.textContent = `Token budgets (governance, ${mode}): `
        + [perTenant.length ? "per tenant " + perTenant.join(" and ") : null,
           policy.per_run > 0 ? `per run ${count(policy.per_run)} tokens` : null].filter(x => x).join("; ") + ".";
    box.appendChild(budgets);
    l.tenants.forEach(t => {
      const d = limitBox(`tenant ${t.tenant || "(none)"}`, {tenant: t.tenant});
      if (policy.per_day > 0) d.appendChild(bar("tokens today", t.day_used, policy.per_day));
      if (policy.per_minute > 0) d.appendChild(bar("tokens this minute", t.minute_used, policy.per_minute));
      box.appendChild(d);
    });
    l.runs.forEach(r => {
      const d = limitBox(`run ${r.run} of ${r.name || r.key_id}`, {run: r.run, keyId: r.key_id});
      d.appendChild(bar(`tokens (last call ${r.last_call.substring(11, 19)} UTC)`, r.used, policy.per_run));
      box.appendChild(d);
    });
  }

  async function loadSecrets() {
    const s = await api("/ui/api/secrets?" + period());
    table("secrets", [
      {label: "kind", value: k => k.kind},
      {label: "blocked", num: true, value: k => count(k.blocked)},
      {label: "redacted", num: true, value: k => count(k.redacted)}
    ], s.kinds);
  }

  async function loadReceipts() {
    if (!viewer.admin) {
      $("receipts-panel").hidden = true; // after a switch from an admin's session
      return;
    }
    const r = await api("/ui/api/receipts");
    $("receipts-panel").hidden = false;
    const p = $("receipts");
    if (!r.enabled) {
      p.textContent = "Receipts are off (audit.receipts).";
    } else if (r.error) {
      p.textContent = r.error;
    } else if (!r.head) {
      p.textContent = "No receipt yet.";
    } else {
      p.textContent = `Head: receipt #${r.head.seq} at ${r.head.ts} in ${r.head.file}, `
          + `hashes to ${r.head.hash}.`;
      p.dataset.seq = r.head.seq;
    }
    const v = $("receipts-verify");
    const last = r.last_verify;
    if (!last) {
      v.textContent = "Never verified: run aegis receipts verify.";
      v.className = "muted";
      v.dataset.result = "none";
      return;
    }
    const when = last.at.substring(0, 19).replace("T", " ") + " UTC";
    v.dataset.result = last.result;
    if (last.intact) {
      v.className = "ok";
      v.textContent = `Last verify, ${when}: intact, ${count(last.receipts)} receipts up to #${last.head_seq}.`;
    } else {
      v.className = "error";
      v.textContent = `Last verify, ${when}: BROKEN at ${last.problem} (${count(last.receipts)} receipts before it intact).`;
    }
  }

  function toast(text) {
    const t = $("toast");
    t.textContent = text;
    t.hidden = false;
    setTimeout(() => { t.hidden = true; }, 4000);
  }

  async function revoke(k) {
    if (!confirm(`Revoke key ${k.name} (${k.key_id})? Its calls will be refused from now on.`)) return;
    try {
      await api(`/ui/api/keys/${encodeURIComponent(k.key_id)}/revoke`, {method: "POST", body: "{}"});
      toast(`Key ${k.key_id} revoked`);
      refresh();
    } catch (e) { toast(e.message); }
  }

  async function addCredits(k) {
    const usdText = prompt(`Add how many USD of credits to ${k.name} (${k.key_id})?`, "10");
    if (usdText === null) return;
    if (!confirm(`Add $${usdText} to ${k.name} (${k.key_id})?`)) return;
    try {
      const r = await api(`/ui/api/keys/${encodeURIComponent(k.key_id)}/credits`, {method: "POST", body: JSON.stringify({usd: usdText})});
      toast(`Balance of ${k.key_id}: ${exactUsd(r.balance_usd)}`);
      refresh();
    } catch (e) { toast(e.message); }
  }

  function showCall(e) {
    const body = $("live").tBodies[0];
    const tr = document.createElement("tr");
    tr.dataset.requestId = e.request_id;
    tr.dataset.keyId = e.key_id || "";
    tr.className = "fresh" + (e.status >= 400 ? " refused" : "");
    cell(tr, e.ts.substring(11, 19));
    cell(tr, keyNames[e.key_id] ? `${keyNames[e.key_id]} (${e.key_id})` : (e.key_id || "–"));
    cell(tr, e.model || "–");
    cell(tr, e.provider || "–");
    cell(tr, String(e.status), "num");
    cell(tr, e.latency_ms + " ms", "num");
    cell(tr, `${count(e.input_tokens)} / ${count(e.output_tokens)}`, "num");
    cell(tr, exactUsd(e.cost_usd), "num");
    cell(tr, e.error || "");
    body.insertBefore(tr, body.firstChild);
    while (body.rows.length > 100) body.deleteRow(body.rows.length - 1);
    setTimeout(() => tr.classList.remove("fresh"), 1500);
  }

  function follow() {
    if (live) live.close();
    live = new EventSource("/ui/api/events");
    live.addEventListener("open", () => { $("live-state").textContent = "(connected)"; });
    live.addEventListener("error", () => { $("live-state").textContent = "(reconnecting)"; });
    live.addEventListener("call", m => {
      showCall(parseJson(m.data));
      scheduleRefresh();
    });
  }

  let refreshTimer = null;
  function scheduleRefresh() {
    if (refreshTimer) return;
    refreshTimer = setTimeout(() => { refreshTimer = null; refresh(); }, 2000);
  }

  async function refresh() {
    try {
      await loadSummary();
      await Promise.all([loadSeries(), loadCredits(), loadLimits(), loadSecrets(), loadReceipts()]);
      document.body.dataset.loaded = String(Date.now());
    } catch (e) {
      if (e.status === 401) return needLogin(e.message);
      toast(e.message);
    }
  }

  function needLogin(message) {
    $("dashboard").hidden = true;
    $("login-needed").hidden = false;
    $("login-error").textContent = message || "";
    if (live) live.close();
  }

  async function start() {
    const params = new URLSearchParams(location.search);
    if (params.get("since")) {
      const sel = $("period");
      if (![...sel.options].some(o => o.value === params.get("since"))) {
        const o = document.createElement("option");
        o.value = o.textContent = params.get("since");
        sel.appendChild(o);
      }
      sel.value = params.get("since");
    }
    ["period", "bucket", "stack"].forEach(id => $(id).addEventListener("change", refresh));
    $("logout").addEventListener("click", async () => {
      try { await api("/ui/api/logout", {method: "POST", body: "{}"}); } catch (e) { /* already out */ }
      needLogin("Logged out.");
    });
    // A link opened in this tab while it shows the page changes only the fragment: no reload, so the
    // token is taken here as on loading.
    window.addEventListener("hashchange", () => {
      if (LOGIN.test(location.hash)) signIn();
    });
    await signIn();
  }

  // Logs in (with the link's token in the fragment, if any) and shows the viewer's dashboard.
  async function signIn() {
    let me;
    try {
      me = await login();
    } catch (e) {
      return needLogin(e.message);
    }
    if (viewer && (viewer.key_id || "") !== (me.viewer.key_id || "")) {
      $("live").tBodies[0].textContent = ""; // the calls another viewer saw
    }
    csrf = me.csrf;
    viewer = me.viewer;
    $("viewer").textContent = describe(viewer);
    $("viewer").dataset.keyId = viewer.key_id || "";
    $("login-needed").hidden = true;
    $("dashboard").hidden = false;
    await refresh();
    follow();
  }

  document.addEventListener("DOMContentLoaded", start);
})();
