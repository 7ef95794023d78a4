/**
 * The audit, the admission simulator and the per-namespace view on the demo cluster (EKS as shipped:
 * eks.privileged usable by system:authenticated). Screenshots go to e2e/artifacts/.
 */
import { expect, test } from '@playwright/test';
import path from 'node:path';
import { AuditPage, SimulatePage } from './pages/AuditPage';
import { ARTIFACTS } from './pages/GraphPage';
import { serve } from './pages/serve';
import { DEMO_PATH } from '../lib/testing/demo';
import { discardPending } from './pages/pending';

const PRIVILEGED_POD = `apiVersion: v1
kind: Pod
metadata:
  name: root-shell
spec:
  containers:
  - name: shell
    image: busybox
    securityContext:
      privileged: true
`;


test.describe.serial('audit, simulate and namespaces on the demo', () => {
  // Another spec may have left pending changes in the demo's memory; this one starts and ends clean.
  test.beforeAll(async ({ browser }) => {
    const page = await browser.newPage();
    await page.goto('/api/v1/cluster');
    await discardPending(page);
    await page.close();
  });
  test.afterAll(async ({ browser }) => {
    const page = await browser.newPage();
    await page.goto('/api/v1/cluster');
    await discardPending(page);
    await page.close();
  });

  test('the audit shows eks.privileged usable by system:authenticated as critical, with its chain and fix', async ({ page }) => {
    const audit = new AuditPage(page);
    await audit.open();
    const critical = page.getByTestId('severity-critical').getByTestId('finding');
    await expect(critical).toHaveCount(1);
    const finding = audit.finding('eks.privileged usable by system:authenticated');
    await expect(finding).toHaveAttribute('data-severity', 'critical');
    await expect(finding.getByTestId('evidence').first()).toHaveAttribute(
      'data-chain',
      'Group//system:authenticated → ClusterRoleBinding//eks:podsecuritypolicy:authenticated → ClusterRole//eks:podsecuritypolicy:privileged → PodSecurityPolicy//eks.privileged',
    );
    await expect(finding.getByTestId('fix-request')).toHaveText('DELETE /api/v1/bindings/ClusterRoleBinding/eks:podsecuritypolicy:authenticated');
    await expect(finding.getByTestId('fix-impact')).toContainText('refuses the next pods of 11 workloads');
    await expect(page.getByTestId('audit-summary').locator('[data-severity="critical"]')).toHaveText('Critical: 1');
    await audit.shot('audit-demo');
    await page.emulateMedia({ media: 'print' });
    await expect(page.getByTestId('apply-fix').first()).toBeHidden();
    await audit.shot('audit-print');
    await page.emulateMedia({ media: 'screen' });
  });

  test('the exports download the same findings', async ({ page }) => {
    const md = await page.request.get('/api/v1/audit?format=md');
    expect(md.headers()['content-type']).toContain('text/markdown');
    expect(await md.text()).toContain('### eks.privileged usable by system:authenticated');
    const csv = await page.request.get('/api/v1/audit?format=csv');
    expect((await csv.text()).split('\r\n')[1]).toMatch(/^critical,privileged-psp-broad-grant,/);
  });

  test('Apply fix previews the deletion through the change dialog, and applying it clears the critical finding', async ({ page }) => {
    const audit = new AuditPage(page);
    await audit.open();
    await audit.finding('eks.privileged usable by system:authenticated').getByTestId('apply-fix').click();
    await expect(page.getByTestId('change-dialog')).toBeVisible();
    // The binding is EKS's, not ours: the server asks for a confirmation first.
    await page.getByTestId('acknowledge-checkbox').check();
    await expect(page.getByTestId('plan-operation')).toContainText('ClusterRoleBinding');
    await audit.shot('audit-fix-dialog', false);
    await page.getByTestId('apply-change').click();
    await expect(page.getByTestId('change-result')).toBeVisible();
    await page.getByTestId('change-dialog').getByRole('button', { name: 'Close' }).first().click();
    await expect(page.getByTestId('severity-critical')).toHaveCount(0);
    // As the impact said: nothing may use eks.privileged any more, so every workload is refused (one finding per namespace).
    await expect(page.getByTestId('severity-high').getByTestId('finding')).toHaveCount(4);
    await expect(audit.finding('4 workloads in kube-system would be refused').getByTestId('fix-request')).toContainText('POST /api/v1/attach');
    await audit.shot('audit-after-fix');
    await discardPending(page);
  });

  test('simulate predicts eks.privileged for a privileged pod in namespace shop, and says why', async ({ page }) => {
    const simulate = new SimulatePage(page);
    await simulate.open();
    await simulate.simulateManifest(PRIVILEGED_POD, 'shop');
    await expect(page.getByTestId('simulate-psp')).toHaveText('eks.privileged');
    await expect(page.getByTestId('simulate-privileged')).toBeVisible();
    await expect(page.getByTestId('simulate-no-mutations')).toBeVisible();
    await expect(page.locator('[data-testid="simulate-evaluation"][data-psp="eks.privileged"]')).toHaveAttribute('data-verdict', 'chosen');
    await page.screenshot({ path: 'e2e/artifacts/simulate-privileged-pod.png', fullPage: true });

    // Only the pod's service account asked: it is not system:authenticated, so the pod is refused.
    await page.getByTestId('requester-none').check();
    await page.getByTestId('simulate-submit').click();
    await expect(page.getByTestId('simulate-refused')).toContainText('pods "root-shell" is forbidden: PodSecurityPolicy: unable to admit pod: []');
    await page.screenshot({ path: 'e2e/artifacts/simulate-refused.png', fullPage: true });
  });

  test('the namespaces view lists each workload with its PSP; "why?" opens the simulation', async ({ page }) => {
    await page.goto('/namespaces');
    const shop = page.locator('[data-testid="namespace-outcomes"][data-namespace="shop"]');
    await expect(shop.getByTestId('workload-outcome')).toHaveCount(3);
    await expect(shop.locator('[data-name="web"]')).toHaveAttribute('data-psp', 'eks.privileged');
    await expect(page.getByTestId('namespaces-summary')).toContainText('11 under a privileged PSP');
    await page.screenshot({ path: 'e2e/artifacts/namespaces.png', fullPage: true });
    await shop.locator('[data-name="web"]').getByRole('link', { name: 'why?' }).click();
    await expect(page).toHaveURL(/\/simulate\?workload=Deployment%2Fshop%2Fweb/);
    await expect(page.getByTestId('simulate-psp')).toHaveText('eks.privileged');
    await expect(page.getByTestId('simulate-result')).toContainText('system:serviceaccount:kube-system:replicaset-controller');
    await page.screenshot({ path: 'e2e/artifacts/simulate-workload.png', fullPage: true });
  });

  test('mid-procedure: restricted for the shop service accounts is shadowed by eks.privileged; a pod asked through its service account only shows the defaults as a diff', async ({ page }) => {
    const { token } = await (await page.request.get('/api/v1/csrf')).json();
    const headers = { 'x-csrf-token': token };
    expect((await page.request.post('/api/v1/psps', { headers, data: { template: 'restricted', name: 'restricted' } })).status()).toBe(200);
    expect((await page.request.post('/api/v1/attach', { headers, data: { psp: 'restricted', subject: { kind: 'Group', name: 'system:serviceaccounts:shop' } } })).status()).toBe(200);
    try {
      const audit = new AuditPage(page);
      await audit.open();
      const shadowed = audit.finding('restricted is shadowed by eks.privileged');
      await expect(shadowed).toHaveAttribute('data-severity', 'high');
      await expect(shadowed).toContainText('Deployment shop/web: gets eks.privileged, would pass restricted after defaulting');
      await shadowed.scrollIntoViewIfNeeded();
      await audit.shot('audit-shadowed', false);

      const simulate = new SimulatePage(page);
      await simulate.open();
      await page.getByTestId('requester-none').check();
      await simulate.simulateManifest('apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n  - {name: nginx, image: nginx}\n', 'shop');
      await expect(page.getByTestId('simulate-psp')).toHaveText('restricted');
      await expect(page.getByTestId('simulate-mutations')).toContainText('+ spec.containers[0].securityContext.runAsNonRoot: true');
      await expect(page.locator('[data-testid="simulate-evaluation"][data-psp="eks.privileged"]')).toHaveAttribute('data-verdict', 'not-authorized');
      await page.screenshot({ path: path.join(ARTIFACTS, 'simulate-mutations.png'), fullPage: true });
    } finally {
      await discardPending(page);
    }
  });

  test('the nav reaches every view; the graph stays the landing page when changes are allowed', async ({ page }) => {
    await page.goto('/');
    await expect(page).toHaveURL(/\/$/);
    await page.getByTestId('nav-audit').click();
    await expect(page.getByTestId('audit-report')).toBeVisible();
    await page.getByTestId('nav-simulate').click();
    await expect(page.getByTestId('simulate-form')).toBeVisible();
  });
});

test('read-only mode and snapshots land on the audit, with no fix buttons; the graph stays one click away', async ({ page }) => {
  const readOnly = await serve(3933, ['--demo', '--read-only']);
  try {
    await page.goto('http://127.0.0.1:3933/');
    await expect(page).toHaveURL('http://127.0.0.1:3933/audit');
    await expect(new AuditPage(page).finding('eks.privileged usable by system:authenticated')).toBeVisible();
    await expect(page.getByTestId('finding-fix').first()).toBeVisible();
    await expect(page.getByTestId('apply-fix')).toHaveCount(0);
    // Auditors hand fixes on: the same change as a kubectl command.
    await expect(page.getByTestId('fix-kubectl').first()).toHaveText('kubectl delete clusterrolebinding eks:podsecuritypolicy:authenticated');
    await page.screenshot({ path: path.join(ARTIFACTS, 'audit-read-only.png'), fullPage: true });
    await page.getByTestId('nav-graph').click();
    await expect(page).toHaveURL(/\/\?view=graph$/);
    await expect(page.getByTestId('graph-node').first()).toBeVisible();
  } finally {
    readOnly.kill();
  }
  const snapshot = await serve(3934, ['--snapshot', DEMO_PATH]);
  try {
    await page.goto('http://127.0.0.1:3934/');
    await expect(page).toHaveURL('http://127.0.0.1:3934/audit');
    await expect(page.getByTestId('severity-critical').getByTestId('finding')).toHaveCount(1);
  } finally {
    snapshot.kill();
  }
});
