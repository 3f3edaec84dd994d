import { useEffect, useState } from 'react';
import { api, storedToken, storeToken } from './api.ts';
import { CLUSTER_KEY, ClusterContext, multiCluster, type ClusterScope } from './cluster-scope.ts';
import { LangContext, STRINGS, type Lang } from './i18n.ts';
import { CanariesPage } from './pages/canaries-page.tsx';
import { CanaryPage } from './pages/canary-page.tsx';
import { LivePage } from './pages/live-page.tsx';
import { ReleasePage } from './pages/release-page.tsx';
import { ReleasesPage } from './pages/releases-page.tsx';
import { StatsPage } from './pages/stats-page.tsx';
import { WorkloadPage } from './pages/workload-page.tsx';

/** Route is a parsed location hash. */
type Route = { page: 'releases' } | { page: 'live' } | { page: 'stats' } | { page: 'canaries' } | { page: 'canary'; ns: string; name: string; cluster: string } | { page: 'release'; id: string } | { page: 'workload'; ns: string; kind: string; name: string; cluster: string };

/**
 * parseRoute reads `#/release/ID`, `#/workload/NS/KIND/NAME[/CLUSTER]`, `#/live`, `#/stats`,
 * `#/canaries`, `#/canary/NS/NAME[/CLUSTER]`; anything else is the release list. A workload or
 * canary link names its cluster when the ledger holds several.
 */
export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  if (parts[0] === 'release' && parts[1]) return { page: 'release', id: parts[1] };
  if (parts[0] === 'workload' && parts[3]) return { page: 'workload', ns: parts[1]!, kind: parts[2]!, name: parts[3], cluster: parts[4] ?? '' };
  if (parts[0] === 'canary' && parts[2]) return { page: 'canary', ns: parts[1]!, name: parts[2], cluster: parts[3] ?? '' };
  if (parts[0] === 'canaries') return { page: 'canaries' };
  if (parts[0] === 'live') return { page: 'live' };
  if (parts[0] === 'stats') return { page: 'stats' };
  return { page: 'releases' };
}

const initialLang = (): Lang => (localStorage.getItem('rollscope.lang') as Lang | null) ?? (navigator.language.startsWith('zh') ? 'zh-CN' : 'en');
const initialTheme = (): string => localStorage.getItem('rollscope.theme') ?? (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');

/** App is the dashboard shell: navigation, language, theme, token, and the current page. */
export function App() {
  const [route, setRoute] = useState(parseRoute(location.hash));
  const [lang, setLang] = useState<Lang>(initialLang);
  const [theme, setTheme] = useState(initialTheme);
  const [token, setToken] = useState(storedToken());
  const [known, setKnown] = useState<{ clusters: string[]; current: string }>({ clusters: [], current: '' });
  const [chosen, setChosen] = useState(() => localStorage.getItem(CLUSTER_KEY) ?? '');
  useEffect(() => { api.clusters().then((c) => setKnown({ clusters: c.items.map((i) => i.name), current: c.current }), () => undefined); }, []);
  useEffect(() => { if (chosen) localStorage.setItem(CLUSTER_KEY, chosen); else localStorage.removeItem(CLUSTER_KEY); }, [chosen]);
  // A remembered cluster the ledger no longer holds (or a single-cluster ledger) means no filter.
  const scope: ClusterScope = { ...known, selected: known.clusters.length > 1 && known.clusters.includes(chosen) ? chosen : '' };
  useEffect(() => { const on = () => setRoute(parseRoute(location.hash)); addEventListener('hashchange', on); return () => removeEventListener('hashchange', on); }, []);
  useEffect(() => { document.documentElement.dataset.theme = theme; localStorage.setItem('rollscope.theme', theme); }, [theme]);
  useEffect(() => { document.documentElement.lang = lang; localStorage.setItem('rollscope.lang', lang); }, [lang]);
  const t = STRINGS[lang];
  const nav = (href: string, label: string, active: boolean) => <a href={href} className={active ? 'active' : ''}>{label}</a>;
  return (
    <LangContext.Provider value={t}>
      <ClusterContext.Provider value={scope}>
        <header>
          <span className="brand">rollscope</span>
          <nav>
            {nav('#/', t.timeline, route.page === 'releases')}
            {nav('#/live', t.live, route.page === 'live')}
            {nav('#/canaries', t.canaries, route.page === 'canaries' || route.page === 'canary')}
            {nav('#/stats', t.stats, route.page === 'stats')}
          </nav>
          <div className="tools">
            {multiCluster(scope) && (
              <select name="cluster" aria-label={t.cluster} value={scope.selected} onChange={(e) => setChosen(e.target.value)}>
                <option value="">{t.allClusters}</option>
                {scope.clusters.map((c) => <option key={c} value={c}>{t.cluster}: {c}</option>)}
              </select>
            )}
            <form onSubmit={(e) => { e.preventDefault(); storeToken(token); location.reload(); }}>
              <input name="token" type="password" aria-label={t.token} placeholder={t.token} value={token} onChange={(e) => setToken(e.target.value)} size={12} />
              <button type="submit">{t.save}</button>
            </form>
            <select aria-label={t.language} value={lang} onChange={(e) => setLang(e.target.value as Lang)}><option value="en">English</option><option value="zh-CN">简体中文</option></select>
            <button aria-label={t.theme} data-theme-toggle onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}>{theme === 'dark' ? '☀' : '☾'}</button>
          </div>
        </header>
        <main>
          {route.page === 'releases' && <ReleasesPage />}
          {route.page === 'live' && <LivePage />}
          {route.page === 'stats' && <StatsPage />}
          {route.page === 'canaries' && <CanariesPage />}
          {route.page === 'canary' && <CanaryPage ns={route.ns} name={route.name} cluster={route.cluster || scope.selected} />}
          {route.page === 'release' && <ReleasePage id={route.id} />}
          {route.page === 'workload' && <WorkloadPage ns={route.ns} kind={route.kind} name={route.name} cluster={route.cluster || scope.selected} />}
        </main>
      </ClusterContext.Provider>
    </LangContext.Provider>
  );
}
