import type { GraphNodeKind } from '@/lib/graph/types';

/** One look per kind; the icons are psp-util's, so the graph and the text tree read alike. */
export const KIND_STYLE: Record<GraphNodeKind, { icon: string; label: string; className: string }> = {
  PodSecurityPolicy: { icon: '📙', label: 'PSP', className: 'border-amber-500 bg-amber-50' },
  ClusterRole: { icon: '📕', label: 'ClusterRole', className: 'border-rose-400 bg-rose-50' },
  Role: { icon: '📓', label: 'Role', className: 'border-rose-300 bg-white' },
  ClusterRoleBinding: { icon: '📘', label: 'ClusterRoleBinding', className: 'border-sky-500 bg-sky-50' },
  RoleBinding: { icon: '📓', label: 'RoleBinding', className: 'border-sky-300 bg-white' },
  Group: { icon: '👥', label: 'Group', className: 'border-emerald-500 bg-emerald-50' },
  User: { icon: '👤', label: 'User', className: 'border-emerald-500 bg-emerald-50' },
  ServiceAccount: { icon: '🤖', label: 'ServiceAccount', className: 'border-emerald-400 bg-white' },
  Collapsed: { icon: '➕', label: 'collapsed', className: 'border-dashed border-slate-400 bg-slate-50' },
};
