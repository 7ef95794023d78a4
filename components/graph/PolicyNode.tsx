'use client';
import { memo } from 'react';
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import type { GraphNode } from '@/lib/graph/types';
import { KIND_STYLE } from './kind-style';
import { NODE_HEIGHT, NODE_WIDTH } from '@/lib/graph/node-size';

/** A node as a person names it: "kind namespace/name" (not the raw `Kind/namespace/name` key). */
export function describeNode(node: GraphNode): string {
  if (node.kind === 'Collapsed') return `${node.name}${node.parent ? ` of ${describeId(node.parent)}` : ''}`;
  const style = KIND_STYLE[node.kind];
  return `${style?.label ?? node.kind} ${node.namespace ? `${node.namespace}/` : ''}${node.name}`;
}

/** The same, from a key `Kind/namespace/name` alone (the focus chip has only the URL's key). */
export function describeId(id: string): string {
  const [kind, namespace, ...rest] = id.split('/');
  const name = rest.join('/');
  if (!kind || rest.length === 0) return id;
  const label = (KIND_STYLE as Record<string, { label: string } | undefined>)[kind]?.label ?? kind;
  return `${label} ${namespace ? `${namespace}/` : ''}${name}`;
}

/** The tooltip: the name, and what its colour and badges mean. */
function tooltip(node: GraphNode): string {
  const notes = [
    node.privileged && 'privileged: allows critical privileged settings',
    node.wildcard && 'wildcard: grants use of PSPs through * or empty resourceNames',
    node.missing && 'missing: referred to, but not in the cluster',
  ].filter(Boolean);
  if (node.kind === 'Collapsed') return `${describeNode(node)}: press Enter or click to open`;
  return [describeNode(node), ...notes].join('\n');
}

export type PolicyFlowNode = Node<{ node: GraphNode; selected: boolean; dimmed: boolean }, 'policy'>;

function Badge({ text, tone }: { text: string; tone: 'red' | 'orange' | 'gray' }) {
  const cls = tone === 'red' ? 'bg-red-600 text-white' : tone === 'orange' ? 'bg-orange-500 text-white' : 'bg-slate-500 text-white';
  return <span className={`rounded px-1 text-[10px] font-semibold uppercase leading-4 ${cls}`}>{text}</span>;
}

function PolicyNodeView({ data }: NodeProps<PolicyFlowNode>) {
  const { node, selected } = data;
  const style = KIND_STYLE[node.kind];
  const ring = selected ? 'ring-2 ring-indigo-500' : '';
  const alarm = node.privileged ? 'border-red-600 bg-red-50' : node.missing ? 'border-orange-500 bg-orange-50 border-dashed' : style.className;
  return (
    <div
      data-testid="graph-node"
      data-kind={node.kind}
      data-name={node.name}
      className={`flex flex-col justify-center rounded-md border-2 px-2 text-left shadow-sm ${alarm} ${ring}`}
      style={{ width: NODE_WIDTH, height: NODE_HEIGHT }}
      title={tooltip(node)}
    >
      <Handle type="target" position={Position.Left} className="!h-1 !min-h-0 !w-1 !min-w-0 !border-0 !bg-transparent" isConnectable={false} />
      <div className="flex items-center gap-1 text-[10px] uppercase tracking-wide text-slate-500">
        <span aria-hidden>{style.icon}</span>
        <span>{style.label}</span>
        {node.namespace && <span className="truncate normal-case text-slate-600">· {node.namespace}</span>}
        <span className="ml-auto flex gap-1">
          {node.privileged && <Badge text="privileged" tone="red" />}
          {node.wildcard && <Badge text="wildcard" tone="orange" />}
          {node.missing && <Badge text="missing" tone="orange" />}
        </span>
      </div>
      <div className="truncate text-sm font-medium text-slate-900">{node.name}</div>
      <Handle type="source" position={Position.Right} className="!h-1 !min-h-0 !w-1 !min-w-0 !border-0 !bg-transparent" isConnectable={false} />
    </div>
  );
}

export const PolicyNode = memo(PolicyNodeView);
