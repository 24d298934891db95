export type ActivityKind =
  | 'goto'
  | 'click'
  | 'double_click'
  | 'mouse_down'
  | 'mouse_up'
  | 'mouse_move'
  | 'drag'
  | 'scroll'
  | 'type'
  | 'shortcut'
  | 'clipboard_set'
  | 'copy'
  | 'paste'
  | 'upload'
  | 'recording_pause'
  | 'recording_resume'
  | 'recording_delete'
  | 'agent_file'
  | 'agent_pause'
  | 'agent_resume';

export interface ActivityEntry {
  /** Epoch milliseconds on the mock clock. */
  at: number;
  kind: ActivityKind;
  detail: Record<string, unknown>;
}

/** Longest string kept in an activity entry's detail; longer ones are cut and their length recorded. */
export const ACTIVITY_STRING_LIMIT = 4096;

/** Top-level strings past the limit are cut; `<key>_length` keeps their full length. */
export function capStrings(input: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) {
    if (typeof v === 'string' && v.length > ACTIVITY_STRING_LIMIT) {
      out[k] = v.slice(0, ACTIVITY_STRING_LIMIT);
      out[`${k}_length`] = v.length;
    } else out[k] = v;
  }
  return out;
}
