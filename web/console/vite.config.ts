import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The console is embedded in the certsvc binary (package web, Go embed) and
// served at /. The build must be byte-for-byte reproducible from the
// lockfile: `make checkgenerate` rebuilds it and compares with the commit.
export default defineConfig({
  plugins: [react()],
  base: "/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 600,
    modulePreload: { polyfill: false },
  },
  server: {
    // `npm run dev -w @certsvc/console` with certsvc on :8080
    proxy: { "^/certsvc\\.v1\\.": "http://127.0.0.1:8080" },
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
  },
} as never);
