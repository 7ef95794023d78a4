/**
 * The reference article's procedure (steps 3–5), by clicks on the demo cluster; then the exported
 * pending changes are applied to a real kube-apiserver v1.24 holding the same demo objects, and
 * both end in the article's final tree.
 */
import { expect, test, type Page } from '@playwright/test';
import { GraphPage, ARTIFACTS } from './pages/GraphPage';
import { startCluster, type TestCluster } from '../testenv/cluster';
import { clusterAvailable, createObjects, demoObjects, snapshotOf } from '../integration/support';
import { buildModel, type RawObject } from '../lib/sources/to-model';
import { renderTree } from '../lib/tree/render-tree';
import { parseAllDocuments } from 'yaml';
import path from 'node:path';
import { ARTICLE_FINAL_TREE } from '../lib/testing/article';
import { discardPending } from './pages/pending';
import { applyDialog } from './pages/change-dialog';

const FINAL_TREE = ARTICLE_FINAL_TREE;



async function attachTo(page: Page, graph: GraphPage, psp: string, kind: string, name: string) {
  await page.goto(`/?node=${encodeURIComponent(`PodSecurityPolicy//${psp}`)}`);
  await expect(graph.details).toBeVisible();
  await page.getByTestId('action-attach').click();
  await page.getByTestId('attach-kind').selectOption(kind);
  await page.getByTestId('attach-name').fill(name);
  await page.getByTestId('attach-submit').click();
  await applyDialog(page);
}

test.describe.serial('the article procedure by clicks', () => {
  test.beforeAll(async ({ browser }) => {
    const page = await browser.newPage();
    await page.goto('/');
    await discardPending(page);
    await page.close();
  });

  test.afterAll(async ({ browser }) => {
    const page = await browser.newPage();
    await page.goto('/');
    await discardPending(page);
    await page.close();
  });

  test('steps 3-5 end in the final tree, and the export applies cleanly to a real cluster', async ({ page }) => {
    test.setTimeout(180_000);
    const graph = new GraphPage(page);

    // 3-2: create the restricted PSP from the EKS best-practice template.
    await page.goto('/psps');
    await page.getByTestId('new-psp-template').click();
    await page.getByTestId('template-select').selectOption('restricted');
    await page.getByTestId('template-submit').click();
    await applyDialog(page);
    await expect(page.locator('[data-testid="psp-row"][data-name="restricted"]')).toBeVisible();

    // 4: delete the foreign binding eks:podsecuritypolicy:authenticated (needs confirmation).
    await graph.open();
    await graph.node('eks:podsecuritypolicy:authenticated').click();
    await page.getByTestId('action-delete-binding').click();
    await expect(page.getByTestId('acknowledge')).toContainText('not managed by psp-util or this dashboard');
    await applyDialog(page, { acknowledge: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'procedure-after-delete.png') });

    // 4-1 and 4-2: attach.
    await attachTo(page, graph, 'restricted', 'Group', 'system:authenticated');
    await attachTo(page, graph, 'restricted', 'Group', 'system:unauthenticated');
    await attachTo(page, graph, 'eks.privileged', 'Group', 'eks');
    await attachTo(page, graph, 'eks.privileged', 'Group', 'system:masters');

    // 4-2-2: the service accounts of kube-system's DaemonSets and Deployments, in one plan.
    await page.goto(`/?node=${encodeURIComponent('PodSecurityPolicy//eks.privileged')}`);
    await page.getByTestId('action-attach').click();
    await page.getByTestId('attach-kind').selectOption('Workloads');
    await page.getByTestId('attach-sa-namespace').selectOption('kube-system');
    await expect(page.getByTestId('attach-workloads').locator('li')).toHaveCount(4);
    await page.getByTestId('attach-submit').click();
    await expect(page.getByTestId('plan-operation')).toHaveCount(1);
    await page.screenshot({ path: path.join(ARTIFACTS, 'procedure-workloads-plan.png') });
    await applyDialog(page);

    await page.goto('/tree');
    await expect(page.getByTestId('tree-text')).toHaveText(FINAL_TREE);
    await page.screenshot({ path: path.join(ARTIFACTS, 'procedure-final-tree.png') });
    await graph.open();
    await page.screenshot({ path: path.join(ARTIFACTS, 'procedure-final-graph.png') });

    await page.goto('/changes');
    await expect(page.getByTestId('pending-history').locator('li')).toHaveCount(7);
    await page.screenshot({ path: path.join(ARTIFACTS, 'procedure-changes.png') });
    const yaml = await (await page.request.get('/api/v1/pending?format=yaml')).text();

    // The export against a real API server with the same starting objects.
    if (!clusterAvailable('1.24')) return;
    const cluster: TestCluster = await startCluster({ version: '1.24' });
    try {
      await createObjects(cluster, demoObjects());
      const deletions = [...yaml.matchAll(/^#\s+kubectl delete (\S+) (\S+)(?: -n (\S+))?$/gm)];
      expect(deletions.map((d) => `${d[1]} ${d[2]}`)).toEqual(['clusterrolebinding eks:podsecuritypolicy:authenticated']);
      for (const [, , name] of deletions) {
        expect((await cluster.request('admin', 'DELETE', `/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/${name}`)).status).toBe(200);
      }
      // kubectl apply --server-side, document by document.
      for (const doc of parseAllDocuments(yaml)) {
        const obj = doc.toJS() as RawObject | null;
        if (!obj) continue;
        const meta = obj.metadata as { name: string };
        const base = obj.kind === 'PodSecurityPolicy' ? '/apis/policy/v1beta1/podsecuritypolicies' : `/apis/rbac.authorization.k8s.io/v1/${String(obj.kind).toLowerCase()}s`;
        const res = await cluster.request('admin', 'PATCH', `${base}/${meta.name}?fieldManager=kubectl&force=true`, obj, { 'Content-Type': 'application/apply-patch+yaml' });
        expect(res.status, `${obj.kind} ${meta.name}: ${res.text.slice(0, 300)}`).toBeLessThan(300);
      }
      const objects = (await snapshotOf(cluster)).map((object) => ({ object, where: 'live' }));
      const model = buildModel({ objects, source: { kind: 'live', name: 'e2e', pspApiServed: true, state: 'live', readOnly: true }, computeAggregation: false });
      expect(renderTree(model)).toBe(FINAL_TREE);
    } finally {
      await cluster.stop();
    }
  });
});
