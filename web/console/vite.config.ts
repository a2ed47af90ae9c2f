import { defineConfig } from "vite";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { base64Decode, base64Encode } from "@bufbuild/protobuf/wire";
import { shellScript } from "./src/lib/shell";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

// The console needs four messages of protovalidate's validate.proto (the
// Violations an error carries), but every certsvc descriptor imports that
// file, whose descriptor (all of protovalidate's rules, 53 KB) would be
// decoded and registered before the first page draws. This keeps the file's
// name, package and imports (so the certsvc descriptors still resolve their
// import) and only those four messages; the rule extensions are left out, as
// nothing in the browser reads the validation options.
const validateKept = ["Violations", "Violation", "FieldPath", "FieldPathElement"];

function slimValidate() {
  return {
    name: "certsvc-slim-validate",
    transform(code: string, id: string) {
      if (!id.replace(/\\/g, "/").endsWith("/gen/buf/validate/validate_pb.js")) return null;
      const m = /fileDesc\("([^"]+)", (\[[^\]]*\])\)/.exec(code);
      const imports = code.match(/^import .*$/gm);
      if (!m || !imports) throw new Error("certsvc-slim-validate: validate_pb.js is not as expected");
      const file = fromBinary(FileDescriptorProtoSchema, base64Decode(m[1]));
      file.messageType = validateKept.map((n) => {
        const d = file.messageType.find((t) => t.name === n);
        if (!d) throw new Error(`certsvc-slim-validate: no message ${n}`);
        return d;
      });
      file.enumType = [];
      file.extension = [];
      file.options = undefined;
      const b64 = base64Encode(toBinary(FileDescriptorProtoSchema, file), "std_raw");
      return [
        ...imports,
        `export const file_buf_validate_validate = /*@__PURE__*/ fileDesc(${JSON.stringify(b64)}, ${m[2]});`,
        ...validateKept.map((n, i) => `export const ${n}Schema = /*@__PURE__*/ messageDesc(file_buf_validate_validate, ${i});`),
      ].join("\n");
    },
  };
}

// listShell puts the script that draws the list's frame before the
// console's JavaScript has loaded (src/lib/shell.ts) right after the root.
function listShell() {
  return {
    name: "certsvc-list-shell",
    transformIndexHtml(html: string) {
      const root = '<div id="root"></div>';
      if (!html.includes(root)) throw new Error("certsvc-list-shell: index.html has no empty #root");
      return html.replace(root, `${root}\n    <script>${shellScript()}</script>`);
    },
  };
}

// precompress stores a brotli (.br) and a gzip (.gz) copy beside every
// JavaScript and CSS file of 1 KB or more, which certsvc's static handler
// sends as they are to a browser that accepts them: the browser fetches a
// third of the bytes and the server compresses nothing per request. Both are
// made at the highest level and are byte-for-byte reproducible (the gzip
// header has no time and a fixed OS byte).
function precompress() {
  return {
    name: "certsvc-precompress",
    // After the files are written: only then is every chunk final (Vite
    // fills in the preload lists of dynamic imports as late as generateBundle).
    writeBundle(options: { dir?: string }, bundle: Record<string, unknown>) {
      const dir = options.dir ?? "dist";
      for (const name of Object.keys(bundle)) {
        if (!/\.(js|css)$/.test(name)) continue;
        const data = readFileSync(join(dir, name));
        if (data.length < 1024) continue;
        const gz = gzipSync(data, { level: 9 });
        gz[9] = 3; // OS: Unix, whatever the machine building it
        const br = brotliCompressSync(data, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
            [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
            [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
          },
        });
        writeFileSync(join(dir, `${name}.gz`), gz);
        writeFileSync(join(dir, `${name}.br`), br);
      }
    },
  };
}

// preactAliases point every import of React (the console's, TanStack
// Query's, connect-query's and, in the unit tests, Testing Library's) at
// preact/compat. tsconfig.json maps the same names for the type check.
const preactAliases = [
  { find: /^react$/, replacement: "preact/compat" },
  { find: /^react\/jsx-runtime$/, replacement: "preact/compat/jsx-runtime" },
  { find: /^react\/jsx-dev-runtime$/, replacement: "preact/compat/jsx-dev-runtime" },
  { find: /^react-dom$/, replacement: "preact/compat" },
  { find: /^react-dom\/client$/, replacement: "preact/compat/client" },
  { find: /^react-dom\/test-utils$/, replacement: "preact/test-utils" },
];

// The console is embedded in the certsvc binary (package web, Go embed) and
// served at /. The build must be byte-for-byte reproducible from the
// lockfile: `make checkgenerate` rebuilds it and compares with the commit.
export default defineConfig({
  plugins: [slimValidate(), listShell(), precompress()],
  base: "/",
  // The console is written against React's API and runs on Preact's
  // (preact/compat): the same components, a tenth of the code to fetch,
  // parse and run before the first page draws. TanStack Query and
  // connect-query reach Preact through the same aliases; JSX compiles to
  // Preact's runtime.
  resolve: { alias: preactAliases },
  oxc: { jsx: { runtime: "automatic", importSource: "preact/compat" } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 600,
    modulePreload: { polyfill: false },
    rolldownOptions: {
      // TanStack Query marks its modules "use client" (for React server
      // components); a browser bundle has no use for it, so no warning.
      onwarn(warning: { code?: string; message: string }, warn: (w: unknown) => void) {
        if (warning.code === "MODULE_LEVEL_DIRECTIVE" && warning.message.includes("use client")) return;
        warn(warning);
      },
    },
  },
  server: {
    // `npm run dev -w @certsvc/console` with certsvc on :8080
    proxy: { "^/certsvc\\.v1\\.": "http://127.0.0.1:8080" },
  },
  test: {
    environment: "jsdom",
    // Run these packages through Vite (not Node's loader) so that their
    // imports of React take the aliases above.
    server: { deps: { inline: [/@testing-library\/react/, /@tanstack\/react-query/, /@connectrpc\/connect-query/] } },
    alias: [{ find: /^@testing-library\/react$/, replacement: "@testing-library/react/dist/@testing-library/react.esm.js" }],
    include: ["src/**/*.test.{ts,tsx}"],
  },
} as never);
