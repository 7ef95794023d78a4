/** Fixed node sizes: layout needs no DOM measurement, and the worker can run before anything renders. */
export const NODE_WIDTH = 240;
export const NODE_HEIGHT = 58;

/** ELK's layered algorithm, left to right: PSP → role → binding → subject. */
export const ELK_OPTIONS: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.layered.spacing.nodeNodeBetweenLayers': '90',
  'elk.spacing.nodeNode': '18',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  'elk.layered.crossingMinimization.strategy': 'LAYER_SWEEP',
  'elk.separateConnectedComponents': 'true',
  'elk.spacing.componentComponent': '40',
};
