/**
 * What the mock reads from a create body (SessionCreateRequestSchema). The
 * body itself is stored as sent, unknown properties included; these are the
 * facts lists and filters need, with the document's defaults.
 */
export interface SessionFacts {
  tags: string[];
  proxyActive: boolean;
  /** The active proxy's `type` (`anchor_proxy` when an active proxy names none); null without one. */
  proxyType: string | null;
  headless: boolean;
  recording: boolean;
  extraStealth: boolean;
  profileName: string | null;
  /** Host of `session.initial_url`, if it has one. */
  initialDomain: string | null;
}

/** The object under `key`, or an empty one when there is none. */
export function objectAt(value: unknown, key: string): Record<string, unknown> {
  const found = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return found !== null && typeof found === 'object' && !Array.isArray(found) ? (found as Record<string, unknown>) : {};
}

const active = (value: Record<string, unknown>) => value.active === true;

function hostOf(url: unknown): string | null {
  if (typeof url !== 'string') return null;
  try {
    return new URL(url).hostname || null;
  } catch {
    return null;
  }
}

export function factsOf(body: Record<string, unknown>): SessionFacts {
  const session = objectAt(body, 'session');
  const browser = objectAt(body, 'browser');
  const proxy = objectAt(session, 'proxy');
  const tags = Array.isArray(session.tags) ? session.tags.filter((t): t is string => typeof t === 'string') : [];
  const profileName = objectAt(browser, 'profile').name;
  return {
    tags,
    proxyActive: active(proxy),
    proxyType: active(proxy) ? (typeof proxy.type === 'string' ? proxy.type : 'anchor_proxy') : null,
    headless: active(objectAt(browser, 'headless')),
    // The document: recording "Defaults to `true`".
    recording: objectAt(session, 'recording').active !== false,
    extraStealth: active(objectAt(browser, 'extra_stealth')),
    profileName: typeof profileName === 'string' ? profileName : null,
    initialDomain: hostOf(session.initial_url),
  };
}

/**
 * The one rule of a create body that lives in prose, enforced as the
 * document's 400 example shows: the CAPTCHA solver needs an active proxy.
 */
export function configurationProblem(body: Record<string, unknown>): string | undefined {
  const captcha = active(objectAt(objectAt(body, 'browser'), 'captcha_solver'));
  if (captcha && !active(objectAt(objectAt(body, 'session'), 'proxy'))) {
    return 'CAPTCHA solver requires proxy to be active.';
  }
  return undefined;
}
