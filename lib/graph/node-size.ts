/** Fixed node sizes: layout needs no DOM measurement, so it runs on the server before anything renders. */
export const NODE_WIDTH = 240;
export const NODE_HEIGHT = 58;
