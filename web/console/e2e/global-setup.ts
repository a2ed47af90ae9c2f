import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const adminPassword = "e2e-admin-password";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Starts certsvc on a free port with a fresh SQLite store; the URL goes to the tests in CERTSVC_URL. */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const bin = process.env.CERTSVC_BIN;
  if (!bin) throw new Error("CERTSVC_BIN is not set: run the tests through scripts/web.sh e2e");
  const dir = mkdtempSync(join(tmpdir(), "certsvc-e2e-"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // Webhooks may reach the tests' own plain-HTTP listeners on 127.0.0.1.
  const args = ["--addr", `127.0.0.1:${port}`, "--data-dir", join(dir, "data"), "--log-level", "warn", "--webhook-allow-private=true", "--webhook-allow-http=true"];
  const proc = spawn(bin, args, {
    env: { ...process.env, CERTSVC_ADMIN_PASSWORD: adminPassword },
    stdio: ["ignore", "inherit", "inherit"],
  });
  let exited = false;
  proc.on("exit", () => (exited = true));
  for (let i = 0; ; i++) {
    if (exited) throw new Error("certsvc exited during start-up");
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (i > 600) throw new Error("certsvc did not answer /healthz within 60 s");
    await new Promise((r) => setTimeout(r, 100));
  }
  process.env.CERTSVC_URL = url;
  return async () => {
    proc.kill("SIGTERM");
    await new Promise((r) => (exited ? r(null) : proc.once("exit", r)));
    rmSync(dir, { recursive: true, force: true });
  };
}
