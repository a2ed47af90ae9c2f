import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { createRouterTransport, type ConnectRouter } from "@connectrpc/connect";
import { TransportProvider } from "@connectrpc/connect-query";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactNode } from "react";
import { I18nProvider, type Locale } from "./i18n";

/** badRequest encodes a google.rpc.BadRequest as the server sends it, for tests. */
export function badRequest(violations: [string, string][]): Uint8Array {
  const w = new BinaryWriter();
  for (const [field, desc] of violations) {
    w.tag(1, WireType.LengthDelimited).fork().tag(1, WireType.LengthDelimited).string(field).tag(2, WireType.LengthDelimited).string(desc).join();
  }
  return w.finish();
}

/** renderWith renders ui for a test against a server made of routes, in locale. */
export function renderWith(routes: (r: ConnectRouter) => void, ui: ReactNode, locale: Locale = "en") {
  const transport = createRouterTransport(routes);
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <TransportProvider transport={transport}>
      <QueryClientProvider client={qc}>
        <I18nProvider initial={locale}>{ui}</I18nProvider>
      </QueryClientProvider>
    </TransportProvider>,
  );
}
