"use client";

import { type ChangeEvent, useState } from "react";
import { describedBy, Field, inputClass } from "@/components/ui/field";
import type { HOST_AUTH_CHOICES } from "@/lib/hosts/schema";

export type TAuthChoice = (typeof HOST_AUTH_CHOICES)[number];
type TErrors = Record<string, string | undefined>;

const MAX_KEY_BYTES = 16_384;

/** What an existing host has stored, so hints can say what leaving a field empty keeps. */
export interface TStoredCredentials {
  authMethod: "key" | "password";
  hasPassphrase: boolean;
  keyGenerated: boolean;
}

function choices(stored: TStoredCredentials | undefined) {
  return [
    {
      value: "key" as const,
      label: "Private key",
      help: "Paste or upload a key whose public half is in the user's authorized_keys.",
    },
    { value: "password" as const, label: "Password", help: "Needs PasswordAuthentication enabled in sshd." },
    {
      value: "generate" as const,
      label: stored?.authMethod === "key" ? "Generate a new key pair" : "Generate a key pair",
      help:
        stored?.authMethod === "key"
          ? "Replaces the stored key. Add the new public key to the host before the next check."
          : "WebOps creates an Ed25519 key; you add its public half to the host.",
    },
  ];
}

/** The auth method radio group and the secret fields it calls for. Secrets are never prefilled. */
export function CredentialFields({
  auth,
  onAuth,
  privateKey,
  onPrivateKey,
  errors,
  stored,
}: {
  auth: TAuthChoice;
  onAuth: (auth: TAuthChoice) => void;
  privateKey: string;
  onPrivateKey: (key: string) => void;
  errors: TErrors;
  stored?: TStoredCredentials;
}) {
  const [fileNote, setFileNote] = useState<{ text: string; bad: boolean }>();
  const keepsKey = stored?.authMethod === "key";
  const keepsPassword = stored?.authMethod === "password";

  async function onFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    if (!file) return;
    if (file.size > MAX_KEY_BYTES) {
      setFileNote({ text: `${file.name} is too large for an SSH private key`, bad: true });
      return;
    }
    const text = await file.text();
    if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) {
      setFileNote({
        text: `${file.name} does not look like a private key (pick the file without .pub)`,
        bad: true,
      });
      return;
    }
    onPrivateKey(text);
    setFileNote({ text: `Loaded ${file.name}`, bad: false });
  }

  const keyHint = keepsKey
    ? "Leave empty to keep the stored key."
    : "Stored encrypted on the server; never shown again.";
  const passphraseHint =
    keepsKey && stored?.hasPassphrase
      ? "Leave empty to keep the stored passphrase."
      : "Only if the key is encrypted.";
  const passwordHint = keepsPassword
    ? "Leave empty to keep the stored password."
    : "Stored encrypted on the server; never shown again.";

  return (
    <div className="grid gap-4">
      <fieldset className="grid gap-2" aria-describedby={errors.auth ? "auth-error" : undefined}>
        <legend className="mb-1 text-sm font-medium text-slate-700">Log in with</legend>
        <div className="grid gap-2 sm:grid-cols-3">
          {choices(stored).map((choice) => (
            <label
              key={choice.value}
              htmlFor={`auth-${choice.value}`}
              className="flex cursor-pointer gap-2 rounded-md border border-slate-200 p-3 text-sm has-checked:border-sky-500 has-checked:bg-sky-50/60 has-focus-visible:ring-2 has-focus-visible:ring-sky-500"
            >
              <input
                type="radio"
                id={`auth-${choice.value}`}
                name="auth"
                value={choice.value}
                checked={auth === choice.value}
                onChange={() => onAuth(choice.value)}
                className="mt-0.5 accent-sky-600"
              />
              <span className="grid gap-0.5">
                <span className="font-medium text-slate-800">{choice.label}</span>
                <span className="text-xs text-slate-500">{choice.help}</span>
              </span>
            </label>
          ))}
        </div>
        {errors.auth && (
          <p className="text-xs text-rose-600" id="auth-error" data-testid="error-auth" role="alert">
            {errors.auth}
          </p>
        )}
      </fieldset>

      {auth === "key" && (
        <>
          <Field label="Private key" name="privateKey" error={errors.privateKey} hint={keyHint}>
            <textarea
              id="privateKey"
              name="privateKey"
              rows={5}
              value={privateKey}
              onChange={(e) => onPrivateKey(e.target.value)}
              className={`${inputClass} font-mono text-xs`}
              placeholder="-----BEGIN OPENSSH PRIVATE KEY-----"
              spellCheck={false}
              autoComplete="off"
              aria-invalid={errors.privateKey ? true : undefined}
              aria-describedby={describedBy("privateKey", errors.privateKey, keyHint)}
            />
          </Field>
          <div className="-mt-2 flex flex-wrap items-center gap-3 text-xs">
            <label htmlFor="privateKeyFile" className="text-slate-600">
              Or load it from a file:
            </label>
            <input
              id="privateKeyFile"
              type="file"
              onChange={onFile}
              className="text-xs text-slate-600 file:mr-2 file:rounded file:border-0 file:bg-slate-100 file:px-2 file:py-1 file:text-xs file:font-medium file:text-slate-700 hover:file:bg-slate-200"
            />
            {fileNote && (
              <span className={fileNote.bad ? "text-rose-600" : "text-emerald-700"} role="status">
                {fileNote.text}
              </span>
            )}
          </div>
          <Field label="Passphrase" name="passphrase" error={errors.passphrase} hint={passphraseHint}>
            <input
              id="passphrase"
              name="passphrase"
              type="password"
              autoComplete="new-password"
              className={inputClass}
              aria-invalid={errors.passphrase ? true : undefined}
              aria-describedby={describedBy("passphrase", errors.passphrase, passphraseHint)}
            />
          </Field>
        </>
      )}

      {auth === "password" && (
        <Field label="Password" name="password" error={errors.password} hint={passwordHint}>
          <input
            id="password"
            name="password"
            type="password"
            autoComplete="new-password"
            className={inputClass}
            aria-invalid={errors.password ? true : undefined}
            aria-describedby={describedBy("password", errors.password, passwordHint)}
          />
        </Field>
      )}

      {auth === "generate" && (
        <p className="rounded-md bg-slate-50 px-3 py-2 text-sm text-slate-600 ring-1 ring-inset ring-slate-200">
          After saving, the host page shows the public key and a one-line command to add it to the host.
        </p>
      )}
    </div>
  );
}
