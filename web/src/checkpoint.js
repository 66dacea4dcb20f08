// The run's checkpoint outside wasm (see checkpoint.rs): a Blob that the panic banner can
// offer for download even after the module has stopped, and a copy in IndexedDB, which
// outlives the tab (a reload, a crash, a closed laptop).

const DB_NAME = 'ganvas';
const STORE = 'checkpoints';
const KEY = 'last';

/** The newest checkpoint held in the page: { url, name, step, label }. */
let held = null;

function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Runs `action(store)` in one transaction; resolves to its request's result. */
async function inStore(mode, action) {
  const db = await openDb();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = action(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

/**
 * Holds a checkpoint's bytes (copied before this returns: they are a view of wasm memory)
 * for the panic banner, then stores them. Resolves to '' when stored, else why not (private
 * browsing, quota): the copy in the page still serves the banner.
 */
export function keepCheckpoint(bytes, step, name, label) {
  const blob = new Blob([bytes], { type: 'application/octet-stream' });
  if (held) URL.revokeObjectURL(held.url);
  held = { url: URL.createObjectURL(blob), name, step, label };
  return inStore('readwrite', (store) => store.put({ blob, step, name, label, saved: Date.now() }, KEY))
    .then(() => '', (e) => String(e?.message ?? e ?? 'unknown error'));
}

/** The stored checkpoint as { bytes: Uint8Array, step, label }, or null when there is none. */
export async function storedCheckpoint() {
  try {
    const record = await inStore('readonly', (store) => store.get(KEY));
    if (!record || !(record.blob instanceof Blob)) return null;
    const bytes = new Uint8Array(await record.blob.arrayBuffer());
    return { bytes, step: Number(record.step) || 0, label: String(record.label ?? '') };
  } catch {
    return null;
  }
}

/** Deletes the stored checkpoint; resolves to whether it could. */
export function forgetCheckpoint() {
  return inStore('readwrite', (store) => store.delete(KEY)).then(() => true, () => false);
}

/**
 * Shows what happened when the module panicked, with the last checkpoint's download and a
 * reload. Plain DOM: nothing here may call back into the stopped module.
 */
export function showPanicBanner(message) {
  if (document.getElementById('ganvas-stopped')) return;
  const box = document.createElement('div');
  box.id = 'ganvas-stopped';
  box.className = 'stopped';
  box.setAttribute('role', 'alertdialog');
  box.setAttribute('aria-labelledby', 'ganvas-stopped-title');
  const title = document.createElement('h2');
  title.id = 'ganvas-stopped-title';
  title.textContent = 'GANvas stopped';
  const what = document.createElement('p');
  what.textContent = `An internal error stopped the page, so training and the controls no longer respond (${message}).`;
  const kept = document.createElement('p');
  const actions = document.createElement('p');
  actions.className = 'buttons';
  if (held) {
    kept.textContent = `Your run is kept at step ${held.step} (${held.label}): save it as a file, or reload and resume it.`;
    const save = document.createElement('a');
    save.href = held.url;
    save.download = held.name;
    save.textContent = 'Save your run';
    save.className = 'button';
    actions.append(save, ' ');
  } else {
    kept.textContent = 'No run had been checkpointed yet.';
  }
  const reload = document.createElement('button');
  reload.type = 'button';
  reload.textContent = 'Reload';
  reload.addEventListener('click', () => window.location.reload());
  actions.append(reload);
  box.append(title, what, kept, actions);
  document.body.prepend(box);
  box.scrollIntoView();
}
