/** Sizes and visibility of the side and bottom panels, remembered across sessions. */
const KEY = 'sde-studio.panels';

interface Saved {
  resultsOpen: boolean;
  resultsHeight: number;
}

export class PanelsStore {
  resultsOpen = $state(true);
  /** Height of the results panel in px. */
  resultsHeight = $state(400);

  constructor() {
    try {
      const saved = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<Saved>;
      if (typeof saved.resultsOpen === 'boolean') this.resultsOpen = saved.resultsOpen;
      if (typeof saved.resultsHeight === 'number' && saved.resultsHeight >= 120) this.resultsHeight = saved.resultsHeight;
    } catch {
      // Ignore a corrupt entry; defaults apply.
    }
  }

  toggleResults(): void {
    this.resultsOpen = !this.resultsOpen;
    this.#save();
  }

  setResultsHeight(px: number): void {
    this.resultsHeight = Math.round(Math.max(120, Math.min(px, innerHeight - 200)));
    this.#save();
  }

  #save(): void {
    localStorage.setItem(KEY, JSON.stringify({ resultsOpen: this.resultsOpen, resultsHeight: this.resultsHeight } satisfies Saved));
  }
}
