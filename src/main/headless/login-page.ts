/**
 * The sign-in page a browser sees when the console is reachable from other machines (or has
 * named users): the API token, or a user name and password, posted to /login as a form (a secret
 * in a URL would end up in history and logs). No script, so it works under the bridge's CSP.
 */
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function loginPage(problem?: string, hasUsers = false): string {
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
    ${
      hasUsers
        ? `<p>Sign in with your user name and password. Without a user name, the password field takes
      the console's access token.</p>`
        : `<p>This console is shared on the network. Enter its access token (KILOWATCH_TOKEN or
      <code>[server] token</code> on the machine that runs it).</p>`
    }
    ${problem ? `<p class="problem" role="alert">${escapeHtml(problem)}</p>` : ''}
    <form method="post" action="/login">
      ${
        hasUsers
          ? `<label for="user">User name</label>
      <input id="user" name="user" autocomplete="username" autofocus />`
          : ''
      }
      <label for="token">${hasUsers ? 'Password' : 'Access token'}</label>
      <input id="token" name="token" type="password" autocomplete="current-password" required ${hasUsers ? '' : 'autofocus'} />
      <button type="submit">Sign in</button>
    </form>
  </body>
</html>
`;
}

/**
 * The user name (null when left empty) and the secret (`token`: a password, or the token) of an
 * application/x-www-form-urlencoded body.
 */
export function loginFromForm(body: string): { user: string | null; secret: string | null } {
  const form = new URLSearchParams(body);
  const user = form.get('user')?.trim() ?? '';
  return { user: user === '' ? null : user, secret: form.get('token') };
}
