// A real OpenID Connect provider (the certified npm package `oidc-provider`) on loopback, for Otklik's tests.
// Started by tests/identity/oidc_server.py on the port in $PORT; prints one JSON line {"issuer": ...} when it is listening.
// Accounts are whatever the sign-in form says: a login name, an optional e-mail and whether it is verified.
// Client "otklik" is a normal confidential client; "otklik-expired" gets ID tokens that expire after 1 second.
import Provider from 'oidc-provider';

const accounts = new Map();
const host = '127.0.0.1';

const configuration = {
  clients: ['otklik', 'otklik-expired'].map((id) => ({
    client_id: id,
    client_secret: `${id}-secret`,
    redirect_uris: ['http://localhost/login/oidc/callback'],
    grant_types: ['authorization_code'],
    response_types: ['code'],
  })),
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  features: { devInteractions: { enabled: false } },
  pkce: { required: () => true },
  ttl: { IdToken: (ctx, token, client) => (client.clientId === 'otklik-expired' ? 1 : 600) },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, id) {
    const account = accounts.get(id) || { login: id };
    return {
      accountId: id,
      async claims() {
        const claims = { sub: id, name: account.login };
        if (account.email) Object.assign(claims, { email: account.email, email_verified: account.verified });
        return claims;
      },
    };
  },
};

const provider = new Provider(`http://${host}:${process.env.PORT}`, configuration);
// The test apps run on ports chosen at run time: any loopback callback of Otklik's OIDC route is accepted.
provider.Client.prototype.redirectUriAllowed = (uri) => /^http:\/\/(localhost|127\.0\.0\.1(:\d+)?)\/login\/oidc\/callback$/.test(uri);

const escape = (value) => String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return Object.fromEntries(new URLSearchParams(body));
}

const loginPage = (uid) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test SSO</title></head>
<body><h1>Test SSO sign-in</h1>
<form method="post" action="/interaction/${escape(uid)}/login">
<label>Login <input name="login" required autofocus></label>
<label>E-mail <input name="email" type="email"></label>
<label><input type="checkbox" name="verified" value="1"> E-mail verified</label>
<button type="submit">Sign in</button></form>
<form method="post" action="/interaction/${escape(uid)}/abort"><button type="submit">Cancel</button></form>
</body></html>`;

provider.use(async (ctx, next) => {
  const match = ctx.path.match(/^\/interaction\/([^/]+)(\/login|\/abort)?$/);
  if (!match) return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  let result;
  if (match[2] === '/abort') {
    result = { error: 'access_denied', error_description: 'The user cancelled the sign-in.' };
  } else if (match[2] === '/login' && ctx.method === 'POST') {
    const form = await readForm(ctx.req);
    const accountId = `user-${form.login}`;
    accounts.set(accountId, { login: form.login, email: form.email || '', verified: form.verified === '1' });
    result = { login: { accountId } };
  } else if (details.prompt.name === 'consent') {
    const grant = new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
    grant.addOIDCScope(details.params.scope);
    result = { consent: { grantId: await grant.save() } };
  } else {
    ctx.type = 'html';
    ctx.body = loginPage(details.uid);
    return undefined;
  }
  return provider.interactionFinished(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
});

provider.listen(Number(process.env.PORT), host, () => {
  process.stdout.write(`${JSON.stringify({ issuer: provider.issuer })}\n`);
});
