/** The board as files: Markdown for a ticket or review, CSV for a spreadsheet. */
export function ExportLinks() {
  const link = 'rounded border border-slate-300 bg-white px-3 py-1 text-sm text-slate-800 hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-600';
  return (
    <div className="flex items-center gap-2" data-testid="board-exports">
      <span className="text-sm text-slate-600">Export</span>
      <a className={link} href="/api/v1/pod-security?format=markdown" download data-testid="export-markdown">Markdown</a>
      <a className={link} href="/api/v1/pod-security?format=csv" download data-testid="export-csv">CSV</a>
    </div>
  );
}
