/**
 * The gallery page: a token kept in sessionStorage, uploads straight to S3 with the API's
 * presigned POST (with progress), live status per image, thumbnails, a rendition comparer,
 * failures with their sentence, and album reprocessing. Plain DOM (text, never HTML, from the
 * API), bundled by esbuild.
 */
interface OutputView { name: string; filter: string | null; format: string; width: number; height: number; bytes: number; url: string }
interface UploadView { uploadId: string; fileName: string; album: string | null; status: string; states?: { name: string; at: string }[]; error?: { code: string; message: string }; outputs: OutputView[] }
interface CreatedUpload { uploadId: string; upload: { url: string; fields: Record<string, string> } }
interface ReprocessBatch { batchId: string; count: number }

const TOKEN_KEY = 'image-processor-token';
const POLL_MS = 1000;
const TERMINAL = new Set(['SUCCEEDED', 'FAILED']);

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const grid = () => byId<HTMLUListElement>('grid');
const say = (text: string) => (byId('status').textContent = text);

function element<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, children: (Node | string)[] = []): HTMLElementTagNameMap[K] {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const token = sessionStorage.getItem(TOKEN_KEY) ?? '';
  const response = await fetch(path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (response.status === 204) return undefined as T;
  const json = (await response.json()) as T & { error?: { code: string; message: string } };
  if (!response.ok) throw new Error(json.error ? `${json.error.code}: ${json.error.message}` : `HTTP ${response.status}`);
  return json;
}

function formatBytes(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 ** 2 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}

function cardFor(uploadId: string, fileName: string): HTMLLIElement {
  const existing = document.getElementById(`upload-${uploadId}`) as HTMLLIElement | null;
  if (existing) return existing;
  const card = element('li', { id: `upload-${uploadId}`, className: 'card' }, [element('h3', { textContent: fileName })]);
  card.dataset.uploadId = uploadId;
  grid().prepend(card);
  return card;
}

function render(card: HTMLLIElement, view: UploadView): void {
  card.replaceChildren(element('h3', { textContent: view.fileName }), element('span', { className: `badge ${view.status}`, textContent: view.status }));
  card.dataset.status = view.status;
  if (view.album) card.append(element('p', { textContent: `Album: ${view.album}` }));
  const thumb = view.outputs.find((output) => output.name === 'thumb.webp') ?? view.outputs[0];
  if (thumb) card.append(element('img', { className: 'thumb', src: thumb.url, alt: `Thumbnail of ${view.fileName}` }));
  if (view.error) card.append(element('p', { className: 'error', textContent: `${view.error.code}: ${view.error.message}` }));
  if (view.states?.length) card.append(element('ol', { className: 'states', ariaLabel: 'Workflow states' }, view.states.map((state) => element('li', { textContent: `${state.name} — ${new Date(state.at).toLocaleTimeString()}` }))));
  if (view.outputs.length > 0) card.append(comparer(view));
  const remove = element('button', { type: 'button', className: 'secondary', textContent: `Delete ${view.fileName}` });
  remove.addEventListener('click', () => void api('DELETE', `/v1/uploads/${view.uploadId}`).then(() => card.remove(), (error: Error) => say(error.message)));
  card.append(remove);
}

/** Every output side by side, with its size, bytes and format. */
function comparer(view: UploadView): HTMLElement {
  const rows = view.outputs.map((output) =>
    element('tr', {}, [element('td', { textContent: output.name }), element('td', { textContent: output.format }), element('td', { textContent: `${output.width}×${output.height}` }), element('td', { textContent: formatBytes(output.bytes) })]),
  );
  const table = element('table', {}, [element('caption', { textContent: 'Renditions' }), element('thead', {}, [element('tr', {}, ['Name', 'Format', 'Size', 'Bytes'].map((title) => element('th', { scope: 'col', textContent: title })))]), element('tbody', {}, rows)]);
  const figures = view.outputs.map((output) => element('figure', {}, [element('img', { src: output.url, alt: `${output.name}, ${output.width}×${output.height}`, loading: 'lazy' }), element('figcaption', { textContent: `${output.name} · ${formatBytes(output.bytes)}` })]));
  return element('details', {}, [element('summary', { textContent: `Compare ${view.outputs.length} renditions` }), table, element('div', { className: 'compare' }, figures)]);
}

async function follow(uploadId: string, card: HTMLLIElement): Promise<void> {
  for (;;) {
    const view = await api<UploadView>('GET', `/v1/uploads/${uploadId}`);
    render(card, view);
    if (TERMINAL.has(view.status)) return;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function postForm(created: CreatedUpload, file: File, progress: HTMLProgressElement): Promise<void> {
  const form = new FormData();
  for (const [name, value] of Object.entries(created.upload.fields)) form.append(name, value);
  form.append('file', file);
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', created.upload.url);
    request.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) progress.value = event.loaded / event.total;
    });
    request.addEventListener('load', () => (request.status < 300 ? resolve() : reject(new Error(`S3 refused the upload (HTTP ${request.status})`))));
    request.addEventListener('error', () => reject(new Error('the upload to S3 failed (network or CORS)')));
    request.send(form);
  });
}

async function upload(file: File): Promise<void> {
  const album = byId<HTMLInputElement>('album').value.trim();
  const created = await api<CreatedUpload>('POST', '/v1/uploads', { fileName: file.name, contentType: file.type || 'application/octet-stream', bytes: file.size, ...(album ? { album } : {}) });
  const card = cardFor(created.uploadId, file.name);
  const progress = element('progress', { max: 1, value: 0, ariaLabel: `Uploading ${file.name}` });
  card.append(progress);
  await postForm(created, file, progress);
  await follow(created.uploadId, card);
}

function uploadAll(files: FileList | null): void {
  for (const file of Array.from(files ?? [])) {
    say(`Uploading ${file.name}…`);
    upload(file).then(
      () => say(`${file.name} done.`),
      (error: Error) => say(`${file.name}: ${error.message}`),
    );
  }
}

/** Offers the albums of the images shown to both album fields. */
function listAlbums(views: readonly UploadView[]): void {
  const albums = [...new Set(views.flatMap((view) => (view.album ? [view.album] : [])))].sort();
  byId('albums').replaceChildren(...albums.map((album) => element('option', { value: album })));
}

async function reprocess(album: string): Promise<void> {
  const batch = await api<ReprocessBatch>('POST', `/v1/albums/${encodeURIComponent(album)}/reprocess`);
  say(`${album}: ${batch.count} image${batch.count === 1 ? '' : 's'} queued for reprocessing (batch ${batch.batchId}).`);
}

async function loadGallery(): Promise<void> {
  const page = await api<{ uploads: UploadView[] }>('GET', '/v1/uploads?limit=50');
  grid().replaceChildren();
  listAlbums(page.uploads);
  for (const view of [...page.uploads].reverse()) {
    const card = cardFor(view.uploadId, view.fileName);
    render(card, view);
    if (!TERMINAL.has(view.status)) void follow(view.uploadId, card);
  }
  say(`${page.uploads.length} image${page.uploads.length === 1 ? '' : 's'}.`);
}

document.addEventListener('DOMContentLoaded', () => {
  const tokenInput = byId<HTMLInputElement>('token');
  tokenInput.value = sessionStorage.getItem(TOKEN_KEY) ?? '';
  byId('token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, tokenInput.value.trim());
    loadGallery().catch((error: Error) => say(error.message));
  });
  byId('reprocess-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const album = byId<HTMLInputElement>('reprocess-album').value.trim();
    say(`Queueing ${album} for reprocessing…`);
    reprocess(album).catch((error: Error) => say(`${album}: ${error.message}`));
  });
  const drop = byId('drop');
  byId<HTMLInputElement>('files').addEventListener('change', (event) => uploadAll((event.target as HTMLInputElement).files));
  drop.addEventListener('dragover', (event) => {
    event.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (event) => {
    event.preventDefault();
    drop.classList.remove('over');
    uploadAll(event.dataTransfer?.files ?? null);
  });
  if (tokenInput.value) loadGallery().catch((error: Error) => say(error.message));
});
