// The operators' dashboard: sign in with a console token, seven pages (the audit log for administrators), Vietnamese or English,
// live through /v1/events. Preact with hooks and htm, as the browser runs it: no build step.
import { html, render, useEffect, useState } from './preact-htm.js';
import { call, listen, session } from './api.js';
import { LANGUAGES, translate } from './i18n.js';
import { Agencies, Audit, Certificates, DeadLetters, Documents, Overview, Systems } from './pages.js';

const PAGES = { overview: Overview, documents: Documents, 'dead-letters': DeadLetters, agencies: Agencies, systems: Systems, certificates: Certificates, audit: Audit };
const NAV = [['overview', 'nav.overview'], ['documents', 'nav.documents'], ['dead-letters', 'nav.deadLetters'], ['agencies', 'nav.agencies'], ['systems', 'nav.systems'], ['certificates', 'nav.certificates'], ['audit', 'nav.audit']];
const LANG_KEY = 'edx.console.lang';
const pageOf = () => {
  const name = location.hash.replace(/^#/, '').split('/')[0];
  return PAGES[name] ? name : 'overview';
};

function SignIn({ t, onSignedIn }) {
  const [token, setToken] = useState('');
  const [failed, setFailed] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    try {
      await call('/v1/alarms', { token });
      session.signIn(token);
      onSignedIn();
    } catch (error) {
      setFailed(error.status === 401 ? t('signin.failed') : `${error.code}: ${error.message}`);
    }
  };
  return html`
    <form class="signin" onSubmit=${submit}>
      <h2>${t('signin.title')}</h2>
      <label>${t('signin.token')}<input name="token" type="password" autocomplete="off" value=${token} onInput=${(e) => setToken(e.currentTarget.value)} /></label>
      <button type="submit">${t('signin.submit')}</button>
      ${failed ? html`<p class="problem" role="alert">${failed}</p>` : null}
    </form>`;
}

function App() {
  const [lang, setLang] = useState(localStorage.getItem(LANG_KEY) ?? 'vi');
  const [signedIn, setSignedIn] = useState(Boolean(session.token()));
  const [page, setPage] = useState(pageOf());
  const [version, setVersion] = useState(0);
  const [live, setLive] = useState('offline');
  const t = (key) => translate(lang, key);

  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = t('app.title');
    localStorage.setItem(LANG_KEY, lang);
  }, [lang]);
  useEffect(() => {
    const onHash = () => setPage(pageOf());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => (signedIn ? listen(() => setVersion((v) => v + 1), setLive) : undefined), [signedIn]);

  const Page = PAGES[page];
  const signOut = () => {
    session.signOut();
    setSignedIn(false);
  };
  return html`
    <header class="top">
      <h1>${t('app.title')}</h1>
      <label class="lang">${t('language')}
        <select name="lang" value=${lang} onChange=${(e) => setLang(e.currentTarget.value)}>
          ${LANGUAGES.map((l) => html`<option value=${l}>${l === 'vi' ? 'Tiếng Việt' : 'English'}</option>`)}
        </select>
      </label>
      ${signedIn ? html`
        <span class=${`live ${live}`} data-testid="live" data-state=${live}>${t(`live.${live}`)}</span>
        <button type="button" onClick=${signOut}>${t('signout')}</button>` : null}
    </header>
    ${signedIn ? html`
      <nav>${NAV.map(([name, key]) => html`<a href=${`#${name}`} class=${page === name ? 'current' : ''} aria-current=${page === name ? 'page' : undefined}>${t(key)}</a>`)}</nav>
      <div class="page"><${Page} t=${t} version=${version} /></div>`
      : html`<${SignIn} t=${t} onSignedIn=${() => setSignedIn(true)} />`}`;
}

render(html`<${App} />`, document.getElementById('app'));
