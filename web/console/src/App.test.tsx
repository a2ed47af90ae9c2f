import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, render, screen } from "@testing-library/react";
import { Fallback } from "./App";

afterEach(cleanup);

function Boom(): never {
  throw new Error("page failed to draw");
}

describe("Fallback", () => {
  it("shows a message and a reload button instead of a page that failed to draw", () => {
    const quiet = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      render(
        <main>
          <Fallback message="This page could not be shown." action="Reload">
            <Boom />
          </Fallback>
        </main>,
      );
      expect(screen.getByRole("alert").textContent).toContain("This page could not be shown.");
      expect(screen.getByRole("button", { name: "Reload" })).toBeTruthy();
    } finally {
      quiet.mockRestore();
    }
  });

  it("draws its children when they draw", () => {
    render(
      <Fallback message="broken" action="Reload">
        <p>fine</p>
      </Fallback>,
    );
    expect(screen.getByText("fine")).toBeTruthy();
    expect(screen.queryByRole("alert")).toBeNull();
  });
});
