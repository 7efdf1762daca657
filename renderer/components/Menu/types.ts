/** An entry of a drop-down menu. */
export type MenuEntry =
  | {
      label: string;
      action: () => void;
      /** Shown on the right, e.g. "Ctrl+S". */
      shortcut?: string;
      disabled?: boolean;
      /** data-testid of the item, e.g. `menu-save`. */
      testid: string;
      title?: string;
    }
  | { separator: true }
  | { heading: string };
