import {
  createContext,
  useContext,
  useId,
  useState,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
} from "react";
import { ConnectError } from "@connectrpc/connect";
import { useI18n } from "./i18n";
import { fieldErrors, isNetworkError, type FieldErrors } from "./errors";

/** FormState is what a form shows after the server said no: per-field messages and the rest. */
export interface FormState {
  fields: FieldErrors;
  message: string;
}

export const noErrors: FormState = { fields: {}, message: "" };

export function formState(err: unknown): FormState {
  if (!err) return noErrors;
  const ce = ConnectError.from(err);
  return { fields: fieldErrors(err), message: ce.rawMessage || ce.message };
}

const FormCtx = createContext<FormState>(noErrors);

/** Form wraps a form whose fields show the errors the server names. */
export function Form({
  errors,
  onSubmit,
  children,
  label,
}: {
  errors: FormState;
  onSubmit: () => void;
  children: ReactNode;
  label?: string;
}) {
  const { t } = useI18n();
  const unnamed = errors.message && Object.keys(errors.fields).length === 0;
  return (
    <FormCtx.Provider value={errors}>
      <form
        aria-label={label}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          onSubmit();
        }}
      >
        {unnamed && (
          <p role="alert" className="error">
            {t("common.error", { message: errors.message })}
          </p>
        )}
        {!unnamed && Object.keys(errors.fields).length > 0 && (
          <p role="alert" className="error">
            {t("common.fixFields")}
          </p>
        )}
        {children}
      </form>
    </FormCtx.Provider>
  );
}

/** useFieldError finds the server's message for a field path, also as a prefix ("subject" for "subject.common_name"). */
export function useFieldError(name: string): string | undefined {
  const { fields } = useContext(FormCtx);
  if (fields[name]) return fields[name];
  const leaf = name.split(".").pop()!;
  for (const [k, v] of Object.entries(fields)) {
    if (k === leaf || k.endsWith(`.${name}`)) return v;
  }
  return undefined;
}

/** FieldScope gives the fields inside it the errors of a request that is not the enclosing form's. */
export function FieldScope({ errors, children }: { errors: FormState; children: ReactNode }) {
  return <FormCtx.Provider value={errors}>{children}</FormCtx.Provider>;
}

/** FieldError shows the server's message for a field that has no input of its own. */
export function FieldError({ name }: { name: string }) {
  const err = useFieldError(name);
  return err ? (
    <p className="field-error" data-field={name} role="alert">
      {err}
    </p>
  ) : null;
}

type FieldProps = { label: string; name: string; hint?: string };

export function Input({ label, name, hint, ...rest }: FieldProps & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  const err = useFieldError(name);
  const described = [hint ? `${id}-hint` : "", err ? `${id}-err` : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div className={rest.type === "checkbox" ? "field check" : "field"}>
      <label htmlFor={id}>{label}</label>
      <input id={id} name={name} aria-invalid={err ? true : undefined} aria-describedby={described} {...rest} />
      {hint && (
        <small id={`${id}-hint`} className="hint">
          {hint}
        </small>
      )}
      {err && (
        <small id={`${id}-err`} className="field-error" data-field={name}>
          {err}
        </small>
      )}
    </div>
  );
}

export function Select({
  label,
  name,
  children,
  ...rest
}: FieldProps & SelectHTMLAttributes<HTMLSelectElement> & { children: ReactNode }) {
  const id = useId();
  const err = useFieldError(name);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name} aria-invalid={err ? true : undefined} aria-describedby={err ? `${id}-err` : undefined} {...rest}>
        {children}
      </select>
      {err && (
        <small id={`${id}-err`} className="field-error" data-field={name}>
          {err}
        </small>
      )}
    </div>
  );
}

export function TextArea({ label, name, ...rest }: FieldProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const id = useId();
  const err = useFieldError(name);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea id={id} name={name} aria-invalid={err ? true : undefined} aria-describedby={err ? `${id}-err` : undefined} {...rest} />
      {err && (
        <small id={`${id}-err`} className="field-error" data-field={name}>
          {err}
        </small>
      )}
    </div>
  );
}

/** Problem shows a failed load: a lost connection with a retry, or the server's message. */
export function Problem({ error, retry }: { error: unknown; retry?: () => void }) {
  const { t } = useI18n();
  if (!error) return null;
  const ce = ConnectError.from(error);
  return (
    <div role="alert" className="problem">
      <p>{isNetworkError(error) ? t("common.offline") : t("common.error", { message: ce.rawMessage || ce.message })}</p>
      {retry && (
        <button type="button" onClick={retry}>
          {t("common.retry")}
        </button>
      )}
    </div>
  );
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p role="status" className="muted">
      {t("common.loading")}
    </p>
  );
}

export function CopyButton({ text, label }: { text: string; label: string }) {
  const { t } = useI18n();
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      className="small"
      aria-label={`${t("common.copy")}: ${label}`}
      onClick={async () => {
        try {
          await navigator.clipboard.writeText(text);
        } catch {
          // clipboard refused (insecure context); the text stays selectable
        }
        setDone(true);
        setTimeout(() => setDone(false), 1500);
      }}
    >
      {done ? t("common.copied") : t("common.copy")}
    </button>
  );
}

export function Pager({ page, pages, onPage }: { page: number; pages: number; onPage(p: number): void }) {
  const { t } = useI18n();
  return (
    <nav className="pager" aria-label="pagination">
      <button type="button" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        {t("common.prev")}
      </button>
      <span>{t("common.page", { page, pages: Math.max(pages, 1) })}</span>
      <button type="button" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        {t("common.next")}
      </button>
    </nav>
  );
}

export function tsDate(ts?: { seconds: bigint; nanos: number }): Date | undefined {
  if (!ts || (ts.seconds === 0n && ts.nanos === 0)) return undefined;
  return new Date(Number(ts.seconds) * 1000 + Math.floor(ts.nanos / 1e6));
}
