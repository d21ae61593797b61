/** Types for scripts/chromium.mjs. */
export declare const CHROMIUM_FLAGS: string[];
export declare const CHROMIUM_MISSING: string;
export declare function findChromium(): string | undefined;
