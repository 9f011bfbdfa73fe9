// A real OpenID Connect provider for the IT desk's tests: node-oidc-provider (certified by the
// OpenID Foundation), with the clients and accounts of provider.json, the dev login screen (any
// password), PKCE required, and the scope claims in the ID token as Entra puts them there.
//
//   node provider.mjs ISSUER PORT REDIRECT_URI [KEYS_FILE]
//
// KEYS_FILE (JSON Web Key Set with private keys) lets two providers sign with the same key, so a
// test can tell an issuer check from a signature check. Prints "ready" once it listens.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Provider from 'oidc-provider';

const [issuer, port, redirectUri, keysFile] = process.argv.slice(2);
const here = dirname(fileURLToPath(import.meta.url));
const settings = JSON.parse(readFileSync(join(here, 'provider.json'), 'utf8'));

const configuration = {
  clients: settings.clients.map((client) => ({ ...client, redirect_uris: [redirectUri] })),
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
  conformIdTokenClaims: false,
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'groups'],
  },
  cookies: { keys: ['a test key for the provider cookies only'] },
  async findAccount(ctx, id) {
    const account = settings.accounts[id];
    if (!account) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...account }; } };
  },
};
if (keysFile) configuration.jwks = JSON.parse(readFileSync(keysFile, 'utf8'));

const provider = new Provider(issuer, configuration);
provider.listen(Number(port), '127.0.0.1', () => console.log('ready'));
