import assert from "node:assert/strict";
import { test } from "node:test";

import { Api, ApiError } from "../src/api.js";
import { AuthError, CognitoAuth, decodeClaims, userFromIdToken } from "../src/auth.js";
import { checkConfig } from "../src/config.js";

const encode = (object) => Buffer.from(JSON.stringify(object)).toString("base64url");
const token = (claims) => `${encode({ alg: "RS256" })}.${encode(claims)}.signature`;

class MemoryStorage {
  constructor() {
    this.items = new Map();
  }
  getItem(key) {
    return this.items.get(key) ?? null;
  }
  setItem(key, value) {
    this.items.set(key, String(value));
  }
  removeItem(key) {
    this.items.delete(key);
  }
}

function reply(status, body) {
  return { ok: status < 400, status, json: async () => body, text: async () => JSON.stringify(body) };
}

const CONFIG = { region: "eu-south-2", clientId: "client123" };

test("claims give the user's groups, office and expiry", () => {
  const id = token({ sub: "u-1", email: "t@x.org", "custom:office": "getafe", "cognito:groups": ["technician"], exp: 100, nombre: "Ñandú" });
  assert.equal(decodeClaims(id).nombre, "Ñandú");
  assert.deepEqual(userFromIdToken(id), { sub: "u-1", email: "t@x.org", office: "getafe", groups: ["technician"], expiresAt: 100 });
  assert.deepEqual(userFromIdToken(token({ sub: "u" })).groups, []);
  assert.throws(() => decodeClaims("nonsense"), AuthError);
});

test("sign-in calls the user pool's InitiateAuth and keeps the tokens in the session", async () => {
  const calls = [];
  const id = token({ sub: "u-1", "cognito:groups": ["coordinator"], "custom:office": "sevilla", exp: 10_000 });
  const fetch = async (url, init) => {
    calls.push({ url, target: init.headers["X-Amz-Target"], body: JSON.parse(init.body) });
    return reply(200, { AuthenticationResult: { IdToken: id, AccessToken: "a", RefreshToken: "r" } });
  };
  const storage = new MemoryStorage();
  const auth = new CognitoAuth(CONFIG, { fetch, storage, now: () => 0 });
  const { user } = await auth.signIn("c@x.org", "secret");
  assert.equal(user.office, "sevilla");
  assert.equal(calls[0].url, "https://cognito-idp.eu-south-2.amazonaws.com/");
  assert.equal(calls[0].target, "AWSCognitoIdentityProviderService.InitiateAuth");
  assert.deepEqual(calls[0].body, { AuthFlow: "USER_PASSWORD_AUTH", ClientId: "client123", AuthParameters: { USERNAME: "c@x.org", PASSWORD: "secret" } });
  assert.equal(await auth.idToken(), id);
  assert.equal(auth.user().groups[0], "coordinator");

  await auth.signOut();
  assert.equal(auth.user(), null);
  assert.equal(calls.at(-1).target, "AWSCognitoIdentityProviderService.RevokeToken");
  assert.deepEqual(calls.at(-1).body, { Token: "r", ClientId: "client123" });
});

test("an expiring token is refreshed; a refused refresh ends the session", async () => {
  const old = token({ sub: "u", exp: 1000 });
  const fresh = token({ sub: "u", exp: 5000 });
  const storage = new MemoryStorage();
  let refuse = false;
  const fetch = async (url, init) => {
    const body = JSON.parse(init.body);
    if (body.AuthFlow === "USER_PASSWORD_AUTH") return reply(200, { AuthenticationResult: { IdToken: old, RefreshToken: "r" } });
    assert.equal(body.AuthFlow, "REFRESH_TOKEN_AUTH");
    assert.equal(body.AuthParameters.REFRESH_TOKEN, "r");
    return refuse ? reply(400, { __type: "NotAuthorizedException" }) : reply(200, { AuthenticationResult: { IdToken: fresh } });
  };
  const auth = new CognitoAuth({ ...CONFIG, cognitoEndpoint: "http://127.0.0.1:5000" }, { fetch, storage, now: () => 950 });
  await auth.signIn("u", "p");
  assert.equal(await auth.idToken(), fresh);
  assert.equal(await auth.idToken(), fresh); // still valid: no refresh
  auth.now = () => 4950;
  refuse = true;
  await assert.rejects(auth.idToken(), (error) => error.code === "SessionExpired");
  assert.equal(auth.user(), null);
});

test("Cognito's refusals become Spanish messages; a first sign-in asks for a new password", async () => {
  const storage = new MemoryStorage();
  const auth = new CognitoAuth(CONFIG, {
    storage,
    fetch: async (url, init) => {
      const body = JSON.parse(init.body);
      if (body.AuthParameters?.PASSWORD === "wrong") return reply(400, { __type: "NotAuthorizedException", message: "Incorrect username or password." });
      if (body.ChallengeName === "NEW_PASSWORD_REQUIRED") {
        assert.deepEqual(body.ChallengeResponses, { USERNAME: "nueva@x.org", NEW_PASSWORD: "Otra-Clave-2026!" });
        assert.equal(body.Session, "s-1");
        return reply(200, { AuthenticationResult: { IdToken: token({ sub: "n", exp: 9e9 }) } });
      }
      return reply(200, { ChallengeName: "NEW_PASSWORD_REQUIRED", Session: "s-1" });
    },
  });
  await assert.rejects(auth.signIn("a@x.org", "wrong"), /Correo o contraseña incorrectos/);
  const challenge = await auth.signIn("nueva@x.org", "temporal");
  assert.equal(challenge.challenge, "NEW_PASSWORD_REQUIRED");
  const { user } = await auth.completeNewPassword(challenge, "Otra-Clave-2026!");
  assert.equal(user.sub, "n");
});

test("API calls carry the bearer token; refusals keep the API's reason and details", async () => {
  const seen = [];
  const api = new Api("https://api.example.org/", async () => "tok", async (url, init) => {
    seen.push({ url, init });
    if (url.includes("/submit")) {
      return { ok: false, status: 422, text: async () => JSON.stringify({ error: "submission_refused", message: "document_number: bad", problems: [{ field: "document_number", reason: "bad" }] }) };
    }
    if (url.includes("/reports")) return { ok: false, status: 503, text: async () => "" };
    return { ok: true, status: 200, text: async () => JSON.stringify({ days: [] }) };
  });
  await api.forecast({ workforce_type: "lawyer", start: "2026-12-01", end: "2026-12-02", location: "" });
  assert.equal(seen[0].url, "https://api.example.org/forecast?workforce_type=lawyer&start=2026-12-01&end=2026-12-02");
  assert.equal(seen[0].init.headers.Authorization, "Bearer tok");
  await assert.rejects(api.submitIntake("i/../x", true), (error) => {
    assert.ok(error instanceof ApiError);
    assert.equal(error.status, 422);
    assert.equal(error.code, "submission_refused");
    assert.equal(error.details.problems[0].field, "document_number");
    return true;
  });
  assert.equal(seen[1].url, "https://api.example.org/intakes/i%2F..%2Fx/submit");
  assert.deepEqual(JSON.parse(seen[1].init.body), { confirm_invalid_document: true });
  await assert.rejects(api.reports(), /no está disponible/);
  const offline = new Api("https://api.example.org", async () => "tok", async () => {
    throw new TypeError("Failed to fetch");
  });
  await assert.rejects(offline.startRun(), (error) => error.status === 0 && /conexión/.test(error.message));
});

test("the runtime configuration must name every setting", () => {
  const config = { apiUrl: "https://api.example.org", region: "eu-south-2", userPoolId: "p", clientId: "c", identityPoolId: "i", transcribeRegion: "eu-west-1" };
  assert.equal(checkConfig(config).cognitoEndpoint, null);
  assert.throws(() => checkConfig({ ...config, clientId: "" }), /clientId/);
  assert.throws(() => checkConfig({ ...config, apiUrl: "javascript:alert(1)" }), /apiUrl/);
  assert.throws(() => checkConfig(null), /objeto/);
});
