/** Where the admin token is kept: this tab's session only, gone when the tab closes. */
const TOKEN_KEY = 'selfheal.adminToken';
const PROJECT_KEY = 'selfheal.project';

/** The signed-in admin token and project, or null. */
export function loadSession(): { token: string; project: string } | null {
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) return null;
  return { token, project: sessionStorage.getItem(PROJECT_KEY) || 'default' };
}

/** Keeps the token and project for this tab's session. */
export function saveSession(token: string, project: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
  sessionStorage.setItem(PROJECT_KEY, project);
}

/** Forgets the token. */
export function clearSession(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}
