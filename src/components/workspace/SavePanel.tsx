import { memo } from 'react';
import type { ProgressStore } from '../../progress/progress-store.ts';
import { DownloadCode } from './DownloadCode.tsx';
import { ProgressControls } from './ProgressControls.tsx';
import { saveTextFile } from './save-file.ts';

/** Props for {@link SavePanel}. */
export interface SavePanelProps {
  /** The lesson's slug, for the file name and the grade command. */
  slug: string;
  /** Whether the code was downloaded in this visit. */
  downloaded: boolean;
  /** Downloads the learner's code. */
  onDownload: () => void;
  /** Where progress is exported from, imported into and cleared. */
  progress: ProgressStore;
}

/**
 * The Save tab: download the code, export, import or clear progress. Memoised, so a run (which
 * changes none of this) skips it: its file input alone was rewritten on every render.
 */
export const SavePanel = memo(function SavePanel({
  slug,
  downloaded,
  onDownload,
  progress,
}: SavePanelProps) {
  return (
    <div className="save-panel">
      <DownloadCode slug={slug} downloaded={downloaded} onDownload={onDownload} />
      <ProgressControls
        onExport={() =>
          saveTextFile(
            `cachelab-progress-${new Date().toISOString().slice(0, 10)}.json`,
            progress.exportJson(),
            'application/json',
          )
        }
        onImport={(text) => progress.importJson(text)}
        onClearAll={() => progress.clearAll()}
      />
    </div>
  );
});
