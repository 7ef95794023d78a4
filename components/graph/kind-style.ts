import type { GraphNodeKind } from '@/lib/graph/types';

/**
 * One look per kind; the icons are psp-util's, so the graph and the text tree read alike. Roles are
 * violet, not pink: red is kept for danger (privileged PSPs), and pink roles read as danger.
 */
export const KIND_STYLE: Record<GraphNodeKind, { icon: string; label: string; className: string }> = {
  PodSecurityPolicy: { icon: '📙', label: 'PSP', className: 'border-amber-500 bg-amber-50' },
  ClusterRole: { icon: '📕', label: 'ClusterRole', className: 'border-violet-400 bg-violet-50' },
  Role: { icon: '📓', label: 'Role', className: 'border-violet-300 bg-white' },
  ClusterRoleBinding: { icon: '📘', label: 'ClusterRoleBinding', className: 'border-sky-500 bg-sky-50' },
  RoleBinding: { icon: '📓', label: 'RoleBinding', className: 'border-sky-300 bg-white' },
  Group: { icon: '👥', label: 'Group', className: 'border-emerald-500 bg-emerald-50' },
  User: { icon: '👤', label: 'User', className: 'border-emerald-500 bg-emerald-50' },
  ServiceAccount: { icon: '🤖', label: 'ServiceAccount', className: 'border-emerald-400 bg-white' },
  Collapsed: { icon: '➕', label: 'collapsed', className: 'border-dashed border-slate-400 bg-slate-50' },
};

/** The same looks as colours, for the minimap and the SVG/PNG export (Tailwind's palette). */
export const KIND_COLORS: Record<GraphNodeKind, { fill: string; stroke: string }> = {
  PodSecurityPolicy: { fill: '#fffbeb', stroke: '#f59e0b' },
  ClusterRole: { fill: '#f5f3ff', stroke: '#a78bfa' },
  Role: { fill: '#ffffff', stroke: '#c4b5fd' },
  ClusterRoleBinding: { fill: '#f0f9ff', stroke: '#0ea5e9' },
  RoleBinding: { fill: '#ffffff', stroke: '#7dd3fc' },
  Group: { fill: '#ecfdf5', stroke: '#10b981' },
  User: { fill: '#ecfdf5', stroke: '#10b981' },
  ServiceAccount: { fill: '#ffffff', stroke: '#34d399' },
  Collapsed: { fill: '#f8fafc', stroke: '#94a3b8' },
};
export const PRIVILEGED_COLORS = { fill: '#fef2f2', stroke: '#dc2626' };
export const MISSING_COLORS = { fill: '#fff7ed', stroke: '#f97316' };
