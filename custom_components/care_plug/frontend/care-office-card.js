/*
 * Care Plug office console: every household that reports to a welfare office, in one
 * table, most urgent first, with a two-click Acknowledge per household (README, "The
 * office console").
 *
 * Plain JavaScript without a build step or anything downloaded: the integration serves
 * this file and loads it into the frontend once a welfare office is set up
 * (custom_components/care_plug/office/console.py). It finds the households itself, from
 * the entity registry: the office's entities (integration `care_plug`) grouped by device,
 * each household's care level carrying its `office_id` (docs/architecture.md, "The
 * welfare office link"). It redraws only the rows whose entities changed, so a
 * thousand households stay cheap on every state change in Home Assistant.
 *
 * When the office last heard from each box changes with every heartbeat, so no entity
 * shows it by default: the card asks the office for it (websocket command
 * `care_plug/office_last_heard`) when it starts and every TICK_MS, and uses the
 * monitoring sensor's `last_heard` (set while a box is offline) until the answer comes.
 *
 * An office whose "Entities per household" is compact has no monitoring sensor: each
 * household's care level carries `monitoring` and `last_heard` itself, and the card reads
 * them there. Only the care level and the acknowledge button are needed.
 *
 *   type: custom:care-office-card
 *   title: Households          # optional
 *   entry_id: 01J...           # optional: only this office's households
 */

const CARD_TAG = "care-office-card";
const DOMAIN = "care_plug";
// The entities of a household at the office, by translation key (office/hub_entities.py);
// a compact office has no monitoring sensor.
const ROLES = ["care_level", "monitoring", "acknowledge"];
const WS_LAST_HEARD = `${DOMAIN}/office_last_heard`;
// Most urgent first: a box that went silent comes after the households that are known to
// need someone, before the quiet ones.
const ORDER = ["critical", "warning", "attention", "box_offline", "normal"];
const UNKNOWN_RANK = ORDER.length;
const CONFIRM_MS = 8000; // the confirm button goes back to Acknowledge after this
const SENT_MS = 60000; // "sent" stays until the box confirms, at most this long
const TICK_MS = 30000; // how often the relative times are recomputed

const TEXT = {
  en: {
    title: "Households",
    household: "Household",
    level: "Level",
    reason: "Reason",
    quiet: "Quiet for",
    heard: "Last heard",
    acknowledged: "Acknowledged",
    action: "Action",
    acknowledge: "Acknowledge",
    confirm: "Confirm",
    confirm_label: "Confirm: acknowledge {name}",
    cancel: "Cancel",
    sent: "Sent",
    sent_title: "Sent to the box; waiting for its answer",
    failed: "Not sent: {error}",
    yes: "Yes",
    by: "Yes, by {name}",
    not_yet: "Not yet",
    none: "No household has reported to this office yet.",
    ago: "{time} ago",
    moment: "less than a minute",
    last_level: "last reported: {level}",
    total: "{count} households",
    levels: {
      critical: "Critical",
      warning: "Warning",
      attention: "Attention",
      box_offline: "Box offline",
      normal: "Normal",
    },
  },
  ko: {
    title: "가구",
    household: "가구",
    level: "돌봄 단계",
    reason: "사유",
    quiet: "무활동 시간",
    heard: "마지막 수신",
    acknowledged: "알림 확인",
    action: "조치",
    acknowledge: "알림 확인",
    confirm: "확인 보내기",
    confirm_label: "{name} 알림 확인 보내기",
    cancel: "취소",
    sent: "보냄",
    sent_title: "기기로 보냈습니다. 응답을 기다리는 중입니다",
    failed: "보내지 못함: {error}",
    yes: "예",
    by: "예, {name}",
    not_yet: "미확인",
    none: "아직 이 기관에 보고한 가구가 없습니다.",
    ago: "{time} 전",
    moment: "1분 미만",
    last_level: "마지막 보고: {level}",
    total: "가구 {count}곳",
    levels: {
      critical: "심각",
      warning: "주의",
      attention: "관심",
      box_offline: "기기 끊김",
      normal: "정상",
    },
  },
};

function languageOf(hass) {
  const tag = (hass.locale && hass.locale.language) || hass.language || "en";
  return tag.toLowerCase().startsWith("ko") ? "ko" : "en";
}

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, key) => (key in values ? values[key] : `{${key}}`));
}

function parseTime(value) {
  if (typeof value !== "string" || !value) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

/**
 * At most the two largest units of whole minutes, as the integration writes durations in
 * its messages (presentation/messages.py): "2 days 3 h", "12 h 5 min", "45 min";
 * Korean "2일 3시간", "12시간 5분", "45분".
 */
function formatDuration(seconds, lang, text) {
  const minutes = Number.isFinite(seconds) && seconds > 0 ? Math.floor(seconds / 60) : 0;
  if (minutes === 0) return text.moment;
  const amounts = [Math.floor(minutes / 1440), Math.floor((minutes % 1440) / 60), minutes % 60];
  const largest = amounts.findIndex((amount) => amount > 0);
  const parts = [];
  for (let index = largest; index < Math.min(largest + 2, 3); index++) {
    const amount = amounts[index];
    if (!amount) continue;
    if (lang === "ko") parts.push(`${amount}${["일", "시간", "분"][index]}`);
    else if (index === 0) parts.push(amount === 1 ? "1 day" : `${amount} days`);
    else parts.push(`${amount} ${["", "h", "min"][index]}`);
  }
  return parts.join(" ");
}

function element(tag, className, textContent) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (textContent !== undefined) node.textContent = textContent;
  return node;
}

function setText(node, value) {
  if (node.textContent !== value) node.textContent = value;
}

const STYLE = `
  :host { display: block; }
  ha-card { overflow: hidden; }
  .head { display: flex; flex-wrap: wrap; align-items: baseline; gap: 8px 16px;
          padding: 16px 16px 8px; }
  .title { font-size: 1.3em; font-weight: 500; margin-right: auto; }
  .counts { display: flex; flex-wrap: wrap; gap: 6px; }
  .count { border-radius: 12px; padding: 2px 10px; font-size: 0.9em;
           background: var(--secondary-background-color, #eee); }
  .scroll { overflow-x: auto; }
  table { width: 100%; border-collapse: collapse; font-size: 0.95em; }
  th { position: sticky; top: 0; text-align: left; font-weight: 500; white-space: nowrap;
       color: var(--secondary-text-color); background: var(--card-background-color, #fff);
       border-bottom: 1px solid var(--divider-color, #ddd); padding: 8px; }
  td { padding: 6px 8px; border-bottom: 1px solid var(--divider-color, #eee);
       vertical-align: middle; }
  tr.row { border-left: 4px solid transparent; }
  td.household { min-width: 10em; }
  .name { color: var(--primary-text-color); cursor: pointer; background: none; border: none;
          padding: 0; font: inherit; text-align: left; font-weight: 500; }
  .name:hover { text-decoration: underline; }
  .sub { display: block; color: var(--secondary-text-color); font-size: 0.85em; }
  .level { display: inline-block; border-radius: 10px; padding: 1px 8px; font-weight: 500;
           white-space: nowrap; }
  .level-critical { background: var(--error-color, #db4437); color: #fff; }
  .level-warning { background: var(--warning-color, #ffa600); color: #000; }
  .level-attention { background: var(--amber-color, #ffc107); color: #000; opacity: 0.85; }
  .level-box_offline { background: var(--disabled-color, #bdbdbd); color: #000; }
  .level-normal { background: var(--success-color, #43a047); color: #fff; }
  .level-unknown { background: var(--secondary-background-color, #eee); }
  td.time { white-space: nowrap; }
  .pending { color: var(--error-color, #db4437); font-weight: 500; }
  td.action { white-space: nowrap; text-align: right; }
  button.act { font: inherit; border-radius: 4px; padding: 4px 10px; cursor: pointer;
               border: 1px solid var(--primary-color, #03a9f4);
               background: transparent; color: var(--primary-color, #03a9f4); }
  button.act.confirm { background: var(--error-color, #db4437); color: #fff;
                       border-color: var(--error-color, #db4437); }
  button.act.cancel { border-color: var(--divider-color, #ccc);
                      color: var(--secondary-text-color); margin-left: 4px; }
  .note { color: var(--secondary-text-color); font-size: 0.9em; }
  .empty { padding: 16px; color: var(--secondary-text-color); }
`;

class CareOfficeCard extends HTMLElement {
  constructor() {
    super();
    this.attachShadow({ mode: "open" });
    this._config = null;
    this._hass = null;
    this._lang = null;
    this._entities = null; // the registry objects the index was built from
    this._devices = null;
    this._households = new Map(); // device id -> {role: entity id}
    this._seen = new Map(); // device id -> the state objects last drawn
    this._rows = new Map(); // device id -> {tr, cells, data}
    this._order = []; // device ids in the order drawn
    this._actions = new Map(); // device id -> {mode: "confirm"|"sent"|"failed", until, error}
    this._timer = null;
    this._translations = false;
    this._heard = new Map(); // device id -> ms, as the office last answered
    this._asking = false; // a last-heard question is on its way
  }

  setConfig(config) {
    if (!config || typeof config !== "object") throw new Error("Invalid configuration");
    for (const key of ["title", "entry_id"]) {
      if (config[key] !== undefined && typeof config[key] !== "string") {
        throw new Error(`${key} must be text`);
      }
    }
    this._config = { ...config };
    this._entities = null; // re-index: entry_id may have changed
    if (this._hass) this._update();
  }

  set hass(hass) {
    this._hass = hass;
    if (!this._translations && typeof hass.loadBackendTranslation === "function") {
      // Level and reason names come from the integration's own translations.
      this._translations = true;
      Promise.resolve(hass.loadBackendTranslation("entity", DOMAIN))
        .then(() => this._redrawAll())
        .catch(() => undefined);
    }
    this._update();
  }

  get hass() {
    return this._hass;
  }

  connectedCallback() {
    if (this._timer === null) this._timer = setInterval(() => this._tick(), TICK_MS);
    if (this._hass) this._askHeard();
  }

  disconnectedCallback() {
    if (this._timer !== null) clearInterval(this._timer);
    this._timer = null;
  }

  getCardSize() {
    return 2 + Math.min(this._order.length, 30);
  }

  getGridOptions() {
    return { columns: "full", min_rows: 4 };
  }

  static getStubConfig() {
    return {};
  }

  // ------------------------------------------------------------------ data

  _text() {
    if (this._labelsLang !== this._lang) {
      // English for any label a language lacks, never a blank.
      const own = TEXT[this._lang] || {};
      this._labels = { ...TEXT.en, ...own, levels: { ...TEXT.en.levels, ...(own.levels || {}) } };
      this._labelsLang = this._lang;
    }
    return this._labels;
  }

  _askHeard() {
    const hass = this._hass;
    if (this._asking || !hass || typeof hass.callWS !== "function" || !this._config) return;
    this._asking = true;
    const question = { type: WS_LAST_HEARD };
    if (this._config.entry_id) question.entry_id = this._config.entry_id;
    Promise.resolve(hass.callWS(question))
      .then((answer) => {
        const heard = new Map();
        for (const [deviceId, value] of Object.entries((answer && answer.last_heard) || {})) {
          heard.set(deviceId, parseTime(value));
        }
        this._heard = heard;
        this._applyHeard();
      })
      .catch(() => undefined) // an older office: the attribute still shows silent boxes
      .finally(() => {
        this._asking = false;
      });
  }

  _applyHeard() {
    const now = Date.now();
    let moved = false;
    for (const row of this._rows.values()) {
      const heard = this._heardOf(row.data.deviceId, row.data.heardAttribute);
      if (heard === row.data.heard) continue;
      row.data.heard = heard;
      this._drawTimes(row, now);
      moved = moved || row.data.state === "box_offline"; // silent boxes sort by it
    }
    if (moved) this._place();
  }

  _heardOf(deviceId, fallback) {
    const heard = this._heard.get(deviceId);
    return heard === undefined || heard === null ? fallback : heard;
  }

  _index(hass) {
    const known = this._households;
    this._entities = hass.entities;
    this._devices = hass.devices;
    const entryId = this._config.entry_id;
    const groups = new Map();
    for (const entity of Object.values(hass.entities || {})) {
      if (entity.platform !== DOMAIN || !entity.device_id) continue;
      if (!ROLES.includes(entity.translation_key)) continue;
      if (entryId) {
        const device = hass.devices && hass.devices[entity.device_id];
        if (!device || !(device.config_entries || []).includes(entryId)) continue;
      }
      let group = groups.get(entity.device_id);
      if (!group) groups.set(entity.device_id, (group = {}));
      group[entity.translation_key] = entity.entity_id;
    }
    this._households = groups;
    // A household the office's last answer did not know: ask again now.
    for (const deviceId of groups.keys()) {
      if (!known.has(deviceId) && !this._heard.has(deviceId)) {
        this._askHeard();
        break;
      }
    }
  }

  /** What a row shows, or null for a device that is not a household at an office. */
  _read(deviceId, states) {
    const [level, monitoring, ack] = states;
    // A household's own entities (on its box) have no office_id: they are not listed.
    if (!level || !level.attributes || !level.attributes.office_id) return null;
    const attrs = level.attributes;
    const device = this._hass.devices && this._hass.devices[deviceId];
    const officeId = String(attrs.office_id);
    const named = (device && (device.name_by_user || device.name)) || attrs.household;
    const state = level.state;
    const rank = ORDER.includes(state) ? ORDER.indexOf(state) : UNKNOWN_RANK;
    const quietSince = parseTime(attrs.quiet_since) ?? parseTime(attrs.last_activity);
    // The monitoring sensor's while it exists, else the care level's (a compact office).
    const heardAttribute = parseTime((monitoring || level).attributes.last_heard);
    return {
      deviceId,
      officeId,
      name: named && named !== officeId ? named : officeId,
      showId: Boolean(named && named !== officeId),
      levelEntity: level.entity_id,
      state,
      rank,
      reported: attrs.reported_level || null,
      reason: attrs.reason || null,
      alertId: attrs.alert_id || null,
      acknowledged: attrs.acknowledged === true,
      acknowledgedBy: attrs.acknowledged_by || null,
      quietSince,
      heardAttribute,
      heard: this._heardOf(deviceId, heardAttribute),
      ackEntity: ack && ack.state !== "unavailable" ? ack.entity_id : null,
    };
  }

  _compare(a, b) {
    if (a.rank !== b.rank) return a.rank - b.rank;
    // The longest silence first: a silent box by when the office last heard from it,
    // any other household by when the home was last active.
    const at = a.state === "box_offline" ? a.heard : a.quietSince;
    const bt = b.state === "box_offline" ? b.heard : b.quietSince;
    if (at !== bt) {
      if (at === null) return 1;
      if (bt === null) return -1;
      return at - bt;
    }
    return a.name.localeCompare(b.name, this._lang) || a.deviceId.localeCompare(b.deviceId);
  }

  // ------------------------------------------------------------------ drawing

  _update() {
    const hass = this._hass;
    if (!hass || !this._config) return;
    const lang = languageOf(hass);
    const relabel = lang !== this._lang;
    this._lang = lang;
    if (!this._shell || relabel) this._build();
    if (hass.entities !== this._entities || hass.devices !== this._devices) this._index(hass);

    let changed = relabel;
    for (const [deviceId, ids] of this._households) {
      const states = ROLES.map((role) => (ids[role] ? hass.states[ids[role]] : undefined));
      const seen = this._seen.get(deviceId);
      if (!relabel && seen && states.every((state, i) => state === seen[i])) continue;
      this._seen.set(deviceId, states);
      const data = this._read(deviceId, states);
      if (data === null) {
        if (this._rows.has(deviceId)) this._drop(deviceId);
        continue;
      }
      this._draw(data);
      changed = true;
    }
    for (const deviceId of [...this._rows.keys()]) {
      if (!this._households.has(deviceId)) {
        this._drop(deviceId);
        changed = true;
      }
    }
    for (const deviceId of [...this._seen.keys()]) {
      if (!this._households.has(deviceId)) this._seen.delete(deviceId);
    }
    if (changed) this._place();
  }

  _redrawAll() {
    this._seen.clear();
    this._update();
  }

  _tick() {
    this._askHeard();
    const now = Date.now();
    for (const row of this._rows.values()) this._drawTimes(row, now);
    for (const [deviceId, action] of this._actions) {
      if (action.until <= now) {
        this._actions.delete(deviceId);
        const row = this._rows.get(deviceId);
        if (row) this._drawAction(row);
      }
    }
  }

  _build() {
    const text = this._text();
    const root = this.shadowRoot;
    root.textContent = "";
    const style = element("style");
    style.textContent = STYLE;
    const card = element("ha-card");
    const head = element("div", "head");
    this._title = element("div", "title", this._config.title || text.title);
    this._counts = element("div", "counts");
    head.append(this._title, this._counts);
    const scroll = element("div", "scroll");
    const table = element("table");
    const thead = element("thead");
    const header = element("tr");
    for (const key of ["household", "level", "reason", "quiet", "heard", "acknowledged"]) {
      const th = element("th", `col-${key}`, text[key]);
      th.scope = "col";
      header.append(th);
    }
    const actionHead = element("th", "col-action");
    actionHead.scope = "col";
    actionHead.append(element("span", "note", text.action));
    header.append(actionHead);
    thead.append(header);
    this._body = element("tbody");
    table.append(thead, this._body);
    scroll.append(table);
    this._empty = element("div", "empty", text.none);
    card.append(head, scroll, this._empty);
    root.append(style, card);
    this._shell = card;
    // New cells in the new language: rows are made again.
    this._rows.clear();
    this._seen.clear();
    this._order = [];
  }

  _draw(data) {
    let row = this._rows.get(data.deviceId);
    if (!row) {
      row = this._makeRow(data.deviceId);
      this._rows.set(data.deviceId, row);
    }
    const previous = row.data;
    row.data = data;
    const text = this._text();
    const hass = this._hass;
    const levelState = hass.states[data.levelEntity];
    const c = row.cells;
    row.tr.dataset.officeId = data.officeId;
    row.tr.dataset.level = data.state;
    setText(c.name, data.name);
    setText(c.id, data.showId ? data.officeId : "");
    c.id.hidden = !data.showId;
    let levelText = text.levels[data.state];
    if (levelState && typeof hass.formatEntityState === "function") {
      const formatted = hass.formatEntityState(levelState);
      if (formatted && formatted !== data.state) levelText = formatted;
    }
    setText(c.level, levelText || data.state);
    c.level.className = `level level-${ORDER.includes(data.state) ? data.state : "unknown"}`;
    const reported =
      data.state === "box_offline" && data.reported
        ? fill(text.last_level, { level: this._levelName(levelState, data.reported) })
        : "";
    setText(c.reported, reported);
    c.reported.hidden = !reported;
    setText(c.reason, this._reasonName(levelState, data.reason));
    c.ack.className = "";
    if (data.acknowledged) {
      setText(c.ack, data.acknowledgedBy ? fill(text.by, { name: data.acknowledgedBy }) : text.yes);
    } else if (data.alertId) {
      setText(c.ack, text.not_yet);
      c.ack.className = "pending";
    } else {
      setText(c.ack, "—");
    }
    const action = this._actions.get(data.deviceId);
    if (action && action.mode === "sent" && data.acknowledged) this._actions.delete(data.deviceId);
    if (action && previous && previous.alertId !== data.alertId) this._actions.delete(data.deviceId);
    this._drawTimes(row, Date.now());
    this._drawAction(row);
  }

  _levelName(levelState, level) {
    const hass = this._hass;
    if (levelState && typeof hass.formatEntityAttributeValue === "function") {
      const formatted = hass.formatEntityAttributeValue(levelState, "reported_level", level);
      if (formatted && formatted !== level) return formatted;
    }
    return this._text().levels[level] || level;
  }

  _reasonName(levelState, reason) {
    if (!reason || reason === "none") return "—";
    const hass = this._hass;
    if (levelState && typeof hass.formatEntityAttributeValue === "function") {
      const formatted = hass.formatEntityAttributeValue(levelState, "reason", reason);
      if (formatted) return formatted;
    }
    return reason;
  }

  _drawTimes(row, now) {
    const text = this._text();
    const data = row.data;
    const quiet = data.quietSince === null ? null : Math.max(0, (now - data.quietSince) / 1000);
    setText(row.cells.quiet, quiet === null ? "—" : formatDuration(quiet, this._lang, text));
    row.cells.quiet.title =
      data.quietSince === null ? "" : new Date(data.quietSince).toLocaleString(this._lang);
    const heard = data.heard === null ? null : Math.max(0, (now - data.heard) / 1000);
    setText(
      row.cells.heard,
      heard === null ? "—" : fill(text.ago, { time: formatDuration(heard, this._lang, text) })
    );
    row.cells.heard.title =
      data.heard === null ? "" : new Date(data.heard).toLocaleString(this._lang);
  }

  _drawAction(row) {
    const text = this._text();
    const data = row.data;
    const cell = row.cells.action;
    const action = this._actions.get(data.deviceId);
    const mode = action ? action.mode : data.alertId && !data.acknowledged && data.ackEntity ? "ready" : "none";
    const key = mode === "failed" ? `failed:${action.error}` : mode;
    if (row.actionKey === key && this._lang === row.actionLang) return;
    row.actionKey = key;
    row.actionLang = this._lang;
    cell.textContent = "";
    if (mode === "ready") {
      const button = element("button", "act acknowledge", text.acknowledge);
      button.type = "button";
      button.addEventListener("click", () => this._ask(data.deviceId));
      cell.append(button);
    } else if (mode === "confirm") {
      const confirm = element("button", "act confirm", text.confirm);
      confirm.type = "button";
      confirm.setAttribute("aria-label", fill(text.confirm_label, { name: data.name }));
      confirm.addEventListener("click", () => this._send(data.deviceId));
      const cancel = element("button", "act cancel", text.cancel);
      cancel.type = "button";
      cancel.addEventListener("click", () => this._settle(data.deviceId));
      cell.append(confirm, cancel);
      confirm.focus();
    } else if (mode === "sent") {
      const note = element("span", "note sent", text.sent);
      note.title = text.sent_title;
      cell.append(note);
    } else if (mode === "failed") {
      cell.append(element("span", "note pending", fill(text.failed, { error: action.error })));
    }
  }

  _makeRow(deviceId) {
    const tr = element("tr", "row");
    const household = element("td", "household");
    const name = element("button", "name");
    name.type = "button";
    name.addEventListener("click", () => {
      const row = this._rows.get(deviceId);
      if (!row) return;
      // Home Assistant's own dialog for the care level: history, attributes, logbook.
      this.dispatchEvent(
        new CustomEvent("hass-more-info", {
          detail: { entityId: row.data.levelEntity },
          bubbles: true,
          composed: true,
        })
      );
    });
    const id = element("span", "sub office-id");
    household.append(name, id);
    const levelCell = element("td", "level-cell");
    const level = element("span", "level");
    const reported = element("span", "sub reported");
    levelCell.append(level, reported);
    const reason = element("td", "reason");
    const quiet = element("td", "time quiet");
    const heard = element("td", "time heard");
    const ackCell = element("td", "acknowledged");
    const ack = element("span");
    ackCell.append(ack);
    const action = element("td", "action");
    tr.append(household, levelCell, reason, quiet, heard, ackCell, action);
    return {
      tr,
      data: null,
      actionKey: null,
      actionLang: null,
      cells: { name, id, level, reported, reason, quiet, heard, ack, action },
    };
  }

  _drop(deviceId) {
    const row = this._rows.get(deviceId);
    if (row) row.tr.remove();
    this._rows.delete(deviceId);
    this._actions.delete(deviceId);
  }

  _place() {
    const rows = [...this._rows.values()].map((row) => row.data);
    rows.sort((a, b) => this._compare(a, b));
    const order = rows.map((data) => data.deviceId);
    const same = order.length === this._order.length && order.every((id, i) => id === this._order[i]);
    if (!same) {
      // Appending moves each row into place; the rows themselves are kept.
      const fragment = document.createDocumentFragment();
      for (const id of order) fragment.append(this._rows.get(id).tr);
      this._body.append(fragment);
      this._order = order;
    }
    this._empty.hidden = order.length > 0;
    this._drawCounts(rows);
  }

  _drawCounts(rows) {
    const text = this._text();
    const counts = new Map();
    for (const data of rows) counts.set(data.state, (counts.get(data.state) || 0) + 1);
    const chips = [element("span", "count total", fill(text.total, { count: rows.length }))];
    for (const state of ORDER) {
      const count = counts.get(state);
      if (!count) continue;
      const chip = element("span", `count level level-${state}`, `${text.levels[state]} ${count}`);
      chip.dataset.level = state;
      chips.push(chip);
    }
    this._counts.replaceChildren(...chips);
  }

  // ------------------------------------------------------------------ acknowledging

  _ask(deviceId) {
    this._actions.set(deviceId, { mode: "confirm", until: Date.now() + CONFIRM_MS });
    this._redrawAction(deviceId);
    setTimeout(() => this._tick(), CONFIRM_MS + 50);
  }

  _settle(deviceId) {
    this._actions.delete(deviceId);
    this._redrawAction(deviceId);
  }

  async _send(deviceId) {
    const row = this._rows.get(deviceId);
    if (!row || !row.data.ackEntity) return;
    this._actions.set(deviceId, { mode: "sent", until: Date.now() + SENT_MS });
    this._redrawAction(deviceId);
    try {
      // The household's Acknowledge button at the office: it publishes the `acknowledge`
      // command, with the officer's name as `by`.
      await this._hass.callService("button", "press", { entity_id: row.data.ackEntity });
    } catch (err) {
      const error = (err && (err.message || err.code)) || String(err);
      this._actions.set(deviceId, { mode: "failed", until: Date.now() + SENT_MS, error });
      this._redrawAction(deviceId);
    }
  }

  _redrawAction(deviceId) {
    const row = this._rows.get(deviceId);
    if (row) this._drawAction(row);
  }
}

if (!customElements.get(CARD_TAG)) {
  customElements.define(CARD_TAG, CareOfficeCard);
  window.customCards = window.customCards || [];
  window.customCards.push({
    type: CARD_TAG,
    name: "Care Plug office console",
    description:
      "Every household that reports to a welfare office, most urgent first, with Acknowledge.",
  });
}
