import { useQuery } from "@connectrpc/connect-query";
import { AccountService } from "@certsvc/client";
import { useI18n, type MessageKey } from "../lib/i18n";
import { noticeTypes, toggle } from "../lib/signals";
import { FieldError, Input } from "../lib/ui";

/** noticeName is a notice type's name in the reader's language, or the type itself when the catalogue has none. */
export function useNoticeName(): (type: string) => string {
  const { t } = useI18n();
  return (type) => {
    const k = `notice.${type}` as MessageKey;
    const s = t(k);
    return s === k ? type : s;
  };
}

/** EventPicker is the check boxes of a notice-type filter; name is the request field the server's errors name. */
export function EventPicker({ name, value, onChange }: { name: string; value: string[]; onChange(v: string[]): void }) {
  const { t } = useI18n();
  const noticeName = useNoticeName();
  return (
    <fieldset className="events">
      <legend>{t("signals.events")}</legend>
      <p className="hint">{t("signals.eventsHint")}</p>
      <FieldError name={name} />
      <div className="grid">
        {noticeTypes.map((type) => (
          <Input
            key={type}
            label={noticeName(type)}
            name={`${name}.${type}`}
            type="checkbox"
            value={type}
            checked={value.includes(type)}
            onChange={(e) => onChange(toggle(value, type, e.currentTarget.checked))}
          />
        ))}
      </div>
    </fieldset>
  );
}

/** AccountTitle is a page's heading: the plain title for the customer, with the account's name for an operator. */
export function AccountTitle({ accountId, own, of }: { accountId: bigint; own: MessageKey; of: MessageKey }) {
  const { t } = useI18n();
  const acc = useQuery(AccountService.method.getAccount, { id: accountId }, { enabled: accountId > 0n });
  if (accountId === 0n) return <h1>{t(own)}</h1>;
  return <h1>{t(of, { name: acc.data?.account?.name ?? `#${accountId}` })}</h1>;
}
