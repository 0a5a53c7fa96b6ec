import { describe, expect, it } from 'vitest';

import { transactionGuardWanted, TransactionScope } from '../../src/storage/transaction-scope';

describe('TransactionScope', () => {
  it('guards under tests and in development, not in production or with NODE_ENV unset', () => {
    expect(transactionGuardWanted({ NODE_ENV: 'test' })).toBe(true);
    expect(transactionGuardWanted({ NODE_ENV: 'development' })).toBe(true);
    expect(transactionGuardWanted({ NODE_ENV: 'production', STORAGE_GUARD: 'true' })).toBe(true);
    expect(transactionGuardWanted({ NODE_ENV: 'production' })).toBe(false);
    expect(transactionGuardWanted({})).toBe(false);
  });

  it('refuses use inside a transaction when enabled, and checks nothing when disabled', async () => {
    const on = new TransactionScope(true);
    await expect(on.run(async () => on.assertOutside())).rejects.toMatchObject({ kind: 'misuse' });
    expect(() => on.assertOutside()).not.toThrow();
    const off = new TransactionScope(false);
    await expect(off.run(async () => (off.assertOutside(), 7))).resolves.toBe(7);
  });
});
