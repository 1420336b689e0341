/** The donor's access token, for this browser tab's session only. */
const STORAGE = 'pledges.donorSession';

export interface DonorSession {
  accessToken: string;
  expiresAt: string;
}

export function loadSession(): DonorSession | null {
  try {
    const s = JSON.parse(sessionStorage.getItem(STORAGE) ?? 'null') as DonorSession | null;
    if (s && Date.parse(s.expiresAt) > Date.now()) return s;
  } catch {
    // Unreadable: start again.
  }
  sessionStorage.removeItem(STORAGE);
  return null;
}

export function saveSession(s: DonorSession): void {
  sessionStorage.setItem(STORAGE, JSON.stringify(s));
}

export function clearSession(): void {
  sessionStorage.removeItem(STORAGE);
}
