import { alertSettings, desktopPermission } from './alert-settings';

export interface Attention {
  title: string;
  body: string;
  /** Where a click on the notification goes. */
  href: string;
  /** One notification per tag at a time: a busy conversation replaces its own, it does not pile up. */
  tag: string;
}

let audio: AudioContext | null = null;

/**
 * Two short sine notes made on the spot with Web Audio: no sound file to ship or fetch. Browsers
 * only let a page play sound after a user gesture; turning the toggle on is one, and until then
 * the chime is skipped quietly.
 */
export function chime(): void {
  try {
    audio ??= new AudioContext();
    if (audio.state === 'suspended') void audio.resume();
    const at = audio.currentTime;
    for (const [i, freq] of [880, 1320].entries()) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, at + i * 0.12);
      gain.gain.exponentialRampToValueAtTime(0.15, at + i * 0.12 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + i * 0.12 + 0.25);
      osc.connect(gain).connect(audio.destination);
      osc.start(at + i * 0.12);
      osc.stop(at + i * 0.12 + 0.3);
    }
  } catch {
    // No audio device or API: alerts stay visual.
  }
}

/** Raises what the agent turned on: the chime, and a browser notification while the tab is hidden. */
export function raiseAttention(a: Attention): void {
  const { sound, desktop } = alertSettings();
  if (sound) chime();
  if (desktop && document.visibilityState === 'hidden' && desktopPermission() === 'granted') {
    const n = new Notification(a.title, { body: a.body, tag: a.tag });
    n.onclick = () => {
      window.focus();
      location.hash = a.href;
      n.close();
    };
  }
}
