// Runs the real NuGet clients (Debian's nuget 2.8.7 and NuGet.exe 5.8.0 on Mono) the way a
// user would, but sealed off: a throw-away HOME and XDG_CONFIG_HOME (no saved keys, no cached
// V3 index), an empty working directory holding only the package, an empty -ConfigFile (2.8.7
// merges every nuget.config up to / otherwise), -NonInteractive and stdin from /dev/null (a 401
// or a delete confirmation would wait for a keyboard), `timeout`, and output capped (2.8.7's
// help printer loops forever without a TTY, see /work/shared/notes/nuget-clients.md §1).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

export type NugetClient = "nuget-2.8.7" | "nuget-5.8";
export const NUGET_CLIENTS: readonly NugetClient[] = ["nuget-2.8.7", "nuget-5.8"];

const NUGET_287 = "/usr/bin/nuget";
const NUGET_58 = path.join(process.cwd(), "node_modules/nuget-exe/nuget-5.8.0.exe");
/** Enough for every message a client prints; anything past it is the help loop. */
const OUTPUT_CAP = 64 * 1024;
const TIMEOUT_SECONDS = 90;

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** stdout then stderr: 2.8.7 splits progress and errors between them */
  output: string;
}

export interface ClientCheck {
  ok: boolean;
  missing: string[];
}

/** Whether both clients can run here (nuget 2.8.7, Mono, NuGet.exe 5.8 and its Mono libraries). */
export function checkClients(): ClientCheck {
  const missing: string[] = [];
  if (!existsSync(NUGET_287)) missing.push("nuget (2.8.7)");
  if (!existsSync("/usr/bin/mono")) missing.push("mono");
  if (!existsSync(NUGET_58)) missing.push("node_modules/nuget-exe (npm ci)");
  // NuGet.exe 5.8 needs System.Net.Http & co., which Debian ships separately from mono-runtime.
  const gac = "/usr/lib/mono/gac";
  for (const lib of ["System.Net.Http", "System.Net.Http.WebRequest", "System.IO.Compression", "System.IO.Compression.FileSystem"]) {
    if (!existsSync(path.join(gac, lib))) missing.push(`Mono library ${lib}`);
  }
  return { ok: missing.length === 0, missing };
}

function command(client: NugetClient): [string, string[]] {
  return client === "nuget-2.8.7" ? [NUGET_287, []] : ["/usr/bin/mono", [NUGET_58]];
}

export interface Sandbox {
  home: string;
  cwd: string;
  configFile: string;
  /** only what the clients need: nothing of the caller's NuGet settings leaks in */
  env: Record<string, string | undefined>;
  dispose(): Promise<void>;
}

export async function sandbox(): Promise<Sandbox> {
  const root = await mkdtemp(path.join(tmpdir(), "nuget-client-"));
  const home = path.join(root, "home");
  const cwd = path.join(root, "work");
  await mkdir(home);
  await mkdir(cwd);
  const configFile = path.join(root, "empty.config");
  await writeFile(configFile, '<?xml version="1.0" encoding="utf-8"?>\n<configuration />\n');
  const env = { PATH: process.env.PATH, LANG: "C.UTF-8", HOME: home, XDG_CONFIG_HOME: path.join(home, ".config") };
  return { home, cwd, configFile, env, dispose: () => rm(root, { recursive: true, force: true }) };
}

/** Spawns under `timeout`, stdin closed, each stream capped; the whole process group dies on overflow. */
function spawnCapped(cmd: string, args: string[], cwd: string, env: Record<string, string | undefined>, seconds: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("timeout", ["-k", "5", String(seconds), cmd, ...args], {
      cwd,
      env: env as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const out = { stdout: "", stderr: "" };
    let overflow = false;
    for (const name of ["stdout", "stderr"] as const) {
      child[name].setEncoding("utf8");
      child[name].on("data", (chunk: string) => {
        if (out[name].length < OUTPUT_CAP) out[name] += chunk.slice(0, OUTPUT_CAP - out[name].length);
        else if (!overflow) {
          overflow = true;
          try {
            process.kill(-child.pid!, "SIGKILL");
          } catch {
            // already gone
          }
        }
      });
    }
    child.on("error", reject);
    child.on("close", (code, signal) => {
      const exitCode = code ?? (signal ? 128 : 1);
      if (overflow) out.stderr += `\n[output capped at ${OUTPUT_CAP} bytes: killed]`;
      if (exitCode === 124) out.stderr += `\n[timed out after ${seconds}s]`;
      resolve({ exitCode, ...out, output: `${out.stdout}\n${out.stderr}` });
    });
  });
}

const MONO_CRASH = /Native Crash Reporting|mono-threads\.c:\d+, condition/;

interface RunOptions {
  /** files to place in the empty working directory, by relative name */
  files?: Record<string, Uint8Array>;
  /**
   * Whether the command's effect is on the server now; asked after a Mono crash. A push that
   * landed before Mono crashed must not run again: the second one would get 409.
   */
  tookEffect?: () => Promise<boolean>;
  timeoutSeconds?: number;
  /** run in this sandbox (kept: e.g. a key saved by setapikey); by default a fresh one, removed after */
  box?: Sandbox;
}

/**
 * Runs one client command. The caller passes complete arguments (see push/del below): a usage
 * error would make 2.8.7 print help, which never ends without a TTY.
 */
export async function runNuget(client: NugetClient, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const box = opts.box ?? (await sandbox());
  try {
    for (const [name, bytes] of Object.entries(opts.files ?? {})) await writeFile(path.join(box.cwd, name), bytes);
    const [cmd, pre] = command(client);
    const run = () => spawnCapped(cmd, [...pre, ...args, "-ConfigFile", box.configFile, "-NonInteractive"], box.cwd, box.env, opts.timeoutSeconds ?? TIMEOUT_SECONDS);
    const first = await run();
    // Debian's Mono 6.8 now and then aborts in its own thread code under load ("Native Crash
    // Reporting", SIGABRT). That is the client's runtime, not the server: run the command once
    // more, unless what it did already took effect. Then the crash is the result, the test
    // fails, and Playwright runs the whole test again (retries in nuget-clients.spec.ts).
    if (!MONO_CRASH.test(first.output) || (await opts.tookEffect?.())) return first;
    return run();
  } finally {
    if (!opts.box) await box.dispose();
  }
}

export interface Nupkg {
  id: string;
  version: string;
  /** file name, e.g. "Test.Pkg.1.0.0.nupkg" */
  file: string;
  bytes: Uint8Array;
}

/** `nuget push <file> -Source … [-ApiKey …] [-SkipDuplicate]`; the package path is relative (2.8.7's Unix path bug). */
export async function push(client: NugetClient, pkg: Nupkg, opts: { source: string; apiKey?: string; skipDuplicate?: boolean; box?: Sandbox }): Promise<RunResult> {
  if (opts.skipDuplicate && client === "nuget-2.8.7") throw new Error("nuget 2.8.7 has no -SkipDuplicate");
  const args = ["push", pkg.file, "-Source", opts.source];
  if (opts.apiKey !== undefined) args.push("-ApiKey", opts.apiKey);
  if (opts.skipDuplicate) args.push("-SkipDuplicate");
  // asked through the API's download (no key needed): was the version there before, is it now
  const download = `${new URL(opts.source).origin}/api/v2/package/${encodeURIComponent(pkg.id)}/${encodeURIComponent(pkg.version)}`;
  const stored = async () => {
    const r = await fetch(download);
    await r.body?.cancel();
    return r.status === 200;
  };
  const before = await stored();
  const landed = async () => {
    // a request the crashed client sent may still be in the server's hands: wait for it a little
    for (let i = 0; i < 10 && !before; i++) {
      if (await stored()) return true;
      await new Promise((r) => setTimeout(r, 200));
    }
    return false;
  };
  return runNuget(client, args, { files: { [pkg.file]: pkg.bytes }, box: opts.box, tookEffect: landed });
}

/** `nuget setapikey <key> -Source …`: saved (encrypted) in the sandbox's config file; sends nothing. */
export function setApiKey(client: NugetClient, apiKey: string, source: string, box: Sandbox): Promise<RunResult> {
  if (!apiKey) throw new Error("nuget setapikey needs a key (2.8.7 would print help forever)");
  return runNuget(client, ["setapikey", apiKey, "-Source", source], { box });
}

/** `nuget delete <id> <version>` = unlist on nuget.org. */
export function del(client: NugetClient, id: string, version: string, opts: { source: string; apiKey?: string }): Promise<RunResult> {
  if (!id || !version) throw new Error("nuget delete needs an id and a version (2.8.7 would print help forever)");
  const args = ["delete", id, version, "-Source", opts.source];
  if (opts.apiKey !== undefined) args.push("-ApiKey", opts.apiKey);
  return runNuget(client, args);
}

function xml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * Builds a real package with `nuget pack` (2.8.7), which writes the parts 2.8.7's push insists
 * on ([Content_Types].xml, _rels/.rels, the psmdcp). `padding` adds a content file of that
 * many random-ish bytes, for size tests.
 */
export async function pack(id: string, version: string, opts: { padding?: number; files?: Record<string, string | Uint8Array> } = {}): Promise<Nupkg> {
  const box = await sandbox();
  try {
    const nuspec = `<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2010/07/nuspec.xsd">
  <metadata>
    <id>${xml(id)}</id>
    <version>${xml(version)}</version>
    <authors>e2e</authors>
    <description>A package pushed by the real-client tests.</description>
  </metadata>
  <files><file src="readme.txt" target="content" />${Object.keys(opts.files ?? {})
    .map((name) => `<file src="${xml(path.basename(name))}" target="${xml(path.dirname(name))}" />`)
    .join("")}</files>
</package>
`;
    await writeFile(path.join(box.cwd, `${id}.nuspec`), nuspec);
    // extra files by their path in the package ("tools/nuget.config"): written by their base name, packed to their folder
    for (const [name, text] of Object.entries(opts.files ?? {})) await writeFile(path.join(box.cwd, path.basename(name)), text);
    let readme = `${id} ${version}\n`;
    if (opts.padding) readme += Buffer.from(Array.from({ length: opts.padding }, (_, i) => (i * 7919) % 251)).toString("base64");
    await writeFile(path.join(box.cwd, "readme.txt"), readme);
    const r = await spawnCapped(NUGET_287, ["pack", `${id}.nuspec`, "-NonInteractive"], box.cwd, box.env, 60);
    const file = (await readdir(box.cwd)).find((f) => f.endsWith(".nupkg"));
    if (r.exitCode !== 0 || !file) throw new Error(`nuget pack failed (${r.exitCode}):\n${r.output}`);
    return { id, version, file, bytes: await readFile(path.join(box.cwd, file)) };
  } finally {
    await box.dispose();
  }
}
