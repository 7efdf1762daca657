import type { ResolvedNode } from '../graph/validate.ts';
import type { IRFunction } from '../ir/types.ts';
import type { ExternalModel } from './plan.ts';

/**
 * Imported models that run outside the IR (score.onnx with engine onnxruntime): the node's value
 * is an {@link ExternalModelValue}, and its field emits one param `<node>/onnx` holding the
 * model's output at the field's (x, t); the stage lists the models to run as `externals`.
 */

/** What a node that runs an external model resolves to: the model minus the param name and node id (the compiler adds them). */
export interface ExternalModelValue extends Omit<ExternalModel, 'name' | 'nodeId'> {
  kind: 'external-model';
}

/** The IR param name of an external model's output. */
export function externalParamName(nodeId: string): string {
  return `${nodeId}/onnx`;
}

/** Whether a field param is an external model's output (not a weight tensor). */
export function isExternalParam(name: string): boolean {
  return name.endsWith('/onnx');
}

/** Whether a resolved node value is an {@link ExternalModelValue}. */
export function isExternalModelValue(value: unknown): value is ExternalModelValue {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'external-model';
}

/** The external models a stage's functions read, one per param `<node>/onnx`. */
export function externalModels(fns: readonly (IRFunction | undefined)[], nodes: ReadonlyMap<string, ResolvedNode>): ExternalModel[] {
  const models = new Map<string, ExternalModel>();
  for (const fn of fns) {
    for (const param of fn?.params.slice(2) ?? []) {
      if (models.has(param.name) || !isExternalParam(param.name)) continue;
      const nodeId = param.name.slice(0, -'/onnx'.length);
      const value = nodes.get(nodeId)?.value;
      if (!isExternalModelValue(value)) throw new Error(`internal compiler error: field param '${param.name}' is bound to no imported model`);
      const { kind: _kind, ...model } = value;
      models.set(param.name, { ...model, name: param.name, nodeId });
    }
  }
  return [...models.values()];
}
