import type { Migration } from './migration';

/**
 * The widget on any website (issue 17): one row per tenant with its public widget key (in the page, so not a
 * secret), the site origins allowed to use it, the secret hosts sign user ids with (identity verification) and
 * the pre-chat form. The unique index on `public_key` serves the lookup every `POST /api/widget/sessions` does.
 */
export const migration006Widget: Migration = {
  id: '006_widget',
  sql: `
CREATE TABLE widget_settings (
  account_id text PRIMARY KEY,
  public_key text NOT NULL UNIQUE,
  identity_secret text NOT NULL,
  origins text[] NOT NULL DEFAULT '{}',
  options jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
`,
};
