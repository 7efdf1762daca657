/**
 * Light / dark theme. Follows the system (prefers-color-scheme) until the user picks one; the
 * choice is remembered in localStorage. The resolved theme is set as `data-theme` on <html>.
 */
export type ThemePreference = 'system' | 'light' | 'dark';
export type Theme = 'light' | 'dark';

const STORAGE_KEY = 'sde-studio.theme';

export class ThemeStore {
  preference = $state<ThemePreference>(readPreference());
  #systemDark = $state(false);
  readonly theme: Theme = $derived(this.preference === 'system' ? (this.#systemDark ? 'dark' : 'light') : this.preference);

  constructor() {
    const query = matchMedia('(prefers-color-scheme: dark)');
    this.#systemDark = query.matches;
    query.addEventListener('change', (e) => (this.#systemDark = e.matches));
  }

  /** Switches to the other theme (and stops following the system). */
  toggle(): void {
    this.set(this.theme === 'dark' ? 'light' : 'dark');
  }

  set(preference: ThemePreference): void {
    this.preference = preference;
    localStorage.setItem(STORAGE_KEY, preference);
  }

  /** Writes the theme onto the page; call from an effect. */
  apply(): void {
    document.documentElement.dataset.theme = this.theme;
    document.documentElement.style.colorScheme = this.theme;
  }
}

function readPreference(): ThemePreference {
  const v = localStorage.getItem(STORAGE_KEY);
  return v === 'light' || v === 'dark' ? v : 'system';
}
