/** Which nodes and edges are selected on the canvas. The canvas mirrors it into Svelte Flow. */
export class SelectionStore {
  nodeIds = $state.raw<readonly string[]>([]);
  edgeIds = $state.raw<readonly string[]>([]);

  /** The node the inspector and the results panel follow: the only selected node, if one. */
  readonly single: string | undefined = $derived(this.nodeIds.length === 1 ? this.nodeIds[0] : undefined);

  /** Selects exactly these; leaves the state untouched when it already is, to avoid update loops. */
  set(nodeIds: readonly string[], edgeIds: readonly string[] = []): void {
    if (!sameIds(nodeIds, this.nodeIds)) this.nodeIds = [...nodeIds];
    if (!sameIds(edgeIds, this.edgeIds)) this.edgeIds = [...edgeIds];
  }

  clear(): void {
    this.set([], []);
  }

  has(nodeId: string): boolean {
    return this.nodeIds.includes(nodeId);
  }
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(b);
  return a.every((id) => set.has(id));
}
