import type { NodeTypes } from '@xyflow/react';
import { PolicyNode } from './PolicyNode';

// Module constants: React Flow re-mounts every node when it sees a new nodeTypes object.
export const nodeTypes: NodeTypes = { policy: PolicyNode };
