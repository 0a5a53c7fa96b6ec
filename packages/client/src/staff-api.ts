import type { CannedResponse, Label, LabelRef } from '@switchboard/protocol';

import type { HttpApi } from './http-api';

/**
 * The staff-only routes of labels and canned responses (issue 16), over an {@link HttpApi}. Apart
 * from HttpApi because the customer widget bundles HttpApi and has a 30 kB budget: a widget never
 * calls these, so it should not carry them.
 *
 * @example
 * const staff = new StaffApi(client.api);
 * await staff.changeLabels(conversationId, { add: [labelId] });
 */
export class StaffApi {
  constructor(private readonly api: HttpApi) {}

  /** The tenant's labels (staff). */
  listLabels(): Promise<{ labels: Label[] }> {
    return this.api.request('GET', '/api/labels');
  }

  /** Admins; without `color` the server picks one from the name. */
  createLabel(body: { name: string; color?: string }): Promise<Label> {
    return this.api.request('POST', '/api/labels', body);
  }

  updateLabel(id: string, patch: { name?: string; color?: string }): Promise<Label> {
    return this.api.request('PATCH', `/api/labels/${encodeURIComponent(id)}`, patch);
  }

  deleteLabel(id: string): Promise<void> {
    return this.api.request('DELETE', `/api/labels/${encodeURIComponent(id)}`);
  }

  /** Agents and admins: applies `add`, removes `remove`; staff hear `conversation_labels_changed`. */
  changeLabels(conversationId: string, change: { add?: string[]; remove?: string[] }): Promise<{ labels: LabelRef[] }> {
    return this.api.request('POST', `/api/conversations/${encodeURIComponent(conversationId)}/labels`, change);
  }

  /** The tenant's canned responses (staff); fill their placeholders with `fillPlaceholders`. */
  listCannedResponses(): Promise<{ cannedResponses: CannedResponse[] }> {
    return this.api.request('GET', '/api/canned-responses');
  }

  createCannedResponse(body: { shortcut: string; title?: string | null; content: string }): Promise<CannedResponse> {
    return this.api.request('POST', '/api/canned-responses', body);
  }

  updateCannedResponse(id: string, patch: { shortcut?: string; title?: string | null; content?: string }): Promise<CannedResponse> {
    return this.api.request('PATCH', `/api/canned-responses/${encodeURIComponent(id)}`, patch);
  }

  deleteCannedResponse(id: string): Promise<void> {
    return this.api.request('DELETE', `/api/canned-responses/${encodeURIComponent(id)}`);
  }
}
