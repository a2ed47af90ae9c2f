import { useState } from "react";
import { useMutation, useQuery } from "@connectrpc/connect-query";
import { useQueryClient } from "@tanstack/react-query";
import { EmailDeliveryState, NotificationService, type NotificationSettings } from "@certsvc/client";
import { useI18n, type MessageKey } from "../lib/i18n";
import { foldIndexed, parseRecipients, pendingDeliveries, shownTypes, typesToSave } from "../lib/signals";
import { tokenOf, TokenPager, useTokenPages } from "../lib/tokenpages";
import { Form, formState, Loading, Problem, Select, TextArea, tsDate, type FormState } from "../lib/ui";
import { AccountTitle, EventPicker, useNoticeName } from "./EventPicker";

function SettingsForm({ accountId, s }: { accountId: bigint; s: NotificationSettings }) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const [recipients, setRecipients] = useState(s.recipients.join("\n"));
  const [types, setTypes] = useState(shownTypes(s.eventTypes));
  const [language, setLanguage] = useState(s.language || "en");
  const [local, setLocal] = useState<FormState | null>(null);
  const update = useMutation(NotificationService.method.updateNotificationSettings, {
    onSuccess: (res) => {
      // The server keeps addresses in their plain form ("Name <a@b>" is a@b).
      if (res.settings) setRecipients(res.settings.recipients.join("\n"));
      qc.invalidateQueries();
    },
  });
  const sendTest = useMutation(NotificationService.method.sendTestEmail, { onSuccess: () => qc.invalidateQueries() });
  const line = (n: number, message: string) => t("signals.line", { n, message });
  const errors = local ?? foldIndexed(foldIndexed(formState(update.error), "settings.recipients", line), "settings.event_types", line);
  return (
    <>
      <Form
        errors={errors}
        label={t("notify.settings")}
        onSubmit={() => {
          const save = typesToSave(types);
          if (save === null) {
            setLocal({ fields: { "settings.event_types": t("signals.pickEvent") }, message: "" });
            return;
          }
          setLocal(null);
          update.mutate({
            accountId,
            settings: { recipients: parseRecipients(recipients), eventTypes: save, language },
            updateMask: { paths: ["recipients", "event_types", "language"] },
          });
        }}
      >
        {!s.emailEnabled && (
          <p className="notice" role="note">
            {t("notify.emailOff")}
          </p>
        )}
        <TextArea label={t("notify.recipients")} name="settings.recipients" rows={4} autoComplete="off" value={recipients} onChange={(e) => setRecipients(e.currentTarget.value)} />
        <p className="hint">{t("notify.recipientsHint")}</p>
        <EventPicker name="settings.event_types" value={types} onChange={setTypes} />
        <Select label={t("notify.language")} name="settings.language" value={language} onChange={(e) => setLanguage(e.currentTarget.value)}>
          <option value="en">English</option>
          <option value="ru">Русский</option>
        </Select>
        <div className="row">
          <button type="submit" className="primary" disabled={update.isPending}>
            {t("common.save")}
          </button>
          <button type="button" disabled={sendTest.isPending} onClick={() => sendTest.mutate({ accountId })}>
            {t("notify.test")}
          </button>
        </div>
        {update.isSuccess && !update.isPending && (
          <p role="status" className="ok">
            {t("notify.saved")}
          </p>
        )}
      </Form>
      {sendTest.error && <Problem error={sendTest.error} />}
      {sendTest.data && (
        <p role="status" className="ok">
          {t("notify.testSent", { to: sendTest.data.sentTo.join(", ") })}
        </p>
      )}
    </>
  );
}

function EmailLog({ accountId }: { accountId: bigint }) {
  const { t, dateTime } = useI18n();
  const noticeName = useNoticeName();
  const [pages, setPages] = useTokenPages(String(accountId));
  const q = useQuery(
    NotificationService.method.listEmailDeliveries,
    { accountId, pageSize: 50, pageToken: tokenOf(pages) },
    { refetchInterval: (query) => (pendingDeliveries((query.state.data?.deliveries ?? []).map((d) => d.state), EmailDeliveryState.PENDING) ? 3000 : false) },
  );
  if (q.isPending) return <Loading />;
  if (q.error) return <Problem error={q.error} retry={() => q.refetch()} />;
  if (q.data.deliveries.length === 0 && pages.page === 1) return <p className="muted">{t("common.none")}</p>;
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{t("common.date")}</th>
            <th scope="col">{t("signals.type")}</th>
            <th scope="col">{t("signals.certificate")}</th>
            <th scope="col">{t("notify.recipient")}</th>
            <th scope="col">{t("signals.state")}</th>
            <th scope="col">{t("signals.attempts")}</th>
            <th scope="col">{t("signals.lastError")}</th>
          </tr>
        </thead>
        <tbody>
          {q.data.deliveries.map((d) => (
            <tr key={String(d.id)} data-state={d.state}>
              <td>{dateTime(tsDate(d.sentTime) ?? tsDate(d.createTime))}</td>
              <td>{noticeName(d.noticeType)}</td>
              <td>{d.certificateId ? `#${d.certificateId}` : ""}</td>
              <td>{d.recipient}</td>
              <td className="state">{d.state ? t(`notify.state.${d.state}` as MessageKey) : ""}</td>
              <td>{d.attempts}</td>
              <td>
                {d.lastStatus ? `${d.lastStatus} ` : ""}
                {d.lastError}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <TokenPager pages={pages} next={q.data.nextPageToken} onChange={setPages} label={t("notify.log")} />
    </div>
  );
}

/** Notifications: an account's e-mail settings and the log of its e-mails; accountId is given on the operator's route. */
export default function Notifications({ accountId }: { accountId?: string }) {
  const { t } = useI18n();
  const acct = accountId && /^\d+$/.test(accountId) ? BigInt(accountId) : 0n;
  const q = useQuery(NotificationService.method.getNotificationSettings, { accountId: acct });
  return (
    <>
      <AccountTitle accountId={acct} own="notify.title" of="notify.titleFor" />
      <section aria-labelledby="ns-h">
        <h2 id="ns-h">{t("notify.settings")}</h2>
        {q.isPending && <Loading />}
        {q.error && <Problem error={q.error} retry={() => q.refetch()} />}
        {q.data?.settings && <SettingsForm key={String(acct)} accountId={acct} s={q.data.settings} />}
      </section>
      <section aria-labelledby="nl-h">
        <h2 id="nl-h">{t("notify.log")}</h2>
        <EmailLog accountId={acct} />
      </section>
    </>
  );
}
