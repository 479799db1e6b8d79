import type { Encryptor } from '../../auth/encryption.js';
import { connectionEncryptor } from './encryption-key.js';
import type { ConnectionStore } from '../store/connection-store.js';
import { openConnectionStore } from '../store/open-connection-store.js';

/** Opens the connection store and the credential key of a database, runs `work`, closes the store. */
export async function withConnections<T>(db: string, work: (store: ConnectionStore, encryptor: Encryptor) => Promise<T>): Promise<T> {
  const store = await openConnectionStore(db);
  try {
    return await work(store, connectionEncryptor(db));
  } finally {
    await store.close();
  }
}
