// Money travels as integer minor units (bigint) with an ISO 4217 currency.
// These helpers never go through floating point.

/** fractionDigits is the number of minor-unit digits of a currency (RUB 2, JPY 0). */
export function fractionDigits(currency: string): number {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** minorToDecimal renders minor units as a plain decimal string: (123456n, "RUB") → "1234.56". */
export function minorToDecimal(minor: bigint, currency: string): string {
  const d = fractionDigits(currency);
  const neg = minor < 0n;
  const s = (neg ? -minor : minor).toString().padStart(d + 1, "0");
  const out = d === 0 ? s : `${s.slice(0, s.length - d)}.${s.slice(s.length - d)}`;
  return neg ? `-${out}` : out;
}

/** formatMoney formats minor units for people, in the locale's way: 1 234,56 ₽ / RUB 1,234.56. */
export function formatMoney(minor: bigint | number, currency: string, locale: string): string {
  const m = typeof minor === "bigint" ? minor : BigInt(Math.trunc(minor));
  if (!currency) return m.toString();
  try {
    const nf = new Intl.NumberFormat(locale, { style: "currency", currency });
    // format() takes a decimal string exactly (Intl.NumberFormat v3).
    return nf.format(minorToDecimal(m, currency) as unknown as number);
  } catch {
    return `${minorToDecimal(m, currency)} ${currency}`;
  }
}

/**
 * parseMoney reads an amount typed by a person ("1500", "1 500,50", "1,500.50", "-20")
 * into minor units. It returns null for anything that is not an amount or has more
 * fraction digits than the currency has.
 */
export function parseMoney(input: string, currency: string): bigint | null {
  let s = input.trim().replace(/[\s\u00a0\u202f']/g, "");
  if (s === "") return null;
  let neg = false;
  if (s.startsWith("-") || s.startsWith("\u2212")) {
    neg = true;
    s = s.slice(1);
  }
  const lastDot = s.lastIndexOf(".");
  const lastComma = s.lastIndexOf(",");
  const sep = Math.max(lastDot, lastComma);
  let int = s;
  let frac = "";
  if (sep >= 0) {
    const sepChar = s[sep];
    const other = sepChar === "." ? "," : ".";
    const after = s.slice(sep + 1);
    // "1,500" with three digits after a lone comma is a thousands separator.
    const lone = !s.slice(0, sep).includes(sepChar) && !s.includes(other);
    if (lone && after.length === 3 && sepChar === "," && fractionDigits(currency) !== 3) {
      int = s.replace(/,/g, "");
    } else {
      int = s.slice(0, sep).split(other).join("").split(sepChar).join("");
      frac = after;
    }
  }
  if (!/^\d+$/.test(int) || !/^\d*$/.test(frac)) return null;
  const d = fractionDigits(currency);
  if (frac.length > d) return null;
  const minor = BigInt(int) * 10n ** BigInt(d) + (frac ? BigInt(frac.padEnd(d, "0")) : 0n);
  return neg ? -minor : minor;
}
