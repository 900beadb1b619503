import { useState } from 'preact/hooks';

/** The sign-in form: the admin token (and the project), checked against the collector. */
export function Login(props: {
  error: string | null;
  busy: boolean;
  onSubmit(token: string, project: string): void;
}) {
  const [token, setToken] = useState('');
  const [project, setProject] = useState('default');
  return (
    <main class="login">
      <h1>Selfheal</h1>
      <form
        class="settings"
        onSubmit={(e) => {
          e.preventDefault();
          props.onSubmit(token.trim(), project.trim() || 'default');
        }}
      >
        <label>
          Admin token
          <input
            type="password"
            name="token"
            autocomplete="off"
            placeholder="sha_…"
            value={token}
            onInput={(e) => setToken(e.currentTarget.value)}
            required
          />
        </label>
        <label>
          Project
          <input
            name="project"
            value={project}
            onInput={(e) => setProject(e.currentTarget.value)}
          />
        </label>
        {props.error ? (
          <p class="notice" role="alert">
            {props.error}
          </p>
        ) : null}
        <div class="form-foot">
          <button type="submit" disabled={props.busy || token.trim() === ''}>
            {props.busy ? 'Signing in…' : 'Sign in'}
          </button>
          <span class="muted">Kept for this tab only; closing it signs you out.</span>
        </div>
      </form>
    </main>
  );
}
