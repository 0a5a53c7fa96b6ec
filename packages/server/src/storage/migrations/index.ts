import { migration001Initial } from './001_initial';
import { migration002Ai } from './002_ai';
import { migration003EventChain } from './003_event_chain';
import { migration004RelayMarks } from './004_relay_marks';
import { migration005SentReceipts } from './005_sent_receipts';
import { migration006Widget } from './006_widget';
import { migration007Inbox } from './007_inbox';
import { migration009LabelsCannedAttachments } from './009_labels_canned_attachments';
import { migration010MessageRefsCheckedByWriters } from './010_message_refs_checked_by_writers';
import { migration011FtsWithoutPendingList } from './011_fts_without_pending_list';
import type { Migration } from './migration';

export type { Migration } from './migration';

/** Every migration, in the order it is applied. Append only; never edit one that has shipped. */
export const migrations: readonly Migration[] = [
  migration001Initial,
  migration002Ai,
  migration003EventChain,
  migration004RelayMarks,
  migration005SentReceipts,
  migration006Widget,
  migration007Inbox,
  migration009LabelsCannedAttachments,
  migration010MessageRefsCheckedByWriters,
  migration011FtsWithoutPendingList,
];
