// The dashboard's pages. Each reads the console API and reads again when `version` moves (a
// change pushed over /v1/events), so what an operator sees follows the exchange without a reload.
import { html, useEffect, useState } from './preact-htm.js';
import { call } from './api.js';

const STATES = ['routed', 'arrived', 'rejected', 'accepted', 'assigned', 'processing', 'completed', 'recalled'];
const when = (iso) => (iso ? new Date(iso).toLocaleString() : '');

/** Loads `load()` now and whenever a dependency changes; keeps the last answer on screen while reloading. */
function useLoad(load, deps) {
  const [state, setState] = useState({ data: undefined, error: undefined });
  useEffect(() => {
    let current = true;
    load().then((data) => current && setState({ data, error: undefined }), (error) => current && setState((s) => ({ data: s.data, error })));
    return () => {
      current = false;
    };
  }, deps);
  return state;
}

/**
 * A search page's filters: what is typed (`form`, changed by `field(key)`) is asked of `path` only when
 * the form is submitted; empty filters are left out. Reloads when `version` moves.
 */
function useSearch(path, initial, version) {
  const [form, setForm] = useState(initial);
  const [query, setQuery] = useState(initial);
  const params = new URLSearchParams(Object.entries(query).filter(([, v]) => v)).toString();
  const { data, error } = useLoad(() => call(`${path}?${params}`), [version, params]);
  const submit = (e) => {
    e.preventDefault();
    setQuery(form);
  };
  const field = (key) => (e) => setForm({ ...form, [key]: e.currentTarget.value });
  return { form, field, submit, data, error };
}

function Problem({ t, error }) {
  return error ? html`<p class="problem" role="alert">${t('error')}: ${error.code} — ${error.message}</p>` : null;
}

export function Overview({ t, version }) {
  const { data, error } = useLoad(() => Promise.all([call('/v1/alarms'), call('/v1/statistics'), call('/v1/dead-letters?state=open&limit=500')]), [version]);
  if (!data) return html`<${Problem} t=${t} error=${error} /><p>${t('loading')}</p>`;
  const [alarms, statistics, letters] = data;
  const days = statistics.items;
  const sum = (key) => days.reduce((n, d) => n + d[key], 0);
  const failures = {};
  for (const d of days) for (const [code, n] of Object.entries(d.rejectedByCode)) failures[code] = (failures[code] ?? 0) + n;
  for (const l of letters.items) failures[l.code] = (failures[l.code] ?? 0) + 1;
  const medians = days.map((d) => d.timeTo01Ms.median).filter((m) => m !== null);
  return html`
    <${Problem} t=${t} error=${error} />
    <section class="cards" data-testid="throughput">
      <h2>${t('overview.throughput')}</h2>
      <div class="card"><span>${t('overview.sent')}</span><strong data-testid="sent">${sum('sent')}</strong></div>
      <div class="card"><span>${t('overview.delivered')}</span><strong data-testid="delivered">${sum('delivered')}</strong></div>
      <div class="card"><span>${t('overview.rejected')}</span><strong>${sum('rejected')}</strong></div>
      <div class="card"><span>${t('overview.median')}</span><strong>${medians.length ? `${Math.round(medians.sort((a, b) => a - b)[Math.floor(medians.length / 2)])} ms` : '—'}</strong></div>
    </section>
    <section>
      <h2>${t('overview.alarms')}</h2>
      ${alarms.alarms.length
        ? html`<ul class="alarms" data-testid="alarms">${alarms.alarms.map((a) => html`<li class=${`alarm ${a.kind}`}><b>${a.kind}</b> ${a.summary}</li>`)}</ul>`
        : html`<p data-testid="alarms">${t('overview.noAlarms')}</p>`}
    </section>
    <div class="columns">
      <section>
        <h2>${t('overview.backlog')}</h2>
        <table data-testid="queues"><thead><tr><th>${t('queue')}</th><th>${t('messages')}</th></tr></thead>
          <tbody>${alarms.queues.map((q) => html`<tr><td>${q.name}</td><td class="num">${q.messages}</td></tr>`)}</tbody></table>
      </section>
      <section>
        <h2>${t('overview.failures')}</h2>
        <table data-testid="failures"><thead><tr><th>${t('code')}</th><th>${t('count')}</th></tr></thead>
          <tbody>${Object.entries(failures).sort((a, b) => b[1] - a[1]).map(([code, n]) => html`<tr><td>${code}</td><td class="num">${n}</td></tr>`)}</tbody></table>
        <p class="muted">${letters.total} ${t('overview.openDeadLetters')}</p>
      </section>
    </div>`;
}

export function Documents({ t, version }) {
  const { form, field, submit, data, error } = useSearch('/v1/documents', { q: '', sender: '', state: '' }, version);
  const [open, setOpen] = useState(null);
  return html`
    <form class="filters" onSubmit=${submit}>
      <input name="q" placeholder=${t('documents.search')} aria-label=${t('documents.search')} value=${form.q} onInput=${field('q')} />
      <input name="sender" placeholder=${t('documents.sender')} aria-label=${t('documents.sender')} value=${form.sender} onInput=${field('sender')} />
      <select name="state" aria-label=${t('documents.state')} value=${form.state} onChange=${field('state')}>
        <option value="">${t('documents.any')}</option>
        ${STATES.map((s) => html`<option value=${s}>${t(`state.${s}`)}</option>`)}
      </select>
      <button type="submit">${t('documents.find')}</button>
    </form>
    <${Problem} t=${t} error=${error} />
    ${!data ? html`<p>${t('loading')}</p>` : html`
      <p class="muted" data-testid="documents-total">${data.total} ${t('documents.total')}</p>
      ${data.items.length === 0 ? html`<p>${t('documents.none')}</p>` : html`
      <table class="documents"><thead><tr><th>${t('documents.received')}</th><th>${t('documents.sender.col')}</th><th>${t('documents.number')}</th><th>${t('documents.subject')}</th><th>${t('documents.recipients')}</th></tr></thead>
        <tbody>${data.items.map((d) => html`
          <tr data-testid="document" data-id=${d.id} class=${open === d.id ? 'selected' : ''} onClick=${() => setOpen(d.id)}>
            <td>${when(d.receivedAt)}</td><td>${d.sender}</td><td>${d.codeNumber}/${d.codeNotation}</td>
            <td><a href=${`#documents/${d.id}`} onClick=${(e) => { e.preventDefault(); setOpen(d.id); }}>${d.subject}</a>${d.overdue ? html` <span class="badge late">${t('documents.overdue')}</span>` : null}</td>
            <td>${d.recipients.map((r) => html`<span class=${`badge ${r.state}`} data-testid="recipient" data-code=${r.code} data-state=${r.state}>${r.code}: ${t(`state.${r.state}`)}</span>`)}</td>
          </tr>`)}</tbody></table>`}`}
    ${open ? html`<${Timeline} t=${t} id=${open} version=${version} close=${() => setOpen(null)} />` : null}`;
}

function Timeline({ t, id, version, close }) {
  const { data, error } = useLoad(() => call(`/v1/documents/${id}/trace`), [id, version]);
  return html`
    <aside class="timeline" data-testid="timeline" aria-label=${t('timeline.title')}>
      <header><h2>${t('timeline.title')}</h2><button type="button" onClick=${close}>${t('timeline.close')}</button></header>
      <p class="muted">${id}</p>
      <${Problem} t=${t} error=${error} />
      ${!data ? html`<p>${t('loading')}</p>` : html`
        <ol>${data.entries.map((e) => html`
          <li class=${`step ${e.kind}`} data-testid="step" data-kind=${e.kind}>
            <time>${when(e.at)}</time> <b>${t(`kind.${e.kind}`)}</b> <span class="muted">${t('timeline.by')} ${e.by}</span>
            <div>${e.summary}</div>
          </li>`)}</ol>`}
    </aside>`;
}

export function DeadLetters({ t, version }) {
  const [acted, setActed] = useState({});
  const [reload, setReload] = useState(0);
  const { data, error } = useLoad(() => call('/v1/dead-letters?limit=100'), [version, reload]);
  const replay = async (id) => {
    try {
      const answer = await call(`/v1/dead-letters/${id}/replay`, { method: 'POST', body: {} });
      setActed({ ...acted, [id]: t(`replay.${answer.result}`) });
    } catch (failure) {
      setActed({ ...acted, [id]: `${failure.code}: ${failure.message}` });
    }
    setReload(reload + 1);
  };
  if (!data) return html`<${Problem} t=${t} error=${error} /><p>${t('loading')}</p>`;
  const last = (l) => l.actions[l.actions.length - 1];
  return html`
    <${Problem} t=${t} error=${error} />
    ${data.items.length === 0 ? html`<p>${t('deadLetters.none')}</p>` : html`
    <table class="dead-letters"><thead><tr><th>${t('deadLetters.failedAt')}</th><th>${t('code')}</th><th>${t('queue')}</th><th>${t('deadLetters.sender')}</th><th>${t('deadLetters.reason')}</th><th>${t('deadLetters.state')}</th><th></th></tr></thead>
      <tbody>${data.items.map((l) => html`
        <tr data-testid="dead-letter" data-id=${l.id} data-message-id=${l.messageId ?? ''} data-state=${l.state}>
          <td>${when(l.failedAt)}</td><td>${l.code}</td><td>${l.sourceQueue}</td><td>${l.userId ?? ''}</td><td>${l.reason}</td>
          <td><span class=${`badge ${l.state}`}>${t(`deadLetters.${l.state}`)}</span>
            ${last(l) ? html`<div class="muted" data-testid="last-action">${last(l).action} · ${last(l).requestedBy} · ${last(l).outcome}${last(l).outcomeCode ? ` (${last(l).outcomeCode})` : ''}</div>` : null}
            ${acted[l.id] ? html`<div class="muted" role="status">${acted[l.id]}</div>` : null}</td>
          <td>${l.replayable
            ? html`<button type="button" data-testid="replay" onClick=${() => replay(l.id)}>${t('deadLetters.replay')}</button>`
            : l.notReplayableBecause ? html`<span class="muted" title=${l.notReplayableBecause}>${t('deadLetters.notReplayable')}</span>` : null}</td>
        </tr>`)}</tbody></table>`}`;
}

/** The directory: search by code prefix or name (accents ignored) and status; a row opens the agency. */
export function Agencies({ t, version }) {
  const { form, field, submit, data, error } = useSearch('/v1/agencies', { q: '', status: '' }, version);
  const [open, setOpen] = useState(null);
  return html`
    <form class="filters" onSubmit=${submit}>
      <input name="q" placeholder=${t('agencies.search')} aria-label=${t('agencies.search')} value=${form.q} onInput=${field('q')} />
      <select name="status" aria-label=${t('agencies.status')} value=${form.status} onChange=${field('status')}>
        <option value="">${t('documents.any')}</option>
        ${['active', 'suspended'].map((s) => html`<option value=${s}>${t(`agency.${s}`)}</option>`)}
      </select>
      <button type="submit">${t('documents.find')}</button>
    </form>
    <${Problem} t=${t} error=${error} />
    ${!data ? html`<p>${t('loading')}</p>` : html`
      <p class="muted" data-testid="agencies-total">${data.total} ${t('agencies.total')}</p>
      <table class="agencies" data-testid="agencies"><thead><tr><th>${t('code')}</th><th>${t('agencies.name')}</th><th>${t('agencies.system')}</th><th>${t('agencies.status')}</th><th>${t('agencies.certificates')}</th></tr></thead>
        <tbody>${data.items.map((a) => html`<tr data-testid="agency" data-code=${a.code} class=${open === a.code ? 'selected' : ''} onClick=${() => setOpen(a.code)}>
          <td><a href=${`#agencies/${a.code}`} onClick=${(e) => { e.preventDefault(); setOpen(a.code); }}>${a.code}</a></td><td>${a.name}</td><td>${a.systemId}</td>
          <td><span class=${`badge ${a.status}`}>${t(`agency.${a.status}`)}</span></td><td class="num">${a.certificates}</td></tr>`)}</tbody></table>`}
    ${open ? html`<${AgencyDetail} t=${t} code=${open} version=${version} close=${() => setOpen(null)} />` : null}`;
}

/** One agency: its parent and children, its hosting system, its signing certificates with their expiry, and its code's history. */
function AgencyDetail({ t, code, version, close }) {
  const { data, error } = useLoad(
    () => Promise.all([call(`/v1/agencies/${encodeURIComponent(code)}`), call(`/v1/certificates?agency=${encodeURIComponent(code)}`), call(`/v1/agencies/${encodeURIComponent(code)}/history`)]),
    [code, version],
  );
  return html`
    <aside class="timeline" data-testid="agency-detail" aria-label=${code}>
      <header><h2>${code}</h2><button type="button" onClick=${close}>${t('timeline.close')}</button></header>
      <${Problem} t=${t} error=${error} />
      ${!data ? html`<p>${t('loading')}</p>` : html`
        <p><b>${data[0].name}</b> · <span class=${`badge ${data[0].status}`}>${t(`agency.${data[0].status}`)}</span> · ${t('agencies.system')}: ${data[0].systemId ?? '—'}</p>
        <p>${t('agencies.parent')}: ${data[0].parent ? `${data[0].parent.code} ${data[0].parent.name}` : '—'}</p>
        ${data[0].children.length ? html`<p>${t('agencies.children')}: ${data[0].children.map((c) => `${c.code} ${c.name}`).join(', ')}</p>` : null}
        <${CertificateTable} t=${t} items=${data[1].items} />
        ${data[2].events.length ? html`
          <h3>${t('agencies.history')}</h3>
          <ul data-testid="code-history">${data[2].events.map((e) => html`<li data-kind=${e.kind}>${when(e.at)} · ${e.code} ${t(`history.${e.kind}`)}${e.successor ? ` → ${e.successor}` : ''} <span class="muted">(${e.by})</span></li>`)}</ul>` : null}`}
    </aside>`;
}

function CertificateTable({ t, items, withAgency }) {
  if (items.length === 0) return html`<p>${t('certificates.none')}</p>`;
  return html`
    <table class="certificates" data-testid="certificates"><thead><tr>
      ${withAgency ? html`<th>${t('code')}</th><th>${t('agencies.name')}</th>` : null}
      <th>${t('certificates.notAfter')}</th><th>${t('certificates.days')}</th><th>${t('certificates.status')}</th><th>${t('certificates.serial')}</th><th>${t('certificates.fingerprint')}</th></tr></thead>
      <tbody>${items.map((c) => html`
        <tr data-testid="certificate" data-fingerprint=${c.fingerprint} data-expiry=${c.expiry} class=${c.status === 'active' ? `expiry-${c.expiry}` : 'retired'}>
          ${withAgency ? html`<td>${c.agencyCode}</td><td>${c.agencyName}</td>` : null}
          <td data-testid="not-after" data-at=${c.notAfter}>${when(c.notAfter)}</td>
          <td class="num">${c.daysToExpiry}</td>
          <td><span class=${`badge ${c.status === 'active' ? c.expiry : 'retired'}`}>${c.status === 'active' ? t(`certificates.${c.expiry}`) : t('certificates.retired')}</span></td>
          <td>${c.serialNumber}</td><td class="muted fingerprint">${c.fingerprint}</td>
        </tr>`)}</tbody></table>`;
}

/** Every agency's signing certificates, soonest expiry first; expired and expiring ones stand out. */
export function Certificates({ t, version }) {
  const { data, error } = useLoad(() => call('/v1/certificates?status=active&limit=500'), [version]);
  if (!data) return html`<${Problem} t=${t} error=${error} /><p>${t('loading')}</p>`;
  return html`<${Problem} t=${t} error=${error} /><${CertificateTable} t=${t} items=${data.items} withAgency=${true} />`;
}

/** The connected systems (gateways) and the agencies each hosts. */
export function Systems({ t, version }) {
  const { data, error } = useLoad(() => call('/v1/systems'), [version]);
  if (!data) return html`<${Problem} t=${t} error=${error} /><p>${t('loading')}</p>`;
  return html`
    <${Problem} t=${t} error=${error} />
    ${data.items.length === 0 ? html`<p>${t('systems.none')}</p>` : html`
    <table class="systems" data-testid="systems"><thead><tr><th>${t('systems.id')}</th><th>${t('systems.name')}</th><th>${t('systems.user')}</th><th>${t('agencies.status')}</th><th>${t('systems.agencies')}</th></tr></thead>
      <tbody>${data.items.map((s) => html`
        <tr data-testid="system" data-id=${s.id}>
          <td>${s.id}</td><td>${s.name}</td><td class="muted">${s.amqpUser}</td><td><span class=${`badge ${s.status}`}>${t(`agency.${s.status}`)}</span></td>
          <td>${s.agencies.map((a) => html`<div data-testid="system-agency" data-code=${a.code}>${a.code} ${a.name}${a.status !== 'active' ? html` <span class=${`badge ${a.status}`}>${t(`agency.${a.status}`)}</span>` : null}</div>`)}</td>
        </tr>`)}</tbody></table>`}`;
}

const shown = (value) => (value === undefined || value === null ? '∅' : typeof value === 'object' ? JSON.stringify(value) : String(value));

/** What an audit row changed, one `key: before → after` per field that differs (all of `after` for something new). */
function changes(before, after) {
  const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])];
  const differing = keys.filter((k) => shown(before?.[k]) !== shown(after?.[k]));
  return (differing.length ? differing : keys).map((k) => `${k}: ${before ? `${shown(before[k])} → ` : ''}${shown(after?.[k])}`);
}

/** The audit log (administrators; an operator is shown the console's refusal). */
export function Audit({ t, version }) {
  const [cursor, setCursor] = useState(null);
  const { data, error } = useLoad(() => call(`/v1/audit?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`), [version, cursor]);
  if (!data) return html`<${Problem} t=${t} error=${error} />${error ? null : html`<p>${t('loading')}</p>`}`;
  return html`
    <${Problem} t=${t} error=${error} />
    ${data.items.length === 0 ? html`<p>${t('audit.none')}</p>` : html`
    <table class="audit" data-testid="audit"><thead><tr><th>${t('audit.at')}</th><th>${t('audit.actor')}</th><th>${t('audit.action')}</th><th>${t('audit.target')}</th><th>${t('audit.change')}</th></tr></thead>
      <tbody>${data.items.map((r) => html`
        <tr data-testid="audit-row" data-action=${r.action} data-target=${r.target ?? ''}>
          <td>${when(r.at)}</td><td>${r.actorName} <span class="muted">(${r.actorRole})</span></td><td>${r.action}</td><td>${r.target ?? ''}</td>
          <td>${changes(r.before, r.after).map((line) => html`<div>${line}</div>`)}</td>
        </tr>`)}</tbody></table>`}
    ${data.nextCursor ? html`<button type="button" onClick=${() => setCursor(data.nextCursor)}>${t('audit.more')}</button>` : null}`;
}
