// The intake HTTP API (intakes, forecast, reports, pipeline runs) with the user's ID token. Every
// refusal the API gives is {"error", "message"}; it reaches the screen as an ApiError with that reason.

export class ApiError extends Error {
  constructor(status, code, message, details = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

const STATUS_MESSAGES = {
  401: "La sesión ha terminado: vuelva a entrar.",
  403: "Su usuario no tiene permiso para esta acción.",
  404: "No encontrado.",
  409: "La operación choca con otra en curso.",
  413: "La petición es demasiado grande.",
  429: "Demasiadas peticiones: espere un momento.",
  503: "El servicio no está disponible ahora mismo.",
};

export class Api {
  /**
   * @param {string} baseUrl the API's URL (config.json apiUrl)
   * @param {() => Promise<string>} idToken a valid ID token (CognitoAuth.idToken)
   */
  constructor(baseUrl, idToken, fetchImpl = globalThis.fetch.bind(globalThis)) {
    this.baseUrl = baseUrl.replace(/\/$/, "");
    this.idToken = idToken;
    this.fetch = fetchImpl;
  }

  async request(method, path, { body, query, headers = {} } = {}) {
    const url = new URL(this.baseUrl + path);
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== null && value !== "") url.searchParams.set(name, String(value));
    }
    const token = await this.idToken();
    let response;
    try {
      response = await this.fetch(url.toString(), {
        method,
        headers: {
          Authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { "Content-Type": "application/json" }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, "network", "No se puede contactar con el servidor. Compruebe la conexión y vuelva a intentarlo.");
    }
    const text = await response.text();
    let answer = null;
    try {
      answer = text ? JSON.parse(text) : null;
    } catch {
      answer = null;
    }
    if (!response.ok) {
      const { error, message, ...details } = answer ?? {};
      throw new ApiError(
        response.status,
        error ?? `http_${response.status}`,
        message ?? STATUS_MESSAGES[response.status] ?? `Error del servidor (${response.status}).`,
        details,
      );
    }
    return answer;
  }

  createIntake(idempotencyKey) {
    return this.request("POST", "/intakes", { headers: { "Idempotency-Key": idempotencyKey } });
  }

  readIntake(intakeId) {
    return this.request("GET", `/intakes/${encodeURIComponent(intakeId)}`);
  }

  appendSegment(intakeId, segment) {
    return this.request("POST", `/intakes/${encodeURIComponent(intakeId)}/segments`, { body: segment });
  }

  correctFields(intakeId, fields) {
    return this.request("PATCH", `/intakes/${encodeURIComponent(intakeId)}/fields`, { body: { fields } });
  }

  submitIntake(intakeId, confirmInvalidDocument = false) {
    return this.request("POST", `/intakes/${encodeURIComponent(intakeId)}/submit`, {
      body: { confirm_invalid_document: confirmInvalidDocument },
    });
  }

  forecast(query) {
    return this.request("GET", "/forecast", { query });
  }

  reports() {
    return this.request("GET", "/reports");
  }

  startRun() {
    return this.request("POST", "/mlops/runs");
  }

  run(runId) {
    return this.request("GET", `/mlops/runs/${encodeURIComponent(runId)}`);
  }
}
