/** A one-store IndexedDB key-value helper with promises (enough for the autosave). */

const DB_NAME = 'sde-studio';
const STORE = 'kv';

function openDatabase(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB: could not open the database'));
  });
}

let database: Promise<IDBDatabase> | undefined;

async function run<T>(mode: IDBTransactionMode, action: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  database ??= openDatabase();
  const db = await database;
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const request = action(tx.objectStore(STORE));
    // Commit now rather than when the event loop next turns: the autosave written on pagehide
    // (a reload or a closed tab) must land before the document goes, or the draft is lost.
    tx.commit();
    tx.oncomplete = () => resolve(request.result);
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB: the transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB: the transaction was aborted'));
  });
}

export const keyValue = {
  get: <T>(key: string) => run<T | undefined>('readonly', (s) => s.get(key) as IDBRequest<T | undefined>),
  /** Every key that starts with `prefix`. */
  keys: async (prefix: string) => (await run('readonly', (s) => s.getAllKeys())).map(String).filter((k) => k.startsWith(prefix)),
  set: (key: string, value: unknown) => run('readwrite', (s) => s.put(value, key)).then(() => undefined),
  delete: (key: string) => run('readwrite', (s) => s.delete(key)).then(() => undefined),
};
