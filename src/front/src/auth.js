// Sign-in against the Cognito user pool with plain HTTPS calls (the user pool's JSON API), so the
// page needs no SDK until recording starts. The session (ID, access and refresh tokens) lives in
// sessionStorage: it survives a reload, not the tab; signing out revokes the refresh token.

const TARGET_PREFIX = "AWSCognitoIdentityProviderService.";
const SESSION_KEY = "acogida.session";
const REFRESH_MARGIN_S = 120;

export class AuthError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

/** Spanish messages for what Cognito answers; anything else is reported with its own code. */
const COGNITO_MESSAGES = {
  NotAuthorizedException: "Correo o contraseña incorrectos.",
  UserNotFoundException: "Correo o contraseña incorrectos.",
  PasswordResetRequiredException: "Debe restablecer la contraseña: pida ayuda a la persona administradora.",
  UserNotConfirmedException: "La cuenta aún no está confirmada.",
  InvalidPasswordException: "La contraseña no cumple la política (longitud, mayúsculas, números y símbolos).",
  TooManyRequestsException: "Demasiados intentos: espere un momento.",
  LimitExceededException: "Demasiados intentos: espere un momento.",
};

/** Reads the claims of a JWT without verifying it (the API's authorizer verifies every call). */
export function decodeClaims(token) {
  const part = String(token).split(".")[1];
  if (!part) throw new AuthError("BadToken", "Token no válido.");
  const base64 = part.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(part.length / 4) * 4, "=");
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

/** The user as the API sees them: groups from cognito:groups, office from custom:office. */
export function userFromIdToken(idToken) {
  const claims = decodeClaims(idToken);
  const groups = Array.isArray(claims["cognito:groups"]) ? claims["cognito:groups"] : [];
  return {
    sub: claims.sub,
    email: claims.email ?? claims["cognito:username"] ?? "",
    office: claims["custom:office"] ?? null,
    groups,
    expiresAt: Number(claims.exp) || 0,
  };
}

export class CognitoAuth {
  /**
   * @param {{region: string, clientId: string, cognitoEndpoint?: string|null}} config
   * @param {{fetch?: typeof fetch, storage?: Storage, now?: () => number}} deps
   */
  constructor(config, { fetch: fetchImpl = globalThis.fetch.bind(globalThis), storage = globalThis.sessionStorage, now = () => Date.now() / 1000 } = {}) {
    this.endpoint = config.cognitoEndpoint || `https://cognito-idp.${config.region}.amazonaws.com/`;
    this.clientId = config.clientId;
    this.fetch = fetchImpl;
    this.storage = storage;
    this.now = now;
  }

  async call(action, body) {
    let response;
    try {
      response = await this.fetch(this.endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": TARGET_PREFIX + action },
        body: JSON.stringify(body),
      });
    } catch {
      throw new AuthError("NetworkError", "No se puede contactar con el servicio de acceso. Compruebe la conexión.");
    }
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) {
      const code = String(answer.__type ?? answer.code ?? "UnknownError").split("#").pop();
      throw new AuthError(code, COGNITO_MESSAGES[code] ?? `Error de acceso (${code}).`);
    }
    return answer;
  }

  /**
   * Signs in with USER_PASSWORD_AUTH. Returns {user} when signed in, or {challenge: "NEW_PASSWORD_REQUIRED",
   * session, username} when Cognito asks a first-time user to choose a password.
   */
  async signIn(username, password) {
    const answer = await this.call("InitiateAuth", {
      AuthFlow: "USER_PASSWORD_AUTH",
      ClientId: this.clientId,
      AuthParameters: { USERNAME: username, PASSWORD: password },
    });
    return this.#settle(answer, username);
  }

  async completeNewPassword(challenge, newPassword) {
    const answer = await this.call("RespondToAuthChallenge", {
      ChallengeName: "NEW_PASSWORD_REQUIRED",
      ClientId: this.clientId,
      Session: challenge.session,
      ChallengeResponses: { USERNAME: challenge.username, NEW_PASSWORD: newPassword },
    });
    return this.#settle(answer, challenge.username);
  }

  #settle(answer, username) {
    if (answer.ChallengeName) {
      if (answer.ChallengeName !== "NEW_PASSWORD_REQUIRED") {
        throw new AuthError(answer.ChallengeName, `Paso de acceso no admitido: ${answer.ChallengeName}.`);
      }
      return { challenge: answer.ChallengeName, session: answer.Session, username };
    }
    const result = answer.AuthenticationResult;
    if (!result || !result.IdToken) throw new AuthError("NoTokens", "El servicio de acceso no devolvió la sesión.");
    this.#save({
      idToken: result.IdToken,
      accessToken: result.AccessToken,
      refreshToken: result.RefreshToken,
    });
    return { user: userFromIdToken(result.IdToken) };
  }

  #save(session) {
    this.storage.setItem(SESSION_KEY, JSON.stringify(session));
  }

  session() {
    try {
      const session = JSON.parse(this.storage.getItem(SESSION_KEY) ?? "null");
      return session && session.idToken ? session : null;
    } catch {
      return null;
    }
  }

  /** The signed-in user, or null. */
  user() {
    const session = this.session();
    return session ? userFromIdToken(session.idToken) : null;
  }

  /** A valid ID token, refreshed when it is about to expire; throws AuthError "SessionExpired". */
  async idToken() {
    const session = this.session();
    if (!session) throw new AuthError("SessionExpired", "La sesión ha terminado: vuelva a entrar.");
    if (userFromIdToken(session.idToken).expiresAt - this.now() > REFRESH_MARGIN_S) return session.idToken;
    if (!session.refreshToken) {
      this.clear();
      throw new AuthError("SessionExpired", "La sesión ha terminado: vuelva a entrar.");
    }
    try {
      const answer = await this.call("InitiateAuth", {
        AuthFlow: "REFRESH_TOKEN_AUTH",
        ClientId: this.clientId,
        AuthParameters: { REFRESH_TOKEN: session.refreshToken },
      });
      const result = answer.AuthenticationResult ?? {};
      this.#save({ ...session, idToken: result.IdToken, accessToken: result.AccessToken ?? session.accessToken });
      return result.IdToken;
    } catch (error) {
      if (error.code === "NetworkError") throw error;
      this.clear();
      throw new AuthError("SessionExpired", "La sesión ha terminado: vuelva a entrar.");
    }
  }

  /** Ends the session here and revokes its refresh token at Cognito (best effort). */
  async signOut() {
    const session = this.session();
    this.clear();
    if (session?.refreshToken) {
      await this.call("RevokeToken", { Token: session.refreshToken, ClientId: this.clientId }).catch(() => {});
    }
  }

  clear() {
    this.storage.removeItem(SESSION_KEY);
  }
}
