/** Offers `text` to the learner as a file download, named `fileName`. */
export function saveTextFile(fileName: string, text: string, type = 'text/plain'): void {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = fileName;
  anchor.style.display = 'none';
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  // Revoke later: Chromium may not have started reading the blob when click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
