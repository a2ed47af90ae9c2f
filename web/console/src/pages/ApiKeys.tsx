import { useState } from "react";
import { useMutation, useQuery } from "@connectrpc/connect-query";
import { useQueryClient } from "@tanstack/react-query";
import { AuthService } from "@certsvc/client";
import { useI18n } from "../lib/i18n";
import { CopyButton, Form, formState, Input, Loading, Problem, tsDate } from "../lib/ui";

export default function ApiKeys() {
  const { t, dateTime } = useI18n();
  const qc = useQueryClient();
  const q = useQuery(AuthService.method.listApiKeys, { pageSize: 100 });
  const [name, setName] = useState("");
  const create = useMutation(AuthService.method.createApiKey, {
    onSuccess: () => {
      setName("");
      qc.invalidateQueries();
    },
  });
  const del = useMutation(AuthService.method.deleteApiKey, { onSuccess: () => qc.invalidateQueries() });
  return (
    <>
      <h1>{t("keys.title")}</h1>
      <Form errors={formState(create.error)} label={t("keys.create")} onSubmit={() => create.mutate({ name })}>
        <div className="row">
          <Input label={t("keys.name")} name="name" value={name} onChange={(e) => setName(e.currentTarget.value)} />
          <button type="submit">{t("keys.create")}</button>
        </div>
      </Form>
      {create.data && (
        <p role="status" className="notice">
          {t("keys.secret", { secret: create.data.secret })} <CopyButton text={create.data.secret} label={create.data.apiKey?.name ?? ""} />
        </p>
      )}
      {q.isPending && <Loading />}
      {q.error && <Problem error={q.error} retry={() => q.refetch()} />}
      {del.error && <Problem error={del.error} />}
      {q.data && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("common.name")}</th>
                <th scope="col">{t("keys.prefix")}</th>
                <th scope="col">{t("keys.lastUsed")}</th>
                <th scope="col">{t("common.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {q.data.apiKeys.map((k) => (
                <tr key={String(k.id)}>
                  <td>{k.name}</td>
                  <td>
                    <code>{k.prefix}</code>
                  </td>
                  <td>{dateTime(tsDate(k.lastUsedTime))}</td>
                  <td>
                    <button type="button" className="small" onClick={() => del.mutate({ id: k.id })} aria-label={`${t("common.delete")} ${k.name}`}>
                      {t("common.delete")}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
