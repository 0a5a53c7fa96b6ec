import { useSyncExternalStore } from 'react';

/** The agent's choice of attention alerts, per browser; both off until the agent turns them on. */
export interface AlertSettings {
  sound: boolean;
  desktop: boolean;
}

const KEY = 'switchboard.alerts';
const OFF: AlertSettings = { sound: false, desktop: false };
const listeners = new Set<() => void>();
let current: AlertSettings = read();

function read(): AlertSettings {
  try {
    const parsed = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Partial<AlertSettings> | null;
    return { sound: parsed?.sound === true, desktop: parsed?.desktop === true };
  } catch {
    return OFF;
  }
}

export function alertSettings(): AlertSettings {
  return current;
}

export function setAlertSettings(patch: Partial<AlertSettings>): void {
  current = { ...current, ...patch };
  try {
    localStorage.setItem(KEY, JSON.stringify(current));
  } catch {
    // Private mode without storage: the choice lasts for this page.
  }
  for (const l of [...listeners]) l();
}

export function useAlertSettings(): AlertSettings {
  return useSyncExternalStore(
    (notify) => {
      listeners.add(notify);
      return () => listeners.delete(notify);
    },
    () => current,
  );
}

/** 'unsupported' where the browser has no Notification API (some mobile browsers, insecure origins). */
export function desktopPermission(): NotificationPermission | 'unsupported' {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}
