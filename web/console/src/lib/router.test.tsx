import { act, cleanup, render, screen } from "@testing-library/react";
import { useEffect } from "react";
import { afterEach, expect, test } from "vitest";
import { navigate, useLocation } from "./router";

afterEach(() => {
  cleanup();
  history.replaceState(null, "", "/");
});

function GoOnMount({ to }: { to: string }) {
  useEffect(() => navigate(to, true), [to]);
  return null;
}

function Where() {
  const { path, query } = useLocation();
  if (path === "/start") return <GoOnMount to="/login?expired=1" />;
  return <p>{`${path} expired=${query.get("expired")}`}</p>;
}

// A child's effect runs before its parent's: a redirect on the first render
// (or an answer that navigates before the page subscribed) must still move
// the page that reads the location.
test("a navigation before the reader subscribed is drawn", async () => {
  history.replaceState(null, "", "/start");
  await act(async () => {
    render(<Where />);
  });
  expect(screen.getByText("/login expired=1")).toBeTruthy();
});

test("a navigation after subscribing is drawn", async () => {
  history.replaceState(null, "", "/a");
  render(<Where />);
  await act(async () => navigate("/b?expired=1"));
  expect(screen.getByText("/b expired=1")).toBeTruthy();
});
