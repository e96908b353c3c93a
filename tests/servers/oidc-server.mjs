// A real OAuth2 authorization server (oidc-provider) for wink-auth's integration tests.
//
// Started by the Rust test harness on 127.0.0.1 with an ephemeral port; it prints
// `listening on PORT` when ready and exits when its stdin closes (so it never outlives the
// test process, whatever way that process ends). One confidential client with the
// client-credentials grant; its id, secret, scopes and token lifetime come from the
// environment so tests can set them.
import Provider from 'oidc-provider';

const env = (name, fallback) => process.env[name] ?? fallback;
const scopes = env('OIDC_SCOPES', 'marketing.read content.read analytics.read');

const provider = new Provider('http://127.0.0.1', {
  clients: [
    {
      client_id: env('OIDC_CLIENT_ID', 'wink-client'),
      client_secret: env('OIDC_CLIENT_SECRET', 'secret'),
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      token_endpoint_auth_method: env('OIDC_AUTH_METHOD', 'client_secret_basic'),
      scope: env('OIDC_CLIENT_SCOPES', 'marketing.read content.read'),
    },
  ],
  scopes: scopes.split(' '),
  features: {
    clientCredentials: { enabled: true },
    devInteractions: { enabled: false },
  },
  ttl: { ClientCredentials: Number(env('OIDC_TOKEN_TTL', '3600')) },
  routes: { token: '/oauth2/token' },
});

const server = provider.listen(0, '127.0.0.1', () => {
  console.log(`listening on ${server.address().port}`);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
process.stdin.resume();
