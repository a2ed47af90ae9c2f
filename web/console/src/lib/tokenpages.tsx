import { useState } from "react";
import { useI18n } from "./i18n";

/**
 * TokenPages is where a list paged by page tokens (ledger, audit log, module
 * calls) stands: the token of every page reached so far ("" for the first)
 * and the page shown. Going back reuses a token already seen; going forward
 * needs the next_page_token of the page shown.
 */
export interface TokenPages {
  tokens: string[];
  page: number;
}

export const firstPage: TokenPages = { tokens: [""], page: 1 };

/** tokenOf is the page_token to ask for the page shown. */
export const tokenOf = (s: TokenPages): string => s.tokens[s.page - 1] ?? "";

/** nextPage moves forward with the shown page's next_page_token; without one it stays. */
export function nextPage(s: TokenPages, next: string): TokenPages {
  if (!next) return s;
  return { tokens: [...s.tokens.slice(0, s.page), next], page: s.page + 1 };
}

/** prevPage moves back one page, keeping the tokens to come forward again. */
export function prevPage(s: TokenPages): TokenPages {
  return s.page > 1 ? { tokens: s.tokens, page: s.page - 1 } : s;
}

/** useTokenPages keeps a TokenPages that starts over when scope (the list's filter) changes. */
export function useTokenPages(scope = ""): [TokenPages, (s: TokenPages) => void] {
  const [st, set] = useState({ scope, pages: firstPage });
  const pages = st.scope === scope ? st.pages : firstPage;
  return [pages, (p) => set({ scope, pages: p })];
}

/** TokenPager is the previous/next control of a list paged by tokens. */
export function TokenPager({ pages, next, onChange, label }: { pages: TokenPages; next: string; onChange(p: TokenPages): void; label: string }) {
  const { t } = useI18n();
  if (pages.page === 1 && !next) return null;
  return (
    <nav className="pager" aria-label={label}>
      <button type="button" disabled={pages.page <= 1} onClick={() => onChange(prevPage(pages))}>
        {t("common.prev")}
      </button>
      <span>{t("common.pageN", { page: pages.page })}</span>
      <button type="button" disabled={!next} onClick={() => onChange(nextPage(pages, next))}>
        {t("common.next")}
      </button>
    </nav>
  );
}
