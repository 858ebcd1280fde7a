/** Saves bytes the core made as a file, through the browser's (or Electron's) download. */
export function saveDownload(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  // The download has taken its copy by the next task; a minute leaves slow machines room.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
