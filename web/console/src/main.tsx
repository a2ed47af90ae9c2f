import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createQueryOptions, TransportProvider } from "@connectrpc/connect-query";
import { AuthService } from "@certsvc/client";
import { adoptHandoff, session, transport } from "./lib/session";
import { isUnauthenticated } from "./lib/errors";
import { I18nProvider } from "./lib/i18n";
import { App } from "./App";
import { prefetchCertificates } from "./pages/Certificates";
import "./style.css";

adoptHandoff(); // a key login link of the legacy gateway signs in here

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A lost connection is retried once by itself, then shown with a retry button.
      retry: (n, err) => n < 1 && !isUnauthenticated(err),
      refetchOnWindowFocus: false,
      staleTime: 5_000,
    },
  },
});

// A returning user's first requests leave now, not after the first render:
// WhoAmI for every page, the list's for the list (the page a sign-in lands on).
if (session.token() && location.pathname !== "/login") {
  void queryClient.prefetchQuery(createQueryOptions(AuthService.method.whoAmI, {}, { transport }));
  if (location.pathname === "/" || location.pathname === "/certificates") prefetchCertificates(queryClient, transport);
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <TransportProvider transport={transport}>
      <QueryClientProvider client={queryClient}>
        <I18nProvider>
          <App />
        </I18nProvider>
      </QueryClientProvider>
    </TransportProvider>
  </StrictMode>,
);
