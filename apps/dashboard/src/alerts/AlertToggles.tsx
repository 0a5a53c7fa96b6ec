import { useState } from 'react';

import { desktopPermission, setAlertSettings, useAlertSettings } from './alert-settings';
import { chime } from './attention';

/**
 * The agent's alert switches: a chime, and browser notifications while the tab is hidden, for
 * new conversations, assignments to them and messages in their conversations. Off by default;
 * the browser asks for permission when desktop notifications are turned on.
 */
export function AlertToggles() {
  const settings = useAlertSettings();
  const [permission, setPermission] = useState(desktopPermission);

  const toggleDesktop = async (on: boolean) => {
    if (!on) return setAlertSettings({ desktop: false });
    if (permission === 'unsupported') return undefined;
    const answer = permission === 'default' ? await Notification.requestPermission() : permission;
    setPermission(answer);
    setAlertSettings({ desktop: answer === 'granted' });
  };

  return (
    <fieldset className="alert-toggles" data-testid="alert-toggles">
      <legend className="section-title">Alerts</legend>
      <label className="toggle">
        <input
          type="checkbox"
          checked={settings.sound}
          onChange={(e) => {
            setAlertSettings({ sound: e.target.checked });
            // The click is the gesture that lets the page play sound; it doubles as a preview.
            if (e.target.checked) chime();
          }}
          data-testid="alert-sound"
        />
        <span>Sound</span>
      </label>
      <label className="toggle">
        <input
          type="checkbox"
          checked={settings.desktop}
          disabled={permission === 'unsupported' || permission === 'denied'}
          onChange={(e) => void toggleDesktop(e.target.checked)}
          data-testid="alert-desktop"
        />
        <span>Browser notifications</span>
      </label>
      {permission === 'denied' && <p className="muted small">Blocked in this browser&apos;s site settings.</p>}
      {permission === 'unsupported' && <p className="muted small">Not available in this browser.</p>}
    </fieldset>
  );
}
