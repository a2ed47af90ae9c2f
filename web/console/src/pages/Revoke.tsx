import { useEffect, useId, useRef, useState } from "react";
import { useMutation } from "@connectrpc/connect-query";
import { useQueryClient } from "@tanstack/react-query";
import { CertificateService, CertificateState, RevocationReason, type Certificate } from "@certsvc/client";
import { useI18n, type MessageKey } from "../lib/i18n";
import { subscriberReasons } from "../lib/signals";
import { Form, formState, Select, TextArea, tsDate } from "../lib/ui";

/** reasonKey is the catalogue key of a revocation reason. */
export function reasonKey(r: RevocationReason): MessageKey | null {
  return subscriberReasons.includes(r) ? (`reason.${r}` as MessageKey) : null;
}

/**
 * Revoke is the certificate page's revocation: a reason code of RFC 5280, an
 * optional comment, then a confirmation. The certificate's state follows by
 * itself (live updates) once the CA confirms.
 */
export function Revoke({ c }: { c: Certificate }) {
  const { t, dateTime } = useI18n();
  const qc = useQueryClient();
  const [reason, setReason] = useState(RevocationReason.UNSPECIFIED);
  const [comment, setComment] = useState("");
  const [confirming, setConfirming] = useState(false);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const startRef = useRef<HTMLButtonElement>(null);
  const qid = useId();
  const revoke = useMutation(CertificateService.method.revokeCertificate, {
    onSuccess: () => {
      setConfirming(false);
      qc.invalidateQueries();
    },
  });
  useEffect(() => {
    if (confirming) cancelRef.current?.focus();
  }, [confirming]);
  const reasonName = (r: RevocationReason) => {
    const k = reasonKey(r);
    return k ? t(k) : t("reason.other", { code: r });
  };
  const revokedAt = tsDate(c.revokeTime);
  if (revokedAt || c.state === CertificateState.REVOKED) {
    return (
      <section aria-labelledby="rv-h">
        <h2 id="rv-h">{t("revoke.title")}</h2>
        <p id="revoked">{t("revoke.revokedOn", { date: dateTime(revokedAt), reason: reasonName(c.revocationReason) })}</p>
      </section>
    );
  }
  if (!c.allowedActions.includes("revoke")) return null;
  const cancel = () => {
    setConfirming(false);
    setTimeout(() => startRef.current?.focus());
  };
  return (
    <section aria-labelledby="rv-h">
      <h2 id="rv-h">{t("revoke.title")}</h2>
      <p className="muted">{t("revoke.explain")}</p>
      <Form
        errors={formState(revoke.error)}
        label={t("revoke.title")}
        onSubmit={() => (confirming ? revoke.mutate({ id: c.id, reason, comment }) : setConfirming(true))}
      >
        <div className="grid">
          <Select label={t("revoke.reason")} name="reason" value={reason} disabled={confirming} onChange={(e) => setReason(Number(e.currentTarget.value))}>
            {subscriberReasons.map((r) => (
              <option key={r} value={r}>
                {reasonName(r)} ({r})
              </option>
            ))}
          </Select>
        </div>
        <TextArea label={t("revoke.comment")} name="comment" rows={2} maxLength={400} value={comment} disabled={confirming} onChange={(e) => setComment(e.currentTarget.value)} />
        {!confirming ? (
          <button type="submit" ref={startRef}>
            {t("revoke.start")}
          </button>
        ) : (
          <div
            role="group"
            aria-labelledby={qid}
            className="notice confirm"
            onKeyDown={(e) => {
              if (e.key === "Escape") cancel();
            }}
          >
            <p id={qid}>{t("revoke.confirm", { id: String(c.id), names: [c.commonName, ...c.extraNames].join(", ") })}</p>
            <div className="row">
              <button type="submit" className="danger" disabled={revoke.isPending}>
                {t("revoke.yes")}
              </button>
              <button type="button" ref={cancelRef} onClick={cancel}>
                {t("common.cancel")}
              </button>
            </div>
          </div>
        )}
        {revoke.isSuccess && (
          <p role="status" className="ok">
            {t("revoke.requested")}
          </p>
        )}
      </Form>
    </section>
  );
}
