// Bundles the front into dist/: index.html (no-cache) naming content-hashed assets under
// dist/assets/ (cached for a year by nginx), and the audio worklet, which the browser loads by URL.
// The AWS SDK for Transcribe streaming is split into its own chunk, loaded only when recording starts.
import { build } from "esbuild";
import { copyFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, "dist");

await rm(dist, { recursive: true, force: true });
await mkdir(join(dist, "assets"), { recursive: true });

const result = await build({
  entryPoints: { app: join(root, "src/main.js"), styles: join(root, "public/styles.css") },
  outdir: join(dist, "assets"),
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "browser",
  target: ["es2022", "chrome110", "firefox115", "safari16"],
  entryNames: "[name]-[hash]",
  chunkNames: "chunk-[hash]",
  minify: true,
  legalComments: "linked",
  metafile: true,
  logLevel: "warning",
});

// The entry outputs by their entry name, e.g. { app: "assets/app-3F2A.js", styles: "assets/styles-9C1B.css" }.
const entries = {};
for (const [output, meta] of Object.entries(result.metafile.outputs)) {
  if (!meta.entryPoint || output.endsWith(".map")) continue;
  const name = basename(output).split("-")[0];
  entries[name] = "/assets/" + basename(output);
}
if (!entries.app || !entries.styles) {
  throw new Error(`build: missing entry outputs, found ${JSON.stringify(entries)}`);
}

const page = (await readFile(join(root, "public/index.html"), "utf8"))
  .replace("{{APP_SCRIPT}}", entries.app)
  .replace("{{STYLESHEET}}", entries.styles);
if (page.includes("{{")) throw new Error("build: index.html has an unfilled placeholder");
await writeFile(join(dist, "index.html"), page);
await copyFile(join(root, "public/pcm-worklet.js"), join(dist, "pcm-worklet.js"));
await copyFile(join(root, "public/favicon.svg"), join(dist, "favicon.svg"));

const sizes = Object.entries(result.metafile.outputs)
  .filter(([output]) => !output.endsWith(".map") && !output.endsWith(".txt"))
  .map(([output, meta]) => `${basename(output)} ${(meta.bytes / 1024).toFixed(1)} KiB`);
console.log(`front built in ${dist}:\n  ${sizes.join("\n  ")}`);
