/**
 * The sign-in page a browser sees when the console is reachable from other machines: one field
 * for the API token, posted to /login as a form (a token in a URL would end up in history and
 * logs). No script, so it works under the bridge's CSP.
 */
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function loginPage(problem?: string): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1.0" />
    <meta name="color-scheme" content="light dark" />
    <title>Kilowatch — sign in</title>
    <style>
      body { font-family: system-ui, sans-serif; max-width: 26rem; margin: 4rem auto; padding: 0 1rem; }
      input { width: 100%; box-sizing: border-box; padding: 0.5rem; margin: 0.5rem 0 1rem; }
      .problem { color: #b00020; }
    </style>
  </head>
  <body>
    <h1>Kilowatch</h1>
    <p>This console is shared on the network. Enter its access token (KILOWATCH_TOKEN or
      <code>[server] token</code> on the machine that runs it).</p>
    ${problem ? `<p class="problem" role="alert">${escapeHtml(problem)}</p>` : ''}
    <form method="post" action="/login">
      <label for="token">Access token</label>
      <input id="token" name="token" type="password" autocomplete="current-password" required autofocus />
      <button type="submit">Sign in</button>
    </form>
  </body>
</html>
`;
}

/** The token field of an application/x-www-form-urlencoded body; null when there is none. */
export function tokenFromForm(body: string): string | null {
  return new URLSearchParams(body).get('token');
}
