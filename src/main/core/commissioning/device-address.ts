/**
 * A Shelly's address as staff type it (`192.168.1.20`, `plug.local:8080`), and the URL of one of
 * its paths. The contract has already refused anything that is not a host with an optional port,
 * so no scheme, user info or path typed by a person ever reaches a request.
 */
export function deviceUrl(address: string, path: string, query?: URLSearchParams): string {
  const url = new URL(`http://${address}`);
  url.pathname = path;
  if (query) url.search = query.toString();
  return url.toString();
}

/** `host:80` and `host` are one device: shown without the default port. */
export function normalAddress(address: string): string {
  const url = new URL(`http://${address.trim()}`);
  return url.port ? `${url.hostname}:${url.port}` : url.hostname;
}
