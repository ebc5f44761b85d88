import { PageTab, TabbedPage } from '../shared';
import { DecidedTab } from './DecidedTab';
import { OutOfOfficeTab } from './OutOfOfficeTab';
import { WaitingTab } from './WaitingTab';

const TABS: PageTab[] = [
  { path: '/', label: 'Waiting for me', Panel: WaitingTab },
  { path: '/decided', label: 'Decided', Panel: DecidedTab },
  {
    path: '/out-of-office',
    label: 'Out of office',
    Panel: OutOfOfficeTab,
  },
];

/**
 * The requests waiting for the signed-in user's decision, those they
 * decided on, and who decides for them while they are away.
 *
 * @internal
 */
export function ApprovalsPage() {
  return <TabbedPage title="Approvals" tabs={TABS} />;
}
