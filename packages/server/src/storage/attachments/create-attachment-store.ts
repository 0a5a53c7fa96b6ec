import { join } from 'node:path';

import type { AttachmentStore } from './attachment-store';
import { LocalDiskAttachmentStore } from './local-disk-attachment-store';
import { MemoryAttachmentStore } from './memory-attachment-store';

/** The store ATTACHMENT_STORE names: on disk, files live in DATA_DIR/attachments. */
export function createAttachmentStore(config: { ATTACHMENT_STORE: 'disk' | 'memory'; DATA_DIR: string }): AttachmentStore {
  return config.ATTACHMENT_STORE === 'memory'
    ? new MemoryAttachmentStore()
    : new LocalDiskAttachmentStore(join(config.DATA_DIR, 'attachments'));
}
