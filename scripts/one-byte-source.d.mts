/** What oneByteSource returns. */
export interface OneByteSource {
  /** The source, rewritten or unchanged. */
  source: string;
  /** How many characters were written as escapes (0: unchanged). */
  escaped: number;
  /** Why a source with wide characters was left unchanged. */
  reason?: string;
}
export function oneByteSource(source: string): OneByteSource;
