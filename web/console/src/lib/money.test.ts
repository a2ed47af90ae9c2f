import { describe, expect, it } from "vitest";
import { formatMoney, fractionDigits, minorToDecimal, parseMoney } from "./money";

describe("money", () => {
  it("knows the minor units of a currency", () => {
    expect(fractionDigits("RUB")).toBe(2);
    expect(fractionDigits("JPY")).toBe(0);
    expect(fractionDigits("KWD")).toBe(3);
  });
  it("renders minor units exactly, also beyond float precision", () => {
    expect(minorToDecimal(123456n, "RUB")).toBe("1234.56");
    expect(minorToDecimal(5n, "RUB")).toBe("0.05");
    expect(minorToDecimal(-5n, "USD")).toBe("-0.05");
    expect(minorToDecimal(1500n, "JPY")).toBe("1500");
    expect(minorToDecimal(9007199254740993n, "USD")).toBe("90071992547409.93");
  });
  it("formats per locale and currency", () => {
    expect(formatMoney(150000n, "RUB", "ru").replace(/\s/g, " ")).toBe("1 500,00 ₽");
    expect(formatMoney(150000n, "USD", "en")).toBe("$1,500.00");
    expect(formatMoney(1500n, "JPY", "en")).toBe("¥1,500");
    expect(formatMoney(-2050n, "EUR", "en")).toBe("-€20.50");
    expect(formatMoney(9007199254740993n, "USD", "en")).toBe("$90,071,992,547,409.93");
  });
  it("falls back to digits and the code for a currency Intl does not know", () => {
    expect(fractionDigits("RUBLES")).toBe(2);
    expect(formatMoney(1234n, "RUBLES", "en")).toBe("12.34 RUBLES");
  });
  it("parses amounts people type", () => {
    expect(parseMoney("1500", "RUB")).toBe(150000n);
    expect(parseMoney("1 500,50", "RUB")).toBe(150050n);
    expect(parseMoney("1,500.5", "USD")).toBe(150050n);
    expect(parseMoney("1,500", "USD")).toBe(150000n);
    expect(parseMoney("0.05", "USD")).toBe(5n);
    expect(parseMoney("-20", "RUB")).toBe(-2000n);
    expect(parseMoney("1.234.567,89", "EUR")).toBe(123456789n);
    expect(parseMoney("100", "JPY")).toBe(100n);
  });
  it("refuses what is not an amount", () => {
    expect(parseMoney("", "RUB")).toBeNull();
    expect(parseMoney("abc", "RUB")).toBeNull();
    expect(parseMoney("1.234", "RUB")).toBeNull();
    expect(parseMoney("1.5", "JPY")).toBeNull();
    expect(parseMoney("1e5", "RUB")).toBeNull();
  });
});
