import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { TransportProvider } from "@connectrpc/connect-query";
import { Code, ConnectError, createRouterTransport } from "@connectrpc/connect";
import { AuthService } from "@certsvc/client";
import { I18nProvider } from "../lib/i18n";
import { badRequest } from "../lib/testutil";
import { Login } from "./Login";

afterEach(cleanup);

function renderLogin(login: (req: { login: string }) => never | { token: string }) {
  const transport = createRouterTransport(({ service }) => {
    service(AuthService, { login: login as never });
  });
  render(
    <TransportProvider transport={transport}>
      <QueryClientProvider client={new QueryClient()}>
        <I18nProvider initial="en">
          <Login />
        </I18nProvider>
      </QueryClientProvider>
    </TransportProvider>,
  );
}

describe("Login form", () => {
  it("shows the server's message next to the field it names", async () => {
    renderLogin(() => {
      const err = new ConnectError("login: unknown user", Code.InvalidArgument);
      err.details.push({ type: "google.rpc.BadRequest", value: badRequest([["login", "no such user"]]) });
      throw err;
    });
    fireEvent.input(screen.getByLabelText("Login"), { target: { value: "nobody" } });
    fireEvent.input(screen.getByLabelText("Password"), { target: { value: "x" } });
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    await waitFor(() => expect(screen.getByText("no such user")).toBeTruthy());
    const input = screen.getByLabelText("Login");
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(document.getElementById(input.getAttribute("aria-describedby")!)!.textContent).toBe("no such user");
  });
  it("shows a message that names no field above the form", async () => {
    renderLogin(() => {
      throw new ConnectError("wrong login or password", Code.Unauthenticated);
    });
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    await waitFor(() => expect(screen.getByRole("alert").textContent).toContain("wrong login or password"));
  });
  it("stores the session and leaves the login page", async () => {
    let seen = "";
    renderLogin((req) => {
      seen = req.login;
      return { token: "tok-1" };
    });
    fireEvent.input(screen.getByLabelText("Login"), { target: { value: "reseller@example.com" } });
    fireEvent.input(screen.getByLabelText("Password"), { target: { value: "secret-pass" } });
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    await waitFor(() => expect(localStorage.getItem("certsvc.token")).toBe("tok-1"));
    expect(seen).toBe("reseller@example.com");
    expect(location.pathname).toBe("/certificates");
  });
});
