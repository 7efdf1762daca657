import type { ParamSpec } from '../../../../core/graph/catalog.ts';
import type { ParamValue, Problem } from '../../../../core/graph/types.ts';

/** What every param field gets. */
export interface FieldProps {
  spec: ParamSpec;
  /** The param's value in the document, or its default when the document leaves it out. */
  value: ParamValue;
  /** Validation problems of this param. */
  problems: readonly Problem[];
  /** Base of the field's data-testid, `param-<name>`. */
  testid: string;
  /** A new value; `typing` edits in a row become one undo step. */
  onchange: (value: ParamValue, typing: boolean) => void;
  /** The field lost focus: the next edit starts a new undo step. */
  onseal: () => void;
}
