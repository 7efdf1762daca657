/** Drag-and-drop from the palette: the node type travels under this MIME type. */
export const PALETTE_MIME = 'application/x-sde-studio-node';
