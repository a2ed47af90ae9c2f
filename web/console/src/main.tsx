import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { TransportProvider } from "@connectrpc/connect-query";
import { adoptHandoff, transport } from "./lib/session";
import { isUnauthenticated } from "./lib/errors";
import { I18nProvider } from "./lib/i18n";
import { App } from "./App";
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
