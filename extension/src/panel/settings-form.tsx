import type { Settings } from '@selfheal/shared/protocol';
import { settingsSchema } from '@selfheal/shared/protocol';
import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';

/** The extension's settings; adding a site asks the browser for access to it first. */
export function SettingsForm(props: { settings: Settings; onSave(settings: Settings): void }) {
  const [draft, setDraft] = useState(props.settings);
  const [sitesText, setSitesText] = useState(props.settings.sites.join('\n'));
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    setDraft(props.settings);
    setSitesText(props.settings.sites.join('\n'));
  }, [props.settings]);

  const field = (key: 'collectorUrl' | 'projectKey' | 'adminToken') => (e: Event) =>
    setDraft({ ...draft, [key]: (e.currentTarget as HTMLInputElement).value.trim() });
  const toggle = (key: 'agentEnabled' | 'autoFixEnabled' | 'reportingEnabled') => (e: Event) =>
    setDraft({ ...draft, [key]: (e.currentTarget as HTMLInputElement).checked });

  const save = async (e: Event) => {
    e.preventDefault();
    setSaved(false);
    const sites = sitesText
      .split(/\s+/)
      .map((s) => s.trim())
      .filter(Boolean);
    const parsed = settingsSchema.safeParse({ ...draft, sites });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      setError(`${issue?.path.join('.') || 'settings'}: ${issue?.message}`);
      return;
    }
    const origins = [parsed.data.collectorUrl, ...parsed.data.sites].map(
      (u) => `${new URL(u).protocol}//${new URL(u).hostname}/*`,
    );
    // Called from the click, so the browser may show its permission prompt.
    const granted = await browser.permissions.request({ origins }).catch(() => false);
    setError(
      granted
        ? null
        : 'Access to some of these sites was not granted; the agent will not run there.',
    );
    props.onSave(parsed.data);
    setSaved(true);
  };

  return (
    <form class="settings" onSubmit={save} aria-label="Settings">
      <h2>Settings</h2>
      <label>
        Collector URL
        <input name="collectorUrl" value={draft.collectorUrl} onInput={field('collectorUrl')} />
      </label>
      <label>
        Project key
        <input
          name="projectKey"
          value={draft.projectKey}
          onInput={field('projectKey')}
          autocomplete="off"
        />
      </label>
      <label>
        Admin token <span class="muted">(optional: decisions, approve and reject)</span>
        <input
          name="adminToken"
          type="password"
          value={draft.adminToken}
          onInput={field('adminToken')}
          autocomplete="off"
        />
      </label>
      <label class="check">
        <input
          name="agentEnabled"
          type="checkbox"
          checked={draft.agentEnabled}
          onChange={toggle('agentEnabled')}
        />
        Run the agent in pages
      </label>
      <label class="check">
        <input
          name="autoFixEnabled"
          type="checkbox"
          checked={draft.autoFixEnabled}
          onChange={toggle('autoFixEnabled')}
        />
        Fix automatically
      </label>
      <label class="check">
        <input
          name="reportingEnabled"
          type="checkbox"
          checked={draft.reportingEnabled}
          onChange={toggle('reportingEnabled')}
        />
        Report to the collector
      </label>
      <label>
        Other sites{' '}
        <span class="muted">(localhost and 127.0.0.1 are always on; one origin a line)</span>
        <textarea
          name="sites"
          rows={3}
          value={sitesText}
          onInput={(e) => setSitesText(e.currentTarget.value)}
        />
      </label>
      <div class="form-foot">
        <button type="submit">Save</button>
        {saved && !error ? (
          <span class="muted" role="status">
            Saved.
          </span>
        ) : null}
        {error ? <span class="notice">{error}</span> : null}
      </div>
    </form>
  );
}
