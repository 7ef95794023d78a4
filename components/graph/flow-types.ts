import type { NodeTypes } from '@xyflow/react';
import { PolicyNode } from './PolicyNode';
import { PspCardNode } from './PspCardNode';

// Module constants: React Flow re-mounts every node when it sees a new nodeTypes object.
export const nodeTypes: NodeTypes = { policy: PolicyNode, pspCard: PspCardNode };
