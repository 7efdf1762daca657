/**
 * ONNX support for score networks: our own protobuf encoding of the ONNX schema, export of a
 * `DenseNetwork` (inputs x [N, d], t [N, 1] → score [N, d]), import of MLP-shaped models (ours and
 * PyTorch's), a summary for the UI, and a runner on onnxruntime-web (loaded only when called).
 *
 * @example
 * const bytes = exportNetworkOnnx(net);
 * const again = importNetworkOnnx(bytes, { inputDim: net.inputDim });
 * const { score } = await runOnnx(bytes, { x: { data: xs, dims: [n, d] }, t: { data: ts, dims: [n, 1] } });
 */
export { NETWORK_ACTIVATIONS, type NetworkActivation } from './activations.ts';
export { exportNetworkOnnx, networkGraph, networkMetadata, NETWORK_METADATA_KEY, type ExportNetworkOptions, type NetworkMetadata } from './exportNetwork.ts';
export { importNetworkOnnx, inspectOnnx, OnnxImportError, type ImportExpectations, type OnnxSummary, type OnnxValueSummary } from './importNetwork.ts';
export { decodeModel, encodeModel, IR_VERSION, OPSET_VERSION, type OnnxGraph, type OnnxModel, type OnnxNode, type OnnxTensor, type OnnxValueInfo } from './model.ts';
export { assertValidNetwork, evaluateNetwork, networkProblems, timeFeatureCount, type DenseLayer, type DenseNetwork, type TimeFeatures } from './network.ts';
export { OnnxFormatError } from './protobuf.ts';
export { openOnnx, runOnnx, type OnnxRunner, type OrtFloatTensor } from './runOrt.ts';
