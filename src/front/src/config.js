// The runtime configuration the container renders at start (/config.json): one image serves every
// environment. A missing or malformed value stops the app with a message rather than half-working.

const REQUIRED = ["apiUrl", "region", "userPoolId", "clientId", "identityPoolId", "transcribeRegion"];

export function checkConfig(config) {
  if (!config || typeof config !== "object") throw new Error("config.json no es un objeto");
  const missing = REQUIRED.filter((name) => typeof config[name] !== "string" || !config[name]);
  if (missing.length) throw new Error(`config.json: faltan ${missing.join(", ")}`);
  if (!/^https?:\/\//.test(config.apiUrl)) throw new Error("config.json: apiUrl no es una URL");
  return { ...config, cognitoEndpoint: config.cognitoEndpoint || null };
}

export async function loadConfig(fetchImpl = globalThis.fetch.bind(globalThis)) {
  const response = await fetchImpl("/config.json", { cache: "no-store" });
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
  return checkConfig(await response.json());
}
